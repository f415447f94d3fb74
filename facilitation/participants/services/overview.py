"""The cycle overview: per session, counts of people — never names."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...accounts.models import User
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import Cycle, WorkshopSession
from ..models import Attendance, AttendanceStatus, CoAnimation


@dataclass
class SessionLine:
    session: WorkshopSession
    came: int
    new: int
    co_animated: int


@dataclass
class CycleOverview:
    cycle: Cycle
    lines: list[SessionLine]
    people: int  # distinct people who came at least once
    co_animators: int  # distinct people who co-animated
    moved_to_co_animating: int  # came first as participants, then co-animated


def _person(row) -> str:
    """One key per person on attendance and co-animation rows, surviving an erasure."""
    if row.person_key:
        return row.person_key
    if row.participant_id is not None:
        return f"participant:{row.participant_id}"
    if getattr(row, "live_participant_id", None) is not None:
        return f"phone:{row.live_participant_id}"
    return f"row:{type(row).__name__}:{row.id}"


def cycle_overview(actor: User, cycle: Cycle) -> CycleOverview:
    """Per session: who came, who was new, who co-animated — counts, never names.

    People are told apart by the rows' person key. An erasure re-keys the person's rows
    with one fresh key per space and calendar year or cycle (``erasure.fresh_keys``): a
    cycle's rows keep one key, so the counts stay the same after someone is erased.
    """
    cycle = workshops.get_cycle(actor, cycle.id)
    sessions = [s for s in cycle.sessions if not s.is_archived]
    ids = [s.id for s in sessions]
    attendance = list(
        db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id.in_(ids or [0]), Attendance.status == AttendanceStatus.PRESENT
            )
        )
    )
    co = list(
        db.session.scalars(sa.select(CoAnimation).where(CoAnimation.session_id.in_(ids or [0])))
    )
    order = {s.id: i for i, s in enumerate(sessions)}
    lines = [
        SessionLine(
            session=s,
            came=len({_person(a) for a in attendance if a.session_id == s.id}),
            new=sum(1 for a in attendance if a.session_id == s.id and a.first_visit),
            co_animated=len({_person(c) for c in co if c.session_id == s.id}),
        )
        for s in sessions
    ]
    first_came: dict[str, int] = {}
    for a in attendance:
        key = _person(a)
        first_came[key] = min(first_came.get(key, len(order)), order[a.session_id])
    first_co: dict[str, int] = {}
    for c in co:
        key = _person(c)
        first_co[key] = min(first_co.get(key, len(order)), order[c.session_id])
    return CycleOverview(
        cycle=cycle,
        lines=lines,
        people=len(first_came),
        co_animators=len(first_co),
        moved_to_co_animating=sum(
            1 for key, i in first_co.items() if key in first_came and first_came[key] < i
        ),
    )
