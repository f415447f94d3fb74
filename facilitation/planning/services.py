"""Rules for preparing workshops: tools, session plans, templates, duplication, calendar.

Tools and templates belong to an organisation: any staff of that organisation may use
and change them; another organisation's are :class:`NotFound`. Plans, sheets, calendars
and duplications go through the session's, cycle's or space's visibility
(``workshops.services.get_session`` / ``get_cycle``, ``spaces.services.get_space``).
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..live import kinds
from ..live import services as live
from ..live.kinds import Refused
from ..live.models import ActivityKind, Board
from ..spaces import services as spaces
from ..spaces.models import Space
from ..workshops import services as workshops
from ..workshops.models import Cycle, WorkshopSession
from .models import PlanItem, SessionTemplate, Tool

MAX_STEP_MINUTES = 8 * 60
MAX_TOOL_MINUTES = 8 * 60


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _minutes(value: Any, field_name: str, maximum: int) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Give a duration in minutes."), field_name) from None
    if not 1 <= minutes <= maximum:
        raise ValidationError(
            _("The duration must be between 1 and %(max)d minutes.", max=maximum), field_name
        )
    return minutes


# --- the library of animation tools -----------------------------------------------------


@dataclass(frozen=True)
class ToolData:
    """What a member of staff fills in for an animation tool."""

    name: str
    description: str = ""
    duration_minutes: int | None = 30
    material: str = ""
    activity_kinds: list[str] = field(default_factory=list)
    co_built: bool = False


def list_tools(actor: User) -> list[Tool]:
    """The organisation's tools, by name."""
    return list(
        db.session.scalars(
            sa.select(Tool)
            .where(Tool.organisation_id == actor.organisation_id)
            .order_by(sa.func.lower(Tool.name))
        )
    )


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


def _commit_unique(message: str, field_name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError(message, field_name) from exc


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


# --- the plan of a session ------------------------------------------------------------------


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


# --- live-board activities of a session ---------------------------------------------------


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
    tools = {t.id for t in list_tools(actor)}
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


def delete_template(actor: User, template: SessionTemplate) -> None:
    template = get_template(actor, template.id)
    db.session.delete(template)
    db.session.commit()


# --- duplicating a cycle ---------------------------------------------------------------------


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


# --- calendar of a space ----------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    sessions: list[WorkshopSession]


@dataclass(frozen=True)
class CalendarMonth:
    month: date  # first day of the month
    weeks: list[list[CalendarDay]]  # Monday first
    previous: date
    next: date

    @property
    def first_day(self) -> date:
        return self.weeks[0][0].day

    @property
    def last_day(self) -> date:
        return self.weeks[-1][-1].day


# The months a calendar can show: the grid and its previous/next links stay real dates.
FIRST_MONTH, LAST_MONTH = date(1900, 1, 1), date(2999, 12, 1)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)


def parse_month(raw: str | None, today: date) -> date:
    """``YYYY-MM`` as the first day of that month; anything else (another shape, a month
    out of 1900–2999) is the current month."""
    match = _MONTH.fullmatch(raw or "")
    if match is not None:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and FIRST_MONTH.year <= year <= LAST_MONTH.year:
            return date(year, month, 1)
    return today.replace(day=1)


def _shift_month(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def month_weeks(month: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) that show the month, with the edges of its neighbours."""
    return _calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)


def month_grid(month: date, today: date, sessions: list[WorkshopSession]) -> CalendarMonth:
    """Pure: the grid of a month, each day with its sessions in time order."""
    month = month.replace(day=1)
    by_day: dict[date, list[WorkshopSession]] = {}
    for s in sorted(sessions, key=lambda s: (s.starts_on, s.starts_at)):
        by_day.setdefault(s.starts_on, []).append(s)
    weeks = [
        [
            CalendarDay(
                day=d,
                in_month=d.month == month.month,
                is_today=d == today,
                sessions=by_day.get(d, []),
            )
            for d in week
        ]
        for week in month_weeks(month)
    ]
    return CalendarMonth(
        month=month, weeks=weeks, previous=_shift_month(month, -1), next=_shift_month(month, 1)
    )


def space_sessions(
    actor: User, space: Space, *, start: date | None = None, end: date | None = None
) -> list[WorkshopSession]:
    """Open sessions of the space's open cycles, between two dates (inclusive)."""
    spaces.ensure_visible(actor, space)
    query = (
        sa.select(WorkshopSession)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(
            Cycle.space_id == space.id,
            Cycle.archived_at.is_(None),
            WorkshopSession.archived_at.is_(None),
        )
    )
    if start is not None:
        query = query.where(WorkshopSession.starts_on >= start)
    if end is not None:
        query = query.where(WorkshopSession.starts_on <= end)
    return list(
        db.session.scalars(query.order_by(WorkshopSession.starts_on, WorkshopSession.starts_at))
    )


def calendar_month(actor: User, space: Space, month: date, today: date) -> CalendarMonth:
    weeks = month_weeks(month)
    sessions = space_sessions(actor, space, start=weeks[0][0], end=weeks[-1][-1])
    return month_grid(month, today, sessions)


@dataclass(frozen=True)
class MonthGroup:
    month: date
    sessions: list[WorkshopSession]


def _by_month(sessions: list[WorkshopSession]) -> list[MonthGroup]:
    groups: list[MonthGroup] = []
    for s in sessions:
        month = s.starts_on.replace(day=1)
        if not groups or groups[-1].month != month:
            groups.append(MonthGroup(month=month, sessions=[]))
        groups[-1].sessions.append(s)
    return groups


def calendar_list(
    actor: User, space: Space, today: date
) -> tuple[list[MonthGroup], list[MonthGroup]]:
    """(upcoming, soonest first; past, latest first), grouped by month."""
    sessions = space_sessions(actor, space)
    upcoming = [s for s in sessions if s.starts_on >= today]
    past = [s for s in reversed(sessions) if s.starts_on < today]
    return _by_month(upcoming), _by_month(past)
