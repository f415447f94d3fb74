"""A fresh login before sensitive actions: the password typed again within
``FRESH_LOGIN_MINUTES`` (10) before erasing, merging or exporting a person, managing staff
and changing one's security settings (:func:`require_fresh_login`).

Also the one check of a ``next`` address used by the login and confirmation pages.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from ..audit import services as audit
from ..core.database import utcnow
from ..core.exceptions import ValidationError
from ..core.web import is_htmx
from ..extensions import db
from . import throttle
from .models import User
from .sessions import current


def is_fresh() -> bool:
    record = current()
    window = timedelta(minutes=current_app.config["FRESH_LOGIN_MINUTES"])
    return record is not None and utcnow() - record.authenticated_at <= window


def mark_fresh() -> None:
    record = current()
    if record is not None:
        record.authenticated_at = utcnow()
        db.session.commit()


def confirm_password(user: User, password: str) -> None:
    """The password typed again: the session counts as a fresh login for a while."""
    if not check_password_hash(user.password_hash, password or ""):
        throttle.record_failure(user.email)
        audit.record(
            user.organisation_id,
            audit.LOGIN_FAILED,
            actor=user,
            participant_id=None,
            step="confirm",
        )
        db.session.commit()
        raise ValidationError(_("This password is incorrect."), "password")
    mark_fresh()


def _local_path(url: str | None, *, same_host_allowed: bool = True) -> str | None:
    """The path (and query) of a URL if it is a page of this site, else None.

    Refuses what a browser would take for another site: ``//host``, ``/\\host``, a scheme,
    control characters.
    """
    url = url or ""
    if "\\" in url or re.search(r"[\x00-\x1f\x7f]", url):
        return None
    parts = urlsplit(url)
    foreign = not same_host_allowed or parts.netloc != request.host
    if (parts.scheme or parts.netloc) and foreign:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path


def safe_next(default_endpoint: str) -> str:
    """The ``next`` parameter if it is a path of this site, else a default page."""
    return _local_path(request.values.get("next"), same_host_allowed=False) or url_for(
        default_endpoint
    )


def _return_path(back: str | None) -> str:
    """Where to come back after confirming: this page (GET), else the page of the form."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = _local_path(request.referrer)
    if referrer is not None:
        return referrer
    if back is not None:
        return url_for(back)
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return request.path
    return url_for("main.dashboard")


def require_fresh_login(view=None, *, methods=None, back: str | None = None):
    """Ask for the password again before this view when it was typed too long ago.

    ``methods``: only these (e.g. ``{"POST"}``: the page itself stays readable).
    ``back``: the page of the form, for POST-only views (else the referring page).
    A GET is resumed after the confirmation; a POST is not replayed: its form is shown
    again, to send once more.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if (methods is None or request.method in methods) and not is_fresh():
                target = url_for("accounts.confirm_password", next=_return_path(back))
                if is_htmx():
                    return current_app.response_class(status=204, headers={"HX-Redirect": target})
                return redirect(target, code=303 if request.method != "GET" else 302)
            return func(*args, **kwargs)

        # Read by tests/test_authorisation_matrix.py: every such view is tried when stale.
        wrapper.fresh_login_methods = frozenset(methods) if methods else None
        return wrapper

    return decorate(view) if view is not None else decorate
