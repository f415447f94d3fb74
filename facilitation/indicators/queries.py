"""The SQL behind every figure: aggregated in the database, one row or a few per query.

Each function takes a :class:`Context` (structure, period, scope) and returns numbers.
Results shared by several figures (participations, distinct people and new people come
from one pass over the attendance rows) are computed once per context (``ctx.memo``).

People are told apart by the rows' ``person_key`` (the participant's anonymous key,
copied onto each attendance and co-animation row), never by a name: the counts stay the
same after a person asked to be erased, and a merged person counts once. The same
fallbacks as ``participants.services.cycle_overview`` apply to rows without a key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..participants.models import Attendance, AttendanceStatus, CoAnimation, Participant
from ..planning.models import PlanItem, Tool
from ..projects.models import ProjectMeeting
from ..spaces.models import Space
from ..workshops.models import Cycle, WorkshopSession
from .models import ActivityLogEntry, Barrier, ScopeKind

MONTH = "month"


@dataclass
class Context:
    """Which rows a figure counts: one structure, one period, one scope."""

    organisation_id: int
    start: date
    end: date
    today: date
    scope: ScopeKind = ScopeKind.STRUCTURE
    space_id: int | None = None
    cycle_id: int | None = None
    project_id: int | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def held_end(self) -> date:
        """Sessions count once held: up to the end of the period, and not after today."""
        return min(self.end, self.today)

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = compute()
        return self.cache[name]


# --- shared pieces ---------------------------------------------------------------------


def _text(column) -> sa.ColumnElement:
    return sa.cast(column, sa.String)


def _const(value: str) -> sa.ColumnElement:
    """A fixed text of ours written into the SQL (not a bound parameter): PostgreSQL then
    sees the same expression in SELECT and GROUP BY."""
    if "'" in value:
        raise ValueError("a constant of this module, without quotes")
    return sa.literal_column(f"'{value}'", sa.String)


def attendance_person() -> sa.ColumnElement:
    """One key per person on an attendance row (as ``participants.services._person``)."""
    return sa.func.coalesce(
        Attendance.person_key,
        _const("participant:") + _text(Attendance.participant_id),
        _const("row:") + _text(Attendance.id),
    )


def co_person() -> sa.ColumnElement:
    return sa.func.coalesce(
        CoAnimation.person_key,
        _const("participant:") + _text(CoAnimation.participant_id),
        _const("phone:") + _text(CoAnimation.live_participant_id),
        _const("row:") + _text(CoAnimation.id),
    )


def meeting_sessions(project_id: int | None) -> sa.Select:
    """Ids of the sessions that are meetings of a project: the project scope's sessions."""
    return sa.select(ProjectMeeting.session_id).where(ProjectMeeting.project_id == project_id)


def sessions(ctx: Context, *, since: date | None = None) -> sa.Select:
    """Held sessions of the scope (not archived), from ``since`` (default: the period's
    start) to the end of the period or today. Columns: id, starts_on, starts_at."""
    query = (
        sa.select(WorkshopSession.id, WorkshopSession.starts_on, WorkshopSession.starts_at)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(WorkshopSession.archived_at.is_(None), WorkshopSession.starts_on <= ctx.held_end)
    )
    start = ctx.start if since is None else since
    if start is not None:
        query = query.where(WorkshopSession.starts_on >= start)
    if ctx.scope is ScopeKind.PROJECT:
        return query.where(WorkshopSession.id.in_(meeting_sessions(ctx.project_id)))
    if ctx.scope is ScopeKind.CYCLE:
        return query.where(WorkshopSession.cycle_id == ctx.cycle_id)
    if ctx.scope is ScopeKind.SPACE:
        return query.where(Cycle.space_id == ctx.space_id)
    return query.join(Space, Space.id == Cycle.space_id).where(
        Space.organisation_id == ctx.organisation_id
    )


