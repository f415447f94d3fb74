"""Typed cells shown in pages and PDFs, in the reader's language (« 25 % », « 3,5 »)."""

from __future__ import annotations

from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

from .export import Cell, CellType


def _pattern(decimals: int) -> str:
    return "#,##0." + "0" * decimals if decimals else "#,##0"


def cell_text(cell: Cell) -> str:
    if cell.type is CellType.EMPTY:
        return ""
    if cell.type is CellType.INTEGER:
        return format_decimal(cell.value)
    if cell.type is CellType.NUMBER:
        return format_decimal(cell.value, _pattern(cell.decimals))
    if cell.type is CellType.PERCENT:
        # The locale's own pattern (« 25 % » in French, « 25% » in English), with decimals.
        pattern = get_locale().percent_formats[None].pattern
        if cell.decimals:
            pattern = pattern.replace("#,##0", _pattern(cell.decimals), 1)
        return format_percent(cell.value, pattern)
    if cell.type is CellType.DATE:
        return format_date(cell.value, "medium")
    if cell.type is CellType.DATETIME:
        return format_datetime(cell.value, "short", rebase=False)  # already local time
    return str(cell.value)


def init_app(app) -> None:
    app.add_template_filter(cell_text, "report_cell")
