"""Fixtures of the staff-account tests: one request, one user; the login counters reset.

The autouse app context of tests/conftest.py is shared by every request of a test, so
``g`` outlives a request (in production each request has its own). Flask-Login caches the
user there (``g._login_user``): without forgetting it, a request replaying an old cookie
would see whoever the previous request saw, and a test could pass for a wrong reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g, request_started

from facilitation.accounts import throttle
from facilitation.accounts.models import StaffSession
from facilitation.core.database import utcnow
from facilitation.extensions import db


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@pytest.fixture
def throttling(app):
    """Login throttling on (the test configuration turns rate limits off), counters empty."""
    before = app.config["RATELIMIT_ENABLED"]
    app.config["RATELIMIT_ENABLED"] = True
    throttle.reset()
    yield
    throttle.reset()
    app.config["RATELIMIT_ENABLED"] = before


def staff_sessions(user) -> list[StaffSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(StaffSession).where(StaffSession.user_id == user.id).order_by(StaffSession.id)
        )
    )


def age_sessions(user, **columns: timedelta) -> None:
    """Move the stored timestamps of a user's sessions into the past (no sleeping)."""
    values = {name: utcnow() - delta for name, delta in columns.items()}
    db.session.execute(
        sa.update(StaffSession).where(StaffSession.user_id == user.id).values(**values)
    )
    db.session.commit()


def session_cookie(client) -> str:
    return client.get_cookie("session").value
