"""The structure's library of animation tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...live.models import ActivityKind
from ..models import Tool
from .common import MAX_TOOL_MINUTES, _clean, _commit_unique, _minutes, _one_line


@dataclass(frozen=True)
class ToolData:
    """What a member of staff fills in for an animation tool."""

    name: str
    description: str = ""
    duration_minutes: int | None = 30
    material: str = ""
    activity_kinds: list[str] = field(default_factory=list)
    co_built: bool = False


def list_tools(actor: User, *, archived: bool = False) -> list[Tool]:
    """The organisation's tools in use (``archived``: the archived ones), by name."""
    return list(
        db.session.scalars(
            sa.select(Tool)
            .where(
                Tool.organisation_id == actor.organisation_id,
                Tool.archived_at.is_not(None) if archived else Tool.archived_at.is_(None),
            )
            .order_by(sa.func.lower(Tool.name))
        )
    )


def set_tool_archived(actor: User, tool: Tool, archived: bool) -> Tool:
    """Archive a tool (no longer offered for new steps; plans keep it) or restore it."""
    tool = get_tool(actor, tool.id)
    tool.archived_at = utcnow() if archived else None
    db.session.commit()
    return tool


def get_tool(actor: User, tool_id: Any) -> Tool:
    """A tool of the actor's organisation; any other is :class:`NotFound`."""
    try:
        tool_id = int(tool_id)
    except (TypeError, ValueError):
        raise NotFound from None
    tool = db.session.scalar(
        sa.select(Tool).where(Tool.id == tool_id, Tool.organisation_id == actor.organisation_id)
    )
    if tool is None:
        raise NotFound
    return tool


def _validated_tool(data: ToolData) -> dict:
    name = _one_line(data.name)
    if not name:
        raise ValidationError(_("Give the tool a name."), "name")
    if len(name) > 120:
        raise ValidationError(_("At most %(n)d characters.", n=120), "name")
    wanted = list(dict.fromkeys(data.activity_kinds or []))
    known = {k.value for k in ActivityKind}
    if any(k not in known for k in wanted):
        raise ValidationError(_("Unknown type of activity."), "activity_kinds")
    return {
        "name": name,
        "description": _clean(data.description),
        "duration_minutes": _minutes(data.duration_minutes, "duration_minutes", MAX_TOOL_MINUTES),
        "material": _clean(data.material),
        # in the order of the live board's kinds, whatever the order ticked
        "activity_kinds": [k.value for k in ActivityKind if k.value in wanted],
        "co_built": bool(data.co_built),
    }


def create_tool(actor: User, data: ToolData) -> Tool:
    tool = Tool(organisation_id=actor.organisation_id, **_validated_tool(data))
    db.session.add(tool)
    _commit_unique(_("A tool with this name already exists."), "name")
    return tool


def update_tool(actor: User, tool: Tool, data: ToolData) -> Tool:
    tool = get_tool(actor, tool.id)
    values = _validated_tool(data)
    for key, value in values.items():
        setattr(tool, key, value)
    _commit_unique(_("A tool with this name already exists."), "name")
    return tool


__all__ = [
    "ToolData",
    "create_tool",
    "get_tool",
    "list_tools",
    "set_tool_archived",
    "update_tool",
]
