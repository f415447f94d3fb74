"""Exports opened back with their own readers: csv, odfpy, openpyxl (no pandas)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
from odf import teletype
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

BOM = b"\xef\xbb\xbf"


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM), "CSV without a byte-order mark"
    text = data[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@dataclass(frozen=True)
class OdsCell:
    type: str | None  # office:value-type: string, float, percentage, date…
    value: Any  # office:value / office:date-value, or the text of a string cell
    formula: str | None


def ods_sheets(data: bytes) -> dict[str, list[list[OdsCell]]]:
    doc = load(io.BytesIO(data))
    sheets = {}
    for table in doc.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.attributes.get((OFFICENS, "value-type"))
                if kind in ("float", "percentage"):
                    value = float(cell.attributes[(OFFICENS, "value")])
                elif kind == "date":
                    value = cell.attributes[(OFFICENS, "date-value")]
                else:
                    value = teletype.extractText(cell)
                cells.append(OdsCell(kind, value, cell.attributes.get((TABLENS, "formula"))))
            rows.append(cells)
        sheets[table.getAttribute("name")] = rows
    return sheets


def xlsx_book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def xlsx_rows(data: bytes) -> dict[str, list[list[Any]]]:
    book = xlsx_book(data)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def find_row(rows: list[list[Any]], first: Any) -> list[Any]:
    """The first row whose first cell is ``first`` (values, or ODS cells by value)."""
    for row in rows:
        if row and (row[0] == first or getattr(row[0], "value", None) == first):
            return row
    raise AssertionError(f"no row starting with {first!r}")
