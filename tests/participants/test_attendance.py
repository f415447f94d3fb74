"""Attendance, roll call, self check-in from the live board and co-animation (services).

Attendance is information, never a score: these tests check what is recorded, for whom,
and that a phone keeps one pseudonymous identity from one session to the next.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from facilitation.core.exceptions import NotFound
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import LiveParticipant
from facilitation.participants import services
from facilitation.participants.models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    ParticipantDevice,
    SpaceParticipant,
)

from .. import factories
from .helpers import board_of, count, phone, sessions_in_a_row

PRESENT, EXCUSED = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED


def rows_of(participant) -> list[Attendance]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .where(Attendance.participant_id == participant.id)
            .order_by(Attendance.session_id)
        )
    )


def first_visits(participant) -> dict[int, bool]:
    return {a.session_id: a.first_visit for a in rows_of(participant)}


# --- recording attendance -------------------------------------------------------------------------


def test_attendance_is_recorded_changed_and_cleared(world):
    person = factories.participant(world.space)
    services.record_attendance(world.mediator, world.session, person, "present")
    assert [(a.status, a.source, a.recorded_by_id) for a in rows_of(person)] == [
        (PRESENT, "roll_call", world.mediator.id)
    ]
    services.record_attendance(world.mediator, world.session, person, "excused")
    assert [a.status for a in rows_of(person)] == [EXCUSED]
    services.clear_attendance(world.mediator, world.session, person)
    assert rows_of(person) == []


def test_the_first_present_attendance_by_session_date_is_the_first_visit(world):
    s1, s2, s3 = sessions_in_a_row(world)
    person = factories.participant(world.space)
    services.record_attendance(world.mediator, s2, person, "present")
    services.record_attendance(world.mediator, s3, person, "present")
    assert first_visits(person) == {s2.id: True, s3.id: False}

    # The roll call of an earlier session is typed in later: the first visit moves.
    services.record_attendance(world.mediator, s1, person, "present")
    assert first_visits(person) == {s1.id: True, s2.id: False, s3.id: False}

    # Clearing it by mistake gives the first visit back to the next session.
    services.clear_attendance(world.mediator, s1, person)
    assert first_visits(person) == {s2.id: True, s3.id: False}


def test_being_excused_is_not_a_visit(world):
    s1, s2, _s3 = sessions_in_a_row(world)
    person = factories.participant(world.space)
    services.record_attendance(world.mediator, s1, person, "excused")
    assert first_visits(person) == {s1.id: False}
    services.record_attendance(world.mediator, s2, person, "present")
    assert first_visits(person) == {s1.id: False, s2.id: True}
    # Excused, then came after all: now the first visit.
    services.record_attendance(world.mediator, s1, person, "present")
    assert first_visits(person) == {s1.id: True, s2.id: False}


def test_attendance_at_a_session_of_another_space_is_refused(world):
    person = factories.participant(world.space)
    other = factories.participant(world.other_space, "Baobab")
    with pytest.raises(NotFound):
        services.record_attendance(world.mediator, world.other_session, person, "present")
    with pytest.raises(NotFound):
        services.record_attendance(world.mediator, world.session, other, "present")
    with pytest.raises(NotFound):
        services.clear_attendance(world.other_mediator, world.session, person)
    assert count(Attendance) == 0


def test_the_database_refuses_a_second_row_for_the_same_person_and_session(world):
    person = factories.participant(world.space)
    services.record_attendance(world.mediator, world.session, person, "present")
    row = {"session_id": world.session.id, "participant_id": person.id, "status": "present"}
    with db.engine.connect() as connection:  # another connection, as another phone would be
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.insert(Attendance.__table__).values(**row))
            connection.commit()
        connection.rollback()
    assert len(rows_of(person)) == 1


def test_recording_twice_quickly_keeps_one_row(world):
    person = factories.participant(world.space)
    services.record_attendance(world.mediator, world.session, person, "present")
    services.record_attendance(world.mediator, world.session, person, "present")
    assert [a.status for a in rows_of(person)] == [PRESENT]


def test_two_roll_calls_at_once_keep_one_row(app, world):
    """Two mediators' phones mark the same person at the same moment (real threads)."""
    person = factories.participant(world.space)
    ids = (world.mediator.id, world.coordinator.id)
    session_id, person_id = world.session.id, person.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def mark(user_id: int) -> None:
        from facilitation.accounts.models import User
        from facilitation.workshops.models import WorkshopSession

        with app.app_context():
            try:
                actor = db.session.get(User, user_id)
                session = db.session.get(WorkshopSession, session_id)
                participant = db.session.get(Participant, person_id)
                barrier.wait(timeout=5)
                services.record_attendance(actor, session, participant, "present")
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=mark, args=(user_id,)) for user_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert [a.status for a in rows_of(person)] == [PRESENT]
    assert count(SpaceParticipant, SpaceParticipant.participant_id == person.id) == 1


