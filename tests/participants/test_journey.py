"""Journeys, merging duplicates, erasure, export and the cycle overview (services).

Respect of will: a person can see and take what is held on them, and have it erased;
the anonymous counts the structure reports on stay right. Every staff read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.core.exceptions import Forbidden, NotFound, ValidationError
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import Handover, LiveParticipant
from facilitation.participants import services
from facilitation.participants.models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    Participant,
    ParticipantDevice,
    ParticipantLink,
    SpaceParticipant,
)

from .. import factories
from .helpers import board_of, count, phone, sessions_in_a_row

PRESENT, EXCUSED = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED


def audit_rows(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def present_rows() -> int:
    return count(Attendance, Attendance.status == AttendanceStatus.PRESENT)


def hand_over(world, board, on_board: LiveParticipant) -> None:
    staff = live.Actor(user=world.mediator)
    live.control(staff, board, "handover", {"participant_id": on_board.id})


# --- journeys -------------------------------------------------------------------------------------


@dataclass
class Story:
    nour: Participant
    sessions: list


def nours_story(world) -> Story:
    """Nour came to Arnaud Bernard (s1), was excused (s2), animated a tool, brought Mimosa;
    she also came to Les Izards, co-animated there and brought someone there."""
    s1, s2 = sessions_in_a_row(world, 2)
    nour = factories.participant(world.space, "Nour")
    services.record_attendance(world.mediator, s1, nour, "present")
    services.record_attendance(world.mediator, s2, nour, "excused")
    services.add_co_animation(
        world.mediator,
        nour,
        kind="animated_tool",
        space=world.space,
        occurred_on=s1.starts_on,
        session=s1,
        note="La météo d'arrivée",
    )
    services.add_newcomer(world.mediator, s2, "Mimosa", brought_by_id=nour.id)
    services.record_attendance(world.coordinator, world.other_session, nour, "present")
    services.add_co_animation(
        world.coordinator,
        nour,
        kind="proposed_space",
        space=world.other_space,
        occurred_on=world.other_session.starts_on,
    )
    services.add_newcomer(world.coordinator, world.other_session, "Ailleurs", brought_by_id=nour.id)
    return Story(nour, [s1, s2])


def test_the_staff_journey_is_a_timeline_of_the_staffs_spaces(world):
    story = nours_story(world)
    s1, s2 = story.sessions

    journey = services.staff_journey(world.mediator, story.nour)

    assert [(e.day, e.kind, e.label, e.space) for e in journey.events] == [
        (s2.starts_on, "excused", s2.theme, "Arnaud Bernard"),
        (s1.starts_on, "co_animation", "animated_tool", "Arnaud Bernard"),
        (s1.starts_on, "attended", s1.theme, "Arnaud Bernard"),
        (date.today(), "brought", "Mimosa", None),
    ]
    assert (journey.sessions_attended, journey.co_animations, journey.people_brought) == (1, 1, 1)
    everything = " ".join(f"{e.label} {e.space} {e.detail}" for e in journey.events)
    assert "Les Izards" not in everything and "Ailleurs" not in everything


def test_the_timeline_is_in_reverse_order_of_dates(world):
    story = nours_story(world)
    days = [e.day for e in services.own_journey(story.nour).events]
    assert days == sorted(days, reverse=True)


def test_the_participant_sees_their_whole_journey(world):
    story = nours_story(world)
    journey = services.own_journey(story.nour)
    assert (journey.sessions_attended, journey.co_animations, journey.people_brought) == (2, 2, 2)
    assert journey.spaces_proposed == 1
    assert {e.space for e in journey.events if e.space} == {"Arnaud Bernard", "Les Izards"}
    assert {e.label for e in journey.events if e.kind == "brought"} == {"Mimosa", "Ailleurs"}
    # Their first visit in the structure: the Les Izards session (the earliest).
    firsts = [(e.label, e.space) for e in journey.events if e.first_visit]
    assert firsts == [(world.other_session.theme, "Les Izards")]
    assert audit_rows(audit.VIEW_JOURNEY) == []  # reading one's own journey: not a staff read


def test_every_staff_reading_of_a_journey_is_audited(world):
    story = nours_story(world)
    services.staff_journey(world.mediator, story.nour)
    services.staff_journey(world.coordinator, story.nour)
    entries = audit_rows(audit.VIEW_JOURNEY)
    assert [(e.actor_id, e.participant_public_id, e.organisation_id) for e in entries] == [
        (world.mediator.id, story.nour.public_id, world.org.id),
        (world.coordinator.id, story.nour.public_id, world.org.id),
    ]


def test_staff_of_another_space_cannot_read_a_journey(world):
    colibri = factories.participant(world.space, "Colibri")
    with pytest.raises(NotFound):
        services.staff_journey(world.other_mediator, colibri)
    assert audit_rows() == []


# --- merging duplicates ---------------------------------------------------------------------------


@dataclass
class Duplicates:
    keep: Participant
    remove: Participant
    sessions: list
    keep_board: LiveParticipant
    remove_board: LiveParticipant
    brought: Participant


def duplicates(world) -> Duplicates:
    """The same person as "Nour" and "Noor": attendance on s1, s2 (both) and s3."""
    s1, s2, s3 = sessions_in_a_row(world)
    keep = factories.participant(world.space, "Nour")
    remove = factories.participant(world.space, "Noor")
    services.record_attendance(world.mediator, s1, keep, "present")
    services.record_attendance(world.mediator, s2, keep, "excused")
    services.record_attendance(world.mediator, s2, remove, "present")
    services.record_attendance(world.mediator, s3, remove, "present")
    keep_phone = phone(board_of(world, s1), "nour-phone", "Nour")
    services.confirm_check_in(world.mediator, s1, keep_phone.id, participant_id=keep.id)
    remove_phone = phone(board_of(world, s3), "noor-phone", "Noor")
    services.confirm_check_in(world.mediator, s3, remove_phone.id, participant_id=remove.id)
    hand_over(world, board_of(world, s3), remove_phone)
    services.add_co_animation(
        world.mediator, remove, kind="reused_tool", space=world.space, occurred_on=s3.starts_on
    )
    brought = services.add_newcomer(world.mediator, s3, "Mimosa", brought_by_id=remove.id)
    # Noor is also known in Les Izards.
    services.record_attendance(world.coordinator, world.other_session, remove, "excused")
    return Duplicates(keep, remove, [s1, s2, s3], keep_phone, remove_phone, brought)


def test_the_merge_preview_says_what_will_move(world):
    d = duplicates(world)
    preview = services.merge_preview(world.coordinator, d.keep, d.remove)
    assert (preview.keep, preview.remove) == (d.keep, d.remove)
    assert preview.attendances_moved == 2  # s3 and the Les Izards session
    assert preview.attendances_combined == 1  # s2
    assert preview.co_animations_moved == 2
    assert preview.phones_moved == 1
    assert count(Participant) == 3  # a preview changes nothing


def test_a_merge_moves_everything_and_loses_nothing(world):
    d = duplicates(world)
    s1, s2, s3 = d.sessions
    keep_id, remove_id = d.keep.id, d.remove.id
    keep_public_id, remove_public_id = d.keep.public_id, d.remove.public_id
    present_before = present_rows()

    services.merge(world.coordinator, d.keep, d.remove)

    assert db.session.get(Participant, remove_id) is None
    assert present_rows() == present_before
    rows = {
        a.session_id: (a.status, a.first_visit)
        for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.participant_id == keep_id)
        )
    }
    assert rows == {
        s1.id: (PRESENT, True),
        s2.id: (PRESENT, False),  # excused + present on the same session: present, one row
        s3.id: (PRESENT, False),
        world.other_session.id: (EXCUSED, False),
    }
    assert count(Attendance, Attendance.session_id == s2.id) == 1
    assert count(Attendance, Attendance.participant_id.is_(None)) == 0
    assert {c.kind.value for c in db.session.scalars(sa.select(CoAnimation))} == {
        "board",
        "reused_tool",
    }
    assert count(CoAnimation, CoAnimation.participant_id == keep_id) == 2
    assert count(ParticipantDevice, ParticipantDevice.participant_id == keep_id) == 2
    assert services.participant_for_device("noor-phone").id == keep_id
    assert count(LiveParticipant, LiveParticipant.participant_id == keep_id) == 2
    assert set(
        db.session.scalars(
            sa.select(SpaceParticipant.space_id).where(SpaceParticipant.participant_id == keep_id)
        )
    ) == {world.space.id, world.other_space.id}
    assert db.session.get(Participant, d.brought.id).brought_by_id == keep_id
    (entry,) = audit_rows(audit.MERGE)
    assert (entry.actor_id, entry.participant_public_id, entry.details) == (
        world.coordinator.id,
        keep_public_id,
        {"merged": remove_public_id},
    )
    journey = services.own_journey(db.session.get(Participant, keep_id))
    assert (journey.sessions_attended, journey.co_animations, journey.people_brought) == (3, 2, 1)


def test_a_merge_keeps_who_brought_the_person(world):
    soleil = factories.participant(world.space, "Soleil")
    keep = factories.participant(world.space, "Nour")
    remove = services.add_newcomer(world.mediator, world.session, "Noor", brought_by_id=soleil.id)
    services.merge(world.coordinator, keep, remove)
    assert db.session.get(Participant, keep.id).brought_by_id == soleil.id


def test_a_duplicate_said_to_have_brought_the_kept_record_does_not_make_it_bring_itself(world):
    remove = factories.participant(world.space, "Noor")
    keep = services.add_newcomer(world.mediator, world.session, "Nour", brought_by_id=remove.id)

    services.merge(world.coordinator, keep, remove)

    kept = db.session.get(Participant, keep.id)
    assert kept.brought_by_id is None
    assert services.own_journey(kept).people_brought == 0


def test_merging_needs_two_different_participants_the_coordinator_can_see(world):
    nour = factories.participant(world.space, "Nour")
    stranger = factories.participant(factories.space(factories.organisation("Autre")), "Loin")
    with pytest.raises(ValidationError):
        services.merge(world.coordinator, nour, nour)
    with pytest.raises(NotFound):
        services.merge_preview(world.coordinator, nour, stranger)
    with pytest.raises(NotFound):
        services.merge(world.coordinator, stranger, nour)
    assert count(Participant) == 2 and audit_rows() == []


def test_a_mediator_cannot_merge_even_in_their_own_space(world):
    """A merge changes the person for the whole structure: the coordinator's."""
    nour = factories.participant(world.space, "Nour")
    noor = factories.participant(world.space, "Noor")
    ailleurs = factories.participant(world.other_space, "Ailleurs")
    with pytest.raises(Forbidden):
        services.merge_preview(world.mediator, nour, noor)
    with pytest.raises(Forbidden):
        services.merge(world.mediator, nour, noor)
    with pytest.raises(Forbidden):
        services.merge_candidates(world.mediator, nour)
    with pytest.raises(NotFound):  # outside their spaces: not even its existence
        services.merge(world.mediator, nour, ailleurs)
    assert count(Participant) == 3 and audit_rows() == []