def _present(held: sa.Subquery) -> sa.Select:
    return (
        sa.select(Attendance)
        .join(held, held.c.id == Attendance.session_id)
        .where(Attendance.status == AttendanceStatus.PRESENT)
    )


def _count(query) -> int:
    return int(db.session.scalar(query) or 0)


def _month_key(column) -> sa.ColumnElement:
    return sa.extract("year", column) * 100 + sa.extract("month", column)


def months(ctx: Context) -> list[tuple[int, int]]:
    """Every (year, month) of the period, in order."""
    out, year, month = [], ctx.start.year, ctx.start.month
    while (year, month) <= (ctx.end.year, ctx.end.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# --- attendance ------------------------------------------------------------------------


def sessions_held(ctx: Context) -> int:
    held = sessions(ctx).subquery()
    return _count(sa.select(sa.func.count()).select_from(held))


def _per_person(ctx: Context) -> dict[str, Any]:
    """One pass over the period's attendance, grouped by person: how many sessions each
    came to, and whether their first visit is among them — then added up by bucket."""

    def compute():
        held = sessions(ctx).subquery()
        first = sa.case((Attendance.first_visit.is_(True), 1), else_=0)
        per_person = (
            sa.select(
                attendance_person().label("person"),
                sa.func.count().label("rows"),
                sa.func.count(sa.distinct(Attendance.session_id)).label("n"),
                sa.func.max(first).label("new"),
            )
            .select_from(Attendance)
            .join(held, held.c.id == Attendance.session_id)
            .where(Attendance.status == AttendanceStatus.PRESENT)
            .group_by(attendance_person())
            .subquery()
        )
        bucket = sa.case(
            (per_person.c.n == 1, "1"), (per_person.c.n <= 3, "2-3"), else_="4+"
        ).label("bucket")
        rows = db.session.execute(
            sa.select(
                bucket,
                sa.func.count(),
                sa.func.sum(per_person.c.rows),
                sa.func.sum(per_person.c.new),
            )
            .select_from(per_person)
            .group_by(bucket)
        ).all()
        buckets = {b: int(n) for b, n, _rows, _new in rows}
        return {
            "distribution": [buckets.get(b, 0) for b in DISTRIBUTION_BUCKETS],
            "participations": sum(int(r or 0) for _b, _n, r, _new in rows),
            "people": sum(buckets.values()),
            "new": sum(int(new or 0) for _b, _n, _r, new in rows),
        }

    return ctx.memo("per_person", compute)


def attendance_totals(ctx: Context) -> dict[str, int]:
    """Participations, distinct people and new people."""
    totals = _per_person(ctx)
    return {k: totals[k] for k in ("participations", "people", "new")}


def participations(ctx: Context) -> int:
    return attendance_totals(ctx)["participations"]


def distinct_people(ctx: Context) -> int:
    return attendance_totals(ctx)["people"]


def new_people(ctx: Context) -> int:
    return attendance_totals(ctx)["new"]


def returning_people(ctx: Context) -> int:
    totals = attendance_totals(ctx)
    return totals["people"] - totals["new"]


DISTRIBUTION_BUCKETS = ("1", "2-3", "4+")


def attendance_distribution(ctx: Context) -> list[int]:
    """How many people came to 1, to 2–3, to 4 or more sessions (counts only)."""
    return _per_person(ctx)["distribution"]


def monthly(ctx: Context) -> dict[tuple[int, int], dict[str, int]]:
    """Per month: sessions held, participations, distinct people, new people."""

    def compute():
        out = {m: {"sessions": 0, "participations": 0, "people": 0, "new": 0} for m in months(ctx)}
        held = sessions(ctx).subquery()
        key = _month_key(held.c.starts_on)
        for month, n in db.session.execute(
            sa.select(key, sa.func.count()).select_from(held).group_by(key)
        ):
            out[divmod(int(month), 100)]["sessions"] = n
        person = attendance_person()
        key = _month_key(held.c.starts_on)
        rows = db.session.execute(
            sa.select(
                key,
                sa.func.count(Attendance.id),
                sa.func.count(sa.distinct(person)),
                sa.func.count(sa.distinct(sa.case((Attendance.first_visit.is_(True), person)))),
            )
            .select_from(Attendance)
            .join(held, held.c.id == Attendance.session_id)
            .where(Attendance.status == AttendanceStatus.PRESENT)
            .group_by(key)
        )
        for month, participations_, people, new in rows:
            out[divmod(int(month), 100)].update(
                participations=participations_, people=people, new=new
            )
        return out

    return ctx.memo("monthly", compute)


def per_space(ctx: Context) -> list[dict[str, Any]]:
    """Structure scope: per space, sessions held, participations, distinct and new people."""

    def compute():
        held = sessions(ctx).add_columns(Cycle.space_id.label("space_id")).subquery()
        spaces = {
            s.id: s.name
            for s in db.session.scalars(
                sa.select(Space)
                .where(Space.organisation_id == ctx.organisation_id)
                .order_by(Space.name)
            )
        }
        out = {
            sid: {"space": name, "sessions": 0, "participations": 0, "people": 0, "new": 0}
            for sid, name in spaces.items()
        }
        for space_id, n in db.session.execute(
            sa.select(held.c.space_id, sa.func.count()).group_by(held.c.space_id)
        ):
            out[space_id]["sessions"] = n
        person = attendance_person()
        for space_id, parts, people, new in db.session.execute(
            sa.select(
                held.c.space_id,
                sa.func.count(Attendance.id),
                sa.func.count(sa.distinct(person)),
                sa.func.count(sa.distinct(sa.case((Attendance.first_visit.is_(True), person)))),
            )
            .select_from(Attendance)
            .join(held, held.c.id == Attendance.session_id)
            .where(Attendance.status == AttendanceStatus.PRESENT)
            .group_by(held.c.space_id)
        ):
            out[space_id].update(participations=parts, people=people, new=new)
        return [row for row in out.values() if row["sessions"] or row["participations"]]

    return ctx.memo("per_space", compute)


def brought_by_others(ctx: Context) -> int:
    """People brought by another participant, whose first visit was in the period."""
    held = sessions(ctx).subquery()
    return _count(
        sa.select(sa.func.count(sa.distinct(Participant.id)))
        .select_from(Attendance)
        .join(held, held.c.id == Attendance.session_id)
        .join(Participant, Participant.id == Attendance.participant_id)
        .where(
            Attendance.status == AttendanceStatus.PRESENT,
            Attendance.first_visit.is_(True),
            Participant.brought_by_id.is_not(None),
        )
    )


# --- co-animation ----------------------------------------------------------------------


def _co_animations(ctx: Context, *, since: date | None) -> sa.Select:
    """Co-animation rows of the scope, not of an archived session, up to the period's end."""
    query = (
        sa.select(CoAnimation)
        .outerjoin(WorkshopSession, WorkshopSession.id == CoAnimation.session_id)
        .where(
            CoAnimation.organisation_id == ctx.organisation_id,
            WorkshopSession.archived_at.is_(None),
            CoAnimation.occurred_on <= ctx.held_end,
        )
    )
    if since is not None:
        query = query.where(CoAnimation.occurred_on >= since)
    if ctx.scope is ScopeKind.PROJECT:
        return query.where(CoAnimation.session_id.in_(meeting_sessions(ctx.project_id)))
    if ctx.scope is ScopeKind.CYCLE:
        return query.where(WorkshopSession.cycle_id == ctx.cycle_id)
    if ctx.scope is ScopeKind.SPACE:
        return query.where(CoAnimation.space_id == ctx.space_id)
    return query


def co_animation_totals(ctx: Context) -> dict[str, int]:
    def compute():
        rows = _co_animations(ctx, since=ctx.start).subquery()
        person = sa.func.coalesce(
            rows.c.person_key,
            _const("participant:") + _text(rows.c.participant_id),
            _const("phone:") + _text(rows.c.live_participant_id),
            _const("row:") + _text(rows.c.id),
        )
        count, people = db.session.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(person))).select_from(rows)
        ).one()
        return {"count": count, "people": people}

    return ctx.memo("co_animation_totals", compute)


