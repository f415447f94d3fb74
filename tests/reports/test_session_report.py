"""The compte rendu de séance: the page, its exports, and the numbers they share."""

from __future__ import annotations

import html
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.extensions import db
from facilitation.reports import pdf
from facilitation.reports import services as reports

from ..conftest import text_of
from .conftest import HIDDEN_NOTE, HIDDEN_QUESTION, HYPERLINK, PSEUDONYMS
from .readers import csv_rows, find_row, ods_sheets, xlsx_book, xlsx_rows

FORMATS = ("csv", "ods", "xlsx", "pdf")


def page_text(response) -> str:
    return html.unescape(text_of(response))


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _url(session, fmt=None) -> str:
    return f"/seances/{session.id}/compte-rendu" + (f".{fmt}" if fmt else "")


def _exports(client, session) -> dict[str, bytes]:
    files = {}
    for fmt in FORMATS:
        response = client.get(_url(session, fmt))
        assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:300])
        files[fmt] = response.data
    return files


def _exports_as_text(files: dict[str, bytes]) -> dict[str, str]:
    ods = ods_sheets(files["ods"])
    xlsx = xlsx_rows(files["xlsx"])
    return {
        "csv": files["csv"].decode("utf-8-sig"),
        "ods": "\n".join(str(c.value) for rows in ods.values() for row in rows for c in row),
        "xlsx": "\n".join(str(v) for rows in xlsx.values() for row in rows for v in row),
        "pdf": pdf_text(files["pdf"]),
    }


# --- the service --------------------------------------------------------------------------


def test_the_report_holds_every_activity_with_hand_counted_results(world, seeded):
    report = reports.session_report(world.mediator, world.session.id)
    f = report.figures
    assert (f.phones, f.present, f.first_visits, f.activities, f.revealed) == (4, 2, 1, 8, 7)
    by_kind = {a.kind.value: a for a in report.activities}
    assert [a.number for a in report.activities] == list(range(1, 9))
    assert [(k, a.people, a.answers) for k, a in by_kind.items()] == [
        ("poll", 3, 3),
        ("scale", 3, 3),
        ("wordcloud", 2, 2),
        ("ideas", 4, 5),  # 4 phones wrote or voted; screen: 2 voters + 3 visible notes
        ("ranking", 2, 2),
        ("quiz", 3, 3),
        ("debate", 3, 3),
        ("questions", 4, 5),
    ]
    assert not by_kind["ranking"].revealed and by_kind["poll"].revealed
    assert by_kind["questions"].status.value == "open"
    assert (by_kind["ideas"].hidden, by_kind["questions"].hidden) == (1, 1)

    def cells(kind):
        return [[c.value for c in row] for row in by_kind[kind].table.rows]

    assert cells("poll") == [["Oui", 2, pytest.approx(2 / 3)], ["Non", 1, 1 / 3], ["?", 0, 0]]
    assert [row[1] for row in cells("scale")] == [0, 0, 0, 2, 1]
    assert "Moyenne : 4,3 sur 5" in by_kind["scale"].table.notes
    assert cells("wordcloud") == [["Santé", 2], ["Papiers", 1]]
    assert cells("ideas") == [
        ["Pas dans une colonne", HYPERLINK, 1],
        ["Pas dans une colonne", "La langue", 0],
        ["Démarches", "Les papiers", 5],
    ]
    assert cells("ranking") == [
        [1, "Papiers", 6, 1.0],
        [2, "Logement", 3, 2.5],
        [3, "Soins", 3, 2.5],
    ]
    assert cells("quiz") == [["Vrai", "oui", 2, 2 / 3], ["Faux", "non", 1, 1 / 3]]
    assert "La bonne réponse a été montrée à l'écran." in by_kind["quiz"].table.notes
    assert cells("debate") == [
        ["1 · Non", 1, 0],
        ["2 · plutôt pas d’accord", 1, 0],
        ["3 · je ne sais pas", 0, 1],
        ["4 · plutôt d’accord", 0, 1],
        ["5 · Oui", 1, 1],
    ]
    assert "2 personnes ont changé de place" in by_kind["debate"].table.notes
    assert cells("questions") == [
        ["Où trouver un interprète ?", 3, "non"],
        ["Combien de temps pour l'AME ?", 0, "oui"],
    ]