# --- erasure --------------------------------------------------------------------------------------


@dataclass
class Erasable:
    nour: Participant
    sessions: list
    phones: list[LiveParticipant]
    poll: object
    mimosa: Participant


def erasable(world) -> Erasable:
    """Nour checked in from her phone at s1 and s2, answered a poll, animated the board
    twice at s2, brought Mimosa, got a sign-in link; Atlas and Mimosa came too."""
    cycle = factories.cycle(world.space, "Douleurs chroniques")
    s1, s2, s3 = sessions_in_a_row(world, cycle=cycle)
    atlas = factories.participant(world.space, "Atlas")
    for s in (s1, s2, s3):
        services.record_attendance(world.mediator, s, atlas, "present")
    first = phone(board_of(world, s1), "nour-phone", "Nour")
    nour = services.confirm_check_in(world.mediator, s1, first.id)
    poll = live.add_activity(
        world.mediator,
        board_of(world, s1),
        kind="poll",
        prompt="Êtes-vous d'accord ?",
        config={"choices": ["Oui", "Non"]},
    )
    live.control(live.Actor(user=world.mediator), board_of(world, s1), "open")
    live.submit_answer(first, poll.id, "answer-1", [1])
    board2 = board_of(world, s2)
    second = phone(board2, "nour-phone", "Nour")
    services.confirm_check_in(world.mediator, s2, second.id)
    hand_over(world, board2, second)
    live.control(live.Actor(user=world.mediator), board2, "take_back")
    hand_over(world, board2, second)
    mimosa = services.add_newcomer(world.mediator, s2, "Mimosa", brought_by_id=nour.id)
    services.record_attendance(world.mediator, s3, mimosa, "present")
    services.create_sign_in_link(world.mediator, nour)
    return Erasable(nour, [s1, s2, s3], [first, second], poll, mimosa)


