"""CSV writer (standard library): one file, every sheet in order, as French spreadsheets expect.

- UTF-8 with a byte-order mark, so Excel and LibreOffice open French accents correctly.
- Separator ``;`` and decimal comma (``3,5``): what a spreadsheet set to French reads as
  numbers (with ``,`` as separator, Excel in French would read ``3.5`` as text).
- Integers as digits, numbers with their decimals, percentages as ``25%`` (read back
  as a percentage), dates in ISO (``2026-03-05``), date-times as
  ``2026-03-05 14:00``: the forms every spreadsheet recognises.
- Several sheets go one after another in the same file: each starts with its title and
  header lines, each table with its caption and column headers; an empty row separates
  them. One file keeps a report whole (no zip to unpack); ``sheets=`` writes only some.
- Formula injection (OWASP): a text starting with ``= + - @``, tab or CR is written with a
  leading apostrophe (``'=HYPERLINK(…)``), which spreadsheet programs show as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .model import Cell, CellType, Sheet, Workbook, is_dangerous

BOM = "\ufeff"
DELIMITER = ";"


def safe_text(value: str) -> str:
    return "'" + value if is_dangerous(value) else value


def _number(value, decimals: int) -> str:
    return f"{float(value):.{decimals}f}".replace(".", ",")


def format_cell(cell: Cell) -> str:
    if cell.type is CellType.EMPTY:
        return ""
    if cell.type is CellType.INTEGER:
        return str(cell.value)
    if cell.type is CellType.NUMBER:
        return _number(cell.value, cell.decimals)
    if cell.type is CellType.PERCENT:
        return _number(cell.value * 100, cell.decimals) + "%"
    if cell.type is CellType.DATE:
        return cell.value.isoformat()
    if cell.type is CellType.DATETIME:
        return cell.value.strftime("%Y-%m-%d %H:%M")
    return safe_text(str(cell.value))  # text, suppressed


def _sheet_rows(sheet: Sheet) -> Iterable[list[str]]:
    yield [safe_text(sheet.title)]
    for line in sheet.lines:
        yield [safe_text(line)]
    for table in sheet.tables:
        yield []
        if table.caption:
            yield [safe_text(table.caption)]
        yield [safe_text(c) for c in table.columns]
        for row in table.rows:
            yield [format_cell(c) for c in row]
        for note in table.notes:
            yield [safe_text(note)]


def to_csv(workbook: Workbook, sheets: Iterable[Sheet] | None = None) -> bytes:
    """The workbook (or the given sheets of it) as one CSV file, UTF-8 with BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    for index, sheet in enumerate(workbook.sheets if sheets is None else sheets):
        if index:
            writer.writerow([])
        writer.writerows(_sheet_rows(sheet))
    return (BOM + out.getvalue()).encode("utf-8")
