"""Who may see a project, and the one way every change is announced.

Two kinds of people reach a project:

- **staff** of its space (a mediator who is a member of the space, or a coordinator):
  every read starts from ``spaces.visible_spaces_select`` — a project outside the
  viewer's spaces is :class:`NotFound`, its existence stays private;
- **members** on their phone, recognised by the ``fac_device`` cookie through
  ``participants.services.participant_for_device``, for the accepted projects they
  are members of — anyone else's phone gets :class:`NotFound` too.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...accounts.models import User
from ...core.exceptions import Forbidden, NotFound
from ...extensions import db
from ...live import bus
from ...participants import services as participants
from ...participants.models import Participant
from ...spaces import services as spaces
from ...spaces.models import Space
from ..models import MemberKind, Project, ProjectMember

TOPIC = "project"  # bus topic: publish(TOPIC, project_id, what=...)


@dataclass(frozen=True)
class Viewer:
    """Who acts on a project: a member of staff, or a member on their phone."""

    user: User | None = None
    member: ProjectMember | None = None

    @property
    def is_staff(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None


def visible_projects_select(actor: User) -> sa.Select:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(Project).where(Project.space_id.in_(visible))


def get_project(actor: User, project_id: int) -> Project:
    """A project of the actor's spaces (proposals included), else :class:`NotFound`."""
    project = db.session.scalar(visible_projects_select(actor).where(Project.id == project_id))
    if project is None:
        raise NotFound
    return project


def list_projects(actor: User, space: Space) -> list[Project]:
    space = spaces.get_space(actor, space.id)
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.space_id == space.id)
            .order_by(Project.accepted_at.is_not(None), Project.status, Project.title)
        )
    )


def participant_for_device(device_key: str | None) -> Participant | None:
    return participants.participant_for_device(device_key)


def member_for(participant: Participant | None, project_id: int) -> ProjectMember:
    """The participant's membership of an accepted project, else :class:`NotFound`."""
    if participant is None:
        raise NotFound
    member = db.session.scalar(
        sa.select(ProjectMember)
        .join(Project, Project.id == ProjectMember.project_id)
        .where(
            ProjectMember.project_id == project_id,
            ProjectMember.participant_id == participant.id,
            Project.accepted_at.is_not(None),
        )
    )
    if member is None:
        raise NotFound
    return member


def memberships(participant: Participant) -> list[ProjectMember]:
    """The accepted projects a participant is a member of, for "Mes projets"."""
    return list(
        db.session.scalars(
            sa.select(ProjectMember)
            .join(Project, Project.id == ProjectMember.project_id)
            .where(
                ProjectMember.participant_id == participant.id,
                ProjectMember.kind == MemberKind.PARTICIPANT,
                Project.accepted_at.is_not(None),
            )
            .order_by(Project.status == "finished", Project.title)
        )
    )


def check(viewer: Viewer, project: Project) -> Project:
    """Raise :class:`NotFound` unless the viewer may see this project."""
    if viewer.user is not None:
        return get_project(viewer.user, project.id)
    if viewer.member is None or viewer.member.project_id != project.id or project.is_proposal:
        raise NotFound
    return project


def require_staff(viewer: Viewer | User, project: Project) -> User:
    """Staff of the project's space only (a member's phone gets :class:`Forbidden`)."""
    user = viewer if isinstance(viewer, User) else viewer.user
    if user is None:
        if isinstance(viewer, Viewer):
            check(viewer, project)  # NotFound for a stranger, Forbidden for a member
        raise Forbidden
    get_project(user, project.id)
    return user


def changed(project: Project, what: str) -> None:
    """Bump the project's version (the caller commits, then calls :func:`announce`)."""
    project.version = (project.version or 0) + 1


def announce(project_id: int, what: str) -> None:
    """After the commit: everyone viewing the project hears of it (Socket.IO room)."""
    bus.publish(TOPIC, project_id, what=what)