def overview_counts(world, cycle) -> list[tuple]:
    """Per-session lines and the cycle's totals (distinct people, co-animators, who moved)."""
    overview = services.cycle_overview(world.mediator, cycle)
    lines = [(line.session.id, line.came, line.new, line.co_animated) for line in overview.lines]
    return [*lines, (overview.people, overview.co_animators, overview.moved_to_co_animating)]


def assert_erased(world, e: Erasable, nour_id: int) -> None:
    db.session.expire_all()
    assert db.session.get(Participant, nour_id) is None
    assert count(ParticipantDevice) == 0
    assert count(ParticipantLink) == 0
    assert count(SpaceParticipant, SpaceParticipant.participant_id == nour_id) == 0
    # Her rows stay, anonymous: the session counts do not change.
    assert count(Attendance, Attendance.participant_id.is_(None)) == 2
    assert count(CoAnimation, CoAnimation.participant_id.is_(None)) == 2
    for on_board in e.phones:
        db.session.refresh(on_board)
        assert (on_board.pseudonym, on_board.participant_id) == (None, None)
    assert live.results(e.poll) == {"total": 1, "counts": [0, 1]}
    assert count(Handover) == 2
    assert db.session.get(Participant, e.mimosa.id).brought_by_id is None
    assert services.participant_for_device("nour-phone") is None
    # Her phone joining again is a new, unknown phone.
    again = phone(board_of(world, e.sessions[2]), "nour-phone", "Nour")
    assert again.participant_id is None


