"""Session templates (steps + live-board activities) and a session's board activities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...live import kinds
from ...live import services as live
from ...live.kinds import Refused
from ...live.models import ActivityKind, Board
from ...workshops import services as workshops
from ...workshops.models import WorkshopSession
from ..models import PlanItem, SessionTemplate
from .common import MAX_STEP_MINUTES, _clean, _commit_unique, _minutes, _one_line
from .plans import _next_position, plan_items
from .tools import list_tools


def board_of(session: WorkshopSession) -> Board | None:
    """The session's board if it has one (read only: never creates it)."""
    return db.session.scalar(sa.select(Board).where(Board.session_id == session.id))


def session_activities(actor: User, session: WorkshopSession) -> list:
    session = workshops.get_session(actor, session.id)
    board = board_of(session)
    return list(board.activities) if board is not None else []


def _activity_specs(session: WorkshopSession) -> list[dict]:
    board = board_of(session)
    if board is None:
        return []
    return [
        {"kind": a.kind.value, "prompt": a.prompt, "config": dict(a.config or {})}
        for a in board.activities
    ]


def _checked_activity_specs(specs: list[dict]) -> list[dict]:
    """Refuse, before changing anything, activities the live board would not accept."""
    checked = []
    for spec in specs or []:
        try:
            kind = ActivityKind(spec.get("kind"))
            kinds.get(kind).clean_config(spec.get("config") or {})
            if not 0 < len(_one_line(spec.get("prompt"))) <= 300:
                raise ValueError("prompt")
        except (ValueError, Refused) as refused:
            raise ValidationError(
                _(
                    "An activity of this template can no longer be used: %(prompt)s",
                    prompt=spec.get("prompt", "?"),
                )
            ) from refused
        checked.append(
            {
                "kind": kind.value,
                "prompt": spec.get("prompt", ""),
                "config": spec.get("config") or {},
            }
        )
    return checked


def _copy_activities(actor: User, session: WorkshopSession, specs: list[dict]) -> int:
    if not specs:
        return 0
    board = live.board_for_session(actor, session)
    for spec in specs:
        live.add_activity(
            actor, board, kind=spec["kind"], prompt=spec["prompt"], config=spec["config"]
        )
    return len(specs)


# --- session templates ---------------------------------------------------------------------


def list_templates(actor: User) -> list[SessionTemplate]:
    return list(
        db.session.scalars(
            sa.select(SessionTemplate)
            .where(SessionTemplate.organisation_id == actor.organisation_id)
            .order_by(sa.func.lower(SessionTemplate.name))
        )
    )


def get_template(actor: User, template_id: Any) -> SessionTemplate:
    """A template of the actor's organisation; any other is :class:`NotFound`."""
    try:
        template_id = int(template_id)
    except (TypeError, ValueError):
        raise NotFound from None
    template = db.session.scalar(
        sa.select(SessionTemplate).where(
            SessionTemplate.id == template_id,
            SessionTemplate.organisation_id == actor.organisation_id,
        )
    )
    if template is None:
        raise NotFound
    return template


def save_as_template(
    actor: User, session: WorkshopSession, *, name: str, description: str = ""
) -> SessionTemplate:
    """Save the session's plan (and its live-board activities) to reuse it."""
    session = workshops.get_session(actor, session.id)
    name = _one_line(name)
    if not name:
        raise ValidationError(_("Give the template a name."), "name")
    if len(name) > 160:
        raise ValidationError(_("At most %(n)d characters.", n=160), "name")
    steps = [
        {
            "title": item.title,
            "tool_id": item.tool_id,
            "duration_minutes": item.duration_minutes,
            "notes": item.notes,
        }
        for item in plan_items(session)
    ]
    activities = _activity_specs(session)
    if not steps and not activities:
        raise ValidationError(
            _("This session has no plan and no activity yet: there is nothing to save.")
        )
    template = SessionTemplate(
        organisation_id=actor.organisation_id,
        name=name,
        description=_clean(description),
        steps=steps,
        activities=activities,
        created_by_id=actor.id,
    )
    db.session.add(template)
    _commit_unique(_("A template with this name already exists."), "name")
    return template


@dataclass(frozen=True)
class Applied:
    steps: int
    activities: int


def apply_template(actor: User, template: SessionTemplate, session: WorkshopSession) -> Applied:
    """Append the template's steps to the plan and its activities to the live board."""
    template = get_template(actor, template.id)
    session = workshops.get_session(actor, session.id)
    specs = _checked_activity_specs(template.activities)
    tools = {t.id for t in list_tools(actor) + list_tools(actor, archived=True)}
    position = _next_position(session.id)
    for offset, step in enumerate(template.steps or []):
        tool_id = step.get("tool_id")
        db.session.add(
            PlanItem(
                session_id=session.id,
                position=position + offset,
                title=_one_line(step.get("title"))[:160] or "?",
                tool_id=tool_id if tool_id in tools else None,  # a deleted tool is dropped
                duration_minutes=int(step.get("duration_minutes") or 15),
                notes=step.get("notes") or "",
            )
        )
    db.session.commit()
    return Applied(
        steps=len(template.steps or []), activities=_copy_activities(actor, session, specs)
    )


@dataclass(frozen=True)
class TemplateStepEdit:
    """A step of a template as edited: its title and duration, or removed."""

    title: str
    duration_minutes: Any
    notes: str = ""
    remove: bool = False


def update_template(
    actor: User,
    template: SessionTemplate,
    *,
    name: str,
    description: str = "",
    steps: list[TemplateStepEdit] | None = None,
    remove_activities: set[int] | frozenset[int] = frozenset(),
) -> SessionTemplate:
    """Edit a template in place: its name, description, steps; activities can be removed.

    ``steps`` give every step in order (None: unchanged); ``remove_activities`` are the
    positions of the activities to take out of it."""
    template = get_template(actor, template.id)
    name = _one_line(name)
    if not name:
        raise ValidationError(_("Give the template a name."), "name")
    if len(name) > 160:
        raise ValidationError(_("At most %(n)d characters.", n=160), "name")
    old_steps = list(template.steps or [])
    new_steps = old_steps
    if steps is not None:
        if len(steps) != len(old_steps):
            raise ValidationError(_("The template changed meanwhile: open it again."))
        new_steps = []
        for old, edit in zip(old_steps, steps, strict=True):
            if edit.remove:
                continue
            title = _one_line(edit.title)
            if not title:
                raise ValidationError(_("Give each step a title."), "steps")
            if len(title) > 160:
                raise ValidationError(_("At most %(n)d characters.", n=160), "steps")
            new_steps.append(
                {
                    **old,
                    "title": title,
                    "duration_minutes": _minutes(edit.duration_minutes, "steps", MAX_STEP_MINUTES),
                    "notes": _clean(edit.notes),
                }
            )
    activities = [
        a for index, a in enumerate(template.activities or []) if index not in remove_activities
    ]
    if not new_steps and not activities:
        raise ValidationError(_("A template keeps at least one step or one activity."))
    template.name = name
    template.description = _clean(description)
    template.steps = new_steps
    template.activities = activities
    _commit_unique(_("A template with this name already exists."), "name")
    return template


def delete_template(actor: User, template: SessionTemplate) -> None:
    template = get_template(actor, template.id)
    db.session.delete(template)
    db.session.commit()


__all__ = [
    "Applied",
    "TemplateStepEdit",
    "apply_template",
    "board_of",
    "delete_template",
    "get_template",
    "list_templates",
    "save_as_template",
    "session_activities",
    "update_template",
]