# --- the roll call --------------------------------------------------------------------------------


def test_the_roll_call_lists_the_space_regulars_by_pseudonym_with_their_status(world):
    zebre = factories.participant(world.space, "Zèbre")
    atlas = factories.participant(world.space, "atlas")
    baobab = factories.participant(world.space, "Baobab")
    factories.participant(world.other_space, "Ailleurs")
    services.record_attendance(world.mediator, world.session, baobab, "present")
    services.record_attendance(world.mediator, world.session, atlas, "excused")

    roll = services.roll_call(world.mediator, world.session)

    assert [(r.participant.pseudonym, r.attendance and r.attendance.status) for r in roll.rows] == [
        ("atlas", EXCUSED),
        ("Baobab", PRESENT),
        ("Zèbre", None),
    ]
    assert roll.present == 1
    assert zebre in [r.participant for r in roll.rows]
    with pytest.raises(NotFound):
        services.roll_call(world.other_mediator, world.session)


def test_the_roll_call_tells_who_comes_for_the_first_time(world):
    s1, s2, _ = sessions_in_a_row(world)
    regular = factories.participant(world.space, "Atlas")
    factories.participant(world.space, "Nouveau")
    services.record_attendance(world.mediator, s1, regular, "present")
    visits = {
        r.participant.pseudonym: r.visits for r in services.roll_call(world.mediator, s2).rows
    }
    assert visits == {"Atlas": 1, "Nouveau": 0}


def test_a_newcomer_is_added_inline_with_who_brought_them(world):
    soleil = factories.participant(world.space, "Soleil")
    mimosa = services.add_newcomer(
        world.mediator, world.session, "  Mimosa ", brought_by_id=soleil.id
    )
    assert (mimosa.pseudonym, mimosa.brought_by_id) == ("Mimosa", soleil.id)
    assert [(a.status, a.first_visit) for a in rows_of(mimosa)] == [(PRESENT, True)]
    roll = services.roll_call(world.mediator, world.session)
    assert {r.participant.pseudonym: r.attendance is not None for r in roll.rows} == {
        "Mimosa": True,
        "Soleil": False,
    }


def test_a_newcomer_cannot_be_said_brought_by_someone_of_another_space(world):
    stranger = factories.participant(world.other_space, "Ailleurs")
    with pytest.raises(NotFound):
        services.add_newcomer(world.mediator, world.session, "Mimosa", brought_by_id=stranger.id)
    assert count(Participant, Participant.pseudonym == "Mimosa") == 0


# --- self check-in from the live board ------------------------------------------------------------


def test_a_phone_that_joined_the_board_with_a_pseudonym_is_proposed_at_the_roll_call(world):
    board = live.board_for_session(world.mediator, world.session)
    nour = live.join(board, "device-key-1", pseudonym="Nour", language="fr")
    live.join(board, "device-key-2", pseudonym=None, language="fr")  # stays anonymous

    roll = services.roll_call(world.mediator, world.session)

    assert [(c.live_participant_id, c.pseudonym, c.participant) for c in roll.check_ins] == [
        (nour.id, "Nour", None)
    ]
    assert roll.rows == [] and roll.present == 0


def test_confirming_a_check_in_creates_the_participant_marks_them_and_links_the_phone(world):
    board = live.board_for_session(world.mediator, world.session)
    on_board = live.join(board, "device-key-1", pseudonym="Nour", language="fr")

    nour = services.confirm_check_in(world.mediator, world.session, on_board.id)

    assert nour.pseudonym == "Nour"
    assert services.get_participant(world.mediator, nour.id) == nour  # known in the space
    assert [(a.session_id, a.status, a.source, a.first_visit) for a in rows_of(nour)] == [
        (world.session.id, PRESENT, "check_in", True)
    ]
    device = db.session.scalar(sa.select(ParticipantDevice))
    assert (device.participant_id, device.device_hash) == (
        nour.id,
        live.hash_device("device-key-1"),
    )
    db.session.refresh(on_board)
    assert on_board.participant_id == nour.id
    roll = services.roll_call(world.mediator, world.session)
    assert roll.check_ins == [] and roll.present == 1
    assert services.participant_for_device("device-key-1") == nour


