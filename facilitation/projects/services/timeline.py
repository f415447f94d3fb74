"""The project's history in order (meetings, decisions, steps done, actions), and the
"Où en est-on ?" overview the group reviews on the projector at each meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import get_timezone

from ...extensions import db
from ...participants.models import Attendance, AttendanceStatus
from ...workshops.models import WorkshopSession
from ..models import Decision, Project, Step, StepState
from .access import Viewer, check
from .actions import actions as list_actions
from .decisions import decisions as list_decisions
from .meetings import meetings as list_meetings
from .meetings import next_meeting
from .members import screen_porteurs
from .steps import Progress, board, live_steps


@dataclass(frozen=True)
class Event:
    on: date
    kind: str  # "start", "meeting", "decision", "step", "action", "finish"
    title: str
    detail: str = ""
    icon: str = ""
    obj: object = None


def _local_date(moment) -> date:
    return moment.astimezone(get_timezone()).date()


def _present_counts(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        sa.select(Attendance.session_id, sa.func.count(Attendance.id))
        .where(
            Attendance.session_id.in_(session_ids),
            Attendance.status == AttendanceStatus.PRESENT,
        )
        .group_by(Attendance.session_id)
    )
    return dict(rows.all())


def timeline(viewer: Viewer, project: Project) -> list[Event]:
    project = check(viewer, project)
    events = [Event(_local_date(project.accepted_at or project.created_at), "start", project.title)]
    sessions = list_meetings(viewer, project)
    present = _present_counts([s.id for s in sessions])
    events += [
        Event(s.starts_on, "meeting", s.theme, obj=s, detail=str(present.get(s.id, 0)))
        for s in sessions
    ]
    events += [
        Event(d.decided_on, "decision", d.text, detail=d.question, obj=d)
        for d in list_decisions(viewer, project)
    ]
    events += [
        Event(_local_date(s.done_at), "step", s.title, obj=s)
        for s in live_steps(project)
        if s.state is StepState.DONE and s.done_at is not None
    ]
    events += [
        Event(a.happened_on, "action", a.title, obj=a) for a in list_actions(viewer, project)
    ]
    if project.finished_at is not None:
        events.append(Event(_local_date(project.finished_at), "finish", project.title))
    order = {"start": 0, "meeting": 1, "decision": 2, "step": 3, "action": 4, "finish": 5}
    return sorted(events, key=lambda e: (e.on, order[e.kind]))


@dataclass
class Overview:
    project: Project
    progress: Progress
    doing: list[Step]
    todo: list[Step]
    decisions: list[Decision]
    next_meeting: WorkshopSession | None
    next_step_date: date | None
    porteurs: list[str] = field(default_factory=list)
    too_many_doing: bool = False


def overview(viewer: Viewer, project: Project, today: date) -> Overview:
    """Aim, progress, open steps first, the last decisions, the next date — and the
    pseudonyms of the porteurs who agreed to be on screen, nothing else about anyone."""
    project = check(viewer, project)
    steps = board(viewer, project)
    upcoming = [
        s.due_on
        for s in steps.columns[StepState.TODO] + steps.columns[StepState.DOING]
        if s.due_on and s.due_on >= today
    ]
    return Overview(
        project=project,
        progress=steps.progress,
        doing=steps.columns[StepState.DOING],
        todo=steps.columns[StepState.TODO],
        decisions=list_decisions(viewer, project, limit=3),
        next_meeting=next_meeting(project, today),
        next_step_date=min(upcoming) if upcoming else None,
        porteurs=screen_porteurs(project),
        too_many_doing=steps.too_many_doing,
    )
