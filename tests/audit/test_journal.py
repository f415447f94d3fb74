"""The coordinator's journal (/journal): every entry, page by page, filtered by person,
staff member, action and period, in French words; its CSV export is safe to open in a
spreadsheet and is itself audited; nothing of it is kept by the browser."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from facilitation.accounts.models import Role
from facilitation.audit import actions, chain
from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.extensions import db

from .. import factories
from ..conftest import text_of


def _at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def append(world, action, *, actor=None, person=None, at=None, **details):
    return chain.append(
        world.org.id,
        action,
        actor_id=actor.id if actor else None,
        participant_public_id=person.public_id if person else None,
        details=details,
        created_at=at,
    )


@pytest.fixture
def people(world):
    colibri = factories.participant(world.space, "Colibri")
    elephant = factories.participant(world.other_space, "Éléphant")
    append(world, audit.VIEW_JOURNEY, actor=world.mediator, person=colibri, at=_at("2030-01-10"))
    append(world, audit.EXPORT, actor=world.mediator, person=colibri, at=_at("2030-02-10"))
    append(
        world, audit.VIEW_JOURNEY, actor=world.other_mediator, person=elephant, at=_at("2030-02-20")
    )
    append(world, audit.LOGIN, actor=world.coordinator, at=_at("2030-03-01"))
    append(world, "badge_scan", actor=world.coordinator, at=_at("2030-03-02"))  # unknown code
    db.session.commit()
    return colibri, elephant


def rows(client, query: str = "") -> list[str]:
    """The table's rows as text, newest first."""
    html = client.get("/journal" + query).get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [" ".join(text_of_html(r).split()) for r in body.split("</tr>") if r.strip()]


def text_of_html(fragment: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", fragment)


def test_only_coordinators_see_the_journal_and_its_export(client, auth, world, people):
    auth.login(world.mediator)
    assert client.get("/journal").status_code == 403
    assert client.get("/journal/export.csv").status_code == 403
    # The five above and the mediator's own login (logins are audited): nothing about the journal.
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 6


def test_the_journal_shows_every_action_in_french(client, auth, world, people):
    auth.login(world.coordinator)
    response = client.get("/journal")
    assert response.status_code == 200
    # Opened without filters, the form does not complain about the filters left empty.
    assert "choix valide" not in text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    shown = rows(client)
    # First (the newest entry of the chain): this test's own login — logins are audited.
    assert shown.pop(0).endswith("Camille s’est connecté·e")
    assert shown == [
        f"{_when('2030-03-02')} Camille autre action (badge_scan)",
        f"{_when('2030-03-01')} Camille s’est connecté·e",
        f"{_when('2030-02-20')} Julien a consulté le parcours Éléphant {people[1].public_id[:8]}",
        f"{_when('2030-02-10')} Amina a exporté les données Colibri {people[0].public_id[:8]}",
        f"{_when('2030-01-10')} Amina a consulté le parcours Colibri {people[0].public_id[:8]}",
    ]


def _when(day: str) -> str:
    from flask_babel import format_datetime

    return format_datetime(_at(day), "short")


def test_every_known_action_has_a_french_label_and_an_unknown_one_a_fallback(app):
    with app.test_request_context():
        with force_locale("en"):
            english = {code: actions.label(code) for code in actions.LABELS}
        with force_locale("fr"):
            french = {code: actions.label(code) for code in actions.LABELS}
            assert actions.label("badge_scan") == "autre action (badge_scan)"
    assert [code for code in actions.LABELS if french[code] == english[code]] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?personne=colibri", 2),  # part of a pseudonym, any case
        ("?personne=elephant", 1),  # accents do not matter
        ("?personne=Nobody", 0),
        ("?action=view_journey", 2),
        ("?action=badge_scan", 6),  # not a known action: the filter is refused, all shown
        ("?du=2030-02-01", 4),
        ("?du=2030-02-01&au=2030-02-15", 1),
        ("?au=2030-01-10", 2),  # the last day is included (and today's login)
        ("?du=0001-01-01&au=9999-12-31", 6),
        ("?du=2030-13-45", 6),  # not a date: ignored, said beside the field
        ("?membre=abc", 6),
    ],
)
def test_filters(client, auth, world, people, query, expected):
    auth.login(world.coordinator)
    response = client.get("/journal" + query)
    assert response.status_code == 200
    assert len(rows(client, query)) == expected


