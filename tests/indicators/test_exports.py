"""The indicators view exported as ODS, XLSX, CSV and PDF, opened back and compared with
the page: the same figures (hidden cells included), the same definitions, the period, the
scope and the threshold; grids, objectives and barriers on their own sheets; audited."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.extensions import db
from facilitation.indicators import definitions, view
from facilitation.indicators.scope import Period, structure

from ..conftest import text_of
from ..reports.readers import csv_rows, find_row, ods_sheets, xlsx_rows
from .conftest import TODAY

URL = "/indicateurs{ext}?annee=2026&perimetre=structure"


def pdf_text(data: bytes) -> str:
    """The PDF's text, spaces folded (a word cut at its hyphen at the end of a line, joined)."""
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def page_view(app, history):
    with app.test_request_context():
        return view.build(
            history.coordinator, structure(history.coordinator), Period.of_year(2026), TODAY
        )


@pytest.fixture
def files(client, auth, history, monkeypatch):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)  # the history's « today »
    auth.login(history.coordinator)
    page = client.get(URL.format(ext=""))
    assert page.status_code == 200
    out = {"page": html.unescape(text_of(page))}
    for fmt in ("csv", "ods", "xlsx", "pdf"):
        response = client.get(URL.format(ext="." + fmt))
        assert response.status_code == 200, response.get_data(as_text=True)[:400]
        assert "attachment" in response.headers["Content-Disposition"]
        out[fmt] = response.data
    return out


def _figure_rows(sheet_rows, label):
    row = find_row(sheet_rows, label)
    return [getattr(c, "value", c) for c in row]


def test_every_format_holds_the_figures_of_the_page_with_their_definitions(files, app, history):
    page = files["page"]
    ods = ods_sheets(files["ods"])
    xlsx = xlsx_rows(files["xlsx"])
    csv = csv_rows(files["csv"])
    pdf = pdf_text(files["pdf"])
    expected = page_view(app, history)
    for line in expected.figures.values():
        shown = line.pending or line.shown.text
        assert line.label in page and line.definition in page
        for rows in (ods["Indicateurs"], xlsx["Indicateurs"], csv):
            _label, value, definition = _figure_rows(rows, line.label)[:3]
            assert definition == line.definition
            if line.shown is not None and not line.shown.hidden:
                number = line.shown.value
                assert value == (str(number) if rows is csv else number)  # numbers as numbers
            else:
                assert value == shown  # « < 5 », « masqué », « disponible quand… »
        assert line.label in pdf
    # Numbers hand-counted in the history, hidden ones hidden everywhere.
    assert _figure_rows(ods["Indicateurs"], "Personnes distinctes")[1] == 7
    assert _figure_rows(xlsx["Indicateurs"], "Nouvelles personnes")[1] == "masqué"
    assert _figure_rows(csv, "Personnes déjà venues")[1] == "< 5"
    assert "< 5" in pdf and "masqué" in pdf


def test_the_period_the_scope_and_the_threshold_are_in_every_file(files):
    ods, xlsx, csv = ods_sheets(files["ods"]), xlsx_rows(files["xlsx"]), csv_rows(files["csv"])
    pdf = pdf_text(files["pdf"])
    for text in ("Année 2026", "Toute la structure", "Seuil des petits effectifs"):
        assert any(text in str(c.value) for row in ods["Indicateurs"] for c in row)
        assert any(text in str(v) for row in xlsx["Indicateurs"] for v in row)
        assert any(text in v for row in csv for v in row)
        assert text in pdf
    assert files["csv"].startswith(b"\xef\xbb\xbf")
    ods_cell = find_row(ods["Indicateurs"], "Séances tenues")[1]
    assert ods_cell.type == "float" and ods_cell.value == 8
    assert find_row(ods["Indicateurs"], "Nouvelles personnes")[1].type == "string"


