"""A project's members: participants (by pseudonym, from the space's people), staff, and
partner guests (a name and an organisation, no account). Reading the list is audited."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...audit import services as audit
from ...core import text
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...spaces.models import SpaceMembership
from ..models import MemberKind, Project, ProjectMember
from .access import announce, changed, get_project
from .projects import space_people_ids

VIEW_MEMBERS = "view_project_members"


def members(project: Project) -> list[ProjectMember]:
    return list(
        db.session.scalars(
            sa.select(ProjectMember)
            .where(ProjectMember.project_id == project.id)
            .order_by(ProjectMember.is_porteur.desc(), ProjectMember.kind, ProjectMember.id)
        )
    )


def member_list(actor: User, project: Project) -> list[ProjectMember]:
    """The full list of members, for staff: each read goes in the audit log."""
    project = get_project(actor, project.id)
    audit.record(
        project.organisation_id,
        VIEW_MEMBERS,
        actor=actor,
        participant_id=None,
        project_id=project.id,
    )
    db.session.commit()
    return members(project)


def get_member(actor: User, project: Project, member_id: int) -> ProjectMember:
    project = get_project(actor, project.id)
    member = db.session.get(ProjectMember, member_id)
    if member is None or member.project_id != project.id:
        raise NotFound
    return member


def _commit(project: Project, message: str) -> None:
    changed(project, "members")
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(message) from None
    announce(project.id, "members")


def add_participant(
    actor: User, project: Project, participant_id: int, *, porteur: bool = False
) -> ProjectMember:
    project = get_project(actor, project.id)
    if participant_id not in space_people_ids(actor, project.space):
        raise ValidationError(_("This person is not known in this space."), "participant")
    member = ProjectMember(
        project_id=project.id,
        kind=MemberKind.PARTICIPANT,
        participant_id=participant_id,
        is_porteur=porteur,
    )
    db.session.add(member)
    _commit(project, _("This person is already a member."))
    return member


def staff_choices(actor: User, project: Project) -> list[User]:
    """Staff who can join: members of the project's space (and the coordinators)."""
    project = get_project(actor, project.id)
    in_space = sa.select(SpaceMembership.user_id).where(
        SpaceMembership.space_id == project.space_id
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id == project.organisation_id,
                User.active.is_(True),
                sa.or_(User.id.in_(in_space), User.role == "coordinator"),
            )
            .order_by(User.display_name)
        )
    )


def add_staff(actor: User, project: Project, user_id: int) -> ProjectMember:
    if user_id not in {u.id for u in staff_choices(actor, project)}:
        raise ValidationError(_("Unknown member of staff."), "user")
    member = ProjectMember(project_id=project.id, kind=MemberKind.STAFF, user_id=user_id)
    db.session.add(member)
    _commit(project, _("This person is already a member."))
    return member


def add_guest(actor: User, project: Project, *, name: str, organisation: str = "") -> ProjectMember:
    """A partner professional: a name and an organisation, no account, no login."""
    project = get_project(actor, project.id)
    member = ProjectMember(
        project_id=project.id,
        kind=MemberKind.GUEST,
        guest_name=text.clean(name, limit=80, field="name", empty_message=_("Give a name.")),
        guest_organisation=text.clean_optional(organisation, limit=120, field="organisation"),
    )
    db.session.add(member)
    _commit(project, _("This person is already a member."))
    return member


def update_member(
    actor: User, member: ProjectMember, *, porteur: bool, shown_on_screen: bool
) -> ProjectMember:
    """Mark a porteur; record (when the person said so) that they agree to be on screen."""
    project = get_project(actor, member.project_id)
    member.is_porteur = porteur and member.kind is MemberKind.PARTICIPANT
    member.shown_on_screen = member.is_porteur and shown_on_screen
    _commit(project, _("This change could not be saved."))
    return member


def remove_member(actor: User, member: ProjectMember) -> None:
    project = get_project(actor, member.project_id)
    db.session.delete(member)
    _commit(project, _("This change could not be saved."))


def set_own_screen_consent(member: ProjectMember, shown: bool) -> ProjectMember:
    """A porteur, from their phone: show my pseudonym on the projector, or not."""
    if not member.is_porteur:
        raise ValidationError(_("Only the people who lead the project are shown on screen."))
    member.shown_on_screen = bool(shown)
    project = db.session.get(Project, member.project_id)
    _commit(project, _("This change could not be saved."))
    return member


def screen_porteurs(project: Project) -> list[str]:
    """Pseudonyms of the porteurs who agreed to be shown on the projector."""
    return [
        m.name
        for m in members(project)
        if m.is_porteur and m.shown_on_screen and m.kind is MemberKind.PARTICIPANT
    ]
