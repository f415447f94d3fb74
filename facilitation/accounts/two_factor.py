"""Two-factor authentication for staff: TOTP codes (an authenticator app) and recovery codes.

- Enrolment: a new secret is shown as a QR code (inline SVG) and as text; it is saved only
  once a code from the app is typed back. Ten recovery codes are then shown once; only
  their SHA-256 is kept (they are random, 50 bits each: a slow hash adds nothing).
- A code is accepted one time step (30 s) early or late, and never twice: the last step
  accepted is stored and a code of that step or an earlier one is refused (replay).
- A coordinator can require it for the whole structure; staff without it are sent to
  enrol at their next login (``StaffSession.must_enrol``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup

from ..audit import services as audit
from ..core import qr
from ..core.database import utcnow
from ..core.exceptions import Forbidden, ValidationError
from ..extensions import db
from .models import Organisation, RecoveryCode, User

ISSUER = "facilitation"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_RECOVERY_LENGTH = 10


def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    issuer = f"{ISSUER} ({user.organisation.name})"
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The enrolment link as an inline SVG QR code (no image request, no third party)."""
    return qr.qr_svg(uri, title=_("QR code to scan with your authenticator app"), scale=6)


# --- codes ------------------------------------------------------------------------------


def _digits(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code this is (now, one step before or after), else None."""
    code = _digits(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now or utcnow())
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _claim_step(user: User, step: int) -> bool:
    """Store the step as the last one used, unless it (or a later one) already was."""
    claimed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
    ).rowcount
    db.session.commit()
    return claimed == 1


def verify_totp(user: User, code: str, now: datetime | None = None) -> bool:
    if not user.has_two_factor:
        return False
    step = matching_step(user.totp_secret, code, now)
    return step is not None and _claim_step(user, step)


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (code or "").upper())


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(raw)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code (each works once)."""
    if len(_normalise_recovery(code)) != _RECOVERY_LENGTH:
        return False
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    ).rowcount
    if used == 1:
        audit.record(
            user.organisation_id,
            audit.RECOVERY_CODE_USED,
            actor=user,
            participant_id=None,
            left=recovery_codes_left(user),
        )
    db.session.commit()
    return used == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def verify_second_factor(user: User, code: str, now: datetime | None = None) -> str | None:
    """ "totp" or "recovery" when the code is right (and now spent), else None."""
    if re.fullmatch(r"\d{6}", _digits(code)):
        return "totp" if verify_totp(user, code, now) else None
    return "recovery" if user.has_two_factor and use_recovery_code(user, code) else None


# --- enrolment ----------------------------------------------------------------------------


def enable(user: User, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Save the secret once the app's code matches; return the recovery codes (shown once)."""
    if user.has_two_factor:
        raise ValidationError(_("Two-factor authentication is already on."), "code")
    step = matching_step(secret, code, now)
    if step is None:
        raise ValidationError(
            _("This code does not match. Check the time of your phone, then type the new code."),
            "code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record(user.organisation_id, audit.TWO_FACTOR_ENABLED, actor=user, participant_id=None)
    db.session.commit()
    return codes


def disable(user: User, code: str, now: datetime | None = None) -> None:
    """Turn it off, with a current code (or a recovery code) as proof."""
    if not user.has_two_factor:
        return
    if verify_second_factor(user, code, now) is None:
        raise ValidationError(_("This code is not right, or was already used."), "code")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(user.organisation_id, audit.TWO_FACTOR_DISABLED, actor=user, participant_id=None)
    db.session.commit()


def regenerate_recovery_codes(user: User) -> list[str]:
    if not user.has_two_factor:
        raise ValidationError(_("Two-factor authentication is off."))
    codes = _new_recovery_codes(user)
    audit.record(
        user.organisation_id, audit.RECOVERY_CODES_RENEWED, actor=user, participant_id=None
    )
    db.session.commit()
    return codes


# --- the structure's requirement ------------------------------------------------------------


def set_requirement(actor: User, required: bool) -> Organisation:
    """Coordinator: require two-factor authentication of every member of staff (or not)."""
    if not actor.is_coordinator:
        raise Forbidden
    if required and not actor.has_two_factor:
        raise ValidationError(
            _("Turn on two-factor authentication for your own account first."), "required"
        )
    organisation = db.session.get(Organisation, actor.organisation_id)
    if organisation.require_two_factor != required:
        organisation.require_two_factor = required
        audit.record(
            organisation.id,
            audit.TWO_FACTOR_REQUIREMENT,
            actor=actor,
            participant_id=None,
            required=required,
        )
        db.session.commit()
    return organisation


def must_enrol(user: User) -> bool:
    return bool(user.organisation.require_two_factor) and not user.has_two_factor
