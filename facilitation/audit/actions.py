"""What the audit log records: action codes and the words the journal shows for them.

Codes are stored as they are (short English words); the journal shows the label. A
package that records a new action registers its label with :func:`register` (or adds it
here); an unknown code is still shown, under a generic label.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# A person's data
VIEW_JOURNEY = "view_journey"
EXPORT = "export"
ERASE = "erase"
SELF_ERASE = "self_erase"
MERGE = "merge"
LINK = "link"
EDIT_PARTICIPANT = "edit_participant"
REMOVE_FROM_SPACE = "remove_from_space"
ATTENDANCE = "attendance"
ROLL_CALL_VIEW = "roll_call_view"
PHONE_BIND = "phone_bind"
PHONE_UNBIND = "phone_unbind"
# Staff accounts
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
ROLE_CHANGE = "role_change"
DEACTIVATE = "deactivate"
# An action name, not a password:
PASSWORD_CHANGE = "password_change"  # noqa: S105  # nosec B105
TOTP_ENABLE = "totp_enable"
TOTP_DISABLE = "totp_disable"
RECOVERY_CODES = "recovery_codes"
TOTP_REQUIRED = "totp_required"
SESSION_END = "session_end"
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
    EDIT_PARTICIPANT: _l("edited the person's record"),
    REMOVE_FROM_SPACE: _l("removed the person from a space"),
    ATTENDANCE: _l("changed an attendance"),
    ROLL_CALL_VIEW: _l("saw the person at a roll call"),
    PHONE_BIND: _l("linked a phone to the person"),
    PHONE_UNBIND: _l("unlinked a phone"),
    LOGIN: _l("logged in"),
    LOGIN_FAILED: _l("failed login"),
    LOGOUT: _l("logged out"),
    ROLE_CHANGE: _l("changed a role"),
    DEACTIVATE: _l("deactivated an account"),
    PASSWORD_CHANGE: _l("changed a password"),
    TOTP_ENABLE: _l("turned on two-step login"),
    TOTP_DISABLE: _l("turned off two-step login"),
    RECOVERY_CODES: _l("made new recovery codes"),
    TOTP_REQUIRED: _l("changed the two-step login rule"),
    SESSION_END: _l("ended a session"),
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
