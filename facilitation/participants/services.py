"""Participants and attendance. Staff see a participant only through their own spaces."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.database import utcnow
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..spaces import services as spaces
from ..spaces.models import Space
from ..workshops import services as workshops
from ..workshops.models import WorkshopSession
from .models import Attendance, AttendanceStatus, Participant, SpaceParticipant

PSEUDONYM_MAX = 40


def clean_pseudonym(pseudonym: str) -> str:
    pseudonym = " ".join((pseudonym or "").split())
    if not pseudonym:
        raise ValidationError(_("Choose a pseudonym."), "pseudonym")
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValidationError(
            _("A pseudonym has at most %(n)d characters.", n=PSEUDONYM_MAX), "pseudonym"
        )
    return pseudonym


def create_participant(actor: User, space: Space, pseudonym: str) -> Participant:
    """Register a participant by pseudonym in one of the actor's spaces."""
    spaces.ensure_visible(actor, space)
    participant = Participant(
        organisation_id=space.organisation_id, pseudonym=clean_pseudonym(pseudonym)
    )
    db.session.add(participant)
    db.session.flush()
    db.session.add(SpaceParticipant(space_id=space.id, participant_id=participant.id))
    db.session.commit()
    return participant


def _visible_participant_ids(actor: User) -> sa.Select:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(SpaceParticipant.participant_id).where(SpaceParticipant.space_id.in_(visible))


def get_participant(actor: User, participant_id: int) -> Participant:
    participant = db.session.scalar(
        sa.select(Participant).where(
            Participant.id == participant_id, Participant.id.in_(_visible_participant_ids(actor))
        )
    )
    if participant is None:
        raise NotFound
    return participant


def list_space_participants(actor: User, space: Space) -> list[Participant]:
    spaces.ensure_visible(actor, space)
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(SpaceParticipant, SpaceParticipant.participant_id == Participant.id)
            .where(SpaceParticipant.space_id == space.id)
            .order_by(Participant.pseudonym)
        )
    )


def record_attendance(
    actor: User,
    session: WorkshopSession,
    participant: Participant,
    status: AttendanceStatus | str,
) -> Attendance:
    """Record (or change) whether a participant came. One record per person and session.

    Safe to repeat and safe under concurrency: the unique constraint on
    (session, participant) decides, and a lost race becomes an update.
    """
    session = workshops.get_session(actor, session.id)
    participant = get_participant(actor, participant.id)
    if participant.organisation_id != session.cycle.space.organisation_id:
        raise NotFound
    status = AttendanceStatus(status)
    space_id = session.cycle.space_id
    for _attempt in range(2):
        if db.session.get(SpaceParticipant, (space_id, participant.id)) is None:
            db.session.add(SpaceParticipant(space_id=space_id, participant_id=participant.id))
        attendance = db.session.scalar(
            sa.select(Attendance).where(
                Attendance.session_id == session.id, Attendance.participant_id == participant.id
            )
        )
        if attendance is None:
            attendance = Attendance(session_id=session.id, participant_id=participant.id)
            db.session.add(attendance)
        attendance.status = status
        attendance.recorded_at = utcnow()
        attendance.recorded_by_id = actor.id
        try:
            db.session.commit()
            return attendance
        except IntegrityError:
            db.session.rollback()  # another phone recorded it first: update theirs
    raise ValidationError(_("The attendance could not be saved. Please try again."))


def session_attendance(actor: User, session: WorkshopSession) -> list[Attendance]:
    session = workshops.get_session(actor, session.id)
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .where(Attendance.session_id == session.id)
            .join(Participant, Participant.id == Attendance.participant_id)
            .order_by(Participant.pseudonym)
        )
    )
