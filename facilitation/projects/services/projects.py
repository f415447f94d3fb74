"""Starting, editing, proposing, accepting and finishing projects; the determinants list."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...core import text
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...participants import services as participants_services
from ...participants.models import Participant, SpaceParticipant
from ...spaces import services as spaces
from ...spaces.models import Space
from .. import vocabulary
from ..models import (
    CustomDeterminant,
    MemberKind,
    Project,
    ProjectDeterminant,
    ProjectMember,
    ProjectStatus,
)
from .access import announce, changed, get_project

TITLE_LIMIT = 120
AIM_LIMIT = 300


@dataclass(frozen=True)
class ProjectData:
    title: str
    aim: str = ""
    determinants: list[str] = field(default_factory=list)
    status: ProjectStatus | str = ProjectStatus.IDEA


# --- determinants -------------------------------------------------------------------


def determinants(organisation_id: int) -> list[vocabulary.Determinant]:
    """The fixed list, then the coordinator's additions."""
    custom = db.session.scalars(
        sa.select(CustomDeterminant)
        .where(CustomDeterminant.organisation_id == organisation_id)
        .order_by(CustomDeterminant.label)
    )
    return [
        *vocabulary.BUILT_IN,
        *(vocabulary.Determinant(f"c{c.id}", c.icon or "•", c.label) for c in custom),
    ]


def determinant_map(organisation_id: int) -> dict[str, vocabulary.Determinant]:
    return {d.key: d for d in determinants(organisation_id)}


def add_determinant(actor: User, *, label: str, icon: str = "") -> CustomDeterminant:
    """Extend the list (coordinator only)."""
    spaces.ensure_coordinator(actor)
    label = text.clean(label, limit=60, field="label", empty_message=_("Name the determinant."))
    if icon and icon not in vocabulary.ICONS:
        raise ValidationError(_("Unknown pictogram."), "icon")
    known = {str(d.label).casefold() for d in determinants(actor.organisation_id)}
    if label.casefold() in known:
        raise ValidationError(_("This determinant is already in the list."), "label")
    custom = CustomDeterminant(organisation_id=actor.organisation_id, label=label, icon=icon)
    db.session.add(custom)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(_("This determinant is already in the list."), "label") from None
    return custom


def _clean(data: ProjectData, organisation_id: int) -> ProjectData:
    title = text.clean(
        data.title, limit=TITLE_LIMIT, field="title", empty_message=_("Give the project a title.")
    )
    aim = text.clean_optional(data.aim, limit=AIM_LIMIT, field="aim")
    known = determinant_map(organisation_id)
    keys = sorted(set(data.determinants or []))
    if any(key not in known for key in keys):
        raise ValidationError(_("Unknown determinant."), "determinants")
    try:
        status = ProjectStatus(data.status)
    except ValueError:
        raise ValidationError(_("Unknown status."), "status") from None
    return ProjectData(title=title, aim=aim, determinants=keys, status=status)


def _set_determinants(project: Project, keys: list[str]) -> None:
    project.determinant_links = [ProjectDeterminant(key=key) for key in keys]


# --- staff: create, edit --------------------------------------------------------------


def create_project(
    actor: User,
    space: Space,
    data: ProjectData,
    *,
    porteurs: list[int] = (),
    participants: list[int] = (),
) -> Project:
    """Start a project in one of the actor's spaces; the actor is a staff member of it.

    ``participants`` and ``porteurs`` are ids of people of the space (porteurs are members
    too); anyone else is refused.
    """
    space = spaces.get_space(actor, space.id)
    if space.is_archived:
        raise ValidationError(_("This space is archived: reopen it before adding to it."))
    clean = _clean(data, space.organisation_id)
    project = Project(
        organisation_id=space.organisation_id,
        space_id=space.id,
        title=clean.title,
        aim=clean.aim,
        status=clean.status,
        created_by_id=actor.id,
        accepted_at=utcnow(),
    )
    if clean.status is ProjectStatus.FINISHED:
        project.finished_at = utcnow()
    db.session.add(project)
    _set_determinants(project, clean.determinants)
    db.session.flush()
    db.session.add(ProjectMember(project_id=project.id, kind=MemberKind.STAFF, user_id=actor.id))
    wanted = set(participants) | set(porteurs)
    if wanted - space_people_ids(actor, space):
        raise ValidationError(_("This person is not known in this space."), "participants")
    for participant_id in sorted(wanted):
        db.session.add(
            ProjectMember(
                project_id=project.id,
                kind=MemberKind.PARTICIPANT,
                participant_id=participant_id,
                is_porteur=participant_id in set(porteurs),
            )
        )
    db.session.commit()
    return project


