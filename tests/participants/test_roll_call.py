"""The roll call proposes the likely existing person, warns on a duplicate pseudonym, and
is audited (issue 7, sections 1 and 6).

Found: confirming a phone's check-in for "Colibri" created a second Colibri instead of
offering the existing one, and a newcomer with an existing pseudonym was accepted
silently. Nothing of the proposal may reach a phone.
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.extensions import db
from facilitation.participants import services
from facilitation.participants.models import Attendance, AttendanceStatus, Participant

from .. import factories
from ..conftest import text_of
from .helpers import board_of, count, phone

HTMX = {"HX-Request": "true"}


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def colibri_came_on_12_november(world) -> Participant:
    """Colibri of Arnaud Bernard came on 12 November 2030; tonight's session is later."""
    before = factories.session(world.cycle, theme="La météo", starts_on=date(2030, 11, 12))
    colibri = factories.participant(world.space, "Colibri")
    services.record_attendance(world.mediator, before, colibri, "present")
    return colibri


def tonight(world):
    return factories.session(world.cycle, theme="Nos droits", starts_on=date(2030, 11, 26))


def test_the_roll_call_proposes_the_existing_person_for_a_phone(world):
    colibri = colibri_came_on_12_november(world)
    session = tonight(world)
    factories.participant(world.other_space, "Colibri")  # another space's: never proposed
    on_board = phone(board_of(world, session), "phone-1", "colibrí ")

    roll = services.roll_call(world.mediator, session)

    (check_in,) = roll.check_ins
    assert [(m.participant, m.last_visit) for m in check_in.matches] == [
        (colibri, date(2030, 11, 12))
    ]
    assert check_in.live_participant_id == on_board.id


def test_the_roll_call_page_asks_is_it_colibri_who_came_on_12_november(client, auth, world):
    colibri = colibri_came_on_12_november(world)
    session = tonight(world)
    phone(board_of(world, session), "phone-1", "COLIBRI")
    auth.login(world.mediator)

    response = client.get(f"/seances/{session.id}/presences")

    text = text_of(response)
    assert "C’est Colibri, venu·e le 12 novembre ?" in text
    assert "Oui, c’est Colibri" in text and "Non, une nouvelle personne" in text
    html = response.get_data(as_text=True)
    assert f'name="participant_id" value="{colibri.id}"' in html
    assert 'name="new" value="1"' in html