def test_staff_erasure_removes_the_person_and_keeps_the_counts(world):
    e = erasable(world)
    nour_id, cycle = e.nour.id, e.sessions[0].cycle
    nour_public_id = e.nour.public_id
    services.staff_journey(world.coordinator, e.nour)
    before = overview_counts(world, cycle)
    assert before == [
        (e.sessions[0].id, 2, 2, 0),
        (e.sessions[1].id, 3, 1, 1),
        (e.sessions[2].id, 2, 0, 0),
        (3, 1, 1),  # Atlas, Nour, Mimosa came; Nour co-animated after first taking part
    ]

    services.staff_erase(world.coordinator, e.nour)

    assert overview_counts(world, cycle) == before
    assert_erased(world, e, nour_id)
    reads = (audit.LINK, audit.VIEW_JOURNEY, audit.ERASE)
    actions = [
        (a.action, a.actor_id, a.participant_public_id) for a in audit_rows() if a.action in reads
    ]
    assert actions == [
        ("link", world.mediator.id, nour_public_id),
        ("view_journey", world.coordinator.id, nour_public_id),
        ("erase", world.coordinator.id, nour_public_id),
    ]
    assert audit.entries(world.coordinator)[0].action == "erase"  # newest first


def test_self_erasure_removes_the_person_and_keeps_the_counts(world):
    e = erasable(world)
    nour_id, cycle = e.nour.id, e.sessions[0].cycle
    nour_public_id = e.nour.public_id
    before = overview_counts(world, cycle)
    me = services.participant_for_device("nour-phone")
    assert me == e.nour

    services.self_erase(me)

    assert overview_counts(world, cycle) == before
    assert_erased(world, e, nour_id)
    (entry,) = audit_rows(audit.SELF_ERASE)
    assert (entry.actor_id, entry.participant_public_id, entry.organisation_id) == (
        None,
        nour_public_id,
        world.org.id,
    )


def test_staff_of_another_space_cannot_erase(world):
    nour = factories.participant(world.space, "Nour")
    with pytest.raises(NotFound):
        services.staff_erase(world.other_mediator, nour)
    assert count(Participant) == 1 and audit_rows() == []


def test_a_mediator_cannot_erase_a_person_for_the_whole_structure(world):
    nour = factories.participant(world.space, "Nour")
    with pytest.raises(Forbidden):
        services.staff_erase(world.mediator, nour)
    assert count(Participant) == 1 and audit_rows() == []


# --- export ---------------------------------------------------------------------------------------


