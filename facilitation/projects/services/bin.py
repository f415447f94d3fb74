"""The bin: deleted steps, actions and attachments, restorable by staff for 30 days.

Past 30 days they are removed for good by :func:`purge` (run when the bin is opened, and
from any scheduled clean-up), attachment files included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core import uploads
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ..models import Attachment, Project, ProjectAction, Step
from .access import announce, changed, get_project

KEEP_DAYS = 30
MODELS = {"step": Step, "action": ProjectAction, "attachment": Attachment}


@dataclass(frozen=True)
class BinItem:
    kind: str  # "step", "action", "attachment"
    id: int
    label: str
    deleted_at: datetime
    until: datetime


def _label(kind: str, row) -> str:
    if kind == "attachment":
        return row.upload.original_name or row.upload.download_name
    return row.title


def items(actor: User, project: Project) -> list[BinItem]:
    project = get_project(actor, project.id)
    purge(project_id=project.id)
    found = []
    for kind, model in MODELS.items():
        for row in db.session.scalars(
            sa.select(model).where(model.project_id == project.id, model.deleted_at.is_not(None))
        ):
            found.append(
                BinItem(
                    kind=kind,
                    id=row.id,
                    label=_label(kind, row),
                    deleted_at=row.deleted_at,
                    until=row.deleted_at + timedelta(days=KEEP_DAYS),
                )
            )
    return sorted(found, key=lambda item: item.deleted_at, reverse=True)


def restore(actor: User, project: Project, kind: str, item_id: int) -> None:
    project = get_project(actor, project.id)
    model = MODELS.get(kind)
    row = db.session.get(model, item_id) if model is not None else None
    if row is None or row.project_id != project.id or row.deleted_at is None:
        raise NotFound
    if row.deleted_at < utcnow() - timedelta(days=KEEP_DAYS):
        raise ValidationError(_("This was deleted more than 30 days ago."))
    row.deleted_at = None
    if kind == "attachment" and row.action.deleted_at is not None:
        row.action.deleted_at = None  # a file comes back with its action
    if kind == "step":
        row.version += 1  # an open form of the deleted step must not overwrite it silently
    changed(project, "bin")
    db.session.commit()
    announce(project.id, "steps" if kind == "step" else "actions")


def count_expired(now: datetime | None = None) -> int:
    """How many deleted steps, actions and files :func:`purge` would remove now."""
    limit = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    files = sa.select(sa.func.count(Attachment.id)).where(
        sa.or_(
            Attachment.deleted_at < limit,
            Attachment.action_id.in_(
                sa.select(ProjectAction.id).where(ProjectAction.deleted_at < limit)
            ),
        )
    )
    total = db.session.scalar(files)
    for model in (ProjectAction, Step):
        total += db.session.scalar(
            sa.select(sa.func.count(model.id)).where(model.deleted_at < limit)
        )
    return total


def purge(
    *, now: datetime | None = None, project_id: int | None = None, commit: bool = True
) -> int:
    """Remove for good what was deleted more than 30 days ago. Returns how many.

    ``commit=False``: inside the caller's transaction (the retention purge)."""
    limit = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    removed = 0
    attachments = sa.select(Attachment).where(
        sa.or_(
            Attachment.deleted_at < limit,
            Attachment.action_id.in_(
                sa.select(ProjectAction.id).where(ProjectAction.deleted_at < limit)
            ),
        )
    )
    if project_id is not None:
        attachments = attachments.where(Attachment.project_id == project_id)
    for attachment in list(db.session.scalars(attachments)):
        upload = attachment.upload
        db.session.delete(attachment)
        db.session.flush()
        uploads.delete(upload)
        removed += 1
    for model in (ProjectAction, Step):
        query = sa.delete(model).where(model.deleted_at < limit)
        if project_id is not None:
            query = query.where(model.project_id == project_id)
        removed += db.session.execute(query).rowcount
    if commit:
        db.session.commit()
    return removed
