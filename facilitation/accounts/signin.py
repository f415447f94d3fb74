"""Logging in, in one or two steps: the password, then (if set up) a code from the app.

Between the two steps the browser is *not* logged in: its session only names the account
waiting for a code, for a few minutes. Every wrong password or code is counted by
:mod:`.throttle` and audited (by user id when the e-mail is known, else by a hash of it);
every login and logout is audited too.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import request, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ..audit import services as audit
from ..core.database import utcnow
from ..core.exceptions import ValidationError
from ..extensions import db
from . import services, sessions, throttle, two_factor
from .models import Organisation, User

PENDING_KEY = "_pending_login"
PENDING_MINUTES = 5


def _wrong_login() -> str:
    return _("This e-mail address and password do not match an account.")


def _record_failure(email: str, user: User | None, step: str) -> None:
    throttle.record_failure(email)
    if user is not None:
        organisation_id, details = user.organisation_id, {"user_id": user.id}
    else:
        organisation_id = db.session.scalar(sa.select(Organisation.id).order_by(Organisation.id))
        details = {"email_hash": throttle.account_key(email)[:16]}
    if organisation_id is not None:
        audit.record(
            organisation_id,
            audit.LOGIN_FAILED,
            actor=None,
            participant_id=None,
            step=step,
            network=sessions.network_summary(request.remote_addr),
            **details,
        )
        db.session.commit()


def password_step(email: str, password: str, next_path: str) -> User | None:
    """Check the password. The logged-in user, or None when a code must follow."""
    user = services.authenticate(email, password)
    if user is None:
        known = db.session.scalar(
            sa.select(User).where(User.email == services.normalise_email(email))
        )
        _record_failure(email, known, "password")
        raise ValidationError(_wrong_login())
    if user.has_two_factor:
        session.clear()
        session[PENDING_KEY] = {
            "user": user.id,
            "token": user.login_token,
            "at": utcnow().timestamp(),
            "next": next_path,
        }
        return None
    complete(user)
    return user


def pending_user() -> User | None:
    """The account waiting for its code in this browser, if the wait is not over."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if not isinstance(started, int | float):
        return None
    if utcnow().timestamp() - started > timedelta(minutes=PENDING_MINUTES).total_seconds():
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.login_token != pending.get("token"):
        return None
    return user


def pending_next() -> str:
    pending = session.get(PENDING_KEY)
    return pending.get("next", "") if isinstance(pending, dict) else ""


def code_step(code: str) -> User:
    """Check the second step; log in. ``ValidationError`` when the code is not right."""
    user = pending_user()
    if user is None:
        raise ValidationError(_("The wait was too long. Please log in again."))
    kind = two_factor.verify_second_factor(user, code)
    if kind is None:
        _record_failure(user.email, user, "code")
        raise ValidationError(_("This code is not right, or was already used."), "code")
    complete(user)
    return user


def complete(user: User) -> None:
    """Open a fresh session (nothing from before survives: no fixation) for this user."""
    session.clear()
    login_user(user)
    session.permanent = True
    sessions.start(user, must_enrol=two_factor.must_enrol(user))
    throttle.remember_device(user.email)
    services.record_login(user)
    audit.record(
        user.organisation_id,
        audit.LOGIN,
        actor=user,
        participant_id=None,
        network=sessions.network_summary(request.remote_addr),
    )
    db.session.commit()


def log_out(user: User) -> None:
    sessions.end_current("logout")
    audit.record(user.organisation_id, audit.LOGOUT, actor=user, participant_id=None)
    db.session.commit()
    logout_user()
    session.clear()


def throttled(email: str) -> str | None:
    """The message when attempts on this account from here are refused for now."""
    refusal = throttle.refusal(email)
    return refusal.message if refusal is not None else None
