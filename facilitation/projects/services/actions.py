"""Actions and outputs of the group (a letter, an event, a meeting with an institution, a
tool co-built with the public, a testimony), with attachments kept in the upload store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core import text, uploads
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ..models import ActionKind, Attachment, Project, ProjectAction
from .access import Viewer, announce, changed, check, get_project, require_staff

ACCEPT = uploads.IMAGES | uploads.DOCUMENTS
MAX_FILE = 10 * uploads.MB
MAX_ATTACHMENTS = 10  # per action
# A request may carry a few files: a bit more than the app's default limit.
MAX_UPLOAD_REQUEST = 4 * MAX_FILE


@dataclass(frozen=True)
class ActionData:
    kind: ActionKind | str
    title: str
    happened_on: date | None
    text: str = ""


def _clean(data: ActionData) -> ActionData:
    try:
        kind = ActionKind(data.kind)
    except ValueError:
        raise ValidationError(_("Choose what kind of action it is."), "kind") from None
    if data.happened_on is None:
        raise ValidationError(_("Give the date."), "happened_on")
    return ActionData(
        kind=kind,
        title=text.clean(
            data.title, limit=160, field="title", empty_message=_("Say what the group did.")
        ),
        happened_on=data.happened_on,
        text=text.clean_optional(data.text, limit=1000, multiline=True, field="text"),
    )


def actions(viewer: Viewer, project: Project) -> list[ProjectAction]:
    project = check(viewer, project)
    return list(
        db.session.scalars(
            sa.select(ProjectAction)
            .where(ProjectAction.project_id == project.id, ProjectAction.deleted_at.is_(None))
            .order_by(ProjectAction.happened_on.desc(), ProjectAction.id.desc())
        )
    )


def get_action(viewer: Viewer, project: Project, action_id: int) -> ProjectAction:
    project = check(viewer, project)
    action = db.session.get(ProjectAction, action_id)
    if action is None or action.project_id != project.id or action.deleted_at is not None:
        raise NotFound
    return action


def add_action(viewer: Viewer, project: Project, data: ActionData, files=()) -> ProjectAction:
    """Staff record an action; a member's phone proposes one (shown as proposed)."""
    project = check(viewer, project)
    clean = _clean(data)
    action = ProjectAction(
        project_id=project.id,
        kind=clean.kind,
        title=clean.title,
        text=clean.text,
        happened_on=clean.happened_on,
        confirmed=viewer.is_staff,
        proposed_by_member_id=None if viewer.is_staff else viewer.member.id,
        created_by_id=viewer.user_id,
    )
    db.session.add(action)
    db.session.flush()
    stored = []
    try:
        for file in [f for f in files if f and getattr(f, "filename", None)][:MAX_ATTACHMENTS]:
            stored.append(_attach(project, action, file).upload)
        changed(project, "actions")
        db.session.commit()
    except Exception:
        db.session.rollback()
        for upload in stored:
            uploads.discard(upload)  # nothing stays on disk of a refused action
        raise
    announce(project.id, "actions")
    return action


def update_action(actor: User, action: ProjectAction, data: ActionData) -> ProjectAction:
    project = get_project(actor, action.project_id)
    clean = _clean(data)
    action.kind, action.title, action.text = clean.kind, clean.title, clean.text
    action.happened_on = clean.happened_on
    changed(project, "actions")
    db.session.commit()
    announce(project.id, "actions")
    return action


def confirm_action(actor: User, action: ProjectAction) -> ProjectAction:
    project = get_project(actor, action.project_id)
    action.confirmed = True
    changed(project, "actions")
    db.session.commit()
    announce(project.id, "actions")
    return action


def delete_action(viewer: Viewer, action: ProjectAction) -> None:
    project = db.session.get(Project, action.project_id)
    require_staff(viewer, project)
    action.deleted_at = utcnow()
    changed(project, "actions")
    db.session.commit()
    announce(project.id, "actions")


# --- attachments --------------------------------------------------------------------


def _attach(project: Project, action: ProjectAction, file) -> Attachment:
    upload = uploads.store(
        file, organisation_id=project.organisation_id, accept=ACCEPT, max_bytes=MAX_FILE
    )
    db.session.flush()
    attachment = Attachment(project_id=project.id, action_id=action.id, upload_id=upload.id)
    db.session.add(attachment)
    attachment.upload = upload
    return attachment


def live_attachments(action: ProjectAction) -> list[Attachment]:
    return [a for a in action.attachments if a.deleted_at is None]


def add_attachment(viewer: Viewer, action: ProjectAction, file) -> Attachment:
    project = check(viewer, db.session.get(Project, action.project_id))
    if action.deleted_at is not None:
        raise NotFound
    if len(live_attachments(action)) >= MAX_ATTACHMENTS:
        raise ValidationError(_("At most %(n)d files per action.", n=MAX_ATTACHMENTS), "file")
    attachment = _attach(project, action, file)
    changed(project, "actions")
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.discard(attachment.upload)
        raise
    announce(project.id, "actions")
    return attachment


def get_attachment(viewer: Viewer, project: Project, attachment_id: int) -> Attachment:
    """An attachment the viewer may download (members and staff of the space only)."""
    project = check(viewer, project)
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or attachment.project_id != project.id
        or attachment.deleted_at is not None
        or attachment.action.deleted_at is not None
    ):
        raise NotFound
    return attachment


def delete_attachment(viewer: Viewer, attachment: Attachment) -> None:
    project = db.session.get(Project, attachment.project_id)
    require_staff(viewer, project)
    attachment.deleted_at = utcnow()
    changed(project, "actions")
    db.session.commit()
    announce(project.id, "actions")