def co_animations(ctx: Context) -> int:
    return co_animation_totals(ctx)["count"]


def co_animators(ctx: Context) -> int:
    return co_animation_totals(ctx)["people"]


def _moment(day, at) -> sa.ColumnElement:
    """A sortable "date time" text (same format within one database)."""
    return _text(day) + _const(" ") + _text(at)


def went_on_to_co_animate(ctx: Context) -> int:
    """People whose first co-animation in the scope falls in the period and who had come
    as participants (present, in the same scope) before it."""
    co_moment = sa.case(
        (
            CoAnimation.session_id.is_not(None),
            _moment(WorkshopSession.starts_on, WorkshopSession.starts_at),
        ),
        else_=_text(CoAnimation.occurred_on) + _const(" 23:59:59.999999"),
    )
    co = (
        _co_animations(ctx, since=None)
        .with_only_columns(co_person().label("person"), sa.func.min(co_moment).label("first"))
        .group_by(co_person())
        .subquery()
    )
    held = sessions(ctx, since=date.min).subquery()
    came = (
        sa.select(
            attendance_person().label("person"),
            sa.func.min(_moment(held.c.starts_on, held.c.starts_at)).label("first"),
        )
        .select_from(Attendance)
        .join(held, held.c.id == Attendance.session_id)
        .where(
            Attendance.status == AttendanceStatus.PRESENT,
            # only the people who co-animated: not a pass over everyone's history
            attendance_person().in_(sa.select(co.c.person)),
        )
        .group_by(attendance_person())
        .subquery()
    )
    return _count(
        sa.select(sa.func.count())
        .select_from(co)
        .join(came, came.c.person == co.c.person)
        .where(
            came.c.first < co.c.first,
            co.c.first >= ctx.start.isoformat(),
        )
    )


