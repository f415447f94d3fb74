"""Attendance: one record per person and session; first visit vs return. Never a score."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...audit import services as audit
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import WorkshopSession
from ..models import Attendance, AttendanceStatus, Participant
from .people import DuplicatePseudonym, create_participant, join_space, likely_matches
from .visibility import get_participant


def recompute_first_visits(participant_id: int) -> None:
    """Mark the participant's first attendance as present as their first visit.

    When the row of their first visit is no longer theirs (removed from that space, see
    ``erasure.remove_from_space``), it keeps counting as the first: none of theirs is.
    """
    person = db.session.get(Participant, participant_id)
    rows = db.session.execute(
        sa.select(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .where(Attendance.participant_id == participant_id)
        .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at, Attendance.id)
    ).scalars()
    first_done = bool(person and person.first_visit_detached)
    for attendance in rows:
        is_first = attendance.status is AttendanceStatus.PRESENT and not first_done
        attendance.first_visit = is_first
        first_done = first_done or is_first


def record_attendance(
    actor: User,
    session: WorkshopSession,
    participant: Participant,
    status: AttendanceStatus | str,
    *,
    source: str = "roll_call",
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
        join_space(space_id, participant.id)
        attendance = db.session.scalar(
            sa.select(Attendance).where(
                Attendance.session_id == session.id, Attendance.participant_id == participant.id
            )
        )
        if attendance is None:
            attendance = Attendance(
                session_id=session.id, participant_id=participant.id, source=source
            )
            db.session.add(attendance)
        attendance.status = status
        attendance.person_key = participant.anon_key
        attendance.recorded_at = utcnow()
        attendance.recorded_by_id = actor.id
        try:
            db.session.flush()  # the unique constraint decides here, before the audit entry
            audit.record(
                participant.organisation_id,
                audit.ATTENDANCE,
                actor=actor,
                participant_id=participant.id,
                session=session.id,
                status=status.value,
            )
            recompute_first_visits(participant.id)
            db.session.commit()
            return attendance
        except IntegrityError:
            db.session.rollback()  # another phone recorded it first: update theirs
    raise ValidationError(_("The attendance could not be saved. Please try again."))


def clear_attendance(actor: User, session: WorkshopSession, participant: Participant) -> None:
    session = workshops.get_session(actor, session.id)
    participant = get_participant(actor, participant.id)
    removed = db.session.execute(
        sa.delete(Attendance).where(
            Attendance.session_id == session.id, Attendance.participant_id == participant.id
        )
    ).rowcount
    if removed:
        audit.record(
            participant.organisation_id,
            audit.ATTENDANCE,
            actor=actor,
            participant_id=participant.id,
            session=session.id,
            status="cleared",
        )
    recompute_first_visits(participant.id)
    db.session.commit()


def session_attendance(actor: User, session: WorkshopSession) -> list[Attendance]:
    session = workshops.get_session(actor, session.id)
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .where(Attendance.session_id == session.id)
            .outerjoin(Participant, Participant.id == Attendance.participant_id)
            .order_by(Participant.pseudonym.is_(None), Participant.pseudonym)
        )
    )


def add_newcomer(
    actor: User,
    session: WorkshopSession,
    pseudonym: str,
    *,
    brought_by_id: int | None = None,
    same_pseudonym_confirmed: bool = False,
) -> Participant:
    """A newcomer at the roll call: registered in the space and marked present.

    When someone of the space already goes by that pseudonym (case and accents aside),
    :class:`DuplicatePseudonym` asks for a confirmation first — a second "Colibri" may be
    a new person, or the same one whom the mediator should simply mark present.
    """
    session = workshops.get_session(actor, session.id)
    brought_by = get_participant(actor, brought_by_id) if brought_by_id else None
    if not same_pseudonym_confirmed:
        matches = likely_matches(session.cycle.space, pseudonym, before=session)
        if matches:
            raise DuplicatePseudonym(matches)
    participant = create_participant(actor, session.cycle.space, pseudonym, brought_by=brought_by)
    record_attendance(actor, session, participant, AttendanceStatus.PRESENT)
    return participant
