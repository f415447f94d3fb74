"""The plan of a session: its steps, timings, order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import WorkshopSession
from ..models import PlanItem
from .common import MAX_STEP_MINUTES, _clean, _minutes, _one_line
from .tools import get_tool


@dataclass(frozen=True)
class PlanStep:
    """A plan item with its computed place in time."""

    item: PlanItem
    starts_at: time
    ends_at: time
    offset_minutes: int  # from the start of the session


@dataclass(frozen=True)
class Plan:
    session: WorkshopSession
    steps: list[PlanStep]
    total_minutes: int
    ends_at: time  # session start + total duration

    @property
    def overruns(self) -> bool:
        """True when the plan ends after the session's planned end (same day only)."""
        if self.session.ends_at is None or not self.steps:
            return False
        start = datetime.combine(self.session.starts_on, self.session.starts_at)
        planned_end = datetime.combine(self.session.starts_on, self.session.ends_at)
        return start + timedelta(minutes=self.total_minutes) > planned_end

    @property
    def materials(self) -> list[tuple[str, str]]:
        """(tool name, material) of every tool used, once each, in the plan's order."""
        seen: dict[int, tuple[str, str]] = {}
        for step in self.steps:
            tool = step.item.tool
            if tool is not None and tool.id not in seen and tool.material:
                seen[tool.id] = (tool.name, tool.material)
        return list(seen.values())


def plan_items(session: WorkshopSession) -> list[PlanItem]:
    return list(
        db.session.scalars(
            sa.select(PlanItem)
            .where(PlanItem.session_id == session.id)
            .order_by(PlanItem.position, PlanItem.id)
        )
    )


def compute_plan(session: WorkshopSession, items: list[PlanItem]) -> Plan:
    """Start times: the session's start plus the durations of the steps before (pure)."""
    start = datetime.combine(session.starts_on, session.starts_at)
    steps = []
    offset = 0
    for item in items:
        begin = start + timedelta(minutes=offset)
        end = begin + timedelta(minutes=item.duration_minutes)
        steps.append(
            PlanStep(item=item, starts_at=begin.time(), ends_at=end.time(), offset_minutes=offset)
        )
        offset += item.duration_minutes
    return Plan(
        session=session,
        steps=steps,
        total_minutes=offset,
        ends_at=(start + timedelta(minutes=offset)).time(),
    )


def session_plan(actor: User, session: WorkshopSession) -> Plan:
    session = workshops.get_session(actor, session.id)
    return compute_plan(session, plan_items(session))


def get_plan_item(actor: User, item_id: int) -> PlanItem:
    item = db.session.get(PlanItem, item_id)
    if item is None:
        raise NotFound
    workshops.get_session(actor, item.session_id)  # NotFound outside the actor's spaces
    return item


def _next_position(session_id: int) -> int:
    last = db.session.scalar(
        sa.select(sa.func.max(PlanItem.position)).where(PlanItem.session_id == session_id)
    )
    return 0 if last is None else last + 1


def _step_values(
    actor: User,
    *,
    title: str | None,
    tool_id: Any,
    duration_minutes: Any,
    notes: str | None,
) -> dict:
    """Clean a step; an empty title or duration is taken from the chosen tool."""
    tool = get_tool(actor, tool_id) if tool_id not in (None, "", 0, "0") else None
    title = _one_line(title) or (tool.name if tool else "")
    if not title:
        raise ValidationError(_("Give the step a title, or choose a tool."), "title")
    if len(title) > 160:
        raise ValidationError(_("At most %(n)d characters.", n=160), "title")
    if duration_minutes in (None, "") and tool is not None:
        duration_minutes = tool.duration_minutes
    return {
        "title": title,
        "tool_id": tool.id if tool else None,
        "duration_minutes": _minutes(duration_minutes, "duration_minutes", MAX_STEP_MINUTES),
        "notes": _clean(notes),
    }


def add_plan_item(
    actor: User,
    session: WorkshopSession,
    *,
    title: str | None = "",
    tool_id: Any = None,
    duration_minutes: Any = None,
    notes: str | None = "",
) -> PlanItem:
    """Add a step at the end of the session's plan."""
    session = workshops.get_session(actor, session.id)
    values = _step_values(
        actor, title=title, tool_id=tool_id, duration_minutes=duration_minutes, notes=notes
    )
    item = PlanItem(session_id=session.id, position=_next_position(session.id), **values)
    db.session.add(item)
    db.session.commit()
    return item


def update_plan_item(
    actor: User,
    item: PlanItem,
    *,
    title: str | None,
    tool_id: Any,
    duration_minutes: Any,
    notes: str | None,
) -> PlanItem:
    item = get_plan_item(actor, item.id)
    values = _step_values(
        actor, title=title, tool_id=tool_id, duration_minutes=duration_minutes, notes=notes
    )
    for key, value in values.items():
        setattr(item, key, value)
    db.session.commit()
    return item


def _renumber(items: list[PlanItem]) -> None:
    for position, item in enumerate(items):
        item.position = position


def remove_plan_item(actor: User, item: PlanItem) -> WorkshopSession:
    item = get_plan_item(actor, item.id)
    session = workshops.get_session(actor, item.session_id)
    db.session.delete(item)
    db.session.flush()
    _renumber(plan_items(session))
    db.session.commit()
    return session


def move_plan_item(actor: User, item: PlanItem, offset: int) -> WorkshopSession:
    """Move a step up (-1) or down (+1); nothing happens at either end."""
    item = get_plan_item(actor, item.id)
    session = workshops.get_session(actor, item.session_id)
    ordered = plan_items(session)
    index = ordered.index(item)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)
    db.session.commit()
    return session


__all__ = [
    "Plan",
    "PlanStep",
    "add_plan_item",
    "compute_plan",
    "get_plan_item",
    "move_plan_item",
    "plan_items",
    "remove_plan_item",
    "session_plan",
    "update_plan_item",
]
