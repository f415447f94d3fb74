"""Duplicating a cycle: dates shifted, plans and board activities copied."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from ...accounts.models import User
from ...core.exceptions import ValidationError
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import Cycle, WorkshopSession
from ..models import PlanItem
from .common import _one_line
from .plans import plan_items
from .templates import _activity_specs, _copy_activities


def duplicate_cycle(actor: User, cycle: Cycle, *, title: str, first_session_on: date) -> Cycle:
    """A copy of the cycle in the same space, every open session moved by the same days.

    Times, places, themes, notes, plans and live-board activities are copied; answers,
    attendance and archived sessions are not. New boards get new join codes.
    """
    cycle = workshops.get_cycle(actor, cycle.id)
    title = _one_line(title)
    if not title:
        raise ValidationError(_("Give the cycle a title."), "title")
    if len(title) > 160:
        raise ValidationError(_("At most %(n)d characters.", n=160), "title")
    if first_session_on is None:
        raise ValidationError(_("Choose a valid date."), "first_session_on")
    if cycle.space.is_archived:
        raise ValidationError(_("This space is archived: reopen it before adding to it."))
    sources = [s for s in cycle.sessions if not s.is_archived]
    shift = first_session_on - sources[0].starts_on if sources else timedelta(0)
    copy = Cycle(
        space_id=cycle.space_id,
        title=title,
        description=cycle.description,
        created_by_id=actor.id,
    )
    db.session.add(copy)
    pairs: list[tuple[WorkshopSession, WorkshopSession]] = []
    for source in sources:
        new = WorkshopSession(
            cycle=copy,
            theme=source.theme,
            starts_on=source.starts_on + shift,
            starts_at=source.starts_at,
            ends_at=source.ends_at,
            place=source.place,
            notes=source.notes,
            created_by_id=actor.id,
        )
        db.session.add(new)
        pairs.append((source, new))
    db.session.flush()
    specs = {}
    for source, new in pairs:
        for item in plan_items(source):
            db.session.add(
                PlanItem(
                    session_id=new.id,
                    position=item.position,
                    tool_id=item.tool_id,
                    title=item.title,
                    duration_minutes=item.duration_minutes,
                    notes=item.notes,
                )
            )
        specs[new.id] = _activity_specs(source)
    db.session.commit()
    for _source, new in pairs:
        _copy_activities(actor, new, specs[new.id])
    return copy


__all__ = [
    "duplicate_cycle",
]