def test_yes_binds_the_phone_to_the_existing_person(client, auth, world):
    colibri = colibri_came_on_12_november(world)
    session = tonight(world)
    on_board = phone(board_of(world, session), "phone-1", "COLIBRI")
    auth.login(world.mediator)

    response = client.post(
        f"/seances/{session.id}/presences/telephone/{on_board.id}",
        data={"participant_id": str(colibri.id)},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert count(Participant) == 1
    assert services.participant_for_device("phone-1") == colibri
    assert db.session.scalar(
        sa.select(Attendance.status).where(
            Attendance.session_id == session.id, Attendance.participant_id == colibri.id
        )
    ) == (AttendanceStatus.PRESENT)


def test_no_makes_a_new_person(client, auth, world):
    colibri_came_on_12_november(world)
    session = tonight(world)
    on_board = phone(board_of(world, session), "phone-1", "Colibri")
    auth.login(world.mediator)
    client.post(f"/seances/{session.id}/presences/telephone/{on_board.id}", data={"new": "1"})
    assert count(Participant, Participant.pseudonym == "Colibri") == 2


def test_a_check_in_is_never_turned_into_a_second_colibri_without_asking(client, auth, world):
    colibri_came_on_12_november(world)
    session = tonight(world)
    on_board = phone(board_of(world, session), "phone-1", "Colibri")
    auth.login(world.mediator)

    response = client.post(f"/seances/{session.id}/presences/telephone/{on_board.id}")

    assert response.status_code == 302
    assert count(Participant) == 1  # still one Colibri
    assert services.participant_for_device("phone-1") is None
    page = text_of(client.get(f"/seances/{session.id}/presences"))
    assert "Quelqu’un de cet espace a déjà ce pseudonyme" in page


def test_nothing_of_the_proposal_reaches_the_phone(app, client, auth, world):
    colibri_came_on_12_november(world)
    session = tonight(world)
    board = board_of(world, session)
    phone(board, "phone-1", "COLIBRI")
    auth.login(world.mediator)
    assert "venu·e le 12 novembre" in text_of(client.get(f"/seances/{session.id}/presences"))

    me = app.test_client()
    me.set_cookie("fac_device", "phone-1")
    for path in (f"/j/{board.join_code}", f"/j/{board.join_code}/activite", "/moi/"):
        body = me.get(path, follow_redirects=True).get_data(as_text=True)
        assert "12 novembre" not in body and "Colibri" not in body, path  # COLIBRI: its own


def test_a_newcomer_with_an_existing_pseudonym_asks_for_a_confirmation(client, auth, world):
    colibri = colibri_came_on_12_november(world)
    session = tonight(world)
    auth.login(world.mediator)
    url = f"/seances/{session.id}/presences/nouveau"

    response = client.post(url, data={"pseudonym": "colibri", "brought_by": ""}, headers=HTMX)

    assert response.status_code == 422
    text = text_of(response)
    assert "Quelqu’un de cet espace s’appelle déjà « colibri »" in text
    assert "C’est Colibri : marquer présent·e" in text and "venu·e le 12 novembre 2030" in text
    assert count(Participant) == 1  # not added yet
    html = response.get_data(as_text=True)
    mark = f"/seances/{session.id}/presences/{colibri.id}"
    assert f'action="{mark}"' in html
    assert re.search(r'name="same_pseudonym" value="1"', html)

    # "Someone else": a confirmation, not a block.
    added = client.post(
        url, data={"pseudonym": "colibri", "brought_by": "", "same_pseudonym": "1"}, headers=HTMX
    )
    assert added.status_code == 200
    assert count(Participant) == 2


def test_a_newcomer_with_a_new_pseudonym_is_added_at_once(world):
    colibri_came_on_12_november(world)
    mimosa = services.add_newcomer(world.mediator, tonight(world), "Mimosa")
    assert mimosa.pseudonym == "Mimosa"


# --- audited: roll-call views, attendance changes, edits ---------------------------------------


def test_each_view_of_the_roll_call_is_audited_without_names(client, auth, world):
    colibri = colibri_came_on_12_november(world)
    session = tonight(world)
    auth.login(world.mediator)
    client.get(f"/seances/{session.id}/presences")
    client.get(f"/seances/{session.id}/presences", headers=HTMX)
    client.post(f"/seances/{session.id}/presences/{colibri.id}", data={"status": "present"})

    views = entries(audit.ROLL_CALL_VIEW)
    assert [(e.actor_id, e.participant_public_id, e.details) for e in views] == [
        (world.mediator.id, None, {"session": session.id}),
        (world.mediator.id, None, {"session": session.id}),
    ]


def test_attendance_changes_are_audited(world):
    colibri = factories.participant(world.space, "Colibri")
    services.record_attendance(world.mediator, world.session, colibri, "present")
    services.record_attendance(world.mediator, world.session, colibri, "excused")
    services.clear_attendance(world.mediator, world.session, colibri)
    changes = entries(audit.ATTENDANCE)
    assert [(e.actor_id, e.participant_public_id, e.details) for e in changes] == [
        (world.mediator.id, colibri.public_id, {"session": world.session.id, "status": "present"}),
        (world.mediator.id, colibri.public_id, {"session": world.session.id, "status": "excused"}),
        (world.mediator.id, colibri.public_id, {"session": world.session.id, "status": "cleared"}),
    ]


def test_edits_of_a_pseudonym_or_notes_are_audited_without_their_content(world):
    colibri = factories.participant(world.space, "Colibri")
    services.update_participant(
        world.mediator,
        colibri,
        services.ParticipantData(pseudonym="Colibri Bleu", notes={world.space.id: "Le matin"}),
    )
    services.update_participant(  # nothing changed: nothing recorded
        world.mediator,
        colibri,
        services.ParticipantData(pseudonym="Colibri Bleu", notes={world.space.id: "Le matin"}),
    )
    (entry,) = entries(audit.EDIT)
    assert (entry.actor_id, entry.participant_public_id, entry.details) == (
        world.mediator.id,
        colibri.public_id,
        {"fields": ["pseudonym", "notes"], "spaces": [world.space.id]},
    )
    assert "Le matin" not in str(entry.details) and "Bleu" not in str(entry.details)
