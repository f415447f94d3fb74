"""Fixtures of the attendance and journey tests (helpers are in helpers.py).

As in tests/live/, broadcasts are flushed synchronously and every HTTP request starts
without the user and locale that a previous request cached in ``g`` (several clients —
a mediator's laptop and participants' phones — share the test's app context).
"""

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