def space_people_ids(actor: User, space: Space) -> set[int]:
    """The people staff may add: those of the project's space, as the roll call lists them."""
    return {p.id for p in participants_services.list_space_participants(actor, space)}


def update_project(actor: User, project: Project, data: ProjectData) -> Project:
    project = get_project(actor, project.id)
    clean = _clean(data, project.organisation_id)
    project.title, project.aim = clean.title, clean.aim
    _set_status(project, clean.status)
    _set_determinants(project, clean.determinants)
    changed(project, "project")
    db.session.commit()
    announce(project.id, "project")
    return project


def _set_status(project: Project, status: ProjectStatus) -> None:
    if status is ProjectStatus.FINISHED and project.status is not ProjectStatus.FINISHED:
        project.finished_at = utcnow()
    elif status is not ProjectStatus.FINISHED:
        project.finished_at = None
    project.status = status


def set_status(actor: User, project: Project, status: ProjectStatus | str) -> Project:
    """Change the status; finishing keeps the whole history (nothing is deleted)."""
    project = get_project(actor, project.id)
    try:
        status = ProjectStatus(status)
    except ValueError:
        raise ValidationError(_("Unknown status."), "status") from None
    _set_status(project, status)
    changed(project, "project")
    db.session.commit()
    announce(project.id, "project")
    return project


# --- a participant's idea, from the phone; staff accept it -------------------------------


def participant_spaces(participant: Participant) -> list[Space]:
    """The spaces a person is known in (their own information, for their own phone)."""
    return list(
        db.session.scalars(
            sa.select(Space)
            .join(SpaceParticipant, SpaceParticipant.space_id == Space.id)
            .where(SpaceParticipant.participant_id == participant.id, Space.archived_at.is_(None))
            .order_by(Space.name)
        )
    )


def propose_project(
    participant: Participant, space_id: int, *, title: str, aim: str = ""
) -> Project:
    """ "J'ai une idée de projet": a proposal that the space's staff will see and accept."""
    space = next((s for s in participant_spaces(participant) if s.id == space_id), None)
    if space is None:
        raise ValidationError(_("Choose one of your groups."), "space")
    clean = _clean(ProjectData(title=title, aim=aim), space.organisation_id)
    project = Project(
        organisation_id=space.organisation_id,
        space_id=space.id,
        title=clean.title,
        aim=clean.aim,
        status=ProjectStatus.IDEA,
        proposed_by_id=participant.id,
    )
    db.session.add(project)
    db.session.flush()
    db.session.add(
        ProjectMember(
            project_id=project.id,
            kind=MemberKind.PARTICIPANT,
            participant_id=participant.id,
            is_porteur=True,
        )
    )
    db.session.commit()
    return project


def own_proposals(participant: Participant) -> list[Project]:
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.proposed_by_id == participant.id, Project.accepted_at.is_(None))
            .order_by(Project.id.desc())
        )
    )


def accept_proposal(actor: User, project: Project) -> Project:
    project = get_project(actor, project.id)
    if not project.is_proposal:
        return project
    project.accepted_at = utcnow()
    if (
        db.session.scalar(
            sa.select(ProjectMember.id).where(
                ProjectMember.project_id == project.id, ProjectMember.user_id == actor.id
            )
        )
        is None
    ):
        db.session.add(
            ProjectMember(project_id=project.id, kind=MemberKind.STAFF, user_id=actor.id)
        )
    changed(project, "project")
    db.session.commit()
    announce(project.id, "project")
    return project


def decline_proposal(actor: User, project: Project) -> None:
    """A proposal the group does not take up: it goes (an accepted project never does)."""
    project = get_project(actor, project.id)
    if not project.is_proposal:
        raise NotFound
    db.session.delete(project)
    db.session.commit()
