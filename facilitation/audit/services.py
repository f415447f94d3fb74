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
