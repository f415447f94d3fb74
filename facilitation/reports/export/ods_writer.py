"""ODS writer (odfpy): one table per sheet, typed cells, French number and date display.

Numbers are ``float`` cells, percentages ``percentage`` cells (the fraction, shown as
25 %), dates ``date`` cells with a day/month/year style. Every text is a ``string`` cell
whose content is a paragraph, never a ``table:formula``: a note beginning with ``=`` is
shown as typed and nothing is computed (formula injection, OWASP).
"""

from __future__ import annotations

import io

from odf import number as nb
from odf import teletype
from odf.dc import Title
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    Style,
    TableCellProperties,
    TableColumnProperties,
    TextProperties,
)
from odf.table import Table as OdsTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import P

from .csv_writer import format_cell
from .model import Cell, CellType, Sheet, Workbook


class _Styles:
    """The automatic styles a document needs, created once per document."""

    def __init__(self, doc: OpenDocumentSpreadsheet):
        self.doc = doc
        self._cache: dict = {}
        language = TextProperties(language="fr", country="FR")
        default = Style(name="Default", family="table-cell")
        default.addElement(language)
        doc.styles.addElement(default)
        # Titles and lines run over the empty cells to their right; table cells wrap.
        self.title = self._text_style("t-title", wrap=False, fontsize="14pt", fontweight="bold")
        self.line = self._text_style("t-line", wrap=False, fontstyle="italic")
        self.caption = self._text_style("t-caption", wrap=False, fontweight="bold")
        self.header = self._text_style("t-head", fontweight="bold", background="#e8e8e8")
        self.wrap = self._text_style("t-wrap")

    def _text_style(self, name, *, wrap=True, background=None, **text) -> Style:
        style = Style(name=name, family="table-cell")
        cell = {"verticalalign": "top", "wrapoption": "wrap" if wrap else "no-wrap"}
        if background:
            cell["backgroundcolor"] = background
        style.addElement(TableCellProperties(**cell))
        if text:
            style.addElement(TextProperties(**text))
        self.doc.automaticstyles.addElement(style)
        return style

    def for_cell(self, cell: Cell) -> Style | None:
        key = (cell.type, cell.decimals)
        if cell.type in (CellType.TEXT, CellType.SUPPRESSED, CellType.EMPTY):
            return self.wrap
        if key in self._cache:
            return self._cache[key]
        n = len(self._cache)
        data_name = f"d{n}"
        if cell.type is CellType.INTEGER:
            data = nb.NumberStyle(name=data_name)
            data.addElement(nb.Number(decimalplaces="0", minintegerdigits="1"))
        elif cell.type is CellType.NUMBER:
            data = nb.NumberStyle(name=data_name)
            data.addElement(nb.Number(decimalplaces=str(cell.decimals), minintegerdigits="1"))
        elif cell.type is CellType.PERCENT:
            data = nb.PercentageStyle(name=data_name)
            data.addElement(nb.Number(decimalplaces=str(cell.decimals), minintegerdigits="1"))
            data.addElement(nb.Text(text="\u00a0%"))
        else:  # date, datetime: 05/03/2026 (14:00)
            data = nb.DateStyle(name=data_name)
            data.addElement(nb.Day(style="long"))
            data.addElement(nb.Text(text="/"))
            data.addElement(nb.Month(style="long"))
            data.addElement(nb.Text(text="/"))
            data.addElement(nb.Year(style="long"))
            if cell.type is CellType.DATETIME:
                data.addElement(nb.Text(text=" "))
                data.addElement(nb.Hours(style="long"))
                data.addElement(nb.Text(text=":"))
                data.addElement(nb.Minutes(style="long"))
        self.doc.automaticstyles.addElement(data)
        style = Style(name=f"c{n}", family="table-cell", datastylename=data_name)
        style.addElement(TableCellProperties(verticalalign="top"))
        self.doc.automaticstyles.addElement(style)
        self._cache[key] = style
        return style

    def column(self, width_cm: float) -> Style:
        key = ("column", round(width_cm, 1))
        if key not in self._cache:
            style = Style(name=f"col{len(self._cache)}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width_cm:.1f}cm"))
            self.doc.automaticstyles.addElement(style)
            self._cache[key] = style
        return self._cache[key]


def _text_cell(value: str, style: Style) -> TableCell:
    element = TableCell(valuetype="string", stylename=style)
    paragraph = P()
    teletype.addTextToElement(paragraph, value)
    element.addElement(paragraph)
    return element


def _cell(cell: Cell, styles: _Styles) -> TableCell:
    style = styles.for_cell(cell)
    if cell.type is CellType.EMPTY:
        return TableCell(stylename=style)
    if cell.type in (CellType.TEXT, CellType.SUPPRESSED):
        return _text_cell(str(cell.value), style)
    if cell.type in (CellType.INTEGER, CellType.NUMBER):
        element = TableCell(valuetype="float", value=str(cell.value), stylename=style)
    elif cell.type is CellType.PERCENT:
        element = TableCell(valuetype="percentage", value=str(cell.value), stylename=style)
    elif cell.type is CellType.DATE:
        element = TableCell(valuetype="date", datevalue=cell.value.isoformat(), stylename=style)
    else:
        element = TableCell(
            valuetype="date", datevalue=cell.value.isoformat(timespec="seconds"), stylename=style
        )
    element.addElement(P(text=_display(cell)))  # shown by readers that ignore the style
    return element


def _display(cell: Cell) -> str:
    if cell.type is CellType.DATE:
        return cell.value.strftime("%d/%m/%Y")
    if cell.type is CellType.DATETIME:
        return cell.value.strftime("%d/%m/%Y %H:%M")
    return format_cell(cell)


def _row(*cells: TableCell) -> TableRow:
    row = TableRow()
    for element in cells:
        row.addElement(element)
    return row


def _widths(sheet: Sheet) -> list[float]:
    count = max([len(t.columns) for t in sheet.tables] or [1])
    chars = [6] * count
    for table in sheet.tables:
        for i, name in enumerate(table.columns):
            chars[i] = max(chars[i], len(name))
        for row in table.rows:
            for i, c in enumerate(row):
                chars[i] = max(chars[i], len(format_cell(c)))
    return [min(max(n * 0.22, 2.0), 12.0) for n in chars]


def _sheet(sheet: Sheet, styles: _Styles) -> OdsTable:
    table = OdsTable(name=sheet.name)
    for width in _widths(sheet):
        table.addElement(TableColumn(stylename=styles.column(width)))
    table.addElement(_row(_text_cell(sheet.title, styles.title)))
    for line in sheet.lines:
        table.addElement(_row(_text_cell(line, styles.line)))
    for part in sheet.tables:
        table.addElement(TableRow())
        if part.caption:
            table.addElement(_row(_text_cell(part.caption, styles.caption)))
        table.addElement(_row(*(_text_cell(c, styles.header) for c in part.columns)))
        for row in part.rows:
            table.addElement(_row(*(_cell(c, styles) for c in row)))
        for note in part.notes:
            table.addElement(_row(_text_cell(note, styles.line)))
    return table


def to_ods(workbook: Workbook) -> bytes:
    doc = OpenDocumentSpreadsheet()
    doc.meta.addElement(Title(text=workbook.title))
    styles = _Styles(doc)
    for sheet in workbook.sheets:
        doc.spreadsheet.addElement(_sheet(sheet, styles))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