def test_grids_objectives_and_barriers_have_their_own_sheets(files):
    ods = ods_sheets(files["ods"])
    assert {
        "Indicateurs",
        "Présences",
        "Journal d'activité",
        "T0-T1",
        "Objectifs",
        "Grilles qualité",
        "Veille",
    } <= set(ods)
    veille = ods["Veille"]
    assert find_row(veille, "Refus de soins")[1].value == 1  # one barrier (not people)
    assert find_row(veille, "Refus de soins")[2].value == "< 5"  # 2 people: hidden
    assert any("Cabinet du quartier" in str(c.value) for row in veille for c in row)
    grids = ods["Grilles qualité"]
    assert any(
        "Le projet de médiation en santé est construit sur la base d'un diagnostic" in str(c.value)
        for row in grids
        for c in row
    )
    log = ods["Journal d'activité"]
    assert find_row(log, "Sorties d'aller-vers")[1].value == 1
    assert find_row(log, "Sorties d'aller-vers")[2].value == 12
    assert find_row(log, "Orientations")[2].value == "< 5"


def test_the_attendance_distribution_is_counts_never_people(files):
    sheet = ods_sheets(files["ods"])["Présences"]
    assert [
        find_row(sheet, label)[1].value
        for label in ("1 séance", "2 ou 3 séances", "4 séances ou plus")
    ] == ["< 5", "< 5", "< 5"]
    text = "\n".join(str(c.value) for row in sheet for c in row)
    for pseudonym in ("Colibri", "Baobab", "Tilleul", "Atlas", "Nour", "Soleil"):
        assert pseudonym not in text


def test_every_export_is_audited(files, history):
    entries = list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == audit.EXPORT_REPORT))
    )
    assert sorted(e.details["format"] for e in entries) == ["csv", "ods", "pdf", "xlsx"]
    assert {e.details["report"] for e in entries} == {"indicators"}
    assert all(e.details["scope"] == "structure" and e.details["threshold"] == 5 for e in entries)
    assert all(e.actor_id == history.coordinator.id for e in entries)


def test_the_annual_report_pdf(client, auth, history, monkeypatch):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    auth.login(history.coordinator)
    response = client.get("/indicateurs/rapport-d-activite.pdf?annee=2026")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for part in (
        "Rapport d'activité",
        "2026",
        "Case de Santé",
        "Sommaire",
        "Les chiffres et leurs définitions",
        "Assiduité, en détail",
        "Résultats (T0 / T1)",
        "Grilles qualité (guide de l'ARS)",
        "Veille : remontée des dysfonctionnements",
        "Bilans de l'année",
        "Aucun bilan n'a été finalisé cette année.",  # the bilans package is there
    ):
        assert part in text, part
    for figure in definitions.FIGURE_LIST:
        assert str(figure.label) in text
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == audit.EXPORT_REPORT))
    assert entry.details["report"] == "annual_report"


def test_a_threshold_chosen_by_the_coordinator_changes_every_export(
    client, auth, history, monkeypatch
):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    auth.login(history.coordinator)
    assert client.post("/indicateurs/seuil", data={"threshold": "3"}).status_code == 302
    ods = ods_sheets(client.get(URL.format(ext=".ods")).data)
    assert [
        find_row(ods["Présences"], label)[1].value
        for label in ("1 séance", "2 ou 3 séances", "4 séances ou plus")
    ] == ["< 3", 4, "< 3"]
    assert any(
        "Seuil des petits effectifs : 3" in str(c.value) for row in ods["Indicateurs"] for c in row
    )


def test_the_barriers_list_hides_small_numbers_of_people_too(files, client):
    """Each category holds one barrier here: the list would give the hidden totals back."""
    sheet = ods_sheets(files["ods"])["Veille"]
    listed = [row for row in sheet if row and row[0].type == "date"]
    assert len(listed) == 3
    people = sorted(str(row[5].value) for row in listed)
    assert people == ["7.0", "< 5", "< 5"]  # 7 as a number; 2 and 3 hidden
    own = ods_sheets(client.get("/veille.ods").data)["Veille"]
    assert sorted(str(r[5].value) for r in own if r and r[0].type == "date") == people