def test_the_export_holds_everything_on_the_person_and_is_audited(world):
    story = nours_story(world)
    services.update_participant(
        world.mediator,
        story.nour,
        services.ParticipantData(
            pseudonym="Nour",
            languages="arabe  français",
            consents={"journey": True, "photos": False, "testimony": True, "other": True},
            notes={world.space.id: "Préfère les ateliers du matin"},
        ),
    )
    phone_on_board = phone(board_of(world, story.sessions[0]), "nour-phone", "Nour")
    services.confirm_check_in(
        world.mediator, story.sessions[0], phone_on_board.id, participant_id=story.nour.id
    )

    data = services.staff_export(world.coordinator, story.nour)

    assert data["pseudonym"] == "Nour"
    assert data["languages"] == "arabe français"
    assert data["consents"] == {"journey": True, "photos": False, "testimony": True}
    assert data["notes"] == {"Arnaud Bernard": "Préfère les ateliers du matin"}
    assert data["brought_by"] is None
    assert data["registered_on"] == date.today().isoformat()
    assert data["spaces"] == ["Arnaud Bernard", "Les Izards"]
    kinds = sorted(e["kind"] for e in data["journey"])
    assert kinds == [
        "attended",
        "attended",
        "brought",
        "brought",
        "co_animation",
        "co_animation",
        "excused",
    ]
    assert set(data["journey"][0]) == {"date", "kind", "label", "space", "first_visit", "detail"}
    (entry,) = audit_rows(audit.EXPORT)
    assert (entry.actor_id, entry.participant_public_id) == (
        world.coordinator.id,
        story.nour.public_id,
    )


def test_staff_of_another_space_cannot_export(world):
    nour = factories.participant(world.space, "Nour")
    with pytest.raises(NotFound):
        services.staff_export(world.other_mediator, nour)
    assert audit_rows() == []


# --- the cycle overview ---------------------------------------------------------------------------


def test_the_cycle_overview_counts_who_came_was_new_and_co_animated(world):
    cycle = factories.cycle(world.space, "Douleurs chroniques")
    s1, s2, s3 = sessions_in_a_row(world, cycle=cycle)
    atlas = factories.participant(world.space, "Atlas")  # came at s1, co-animated at s3
    colibri = factories.participant(world.space, "Colibri")  # s1 and s2
    excused = factories.participant(world.space, "Tilleul")  # excused at s1: not counted
    services.record_attendance(world.mediator, s1, atlas, "present")
    services.record_attendance(world.mediator, s1, colibri, "present")
    services.record_attendance(world.mediator, s1, excused, "excused")
    services.record_attendance(world.mediator, s2, colibri, "present")
    # Baobab's first session is s2, and they take the board at once: not "moved to".
    board2 = board_of(world, s2)
    baobab_phone = phone(board2, "baobab-phone", "Baobab")
    services.confirm_check_in(world.mediator, s2, baobab_phone.id)
    hand_over(world, board2, baobab_phone)
    hand_over(world, board2, baobab_phone)
    services.record_attendance(world.mediator, s3, atlas, "present")
    services.add_co_animation(
        world.mediator,
        atlas,
        kind="animated_tool",
        space=world.space,
        occurred_on=s3.starts_on,
        session=s3,
    )

    overview = services.cycle_overview(world.mediator, cycle)

    assert [(line.session, line.came, line.new, line.co_animated) for line in overview.lines] == [
        (s1, 2, 2, 0),
        (s2, 2, 1, 1),
        (s3, 1, 0, 1),
    ]
    assert (overview.people, overview.co_animators, overview.moved_to_co_animating) == (3, 2, 1)
    with pytest.raises(NotFound):
        services.cycle_overview(world.other_mediator, cycle)


def test_a_phone_handed_the_board_twice_is_one_co_animator(world):
    """Before their check-in is confirmed, a co-animating phone is still one person."""
    board = board_of(world, world.session)
    on_board = phone(board, "device-key-1", "Nour")
    hand_over(world, board, on_board)
    live.control(live.Actor(user=world.mediator), board, "take_back")
    hand_over(world, board, on_board)
    overview = services.cycle_overview(world.mediator, world.cycle)
    assert [line.co_animated for line in overview.lines] == [1]
    assert overview.co_animators == 1