def test_filter_by_public_id_and_by_staff_member(client, auth, world, people):
    colibri, _elephant = people
    auth.login(world.coordinator)
    assert len(rows(client, f"?personne={colibri.public_id}")) == 2
    assert len(rows(client, f"?personne={colibri.public_id.upper()}")) == 2
    assert len(rows(client, f"?membre={world.other_mediator.id}")) == 1
    assert len(rows(client, f"?membre={world.coordinator.id}&action=login")) == 2  # + today's


def test_the_person_filter_searches_only_people_the_viewer_may_see(world, people):
    other_org = factories.organisation("Ailleurs")
    elsewhere_space = factories.space(other_org, "Autre quartier")
    factories.participant(elsewhere_space, "Colibri")
    page = audit.journal(world.coordinator, audit.JournalFilter(person="Colibri"))
    assert (page.people_found, page.total) == (1, 2)


def test_the_journal_pages_through_every_entry(client, auth, world):
    colibri = factories.participant(world.space, "Colibri")
    start = _at("2030-01-01")
    for i in range(120):
        append(
            world,
            audit.VIEW_JOURNEY,
            actor=world.mediator,
            person=colibri,
            at=start + timedelta(minutes=i),
        )
    db.session.commit()
    auth.login(world.coordinator)
    # 120 entries and the coordinator's own login (audited)
    assert [len(rows(client, f"?page={n}")) for n in (1, 2, 3)] == [50, 50, 21]
    assert len(rows(client, "?page=999")) == 21  # past the end: the last page
    assert len(rows(client, "?page=-1")) == 50
    page_two = text_of(client.get("/journal?page=2&personne=Colibri"))
    assert "Page 2 sur 3" in page_two
    html = client.get("/journal?page=2&personne=Colibri").get_data(as_text=True)
    assert "page=3&amp;personne=Colibri" in html and "page=1&amp;personne=Colibri" in html
    assert "/journal/export.csv?personne=Colibri" in html
    first = audit.journal(world.coordinator, audit.JournalFilter()).rows[0].entry
    assert first.seq == 121  # newest first: the coordinator's login, after the 120


def _csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_export_is_filtered_formula_safe_and_audited(client, auth, world, people):
    colibri, _ = people
    for name in ('=HYPERLINK("http://x")', "+33 6", "-2", "@SUM(A1)", "\tTab", "\rCR"):
        staff = factories.user(world.org, Role.MEDIATOR, name=name)
        append(world, audit.LOGIN, actor=staff, at=_at("2030-04-01"))
    db.session.commit()
    auth.login(world.coordinator)

    response = client.get("/journal/export.csv?action=login")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = _csv(response)
    assert table[0] == [
        "Date",
        "N°",
        "Membre de l’équipe",
        "Action",
        "Code de l’action",
        "Personne (identifiant public)",
        "Détails",
        "Empreinte",
    ]
    assert len(table) == 1 + 8  # the coordinator's two logins (today's too) and the six above
    names = [row[2] for row in table[1:]]
    assert names == [
        "Camille",
        '\'=HYPERLINK("http://x")',
        "'+33 6",
        "'-2",
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
        "Camille",  # today's login, last
    ]
    assert {row[3] for row in table[1:]} == {"s’est connecté·e"}

    about_colibri = _csv(client.get(f"/journal/export.csv?personne={colibri.public_id}"))
    assert [row[5] for row in about_colibri[1:]] == [colibri.public_id] * 2
    assert "Colibri" not in "".join(map("".join, about_colibri))  # public ids, not pseudonyms

    exports = list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == audit.EXPORT_JOURNAL))
    )
    assert [(e.actor_id, e.details["entries"]) for e in exports] == [
        (world.coordinator.id, 8),
        (world.coordinator.id, 2),
    ]
    assert exports[0].details["filters"]["action"] == "login"
    assert chain.verify().ok


def test_safe_cell():
    assert audit.safe_cell("=1+1") == "'=1+1"
    assert audit.safe_cell("Colibri") == "Colibri"
    assert audit.safe_cell(None) == ""
    assert audit.safe_cell(12) == "12"
    assert audit.safe_cell(" =1") == " =1"
