"""Rules for cycles and sessions. Access always flows from the space they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..core.database import utcnow
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..spaces import services as spaces
from ..spaces.models import Space
from .models import Cycle, WorkshopSession


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _require_open_space(space: Space) -> None:
    if space.is_archived:
        raise ValidationError(_("This space is archived: reopen it before adding to it."))


# --- cycles -----------------------------------------------------------------


def list_cycles(actor: User, space: Space, *, include_archived: bool = False) -> list[Cycle]:
    spaces.ensure_visible(actor, space)
    query = sa.select(Cycle).where(Cycle.space_id == space.id)
    if not include_archived:
        query = query.where(Cycle.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Cycle.archived_at.is_not(None), Cycle.title)))


def get_cycle(actor: User, cycle_id: int) -> Cycle:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    cycle = db.session.scalar(
        sa.select(Cycle).where(Cycle.id == cycle_id, Cycle.space_id.in_(visible))
    )
    if cycle is None:
        raise NotFound
    return cycle


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the cycle a title."), "title")
    return title


def create_cycle(actor: User, space: Space, *, title: str, description: str = "") -> Cycle:
    spaces.ensure_visible(actor, space)
    _require_open_space(space)
    cycle = Cycle(
        space_id=space.id,
        title=_clean_title(title),
        description=_clean(description),
        created_by_id=actor.id,
    )
    db.session.add(cycle)
    db.session.commit()
    return cycle


def update_cycle(actor: User, cycle: Cycle, *, title: str, description: str = "") -> Cycle:
    cycle = get_cycle(actor, cycle.id)
    cycle.title = _clean_title(title)
    cycle.description = _clean(description)
    db.session.commit()
    return cycle


def set_cycle_archived(actor: User, cycle: Cycle, archived: bool) -> Cycle:
    cycle = get_cycle(actor, cycle.id)
    cycle.archived_at = utcnow() if archived else None
    db.session.commit()
    return cycle


# --- sessions ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionData:
    """What a mediator fills in for a session."""

    theme: str
    starts_on: date
    starts_at: time
    ends_at: time | None = None
    place: str = ""
    notes: str = ""


def _validated(data: SessionData) -> SessionData:
    theme = " ".join((data.theme or "").split())
    if not theme:
        raise ValidationError(_("Give the session a theme."), "theme")
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise ValidationError(_("The session must end after it starts."), "ends_at")
    return SessionData(
        theme=theme,
        starts_on=data.starts_on,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=_clean(data.place),
        notes=_clean(data.notes),
    )


def get_session(actor: User, session_id: int) -> WorkshopSession:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    session = db.session.scalar(
        sa.select(WorkshopSession)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(WorkshopSession.id == session_id, Cycle.space_id.in_(visible))
    )
    if session is None:
        raise NotFound
    return session


def create_session(actor: User, cycle: Cycle, data: SessionData) -> WorkshopSession:
    cycle = get_cycle(actor, cycle.id)
    _require_open_space(cycle.space)
    if cycle.is_archived:
        raise ValidationError(_("This cycle is archived: reopen it before adding sessions."))
    clean = _validated(data)
    session = WorkshopSession(cycle_id=cycle.id, created_by_id=actor.id, **clean.__dict__)
    db.session.add(session)
    db.session.commit()
    return session


def update_session(actor: User, session: WorkshopSession, data: SessionData) -> WorkshopSession:
    session = get_session(actor, session.id)
    for key, value in _validated(data).__dict__.items():
        setattr(session, key, value)
    db.session.commit()
    return session


def set_session_archived(actor: User, session: WorkshopSession, archived: bool) -> WorkshopSession:
    session = get_session(actor, session.id)
    session.archived_at = utcnow() if archived else None
    db.session.commit()
    return session


def upcoming_sessions(actor: User, today: date, *, limit: int = 20) -> list[WorkshopSession]:
    """Sessions from today on, in the actor's spaces, soonest first."""
    visible = spaces.visible_spaces_select(actor).where(Space.archived_at.is_(None))
    return list(
        db.session.scalars(
            sa.select(WorkshopSession)
            .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
            .where(
                Cycle.space_id.in_(visible.with_only_columns(Space.id)),
                Cycle.archived_at.is_(None),
                WorkshopSession.archived_at.is_(None),
                WorkshopSession.starts_on >= today,
            )
            .options(joinedload(WorkshopSession.cycle).joinedload(Cycle.space))
            .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at)
            .limit(limit)
        )
    )
