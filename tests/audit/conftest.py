"""Fixtures of the audit tests: every HTTP request starts without the user and locale that
a previous request cached in ``g`` (the test's app context is shared by its requests), and
live-board broadcasts are sent synchronously."""

from __future__ import annotations

import pytest
from flask import g, request_started


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