def test_the_same_phone_is_recognised_on_the_next_sessions_board(world):
    s2 = sessions_in_a_row(world, 1)[0]
    first = live.join(
        board_of(world, world.session), "device-key-1", pseudonym="Nour", language="fr"
    )
    nour = services.confirm_check_in(world.mediator, world.session, first.id)

    again = live.join(board_of(world, s2), "device-key-1", pseudonym="Nour", language="fr")
    assert again.participant_id == nour.id  # same pseudonymous identity, automatically

    roll = services.roll_call(world.mediator, s2)
    assert [(c.live_participant_id, c.participant) for c in roll.check_ins] == [(again.id, nour)]
    assert services.confirm_check_in(world.mediator, s2, again.id) == nour
    assert count(Participant) == 1
    assert count(ParticipantDevice) == 1
    assert first_visits(nour) == {world.session.id: True, s2.id: False}


def test_a_recognised_phone_under_another_pseudonym_is_still_the_same_person(world):
    s2 = sessions_in_a_row(world, 1)[0]
    first = phone(board_of(world, world.session), "device-key-1", "Nour")
    nour = services.confirm_check_in(world.mediator, world.session, first.id)
    again = phone(board_of(world, s2), "device-key-1", "Nounou")
    roll = services.roll_call(world.mediator, s2)
    assert [(c.pseudonym, c.participant) for c in roll.check_ins] == [("Nounou", nour)]
    assert services.confirm_check_in(world.mediator, s2, again.id) == nour
    assert count(Participant) == 1


def test_a_check_in_can_be_confirmed_as_an_existing_participant(world):
    nour = factories.participant(world.space, "Nour")
    on_board = phone(board_of(world, world.session), "device-key-1", "Nour B.")

    assert (
        services.confirm_check_in(
            world.mediator, world.session, on_board.id, participant_id=nour.id
        )
        == nour
    )
    assert count(Participant) == 1
    assert services.participant_for_device("device-key-1") == nour
    assert [a.source for a in rows_of(nour)] == ["check_in"]


def test_the_same_person_checked_in_under_two_pseudonyms_can_be_merged(world):
    s2 = sessions_in_a_row(world, 1)[0]
    first = phone(board_of(world, world.session), "old-phone", "Nour")
    nour = services.confirm_check_in(world.mediator, world.session, first.id)
    second = phone(board_of(world, s2), "new-phone", "Noor")
    noor = services.confirm_check_in(world.mediator, s2, second.id)
    assert nour != noor

    services.merge(world.coordinator, nour, noor)  # merging is the coordinator's

    assert count(Participant) == 1
    assert services.participant_for_device("old-phone") == nour
    assert services.participant_for_device("new-phone") == nour
    assert first_visits(nour) == {world.session.id: True, s2.id: False}
    db.session.refresh(second)
    assert second.participant_id == nour.id


def test_a_check_in_of_another_sessions_board_is_refused(world):
    s2 = sessions_in_a_row(world, 1)[0]
    elsewhere = phone(board_of(world, s2), "device-key-1", "Nour")
    with pytest.raises(NotFound):
        services.confirm_check_in(world.mediator, world.session, elsewhere.id)
    with pytest.raises(NotFound):
        services.confirm_check_in(world.other_mediator, s2, elsewhere.id)
    with pytest.raises(NotFound):
        services.confirm_check_in(world.mediator, world.session, 987654)
    assert count(Participant) == 0 and count(Attendance) == 0


def test_a_check_in_cannot_be_confirmed_as_a_participant_of_another_space(world):
    stranger = factories.participant(world.other_space, "Ailleurs")
    on_board = phone(board_of(world, world.session), "device-key-1", "Nour")
    with pytest.raises(NotFound):
        services.confirm_check_in(
            world.mediator, world.session, on_board.id, participant_id=stranger.id
        )
    assert count(ParticipantDevice) == 0 and count(Attendance) == 0


# --- co-animation ---------------------------------------------------------------------------------


def hand_over(world, board, on_board: LiveParticipant) -> None:
    live.control(
        live.Actor(user=world.mediator), board, "handover", {"participant_id": on_board.id}
    )


