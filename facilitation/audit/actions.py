"""What the audit log records: action codes and the words the journal shows for them.

Codes are stored as they are (short English words); the journal shows the label. A
package that records a new action registers its label with :func:`register` (or adds it
here); an unknown code is still shown, under a generic label.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# A person's data (participants/)
VIEW_JOURNEY = "view_journey"
EXPORT = "export"
ERASE = "erase"
SELF_ERASE = "self_erase"
MERGE = "merge"
LINK = "link"
EDIT = "edit"  # details: the fields changed, never their content
ATTENDANCE = "attendance"  # details: session, status (or "cleared")
ROLL_CALL_VIEW = "roll_call_view"  # details: session (no one is named)
BIND_PHONE = "bind_phone"  # details: phone, how (roll_call | link), session
UNBIND_PHONE = "unbind_phone"  # details: phone, by (person | deactivation | rebound)
CONFIRM_PHONE = "confirm_phone"  # the person: "Oui, c'est moi"
REMOVE_FROM_SPACE = "remove_from_space"  # details: space
PHONE_ERASE = "phone_erase"  # a phone no one knows erased what it sent; details: boards
# Reports (reports/, indicators/): compte rendu, indicators… as CSV/ODS/XLSX/PDF
EXPORT_REPORT = "export_report"
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
# The log itself and retention
EXPORT_JOURNAL = "export_journal"
PURGE = "purge"
RETENTION_ERASE = "retention_erase"

LABELS = {
    VIEW_JOURNEY: _l("read the journey"),
    EXPORT: _l("exported the data"),
    ERASE: _l("erased the person"),
    SELF_ERASE: _l("erased their own data"),
    MERGE: _l("merged a duplicate"),
    LINK: _l("created a phone link"),
    EDIT: _l("edited the person's record"),
    ATTENDANCE: _l("changed an attendance"),
    ROLL_CALL_VIEW: _l("opened a roll call"),
    BIND_PHONE: _l("linked a phone to the person"),
    UNBIND_PHONE: _l("unlinked a phone"),
    CONFIRM_PHONE: _l("confirmed their phone"),
    REMOVE_FROM_SPACE: _l("removed the person from a space"),
    PHONE_ERASE: _l("a phone erased what it sent"),
    EXPORT_REPORT: _l("exported a report"),
    LOGIN: _l("logged in"),
    LOGIN_FAILED: _l("failed login"),
    LOGOUT: _l("logged out"),
    SESSION_ENDED: _l("ended a session"),
    ROLE_CHANGED: _l("changed a role"),
    STAFF_ACTIVE_CHANGED: _l("deactivated or reactivated an account"),
    TWO_FACTOR_ENABLED: _l("turned on two-step login"),
    TWO_FACTOR_DISABLED: _l("turned off two-step login"),
    RECOVERY_CODE_USED: _l("logged in with a recovery code"),
    RECOVERY_CODES_RENEWED: _l("made new recovery codes"),
    TWO_FACTOR_REQUIREMENT: _l("changed the two-step login rule"),
    EXPORT_JOURNAL: _l("exported the audit log"),
    PURGE: _l("removed old data (retention)"),
    RETENTION_ERASE: _l("erased the person: inactive past the retention period"),
}


def register(code: str, label) -> None:
    """Give a new action its label (a lazy string), from the package that records it."""
    LABELS.setdefault(code, label)


def label(code: str) -> str:
    known = LABELS.get(code)
    if known is not None:
        return str(known)
    return _("other action (%(code)s)", code=code)


def choices() -> list[tuple[str, str]]:
    """Every known action, by label, for the journal's filter."""
    return sorted(((code, str(text)) for code, text in LABELS.items()), key=lambda c: c[1])
