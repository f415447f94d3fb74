"""Record and read the audit log (coordinators read it)."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import User
from ..core.exceptions import Forbidden
from ..extensions import db
from .models import AuditEntry

VIEW_JOURNEY = "view_journey"
EXPORT = "export"
ERASE = "erase"
SELF_ERASE = "self_erase"
MERGE = "merge"
LINK = "link"
EXPORT_REPORT = "export_report"  # a report (compte rendu, indicators…) as CSV/ODS/XLSX/PDF


def record(
    organisation_id: int,
    action: str,
    *,
    actor: User | None,
    participant_id: int | None,
    **details,
) -> None:
    """Add an entry to the current transaction (the caller commits with its change)."""
    db.session.add(
        AuditEntry(
            organisation_id=organisation_id,
            actor_id=actor.id if actor is not None else None,
            action=action,
            participant_ref=participant_id,
            details=details,
        )
    )


def entries(actor: User, *, limit: int = 200) -> list[AuditEntry]:
    if not actor.is_coordinator:
        raise Forbidden
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.organisation_id == actor.organisation_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