# --- tools co-built with the public ----------------------------------------------------------


def co_built_tools_used(ctx: Context) -> int:
    held = sessions(ctx).subquery()
    return _count(
        sa.select(sa.func.count(sa.distinct(Tool.id)))
        .select_from(PlanItem)
        .join(held, held.c.id == PlanItem.session_id)
        .join(Tool, Tool.id == PlanItem.tool_id)
        .where(Tool.co_built.is_(True))
    )


def _day_bounds(ctx: Context) -> tuple[datetime, datetime]:
    """The period as UTC datetimes (a day more on each side of the structure's time zone
    would be more exact; creation dates of tools are coarse enough for this)."""
    start = datetime.combine(ctx.start, time.min, tzinfo=UTC)
    end = datetime.combine(ctx.end + timedelta(days=1), time.min, tzinfo=UTC)
    return start, end


def co_built_tools_added(ctx: Context) -> int:
    start, end = _day_bounds(ctx)
    return _count(
        sa.select(sa.func.count(Tool.id)).where(
            Tool.organisation_id == ctx.organisation_id,
            Tool.co_built.is_(True),
            Tool.created_at >= start,
            Tool.created_at < end,
        )
    )


# --- the activity log of the mediation work --------------------------------------------------


def _log_entries(ctx: Context) -> sa.Select:
    query = sa.select(ActivityLogEntry).where(
        ActivityLogEntry.organisation_id == ctx.organisation_id,
        ActivityLogEntry.occurred_on >= ctx.start,
        ActivityLogEntry.occurred_on <= ctx.end,
    )
    if ctx.scope is ScopeKind.SPACE:
        query = query.where(ActivityLogEntry.space_id == ctx.space_id)
    if ctx.scope not in (ScopeKind.STRUCTURE, ScopeKind.SPACE):
        return query.where(sa.false())  # the log is kept per space: no cycle, no project
    return query


