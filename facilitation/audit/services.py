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
# Staff accounts and sessions (accounts/): never a password or a code in the details.
LOGIN = "login"
LOGIN_FAILED = "login_failed"  # details: user_id when the e-mail is known, else email_hash
LOGOUT = "logout"
SESSION_ENDED = "session_ended"  # one's other sessions, ended from "Mon compte"
ROLE_CHANGED = "role_changed"
STAFF_ACTIVE_CHANGED = "staff_active_changed"
TWO_FACTOR_ENABLED = "two_factor_enabled"
TWO_FACTOR_DISABLED = "two_factor_disabled"
RECOVERY_CODE_USED = "recovery_code_used"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
TWO_FACTOR_REQUIREMENT = "two_factor_requirement"  # the structure's setting changed
STAFF_ACCOUNT_ACTIONS = frozenset(
    {
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        SESSION_ENDED,
        ROLE_CHANGED,
        STAFF_ACTIVE_CHANGED,
        TWO_FACTOR_ENABLED,
        TWO_FACTOR_DISABLED,
        RECOVERY_CODE_USED,
        RECOVERY_CODES_RENEWED,
        TWO_FACTOR_REQUIREMENT,
    }
)


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
