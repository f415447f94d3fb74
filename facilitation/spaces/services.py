"""Rules for collective spaces: who sees which space, who may change what.

Every read goes through :func:`visible_spaces` or :func:`get_space`, so a mediator
can never reach a space they are not a member of, whatever the route.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.database import utcnow
from ..core.exceptions import Forbidden, NotFound, ValidationError
from ..extensions import db
from .models import Space, SpaceKind, SpaceMembership


def visible_spaces_select(actor: User) -> sa.Select:
    """Spaces the actor may see: all of the organisation for a coordinator, else their own."""
    query = sa.select(Space).where(Space.organisation_id == actor.organisation_id)
    if not actor.is_coordinator:
        query = query.join(SpaceMembership, SpaceMembership.space_id == Space.id).where(
            SpaceMembership.user_id == actor.id
        )
    return query


def list_spaces(actor: User, *, include_archived: bool = False) -> list[Space]:
    query = visible_spaces_select(actor)
    if not include_archived:
        query = query.where(Space.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Space.archived_at.is_not(None), Space.name)))


def get_space(actor: User, space_id: int) -> Space:
    """The space if the actor may see it; otherwise :class:`NotFound` (its existence is private)."""
    space = db.session.scalar(visible_spaces_select(actor).where(Space.id == space_id))
    if space is None:
        raise NotFound
    return space


def ensure_visible(actor: User, space: Space) -> None:
    get_space(actor, space.id)


def ensure_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise Forbidden


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the space a name."), "name")
    return name


def _commit_unique_name():
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError(_("A space with this name already exists."), "name") from exc


def create_space(actor: User, *, name: str, kind: SpaceKind | str, description: str = "") -> Space:
    ensure_coordinator(actor)
    space = Space(
        organisation_id=actor.organisation_id,
        name=_clean_name(name),
        kind=SpaceKind(kind),
        description=(description or "").strip(),
    )
    db.session.add(space)
    _commit_unique_name()
    return space


def update_space(
    actor: User, space: Space, *, name: str, kind: SpaceKind | str, description: str = ""
) -> Space:
    ensure_visible(actor, space)
    ensure_coordinator(actor)
    space.name = _clean_name(name)
    space.kind = SpaceKind(kind)
    space.description = (description or "").strip()
    _commit_unique_name()
    return space


def set_archived(actor: User, space: Space, archived: bool) -> Space:
    ensure_visible(actor, space)
    ensure_coordinator(actor)
    space.archived_at = utcnow() if archived else None
    db.session.commit()
    return space


def assignable_staff(actor: User) -> list[User]:
    ensure_coordinator(actor)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == actor.organisation_id, User.active.is_(True))
            .order_by(User.display_name)
        )
    )


def set_members(actor: User, space: Space, user_ids: list[int]) -> Space:
    """Make exactly these staff the space's members (coordinator only)."""
    ensure_visible(actor, space)
    ensure_coordinator(actor)
    wanted = set(user_ids)
    allowed = {
        u.id
        for u in db.session.scalars(
            sa.select(User).where(
                User.organisation_id == actor.organisation_id, User.id.in_(wanted or {0})
            )
        )
    }
    if wanted - allowed:
        raise ValidationError(_("Unknown member of staff."), "members")
    current = {
        m.user_id
        for m in db.session.scalars(
            sa.select(SpaceMembership).where(SpaceMembership.space_id == space.id)
        )
    }
    for user_id in current - wanted:
        db.session.execute(
            sa.delete(SpaceMembership).where(
                SpaceMembership.space_id == space.id, SpaceMembership.user_id == user_id
            )
        )
    for user_id in wanted - current:
        db.session.add(SpaceMembership(space_id=space.id, user_id=user_id))
    db.session.commit()
    db.session.refresh(space)
    return space


def add_member(space: Space, user: User) -> None:
    """Join a user to a space (used when an invitation is accepted); caller commits."""
    exists = db.session.get(SpaceMembership, (space.id, user.id))
    if exists is None:
        db.session.add(SpaceMembership(space_id=space.id, user_id=user.id))