def activity_log(ctx: Context) -> dict[str, dict[str, int]]:
    """Per kind of work: entries (actions) and people concerned."""

    def compute():
        rows = _log_entries(ctx).subquery()
        return {
            str(kind): {"entries": entries, "people": int(people or 0)}
            for kind, entries, people in db.session.execute(
                sa.select(rows.c.kind, sa.func.count(), sa.func.sum(rows.c.people)).group_by(
                    rows.c.kind
                )
            )
        }

    return ctx.memo("activity_log", compute)


def log_entries_of(kind: str) -> Callable[[Context], int]:
    def query(ctx: Context) -> int:
        return activity_log(ctx).get(kind, {}).get("entries", 0)

    query.__name__ = f"log_entries_{kind}"
    return query


def log_people_of(kind: str) -> Callable[[Context], int]:
    def query(ctx: Context) -> int:
        return activity_log(ctx).get(kind, {}).get("people", 0)

    query.__name__ = f"log_people_{kind}"
    return query


# --- veille ----------------------------------------------------------------------------------


def _barriers(ctx: Context) -> sa.Select:
    query = sa.select(Barrier).where(
        Barrier.organisation_id == ctx.organisation_id,
        Barrier.occurred_on >= ctx.start,
        Barrier.occurred_on <= ctx.end,
    )
    if ctx.scope is ScopeKind.SPACE:
        query = query.where(Barrier.space_id == ctx.space_id)
    if ctx.scope is ScopeKind.PROJECT:
        query = query.where(Barrier.session_id.in_(meeting_sessions(ctx.project_id)))
    if ctx.scope is ScopeKind.CYCLE:
        query = query.where(
            Barrier.session_id.in_(
                sa.select(WorkshopSession.id).where(WorkshopSession.cycle_id == ctx.cycle_id)
            )
        )
    return query


def barrier_totals(ctx: Context) -> dict[str, Any]:
    def compute():
        rows = _barriers(ctx).subquery()
        by_category = {
            str(category): {"count": n, "people": int(people or 0)}
            for category, n, people in db.session.execute(
                sa.select(rows.c.category, sa.func.count(), sa.func.sum(rows.c.people)).group_by(
                    rows.c.category
                )
            )
        }
        by_state = dict(
            db.session.execute(
                sa.select(rows.c.state, sa.func.count()).group_by(rows.c.state)
            ).all()
        )
        return {"by_category": by_category, "by_state": {str(k): v for k, v in by_state.items()}}

    return ctx.memo("barrier_totals", compute)


def barriers_recorded(ctx: Context) -> int:
    return sum(c["count"] for c in barrier_totals(ctx)["by_category"].values())


def barriers_passed_on(ctx: Context) -> int:
    states = barrier_totals(ctx)["by_state"]
    return sum(n for state, n in states.items() if state != "reported")


def barrier_people(ctx: Context) -> int:
    return sum(c["people"] for c in barrier_totals(ctx)["by_category"].values())


# --- bilans partagés ----------------------------------------------------------------------


def bilans_finalised(ctx: Context) -> int:
    """Bilans finalised in the period (the date they were last finalised), in the scope.
    A bilan reopened and not finalised again does not count."""
    from ..bilans.models import Bilan, BilanStatus

    start, end = _day_bounds(ctx)
    query = sa.select(sa.func.count(Bilan.id)).where(
        Bilan.organisation_id == ctx.organisation_id,
        Bilan.status == BilanStatus.FINALISED,
        Bilan.finalised_at >= start,
        Bilan.finalised_at < end,
    )
    if ctx.scope is ScopeKind.SPACE:
        query = query.where(Bilan.space_id == ctx.space_id)
    elif ctx.scope is ScopeKind.CYCLE:
        query = query.where(Bilan.cycle_id == ctx.cycle_id)
    elif ctx.scope is ScopeKind.PROJECT:
        query = query.where(Bilan.project_id == ctx.project_id)
    return _count(query)