def test_the_report_is_for_staff_of_the_session_space_only(world, seeded):
    from facilitation.core.exceptions import NotFound

    reports.session_report(world.coordinator, world.session.id)
    with pytest.raises(NotFound):
        reports.session_report(world.other_mediator, world.session.id)


# --- the page and its exports agree -------------------------------------------------------


def test_the_page_shows_each_activity_its_results_and_the_counts(client, auth, world, seeded):
    auth.login(world.mediator)
    response = client.get(_url(world.session))
    assert response.status_code == 200
    text = page_text(response)
    for activity in seeded.activities.values():
        assert activity.prompt in text
    assert "4 téléphones ont rejoint le tableau" in text
    assert "2 personnes marquées présentes" in text
    assert "1 personne venue pour la première fois" in text
    assert text.count("résultats montrés à l'écran") == 7
    assert text.count("résultats non montrés à l'écran") == 1
    assert "Pas encore de bilan pour cette séance." in text
    assert "Oui 2 67 %" in text  # the poll, as on the projector
    for fmt in FORMATS:
        assert f'href="{_url(world.session, fmt)}"' in response.get_data(as_text=True)


def test_every_export_holds_the_page_numbers(client, auth, world, seeded):
    auth.login(world.mediator)
    report = reports.session_report(world.mediator, world.session.id)
    files = _exports(client, world.session)

    rows = csv_rows(files["csv"])
    assert find_row(rows, "Téléphones qui ont rejoint le tableau en direct")[1] == "4"
    assert find_row(rows, "Personnes marquées présentes")[1] == "2"
    for a in report.activities:
        assert find_row(rows, str(a.number))[1:] == [
            a.prompt,
            a.kind_label,
            a.status_label,
            "oui" if a.revealed else "non",
            str(a.people),
            str(a.answers),
        ]
    assert ["Oui", "2", "67%"] in rows

    ods = ods_sheets(files["ods"])
    assert len(ods) == 1 + len(report.activities)  # a summary sheet, one per activity
    summary = next(iter(ods.values()))
    phones = find_row(summary, "Téléphones qui ont rejoint le tableau en direct")[1]
    assert (phones.type, phones.value) == ("float", 4.0)
    for a, (name, sheet) in zip(report.activities, list(ods.items())[1:], strict=True):
        assert name.startswith(f"{a.number}. ")
        assert sheet[0][0].value == f"{a.number}. {a.prompt}"
        assert find_row(summary, float(a.number))[5].value == a.people
        table_rows = [
            [c.value for c in row]
            for row in sheet
            if row and len(row) == len(a.table.columns) and row[0].value != a.table.columns[0]
        ]
        expected = [
            [pytest.approx(c.value) if c.is_number else c.value for c in row]
            for row in a.table.rows
        ]
        assert table_rows == expected, name
    poll = ods[next(n for n in ods if n.startswith("1. "))]
    share = find_row(poll, "Oui")[2]
    assert (share.type, share.value) == ("percentage", pytest.approx(2 / 3))

    book = xlsx_book(files["xlsx"])
    assert book.sheetnames == list(ods)
    xlsx = xlsx_rows(files["xlsx"])
    for a in report.activities:
        row = find_row(xlsx[book.sheetnames[0]], a.number)
        assert row[5:7] == [a.people, a.answers]

    text = pdf_text(files["pdf"])
    for a in report.activities:
        assert a.prompt in text, a.prompt
    assert world.session.theme in text and world.space.name in text
    assert "Page 1 sur" in text


def test_moderation_hides_a_note_in_the_page_and_every_export(client, auth, world, seeded):
    auth.login(world.mediator)
    page = page_text(client.get(_url(world.session)))
    outputs = {"page": page, **_exports_as_text(_exports(client, world.session))}
    for name, text in outputs.items():
        assert HIDDEN_NOTE not in text, name
        assert HIDDEN_QUESTION not in text, name
        assert "La langue" in text, name  # the visible notes are there
        assert "1 contribution masquée par la modération" in text, name


def test_nothing_says_who_answered_or_wrote_what(client, auth, world, seeded):
    auth.login(world.mediator)
    page = page_text(client.get(_url(world.session)))
    outputs = {"page": page, **_exports_as_text(_exports(client, world.session))}
    for name, text in outputs.items():
        for pseudonym in (*PSEUDONYMS, "Nour", "Atlas", "Zèbre"):
            assert pseudonym not in text, (name, pseudonym)