def test_a_handover_to_a_known_phone_records_co_animation_of_the_session(world):
    board = board_of(world, world.session)
    on_board = phone(board, "device-key-1", "Nour")
    nour = services.confirm_check_in(world.mediator, world.session, on_board.id)

    hand_over(world, board, on_board)

    co = db.session.scalar(sa.select(CoAnimation))
    assert (co.kind, co.participant_id, co.live_participant_id) == (
        CoAnimationKind.BOARD,
        nour.id,
        on_board.id,
    )
    assert (co.session_id, co.space_id, co.occurred_on, co.recorded_by_id) == (
        world.session.id,
        world.space.id,
        world.session.starts_on,
        world.mediator.id,
    )
    assert services.own_journey(nour).co_animations == 1


def test_a_handover_before_the_check_in_is_linked_when_the_check_in_is_confirmed(world):
    board = board_of(world, world.session)
    on_board = phone(board, "device-key-1", "Nour")
    hand_over(world, board, on_board)
    co = db.session.scalar(sa.select(CoAnimation))
    assert (co.kind, co.participant_id, co.live_participant_id) == (
        CoAnimationKind.BOARD,
        None,
        on_board.id,
    )

    nour = services.confirm_check_in(world.mediator, world.session, on_board.id)

    db.session.refresh(co)
    assert co.participant_id == nour.id
    journey = services.own_journey(nour)
    assert journey.co_animations == 1
    assert [(e.kind, e.label) for e in journey.events if e.kind == "co_animation"] == [
        ("co_animation", "board")
    ]


def test_staff_record_co_animation_done_off_the_app(world):
    nour = factories.participant(world.space, "Nour")
    for kind in ("animated_tool", "reused_tool", "proposed_space", "led_project"):
        co = services.add_co_animation(
            world.mediator,
            nour,
            kind=kind,
            space=world.space,
            occurred_on=date(2030, 2, 1),
            note="  A   animé la météo ",
        )
        assert (co.kind.value, co.participant_id, co.space_id, co.recorded_by_id) == (
            kind,
            nour.id,
            world.space.id,
            world.mediator.id,
        )
    assert co.note == "A animé la météo"
    journey = services.own_journey(nour)
    assert (journey.co_animations, journey.spaces_proposed, journey.tools_reused) == (4, 1, 1)


def test_co_animation_in_a_space_the_staff_cannot_see_is_refused(world):
    nour = factories.participant(world.space, "Nour")
    with pytest.raises(NotFound):
        services.add_co_animation(
            world.mediator,
            nour,
            kind="animated_tool",
            space=world.other_space,
            occurred_on=date.today(),
        )
    with pytest.raises(NotFound):  # a session of another space
        services.add_co_animation(
            world.mediator,
            nour,
            kind="animated_tool",
            space=world.space,
            occurred_on=date.today(),
            session=world.other_session,
        )
    with pytest.raises(NotFound):  # a participant they cannot see
        services.add_co_animation(
            world.other_mediator,
            nour,
            kind="animated_tool",
            space=world.other_space,
            occurred_on=date.today(),
        )
    assert count(CoAnimation) == 0


def test_a_phone_known_in_another_space_is_checked_in_and_becomes_known_here(world):
    """A person of Les Izards comes to a workshop at Arnaud Bernard with their phone."""
    there = phone(board_of(world, world.other_session, world.other_mediator), "key-1", "Nour")
    nour = services.confirm_check_in(world.other_mediator, world.other_session, there.id)
    here = phone(board_of(world, world.session), "key-1", "Nour")
    assert here.participant_id == nour.id

    assert services.confirm_check_in(world.mediator, world.session, here.id) == nour

    assert services.get_participant(world.mediator, nour.id) == nour
    assert count(Participant) == 1
    assert {a.session_id: a.status for a in rows_of(nour)} == {
        world.other_session.id: PRESENT,
        world.session.id: PRESENT,
    }
    # The team of this space still sees only what happened in their space.
    journey = services.staff_journey(world.mediator, nour)
    assert [e.space for e in journey.events] == [world.space.name]


def test_staff_who_see_who_brought_someone_can_change_or_clear_it(world):
    soleil = factories.participant(world.space, "Soleil")
    atlas = factories.participant(world.space, "Atlas")
    nour = services.add_newcomer(world.mediator, world.session, "Nour", brought_by_id=soleil.id)

    def save(brought_by_id):
        data = services.ParticipantData(pseudonym="Nour", brought_by_id=brought_by_id)
        return services.update_participant(world.mediator, nour, data).brought_by_id

    assert save(atlas.id) == atlas.id
    assert save(nour.id) == atlas.id  # never "brought by themself"
    assert save(None) is None
    stranger = factories.participant(world.other_space, "Ailleurs")
    with pytest.raises(NotFound):
        save(stranger.id)
