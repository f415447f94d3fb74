"""Co-animation recorded by staff (done off the app); the board records its own."""

from __future__ import annotations

from datetime import date

from ...accounts.models import User
from ...core import text
from ...core.exceptions import NotFound
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ...workshops import services as workshops
from ...workshops.models import WorkshopSession
from ..models import CoAnimation, CoAnimationKind, Participant
from .visibility import person_view

NOTE_MAX = 300


def add_co_animation(
    actor: User,
    participant: Participant,
    *,
    kind: CoAnimationKind | str,
    space: Space,
    occurred_on: date,
    session: WorkshopSession | None = None,
    tool_id: int | None = None,
    note: str = "",
) -> CoAnimation:
    """Record co-animation done off the app (animated a tool, reused one, proposed a space…),
    in one of the spaces where the actor sees the person (what the form offers)."""
    view = person_view(actor, participant.id)
    participant = view.participant
    spaces.ensure_visible(actor, space)
    if space.id not in view.space_ids:
        raise NotFound
    if session is not None:
        session = workshops.get_session(actor, session.id)
        if session.cycle.space_id != space.id:
            raise NotFound
    if tool_id is not None:
        from ...planning.models import Tool

        tool = db.session.get(Tool, tool_id)
        if tool is None or tool.organisation_id != actor.organisation_id:
            raise NotFound
    co = CoAnimation(
        organisation_id=participant.organisation_id,
        participant_id=participant.id,
        person_key=participant.anon_key,
        space_id=space.id,
        session_id=session.id if session else None,
        kind=CoAnimationKind(kind),
        tool_id=tool_id,
        note=text.clean_optional(note, limit=NOTE_MAX, field="note"),
        occurred_on=occurred_on,
        recorded_by_id=actor.id,
    )
    db.session.add(co)
    db.session.commit()
    return co
