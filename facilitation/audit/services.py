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
# What staff and phones do to a person's record (issue 7; participants/services).
EDIT = "edit"  # details: the fields changed, never their content
ATTENDANCE = "attendance"  # details: session, status (or "cleared")
ROLL_CALL_VIEW = "roll_call_view"  # details: session (no one is named)
BIND_PHONE = "bind_phone"  # details: phone, how (roll_call | link), session
UNBIND_PHONE = "unbind_phone"  # details: phone, by (person | deactivation | rebound)
CONFIRM_PHONE = "confirm_phone"  # the person: "Oui, c'est moi"
REMOVE_FROM_SPACE = "remove_from_space"  # details: space
PHONE_ERASE = "phone_erase"  # a phone no one's erased what it sent; details: boards


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
