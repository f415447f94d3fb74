"""Project meetings: sessions of the project's space (attendance, live board, co-animation
reused as they are), linked to the project. New meetings go in the project's own cycle."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core import text
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import Cycle, WorkshopSession
from ..models import Project, ProjectMeeting
from .access import Viewer, announce, changed, check, get_project


def meetings(viewer: Viewer, project: Project) -> list[WorkshopSession]:
    project = check(viewer, project)
    return list(
        db.session.scalars(
            sa.select(WorkshopSession)
            .join(ProjectMeeting, ProjectMeeting.session_id == WorkshopSession.id)
            .where(ProjectMeeting.project_id == project.id)
            .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at)
        )
    )


def next_meeting(project: Project, today: date) -> WorkshopSession | None:
    return db.session.scalar(
        sa.select(WorkshopSession)
        .join(ProjectMeeting, ProjectMeeting.session_id == WorkshopSession.id)
        .where(
            ProjectMeeting.project_id == project.id,
            WorkshopSession.starts_on >= today,
            WorkshopSession.archived_at.is_(None),
        )
        .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at)
        .limit(1)
    )


def get_meeting(actor: User, project: Project, session_id: int) -> WorkshopSession:
    project = get_project(actor, project.id)
    session = workshops.get_session(actor, session_id)
    linked = db.session.get(ProjectMeeting, (project.id, session.id))
    if linked is None:
        raise NotFound
    return session


def _project_cycle(actor: User, project: Project) -> Cycle:
    cycle = db.session.get(Cycle, project.cycle_id) if project.cycle_id else None
    if cycle is None or cycle.is_archived:
        cycle = workshops.create_cycle(
            actor,
            project.space,
            title=_("Project: %(title)s", title=project.title)[:160],
            description=project.aim,
        )
        project.cycle_id = cycle.id
        db.session.commit()
    return cycle


def create_meeting(
    actor: User,
    project: Project,
    *,
    starts_on: date,
    starts_at: time,
    ends_at: time | None = None,
    place: str = "",
    theme: str = "",
) -> WorkshopSession:
    """A new session of the space, in the project's cycle, linked to the project."""
    project = get_project(actor, project.id)
    theme = (
        text.clean_optional(theme, limit=160, field="theme")
        or _("Project meeting: %(title)s", title=project.title)[:160]
    )
    place = text.clean_optional(place, limit=160, field="place")
    session = workshops.create_session(
        actor,
        _project_cycle(actor, project),
        workshops.SessionData(
            theme=theme, starts_on=starts_on, starts_at=starts_at, ends_at=ends_at, place=place
        ),
    )
    return _link(project, session)


def _link(project: Project, session: WorkshopSession) -> WorkshopSession:
    if db.session.get(ProjectMeeting, (project.id, session.id)) is None:
        if db.session.scalar(
            sa.select(ProjectMeeting.project_id).where(ProjectMeeting.session_id == session.id)
        ):
            raise ValidationError(
                _("This session is already the meeting of another project."), "session"
            )
        db.session.add(ProjectMeeting(project_id=project.id, session_id=session.id))
    changed(project, "meetings")
    db.session.commit()
    announce(project.id, "meetings")
    return session


def linkable_sessions(actor: User, project: Project, today: date) -> list[WorkshopSession]:
    """Sessions of the space, around now, not yet a meeting of any project."""
    project = get_project(actor, project.id)
    linked = sa.select(ProjectMeeting.session_id)
    return list(
        db.session.scalars(
            sa.select(WorkshopSession)
            .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
            .where(
                Cycle.space_id == project.space_id,
                WorkshopSession.archived_at.is_(None),
                WorkshopSession.starts_on >= today - timedelta(days=60),
                WorkshopSession.id.not_in(linked),
            )
            .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at)
            .limit(50)
        )
    )


def link_meeting(actor: User, project: Project, session_id: int) -> WorkshopSession:
    project = get_project(actor, project.id)
    session = workshops.get_session(actor, session_id)
    if session.cycle.space_id != project.space_id:
        raise ValidationError(_("Choose a session of this space."), "session")
    return _link(project, session)


def unlink_meeting(actor: User, project: Project, session_id: int) -> None:
    """The session stays (with its attendance); it is no longer a meeting of the project."""
    session = get_meeting(actor, project, session_id)
    db.session.execute(
        sa.delete(ProjectMeeting).where(
            ProjectMeeting.project_id == project.id, ProjectMeeting.session_id == session.id
        )
    )
    changed(project, "meetings")
    db.session.commit()
    announce(project.id, "meetings")


def today_meeting(actor: User, project: Project, today: date) -> WorkshopSession | None:
    """The meeting of the day, if there is one (where "Décider ensemble" puts its question)."""
    return next((s for s in meetings(Viewer(user=actor), project) if s.starts_on == today), None)
