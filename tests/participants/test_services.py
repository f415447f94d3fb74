"""Participants and attendance: pseudonyms only, one record per person and session."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from facilitation.core.exceptions import NotFound, ValidationError
from facilitation.extensions import db
from facilitation.participants import services
from facilitation.participants.models import Attendance, AttendanceStatus

from .. import factories


def test_participants_table_holds_no_identifying_or_health_field(app):
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("participants")}
    # A new column here must be justified: no e-mail, phone, legal name or health field.
    assert columns == {
        "id",
        "organisation_id",
        "pseudonym",
        "created_at",
        "languages",
        "consents",
        "brought_by_id",
        "anon_key",
        "first_visit_detached",  # a flag: their first visit is on a row no longer theirs
        "public_id",  # a random UUID naming the person in the audit log
    }
    # Staff notes are per space: a team reads only its own.
    notes = {c["name"] for c in sa.inspect(db.engine).get_columns("space_participants")}
    assert "notes" in notes


def test_pseudonym_is_required_and_short(world):
    with pytest.raises(ValidationError):
        services.create_participant(world.mediator, world.space, "   ")
    with pytest.raises(ValidationError):
        services.create_participant(world.mediator, world.space, "x" * 41)
    participant = services.create_participant(world.mediator, world.space, "  Colibri ")
    assert participant.pseudonym == "Colibri"


def test_staff_see_participants_only_through_their_spaces(world):
    participant = services.create_participant(world.mediator, world.space, "Colibri")
    assert services.get_participant(world.mediator, participant.id) == participant
    assert services.get_participant(world.coordinator, participant.id) == participant
    with pytest.raises(NotFound):
        services.get_participant(world.other_mediator, participant.id)
    with pytest.raises(NotFound):
        services.create_participant(world.mediator, world.other_space, "Intrus")


def test_recording_attendance_twice_updates_the_same_record(world):
    participant = factories.participant(world.space)
    services.record_attendance(world.mediator, world.session, participant, "present")
    services.record_attendance(world.mediator, world.session, participant, AttendanceStatus.EXCUSED)
    records = services.session_attendance(world.mediator, world.session)
    assert [(a.participant.pseudonym, a.status) for a in records] == [
        ("Colibri", AttendanceStatus.EXCUSED)
    ]


def test_attendance_for_a_session_of_another_space_is_refused(world):
    participant = factories.participant(world.space)
    with pytest.raises(NotFound):
        services.record_attendance(world.mediator, world.other_session, participant, "present")
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_attendance_of_a_participant_of_another_structure_is_refused(world):
    stranger = factories.participant(factories.space(factories.organisation("Autre")))
    with pytest.raises(NotFound):
        services.record_attendance(world.coordinator, world.session, stranger, "present")


def test_database_enforces_one_attendance_per_person_and_session(world):
    participant = factories.participant(world.space)
    for _ in range(2):
        db.session.add(
            Attendance(
                session_id=world.session.id,
                participant_id=participant.id,
                status=AttendanceStatus.PRESENT,
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_attendance_in_a_new_space_makes_the_participant_known_there(world):
    participant = factories.participant(world.other_space, "Baobab")
    services.record_attendance(world.coordinator, world.session, participant, "present")
    assert services.get_participant(world.mediator, participant.id) == participant
