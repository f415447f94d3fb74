"""Erasure: what the person asked to erase is erased; anonymous counts stay.

What an erasure does (:func:`erase_person`):

- the person's row goes, with every team's notes on them (``SpaceParticipant``), their
  phones (``ParticipantDevice``) and their one-time links;
- free text written by or about them is blanked: co-animation notes, and on the live
  boards their post-its, questions and word-cloud words (rows kept, so results keep
  their counts: how many answered, the dots and votes a blanked post-it received);
- their board identities (``LiveParticipant``) are unlinked: device hash replaced by a
  random value, pseudonym and link to the person removed — nothing ties their answers
  to a phone or to them any more;
- their attendance and co-animation rows stay, without a person, so that every session
  keeps its counts (came, new, co-animated).

**How "distinct people" survives without a trail.** Until erased, a person's rows carry
their key (``Participant.anon_key``), which links their sessions everywhere — harmless
while the rows also name them. At erasure that key would become exactly the trail the
person asked to lose. So their rows are re-keyed (:func:`fresh_keys`): one fresh random
key per *group* of rows of one space that share a calendar year or a cycle. Hence:

- exact after an erasure: every session's counts; distinct people of a cycle (a cycle
  belongs to one space, and its rows share one key even across New Year); distinct
  people of a space in a calendar year; who moved from taking part to co-animating in a
  cycle (co-animation rows are grouped with the attendance rows);
- may count the erased person more than once: distinct people over several spaces
  (structure-wide, or a thematic plus a territorial space) and over several years of a
  space (unless one cycle they attended ran across those years, which links them);
- nothing links one space's rows to another's, and two years of a space are linked only
  through a cycle the person attended that ran across both.

Removing a person from one space (:func:`remove_from_space`, a mediator's own action) is
the same, limited to that space: their rows there are re-keyed and unlinked from them,
that team's notes and co-animation notes go, their board identities on that space's
boards are unlinked; the space's counts do not change. Their post-its stay (the group's
work, now anonymous); the rest of what is held on them stays with the other spaces.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ...accounts.models import User
from ...audit import services as audit
from ...core.exceptions import Forbidden, NotFound
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ...workshops.models import Cycle, WorkshopSession
from ..models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    Participant,
    ParticipantDevice,
    ParticipantLink,
    SpaceParticipant,
)
from .visibility import get_participant


def fresh_keys(rows: Iterable[tuple[object, int, int | None, int]]) -> dict[object, str]:
    """Rows ``(ref, space_id, cycle_id or None, year)`` → a fresh random key per group of
    rows of one space sharing a calendar year or a cycle (union-find over both)."""
    rows = list(rows)
    parent: dict[tuple, tuple] = {}

    def find(node: tuple) -> tuple:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for _ref, space_id, cycle_id, year in rows:
        if cycle_id is not None:
            parent[find(("cycle", cycle_id))] = find(("year", space_id, year))
    keys: dict[tuple, str] = defaultdict(lambda: secrets.token_hex(16))
    return {ref: keys[find(("year", space_id, year))] for ref, space_id, _c, year in rows}


def _detach(participant: Participant, space_id: int | None = None) -> None:
    """Unlink the person's attendance and co-animation rows (all, or one space's), with
    fresh keys and co-animation notes blanked; their first visit stays counted."""
    attendance_query = (
        sa.select(Attendance, Cycle.space_id, Cycle.id, WorkshopSession.starts_on)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(Attendance.participant_id == participant.id)
    )
    co_query = (
        sa.select(CoAnimation, CoAnimation.space_id, WorkshopSession.cycle_id)
        .outerjoin(WorkshopSession, WorkshopSession.id == CoAnimation.session_id)
        .where(CoAnimation.participant_id == participant.id)
    )
    if space_id is not None:
        attendance_query = attendance_query.where(Cycle.space_id == space_id)
        co_query = co_query.where(CoAnimation.space_id == space_id)
    attendances = db.session.execute(attendance_query).all()
    co_animations = db.session.execute(co_query).all()
    keys = fresh_keys(
        [(a, space, cycle, day.year) for a, space, cycle, day in attendances]
        + [(co, space, cycle, co.occurred_on.year) for co, space, cycle in co_animations]
    )
    for row, key in keys.items():
        row.participant_id = None
        row.person_key = key
        if isinstance(row, CoAnimation):
            row.note = ""
    if any(a.first_visit for a, *_ in attendances):
        # Their first visit stays counted on a row no longer theirs: none of theirs will be.
        participant.first_visit_detached = True


def _board_identities(participant: Participant, space_id: int | None = None) -> list:
    from ...live.models import Board, LiveParticipant

    devices = sa.select(ParticipantDevice.device_hash).where(
        ParticipantDevice.participant_id == participant.id
    )
    query = sa.select(LiveParticipant).where(
        sa.or_(
            LiveParticipant.participant_id == participant.id,
            LiveParticipant.device_hash.in_(devices),
        )
    )
    if space_id is not None:
        query = (
            query.join(Board, Board.id == LiveParticipant.board_id)
            .join(WorkshopSession, WorkshopSession.id == Board.session_id)
            .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
            .where(Cycle.space_id == space_id)
        )
    return list(db.session.scalars(query))


def erase_person(participant: Participant) -> None:
    """Erase what is held on a person and keep only counts (see the module's docstring).

    Not audited and not committed: the caller records who asked and commits (staff and
    self erasure below; the retention purge).
    """
    from .board import anonymise_board_identities

    anonymise_board_identities(_board_identities(participant))
    _detach(participant)
    db.session.execute(
        sa.update(Participant)
        .where(Participant.brought_by_id == participant.id)
        .values(brought_by_id=None)
    )
    for model in (ParticipantDevice, ParticipantLink, SpaceParticipant):
        db.session.execute(sa.delete(model).where(model.participant_id == participant.id))
    db.session.delete(participant)


_erase = erase_person  # the earlier name


def erasable(actor: User, participant_id: int) -> Participant:
    """The person, if the actor may erase them: :class:`NotFound` outside their spaces,
    :class:`Forbidden` for a mediator (erasing is for the whole structure)."""
    participant = get_participant(actor, participant_id)
    if not actor.is_coordinator:
        raise Forbidden
    return participant


def staff_erase(actor: User, participant: Participant) -> None:
    """A coordinator erases a person for the whole structure, at the person's request.
    A mediator removes them from their own space instead (:func:`remove_from_space`)."""
    participant = erasable(actor, participant.id)
    audit.record(
        participant.organisation_id, audit.ERASE, actor=actor, participant_id=participant.id
    )
    erase_person(participant)
    db.session.commit()


def self_erase(participant: Participant) -> None:
    """The person asked, from their phone, for what is held on them to be erased."""
    audit.record(
        participant.organisation_id, audit.SELF_ERASE, actor=None, participant_id=participant.id
    )
    erase_person(participant)
    db.session.commit()


@dataclass
class RemovalPreview:
    participant: Participant
    space: Space
    sessions_came: int  # stay counted, anonymously


def removal_preview(actor: User, participant_id: int, space_id: int) -> RemovalPreview:
    """What removing a person from one of the actor's spaces means (a confirmation page)."""
    participant = get_participant(actor, participant_id)
    space = spaces.get_space(actor, space_id)
    if db.session.get(SpaceParticipant, (space.id, participant.id)) is None:
        raise NotFound
    came = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(
            Attendance.participant_id == participant.id,
            Attendance.status == AttendanceStatus.PRESENT,
            Cycle.space_id == space.id,
        )
    )
    return RemovalPreview(participant, space, came)


def remove_from_space(actor: User, participant: Participant, space: Space) -> None:
    """The person is no longer known in this space; the space's counts stay the same."""
    from .board import unlink_board_identities

    preview = removal_preview(actor, participant.id, space.id)
    participant, space = preview.participant, preview.space
    unlink_board_identities(_board_identities(participant, space.id))
    _detach(participant, space.id)
    db.session.delete(db.session.get(SpaceParticipant, (space.id, participant.id)))
    audit.record(
        participant.organisation_id,
        audit.REMOVE_FROM_SPACE,
        actor=actor,
        participant_id=participant.id,
        space=space.id,
    )
    db.session.commit()
