"""A tabular document: a workbook of named sheets, each a few tables of typed cells.

Built once by a report (a session's compte rendu, the indicators of a year…) and written
as CSV, ODS or XLSX by the writers next to this module, so every format holds the same
figures. A cell knows its type — text, integer, number, percentage, date, date and time,
or a *suppressed* small count shown as text ("< 5") — and each writer turns it into that
format's own typed cell: numbers stay numbers and dates stay dates.

Texts that a spreadsheet would run as a formula (OWASP "CSV injection": a first
character among ``= + - @``, tab or carriage return) are flagged by :func:`is_dangerous`;
each writer neutralises them as plain text (see the writers' docstrings).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# OWASP: cells starting with these are read as formulas by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31  # XLSX's limit (ODS has none); names are kept short for both
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


class CellType(enum.StrEnum):
    EMPTY = "empty"
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"  # decimal, shown with `decimals` digits
    PERCENT = "percent"  # a fraction (0.25), shown as 25 %
    DATE = "date"
    DATETIME = "datetime"  # local wall-clock time of the structure, no time zone
    SUPPRESSED = "suppressed"  # a small count hidden for privacy, shown as its text


@dataclass(frozen=True)
class Cell:
    type: CellType
    value: Any = None
    decimals: int = 0

    @property
    def is_number(self) -> bool:
        return self.type in (CellType.INTEGER, CellType.NUMBER, CellType.PERCENT)


def is_dangerous(value: str) -> bool:
    """Would a spreadsheet program read this text as a formula (or a command)?"""
    return value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS)


EMPTY = Cell(CellType.EMPTY)


def text(value: Any) -> Cell:
    return EMPTY if value is None else Cell(CellType.TEXT, str(value))


def integer(value: int | None) -> Cell:
    return EMPTY if value is None else Cell(CellType.INTEGER, int(value))


def number(value: float | Decimal | None, decimals: int = 1) -> Cell:
    return EMPTY if value is None else Cell(CellType.NUMBER, value, decimals)


def percent(fraction: float | Decimal | None, decimals: int = 0) -> Cell:
    """A share, given as a fraction: ``percent(0.25)`` is shown as 25 %."""
    return EMPTY if fraction is None else Cell(CellType.PERCENT, fraction, decimals)


def share(part: int, whole: int, decimals: int = 0) -> Cell:
    """``part`` out of ``whole`` as a percentage (empty when ``whole`` is zero)."""
    return percent(part / whole if whole else None, decimals)


def day(value: date | None) -> Cell:
    return EMPTY if value is None else Cell(CellType.DATE, value)


def moment(value: datetime | None, timezone=None) -> Cell:
    """A date and time. An aware datetime is shown in ``timezone`` (the structure's)."""
    if value is None:
        return EMPTY
    if value.tzinfo is not None:
        if timezone is None:
            from flask_babel import get_timezone

            timezone = get_timezone()
        value = value.astimezone(timezone).replace(tzinfo=None)
    return Cell(CellType.DATETIME, value)


def suppressed(label: str) -> Cell:
    """A count hidden for privacy (small-cell suppression), shown as ``label`` ("< 5")."""
    return Cell(CellType.SUPPRESSED, label)


def cell(value: Any) -> Cell:
    """A cell from a plain value: int → integer, float/Decimal → number, date, datetime…"""
    if isinstance(value, Cell):
        return value
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        raise TypeError("say what a yes/no means in words: text(_('yes'))")
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, float | Decimal):
        return number(value)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return text(value)


@dataclass
class Table:
    """Column headers and rows of typed cells, with an optional caption and notes."""

    columns: list[str]
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines under the table: totals, sources

    def row(self, *values: Any) -> list[Cell]:
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} cells for {len(self.columns)} columns")
        cells = [cell(v) for v in values]
        self.rows.append(cells)
        return cells


@dataclass
class Sheet:
    """One sheet (one tab; one part of a CSV file): a title, header lines, tables."""

    name: str
    title: str
    lines: list[str] = field(default_factory=list)  # period, scope, definitions…
    tables: list[Table] = field(default_factory=list)

    def table(self, columns: list[str], caption: str = "") -> Table:
        table = Table(columns=[str(c) for c in columns], caption=str(caption))
        self.tables.append(table)
        return table


@dataclass
class Workbook:
    """The document: a title (for file properties) and its sheets, in order."""

    title: str
    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, name: str, title: str | None = None, lines: list[str] = ()) -> Sheet:
        sheet = Sheet(
            name=self._unique_name(name), title=str(title or name), lines=[str(x) for x in lines]
        )
        self.sheets.append(sheet)
        return sheet

    def _unique_name(self, name: str) -> str:
        """A valid sheet name for ODS and XLSX: no []:*?/\\, at most 31 characters, unique."""
        base = _SHEET_NAME_FORBIDDEN.sub(" ", str(name)).strip(" '") or "Feuille"
        base = " ".join(base.split())[:SHEET_NAME_MAX].rstrip(" '")
        taken = {s.name.casefold() for s in self.sheets}
        candidate, n = base, 2
        while candidate.casefold() in taken:
            suffix = f" ({n})"
            candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip(" '") + suffix
            n += 1
        return candidate