def test_a_formula_note_comes_out_as_text_in_every_export(client, auth, world, seeded):
    auth.login(world.mediator)
    files = _exports(client, world.session)
    assert ["Pas dans une colonne", "'" + HYPERLINK, "1"] in csv_rows(files["csv"])
    ods = [c for rows in ods_sheets(files["ods"]).values() for row in rows for c in row]
    note = next(c for c in ods if c.value == HYPERLINK)
    assert note.type == "string" and note.formula is None
    assert all(c.formula is None for c in ods)
    cells = [c for ws in xlsx_book(files["xlsx"]).worksheets for row in ws.iter_rows() for c in row]
    note = next(c for c in cells if c.value == HYPERLINK)
    assert note.data_type == "s" and note.quotePrefix
    assert all(c.data_type != "f" for c in cells)
    assert HYPERLINK in pdf_text(files["pdf"])


def test_downloads_are_audited_attachments_never_cached_or_sniffed(client, auth, world, seeded):
    auth.login(world.mediator)
    for fmt in FORMATS:
        response = client.get(_url(world.session, fmt))
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="compte-rendu-')
        assert disposition.endswith(f'-le-systeme-de-sante.{fmt}"')
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    types = {fmt: client.get(_url(world.session, fmt)).mimetype for fmt in FORMATS}
    assert types == {
        "csv": "text/csv",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    entries = list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == audit.EXPORT_REPORT))
    )
    assert len(entries) == 2 * len(FORMATS)
    assert {e.details["format"] for e in entries} == set(FORMATS)
    assert all(e.actor_id == world.mediator.id and e.participant_public_id is None for e in entries)
    assert all(
        e.details == {**e.details, "report": "session", "session_id": world.session.id}
        for e in entries
    )


def test_another_team_gets_404_and_nothing_is_audited(client, auth, world, seeded):
    auth.login(world.other_mediator)
    assert client.get(_url(world.session)).status_code == 404
    for fmt in FORMATS:
        assert client.get(_url(world.session, fmt)).status_code == 404
    assert client.get(_url(world.session, "docx")).status_code == 404
    exports = sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == audit.EXPORT_REPORT
    )
    assert db.session.scalar(exports) == 0


# --- PDF without Pango ----------------------------------------------------------------------


def _no_pango():
    raise OSError("cannot load library 'libpango-1.0-0'")


def test_without_pango_the_page_says_why_and_the_pdf_link_explains(
    monkeypatch, client, auth, world, seeded
):
    monkeypatch.setattr(pdf, "_import_weasyprint", _no_pango)  # the module boundary
    auth.login(world.mediator)
    page = client.get(_url(world.session))
    body = page.get_data(as_text=True)
    reason = "L'export PDF n'est pas disponible sur ce serveur : la bibliothèque Pango manque"
    assert reason in page_text(page)
    assert f'href="{_url(world.session, "pdf")}"' not in body
    assert f'href="{_url(world.session, "ods")}"' in body  # the other formats still work

    response = client.get(_url(world.session, "pdf"))  # an old link, a bookmark
    assert response.status_code == 503
    text = page_text(response)
    assert reason in text and "Traceback" not in text
    exports = sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == audit.EXPORT_REPORT
    )
    assert db.session.scalar(exports) == 0


# --- edge cases and links -----------------------------------------------------------------


def test_a_session_without_a_board_has_an_empty_report_that_still_exports(client, auth, world):
    auth.login(world.mediator)
    text = page_text(client.get(_url(world.session)))
    assert "Il n'y a pas eu d'activité sur le tableau en direct de cette séance." in text
    files = _exports(client, world.session)
    assert find_row(csv_rows(files["csv"]), "Activités sur le tableau")[1] == "0"
    assert len(ods_sheets(files["ods"])) == 1
    assert world.session.theme in pdf_text(files["pdf"])


def test_the_session_page_and_the_control_page_link_to_the_report(client, auth, world, seeded):
    auth.login(world.mediator)
    link = f'href="{_url(world.session)}"'
    assert link in client.get(f"/seances/{world.session.id}").get_data(as_text=True)
    assert link in client.get(f"/seances/{world.session.id}/tableau").get_data(as_text=True)
