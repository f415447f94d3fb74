"""The roll call: the space's regulars, and phones that joined the board to confirm."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ...accounts.models import User
from ...core.exceptions import NotFound
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import Cycle, WorkshopSession
from ..models import Attendance, AttendanceStatus, CoAnimation, Participant, ParticipantDevice
from .attendance import record_attendance, session_attendance
from .people import _join_space, create_participant, list_space_participants
from .visibility import get_participant


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
            check_ins.append(CheckIn(live.id, live.pseudonym, linked))
    return RollCall(session, rows, check_ins, erased_present)


def confirm_check_in(
    actor: User,
    session: WorkshopSession,
    live_participant_id: int,
    *,
    participant_id: int | None = None,
) -> Participant:
    """One tap: the phone's person is present. Links the phone to a participant record."""
    from ...live.models import Board, LiveParticipant

    session = workshops.get_session(actor, session.id)
    live = db.session.get(LiveParticipant, live_participant_id)
    board = db.session.get(Board, live.board_id) if live else None
    if live is None or board is None or board.session_id != session.id:
        raise NotFound
    if participant_id is not None:
        participant = get_participant(actor, participant_id)
    elif live.participant_id is not None:
        # A phone already linked (earlier check-in, sign-in link), possibly in another space
        # of the structure: the person is here with it, so they become known in this space.
        participant = db.session.get(Participant, live.participant_id)
        if (
            participant is None
            or participant.organisation_id != session.cycle.space.organisation_id
        ):
            raise NotFound
        _join_space(session.cycle.space_id, participant.id)
        db.session.flush()
    else:
        participant = create_participant(actor, session.cycle.space, live.pseudonym or "")
    link_live_participant(live, participant)
    record_attendance(actor, session, participant, AttendanceStatus.PRESENT, source="check_in")
    return participant


def link_live_participant(live, participant: Participant) -> None:
    """Attach a live-board phone to a participant: its device, its co-animations."""
    live.participant_id = participant.id
    if (
        db.session.scalar(
            sa.select(ParticipantDevice.id).where(ParticipantDevice.device_hash == live.device_hash)
        )
        is None
    ):
        db.session.add(
            ParticipantDevice(device_hash=live.device_hash, participant_id=participant.id)
        )
    db.session.execute(
        sa.update(CoAnimation)
        .where(CoAnimation.live_participant_id == live.id, CoAnimation.participant_id.is_(None))
        .values(participant_id=participant.id, person_key=participant.anon_key)
    )
    db.session.commit()
