"""XLSX writer (XlsxWriter): one worksheet per sheet, typed cells, French display formats.

XlsxWriter is write-only, has no dependencies and is actively maintained; every cell is
written with its explicit method (``write_string``, ``write_number``, ``write_datetime``)
and the automatic conversions (strings to formulas, numbers or links) are off. A text that
begins with ``= + - @``, tab or CR is a string cell with Excel's *quote prefix*, so it
stays text even when someone edits it later (formula injection, OWASP).
"""

from __future__ import annotations

import io
from datetime import date, datetime

import xlsxwriter

from .csv_writer import format_cell
from .model import Cell, CellType, Sheet, Workbook, is_dangerous

OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self._cache: dict = {}
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.line = book.add_format({"italic": True})
        self.caption = book.add_format({"bold": True, "font_size": 11})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#E8E8E8", "text_wrap": True, "valign": "top"}
        )

    def get(self, kind: str, decimals: int = 0, quote: bool = False):
        key = (kind, decimals, quote)
        if key not in self._cache:
            spec = {"valign": "top"}
            if kind == "text":
                spec["text_wrap"] = True
                spec["quote_prefix"] = quote
            elif kind == "integer":
                spec["num_format"] = "0"
            elif kind == "number":
                spec["num_format"] = "0." + "0" * decimals if decimals else "0"
            elif kind == "percent":
                spec["num_format"] = ("0." + "0" * decimals if decimals else "0") + "%"
            elif kind == "date":
                spec["num_format"] = "dd/mm/yyyy"
            elif kind == "datetime":
                spec["num_format"] = "dd/mm/yyyy hh:mm"
            self._cache[key] = self.book.add_format(spec)
        return self._cache[key]


def _write_text(ws, row: int, col: int, value: str, formats: _Formats, fmt=None) -> None:
    quote = is_dangerous(value)
    if fmt is None or quote:
        fmt = formats.get("text", quote=quote)
    ws.write_string(row, col, value, fmt)


def _write(ws, row: int, col: int, cell: Cell, formats: _Formats) -> None:
    if cell.type is CellType.EMPTY:
        ws.write_blank(row, col, None, formats.get("text"))
    elif cell.type in (CellType.TEXT, CellType.SUPPRESSED):
        _write_text(ws, row, col, str(cell.value), formats)
    elif cell.type in (CellType.INTEGER, CellType.NUMBER, CellType.PERCENT):
        ws.write_number(row, col, float(cell.value), formats.get(cell.type.value, cell.decimals))
    elif cell.type is CellType.DATE:
        value: date = cell.value
        midnight = datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, midnight, formats.get("date"))
    else:
        ws.write_datetime(row, col, cell.value, formats.get("datetime"))


def _sheet(book: xlsxwriter.Workbook, sheet: Sheet, formats: _Formats) -> None:
    ws = book.add_worksheet(sheet.name)
    widths: dict[int, int] = {}
    row = 0
    _write_text(ws, row, 0, sheet.title, formats, formats.title)
    for line in sheet.lines:
        row += 1
        _write_text(ws, row, 0, line, formats, formats.line)
    for table in sheet.tables:
        row += 2
        if table.caption:
            _write_text(ws, row, 0, table.caption, formats, formats.caption)
            row += 1
        for col, name in enumerate(table.columns):
            _write_text(ws, row, col, name, formats, formats.header)
            widths[col] = max(widths.get(col, 8), len(name))
        for cells in table.rows:
            row += 1
            for col, cell in enumerate(cells):
                _write(ws, row, col, cell, formats)
                widths[col] = max(widths.get(col, 8), len(format_cell(cell)))
        for note in table.notes:
            row += 1
            _write_text(ws, row, 0, note, formats, formats.line)
    for col, width in widths.items():
        ws.set_column(col, col, min(width + 2, 60))


def to_xlsx(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, OPTIONS)
    book.set_properties({"title": workbook.title})
    formats = _Formats(book)
    for sheet in workbook.sheets:
        _sheet(book, sheet, formats)
    book.close()
    return out.getvalue()
