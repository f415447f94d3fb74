"""Merging duplicates: the same person under two pseudonyms becomes one."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...audit import services as audit
from ...core.exceptions import Forbidden, ValidationError
from ...extensions import db
from ..models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    Participant,
    ParticipantDevice,
    SpaceParticipant,
)
from .attendance import recompute_first_visits
from .people import join_space
from .visibility import get_participant, person_view

_STATUS_RANK = {
    AttendanceStatus.PRESENT: 3,
    AttendanceStatus.EXCUSED: 2,
    AttendanceStatus.ABSENT: 1,
}


@dataclass
class MergePreview:
    keep: Participant
    remove: Participant
    attendances_moved: int
    attendances_combined: int  # same session on both: the more present one is kept
    co_animations_moved: int
    phones_moved: int


def merge_candidates(actor: User, keep: Participant) -> list[Participant]:
    """Who may be the same person: the people of the spaces where ``keep`` is known."""
    view = person_view(actor, keep.id)
    if not actor.is_coordinator:
        raise Forbidden
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.id != keep.id,
                Participant.id.in_(
                    sa.select(SpaceParticipant.participant_id).where(
                        SpaceParticipant.space_id.in_(sorted(view.space_ids))
                    )
                ),
            )
            .order_by(sa.func.lower(Participant.pseudonym), Participant.id)
        )
    )


def merge_preview(actor: User, keep: Participant, remove: Participant) -> MergePreview:
    """What a merge would move. Merging is the coordinator's: it changes the person for
    the whole structure (a mediator gets :class:`Forbidden`)."""
    keep, remove = get_participant(actor, keep.id), get_participant(actor, remove.id)
    if not actor.is_coordinator:
        raise Forbidden
    if keep.id == remove.id:
        raise ValidationError(_("Choose two different participants."))
    kept_sessions = set(
        db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.participant_id == keep.id)
        )
    )
    theirs = list(
        db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.participant_id == remove.id)
        )
    )
    count = lambda model, column: db.session.scalar(  # noqa: E731
        sa.select(sa.func.count()).select_from(model).where(column == remove.id)
    )
    return MergePreview(
        keep=keep,
        remove=remove,
        attendances_moved=sum(1 for s in theirs if s not in kept_sessions),
        attendances_combined=sum(1 for s in theirs if s in kept_sessions),
        co_animations_moved=count(CoAnimation, CoAnimation.participant_id),
        phones_moved=count(ParticipantDevice, ParticipantDevice.participant_id),
    )


def merge(actor: User, keep: Participant, remove: Participant) -> Participant:
    """The same person under two pseudonyms becomes one; nothing is lost."""
    from ...live.models import LiveParticipant

    preview = merge_preview(actor, keep, remove)
    keep, remove = preview.keep, preview.remove
    mine = {
        a.session_id: a
        for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.participant_id == keep.id)
        )
    }
    for attendance in list(
        db.session.scalars(sa.select(Attendance).where(Attendance.participant_id == remove.id))
    ):
        other = mine.get(attendance.session_id)
        if other is None:
            attendance.participant_id = keep.id
            attendance.person_key = keep.anon_key
        else:
            if _STATUS_RANK[attendance.status] > _STATUS_RANK[other.status]:
                other.status = attendance.status
            db.session.delete(attendance)
    db.session.flush()
    db.session.execute(
        sa.update(CoAnimation)
        .where(CoAnimation.participant_id == remove.id)
        .values(participant_id=keep.id, person_key=keep.anon_key)
    )
    for model in (ParticipantDevice, LiveParticipant):
        db.session.execute(
            sa.update(model).where(model.participant_id == remove.id).values(participant_id=keep.id)
        )
    if keep.brought_by_id == remove.id:
        keep.brought_by_id = None  # never "brought by themself"
    db.session.execute(
        sa.update(Participant)
        .where(Participant.brought_by_id == remove.id, Participant.id != keep.id)
        .values(brought_by_id=keep.id)
    )
    for theirs in db.session.scalars(
        sa.select(SpaceParticipant).where(SpaceParticipant.participant_id == remove.id)
    ).all():
        join_space(theirs.space_id, keep.id)
        db.session.flush()
        ours = db.session.get(SpaceParticipant, (theirs.space_id, keep.id))
        if theirs.notes and theirs.notes != ours.notes:  # each team keeps both its notes
            ours.notes = "\n\n".join(n for n in (ours.notes, theirs.notes) if n)
    keep.first_visit_detached = keep.first_visit_detached or remove.first_visit_detached
    if keep.brought_by_id is None and remove.brought_by_id not in (None, keep.id):
        keep.brought_by_id = remove.brought_by_id
    audit.record(
        keep.organisation_id,
        audit.MERGE,
        actor=actor,
        participant_id=keep.id,
        merged=remove.public_id,
    )
    db.session.delete(remove)
    db.session.flush()
    recompute_first_visits(keep.id)
    db.session.commit()
    return keep
