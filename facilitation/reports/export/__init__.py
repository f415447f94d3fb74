"""The shared export module: one tabular document, written as CSV, ODS or XLSX.

Build a :class:`Workbook` of :class:`Sheet` s (title, header lines, tables of typed cells),
then ``write(workbook, "ods")``. Every report of the app goes through here, so each
format is safe against formula injection and keeps numbers as numbers and dates as
dates. ``reports/download.py`` sends the file (audited, as an attachment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .csv_writer import to_csv
from .model import (
    EMPTY,
    Cell,
    CellType,
    Sheet,
    Table,
    Workbook,
    cell,
    day,
    integer,
    is_dangerous,
    moment,
    number,
    percent,
    share,
    suppressed,
    text,
)
from .ods_writer import to_ods
from .xlsx_writer import to_xlsx


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    mimetype: str
    write: Callable[[Workbook], bytes]


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "csv", "text/csv; charset=utf-8", to_csv),
    "ods": Format("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet", to_ods),
    "xlsx": Format(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        to_xlsx,
    ),
}


def write(workbook: Workbook, fmt: str) -> bytes:
    """The workbook as a file of this format (``csv``, ``ods`` or ``xlsx``)."""
    return FORMATS[fmt].write(workbook)


__all__ = [
    "EMPTY",
    "FORMATS",
    "Cell",
    "CellType",
    "Format",
    "Sheet",
    "Table",
    "Workbook",
    "cell",
    "day",
    "integer",
    "is_dangerous",
    "moment",
    "number",
    "percent",
    "share",
    "suppressed",
    "text",
    "to_csv",
    "to_ods",
    "to_xlsx",
    "write",
]
