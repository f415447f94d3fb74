"""The month calendar of a space, and its list view."""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ...accounts.models import User
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ...workshops.models import Cycle, WorkshopSession


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


__all__ = [
    "CalendarDay",
    "CalendarMonth",
    "MonthGroup",
    "calendar_list",
    "calendar_month",
    "month_grid",
    "month_weeks",
    "parse_month",
    "space_sessions",
]
