"""The roll call: the space's regulars, and phones that joined the board to confirm.

A phone's check-in binds that phone to a person ("this phone is this person"): only to a
person the page offered — someone of this session's space, or a new person — or to the
person the phone already belongs to. When the phone's pseudonym is one that someone of
the space goes by, the page proposes that person first ("C'est Colibri, venu·e le 12
novembre ?"), on the staff side only: nothing of it ever reaches a phone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...audit import services as audit
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import Cycle, WorkshopSession
from ..models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    DeviceOrigin,
    Participant,
    ParticipantDevice,
    SpaceParticipant,
)
from .attendance import record_attendance, session_attendance
from .people import Match, create_participant, join_space, likely_matches, list_space_participants
from .phones import bind_phone


@dataclass
class RollCallRow:
    participant: Participant
    attendance: Attendance | None
    visits: int  # sessions attended in this space before (information, for staff only)


@dataclass
class CheckIn:
    """A phone that joined the session's live board, proposed as present."""

    live_participant_id: int
    pseudonym: str | None
    participant: Participant | None  # the record it is already linked to, if any
    # Not linked yet: people of the space going by the same pseudonym (staff side only).
    matches: list[Match] = field(default_factory=list)


@dataclass
class RollCall:
    session: WorkshopSession
    rows: list[RollCallRow]
    check_ins: list[CheckIn]
    erased_present: int = 0  # came, then asked to be erased: counted, never named

    @property
    def present(self) -> int:
        return self.erased_present + sum(
            1 for r in self.rows if r.attendance and r.attendance.status is AttendanceStatus.PRESENT
        )


def roll_call(actor: User, session: WorkshopSession) -> RollCall:
    """The space's regulars with this session's attendance, and phones to confirm."""
    from ...live.models import Board, LiveParticipant  # live depends on us, not the reverse

    session = workshops.get_session(actor, session.id)
    space = session.cycle.space
    participants = list_space_participants(actor, space)
    records = session_attendance(actor, session)
    attendance = {a.participant_id: a for a in records if a.participant_id is not None}
    erased_present = sum(
        1 for a in records if a.participant_id is None and a.status is AttendanceStatus.PRESENT
    )
    visits = Counter(
        db.session.scalars(
            sa.select(Attendance.participant_id)
            .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
            .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
            .where(
                Cycle.space_id == space.id,
                Attendance.status == AttendanceStatus.PRESENT,
                Attendance.session_id != session.id,
            )
        )
    )
    rows = [RollCallRow(p, attendance.get(p.id), visits.get(p.id, 0)) for p in participants]
    check_ins = []
    board = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
    if board is not None:
        for live in db.session.scalars(
            sa.select(LiveParticipant)
            .where(LiveParticipant.board_id == board.id)
            .order_by(LiveParticipant.joined_at)
        ):
            linked = (
                db.session.get(Participant, live.participant_id) if live.participant_id else None
            )
            if linked is not None and linked.id in attendance:
                continue  # already counted
            if live.pseudonym is None and linked is None:
                continue  # anonymous: staff can add them by hand if they wish
            matches = [] if linked else likely_matches(space, live.pseudonym, before=session)
            check_ins.append(CheckIn(live.id, live.pseudonym, linked, matches))
    return RollCall(session, rows, check_ins, erased_present)


def view_roll_call(actor: User, session: WorkshopSession) -> RollCall:
    """The roll call as a page: each view is audited (the session only, no one's name)."""
    roll = roll_call(actor, session)
    audit.record(
        roll.session.cycle.space.organisation_id,
        audit.ROLL_CALL_VIEW,
        actor=actor,
        participant_id=None,
        session=roll.session.id,
    )
    db.session.commit()
    return roll


class CheckInNeedsChoice(ValidationError):
    """Someone of the space goes by the phone's pseudonym: say whether it is them."""

    def __init__(self, matches: list[Match]):
        super().__init__(
            _(
                "Someone of this space already goes by this pseudonym: say whether it is "
                "them or a new person."
            )
        )
        self.matches = matches


def confirm_check_in(
    actor: User,
    session: WorkshopSession,
    live_participant_id: int,
    *,
    participant_id: int | None = None,
    new: bool = False,
) -> Participant:
    """One tap: the phone's person is present, and the phone becomes theirs.

    ``participant_id``: "yes, that's them" — only someone of this session's space (what
    the page offers), else :class:`NotFound`. ``new``: "no, a new person". Without either,
    a phone already linked is its person, and an unknown phone becomes a new person —
    unless someone of the space goes by its pseudonym (:class:`CheckInNeedsChoice`).
    """
    from ...live.models import Board, LiveParticipant  # live depends on us, not the reverse

    session = workshops.get_session(actor, session.id)
    space = session.cycle.space
    live = db.session.get(LiveParticipant, live_participant_id)
    board = db.session.get(Board, live.board_id) if live else None
    if live is None or board is None or board.session_id != session.id:
        raise NotFound
    known = live.participant_id or db.session.scalar(
        sa.select(ParticipantDevice.participant_id).where(
            ParticipantDevice.device_hash == live.device_hash
        )
    )
    if known is not None:
        # A phone already linked (earlier check-in, sign-in link), possibly in another space
        # of the structure: the person is here with it, so they become known in this space.
        # The page offers no one else for it: only the person can unlink their phone.
        participant = db.session.get(Participant, known)
        if (
            participant is None
            or participant.organisation_id != space.organisation_id
            or participant_id not in (None, participant.id)
        ):
            raise NotFound
        join_space(space.id, participant.id)
        db.session.flush()
    elif participant_id is not None:
        participant = db.session.scalar(
            sa.select(Participant)
            .join(SpaceParticipant, SpaceParticipant.participant_id == Participant.id)
            .where(SpaceParticipant.space_id == space.id, Participant.id == participant_id)
        )
        if participant is None:
            raise NotFound  # the page offered only the people of this session's space
    else:
        if not new:
            matches = likely_matches(space, live.pseudonym, before=session)
            if matches:
                raise CheckInNeedsChoice(matches)
        participant = create_participant(actor, space, live.pseudonym or "")
    link_live_participant(actor, live, participant, session=session)
    record_attendance(actor, session, participant, AttendanceStatus.PRESENT, source="check_in")
    return participant


def link_live_participant(
    actor: User | None, live, participant: Participant, *, session: WorkshopSession | None = None
) -> None:
    """Attach a live-board phone to a participant: its device, its co-animations."""
    live.participant_id = participant.id
    bind_phone(
        participant,
        live.device_hash,
        origin=DeviceOrigin.ROLL_CALL,
        actor=actor,
        **({"session": session.id} if session is not None else {}),
    )
    db.session.execute(
        sa.update(CoAnimation)
        .where(CoAnimation.live_participant_id == live.id, CoAnimation.participant_id.is_(None))
        .values(participant_id=participant.id, person_key=participant.anon_key)
    )
    db.session.commit()
