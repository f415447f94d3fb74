"""« Notre bilan » on the phones of the people who took part: finalised bilans only."""

from __future__ import annotations

import sqlalchemy as sa

from ...core.exceptions import NotFound
from ...extensions import db
from ...live.models import Board, LiveParticipant
from ...participants.models import Attendance, AttendanceStatus, Participant
from ..models import Bilan, BilanStatus
from .bilans import _sessions_of


def _took_part(bilan: Bilan, person: Participant) -> bool:
    came = db.session.scalar(
        sa.select(sa.func.count(Attendance.id)).where(
            Attendance.participant_id == person.id,
            Attendance.status == AttendanceStatus.PRESENT,
            Attendance.session_id.in_(_sessions_of(bilan)),
        )
    )
    if came:
        return True
    joined = db.session.scalar(
        sa.select(sa.func.count(LiveParticipant.id))
        .join(Board, Board.id == LiveParticipant.board_id)
        .where(LiveParticipant.participant_id == person.id, Board.session_id == bilan.session_id)
    )
    return bool(joined)


def bilans_of(person: Participant) -> list[Bilan]:
    """The finalised bilans of the person's structure that they took part in, latest first."""
    candidates = db.session.scalars(
        sa.select(Bilan)
        .where(
            Bilan.organisation_id == person.organisation_id,
            Bilan.status == BilanStatus.FINALISED,
        )
        .order_by(Bilan.finalised_at.desc())
    )
    return [b for b in candidates if _took_part(b, person)]


def bilan_of(person: Participant | None, bilan_id: int) -> Bilan:
    if person is None:
        raise NotFound
    bilan = db.session.get(Bilan, bilan_id)
    if bilan is None or not bilan.finalised or bilan.organisation_id != person.organisation_id:
        raise NotFound
    if not _took_part(bilan, person):
        raise NotFound
    return bilan
