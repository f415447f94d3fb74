"""The SQL of the collective-project figures (facilitation.projects), aggregated in the
database like the others (``queries.py``), for every scope:

- structure: the organisation's projects; space: the space's projects;
- cycle: the projects whose meetings are sessions of that cycle;
- project: that one project.

Only accepted projects count (a proposal from a phone waiting for staff does not). What
happened "in the period" is read on each row's own date: a step's ``done_at`` (a moment,
turned into the structure's local day), a decision's ``decided_on``, an action's
``happened_on`` (not after today: an action is counted once carried out), a meeting's
session date (held: not archived, not after today).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import get_timezone

from ..extensions import db
from ..participants.models import Participant
from ..projects.models import (
    ActionKind,
    Decision,
    DecisionStatus,
    MemberKind,
    Project,
    ProjectAction,
    ProjectMeeting,
    ProjectMember,
    Step,
    StepState,
)
from ..workshops.models import WorkshopSession
from .models import ScopeKind
from .queries import Context


def _local_bounds(ctx: Context) -> tuple[datetime, datetime]:
    """The period as UTC moments: from the structure's local midnight of its first day to
    the local midnight after its last day."""
    zone = ZoneInfo(str(get_timezone()))  # not pytz's zone as tzinfo (its LMT offset)
    start = datetime.combine(ctx.start, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(ctx.end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def _carried_out_end(ctx: Context) -> date:
    return min(ctx.end, ctx.today)


def projects_of_scope(ctx: Context) -> sa.Select:
    """Ids of the scope's accepted projects."""
    query = sa.select(Project.id).where(
        Project.organisation_id == ctx.organisation_id, Project.accepted_at.is_not(None)
    )
    if ctx.scope is ScopeKind.PROJECT:
        return query.where(Project.id == ctx.project_id)
    if ctx.scope is ScopeKind.SPACE:
        return query.where(Project.space_id == ctx.space_id)
    if ctx.scope is ScopeKind.CYCLE:
        in_cycle = (
            sa.select(ProjectMeeting.project_id)
            .join(WorkshopSession, WorkshopSession.id == ProjectMeeting.session_id)
            .where(WorkshopSession.cycle_id == ctx.cycle_id)
        )
        return query.where(sa.or_(Project.cycle_id == ctx.cycle_id, Project.id.in_(in_cycle)))
    return query


def _steps_done(ctx: Context) -> sa.Select:
    start, end = _local_bounds(ctx)
    return sa.select(Step.project_id).where(
        Step.project_id.in_(projects_of_scope(ctx)),
        Step.deleted_at.is_(None),
        Step.state == StepState.DONE,
        Step.done_at >= start,
        Step.done_at < end,
    )


def _decisions(ctx: Context) -> sa.Select:
    return sa.select(Decision.project_id).where(
        Decision.project_id.in_(projects_of_scope(ctx)),
        Decision.status == DecisionStatus.RECORDED,
        Decision.decided_on >= ctx.start,
        Decision.decided_on <= ctx.end,
    )


def _actions(ctx: Context, kind: ActionKind | None = None) -> sa.Select:
    query = sa.select(ProjectAction.project_id).where(
        ProjectAction.project_id.in_(projects_of_scope(ctx)),
        ProjectAction.deleted_at.is_(None),
        ProjectAction.confirmed.is_(True),
        ProjectAction.happened_on >= ctx.start,
        ProjectAction.happened_on <= _carried_out_end(ctx),
    )
    return query if kind is None else query.where(ProjectAction.kind == kind)


def _meetings_held(ctx: Context) -> sa.Select:
    return (
        sa.select(ProjectMeeting.project_id)
        .join(WorkshopSession, WorkshopSession.id == ProjectMeeting.session_id)
        .where(
            ProjectMeeting.project_id.in_(projects_of_scope(ctx)),
            WorkshopSession.archived_at.is_(None),
            WorkshopSession.starts_on >= ctx.start,
            WorkshopSession.starts_on <= min(ctx.end, ctx.today),
        )
    )


def _count_rows(query: sa.Select) -> int:
    sub = query.subquery()
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0)


def active_projects(ctx: Context) -> sa.Select:
    """Ids of the projects active in the period: accepted before its end, not finished
    before its start, with a step done, a decision, an action or a meeting held in it."""

    def compute():
        start, end = _local_bounds(ctx)
        happened = sa.union(
            _steps_done(ctx), _decisions(ctx), _actions(ctx), _meetings_held(ctx)
        ).subquery()
        return sa.select(Project.id).where(
            Project.id.in_(sa.select(happened.c[0])),
            Project.accepted_at < end,
            sa.or_(Project.finished_at.is_(None), Project.finished_at >= start),
        )

    return ctx.memo("active_projects", compute)


def projects_active(ctx: Context) -> int:
    return _count_rows(active_projects(ctx))


def projects_finished(ctx: Context) -> int:
    start, end = _local_bounds(ctx)
    return _count_rows(
        sa.select(Project.id).where(
            Project.id.in_(projects_of_scope(ctx)),
            Project.finished_at >= start,
            Project.finished_at < end,
        )
    )


def project_steps_done(ctx: Context) -> int:
    return _count_rows(_steps_done(ctx))


def project_decisions(ctx: Context) -> int:
    return _count_rows(_decisions(ctx))


def project_actions(ctx: Context) -> int:
    return _count_rows(_actions(ctx))


def project_tools_co_built(ctx: Context) -> int:
    return _count_rows(_actions(ctx, ActionKind.TOOL))


def _members_of_active(ctx: Context, *, porteurs: bool) -> int:
    query = (
        sa.select(sa.func.count(sa.distinct(ProjectMember.participant_id)))
        .join(Participant, Participant.id == ProjectMember.participant_id)
        .where(
            ProjectMember.project_id.in_(active_projects(ctx)),
            ProjectMember.kind == MemberKind.PARTICIPANT,
        )
    )
    if porteurs:
        query = query.where(ProjectMember.is_porteur.is_(True))
    return int(db.session.scalar(query) or 0)


def project_participants(ctx: Context) -> int:
    return _members_of_active(ctx, porteurs=False)


def project_porteurs(ctx: Context) -> int:
    return _members_of_active(ctx, porteurs=True)
