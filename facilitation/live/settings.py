"""Settings of the live board, from the environment (defaults fit one structure).

Applied with ``setdefault`` by :func:`init_app`, so a test configuration wins.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def from_environment() -> dict:
    return {
        # New phones join from this many days before the session's date to this many
        # after (local dates); staff can reopen a board from its control page.
        "LIVE_JOIN_DAYS_BEFORE": _int("LIVE_JOIN_DAYS_BEFORE", 1),
        "LIVE_JOIN_DAYS_AFTER": _int("LIVE_JOIN_DAYS_AFTER", 1),
        # Wrong join codes (Flask-Limiter notation), counted per client address and overall.
        # A right code is never counted: a whole room on one Wi-Fi joins.
        "LIVE_WRONG_CODES_PER_ADDRESS": os.environ.get(
            "LIVE_WRONG_CODES_PER_ADDRESS", "15 per minute;60 per hour"
        ),
        "LIVE_WRONG_CODES_OVERALL": os.environ.get(
            "LIVE_WRONG_CODES_OVERALL", "200 per minute;1000 per hour"
        ),
        # Presence: each process refreshes its connections every LIVE_HEARTBEAT seconds;
        # a connection not refreshed for LIVE_CONNECTION_TTL seconds (its process died)
        # no longer counts.
        "LIVE_HEARTBEAT": float(os.environ.get("LIVE_HEARTBEAT", 30)),
        "LIVE_CONNECTION_TTL": float(os.environ.get("LIVE_CONNECTION_TTL", 90)),
        # Open sockets per phone (tabs, reconnections): one more is refused.
        "LIVE_MAX_SOCKETS_PER_PHONE": _int("LIVE_MAX_SOCKETS_PER_PHONE", 5),
    }


def init_app(app) -> None:
    for key, value in from_environment().items():
        app.config.setdefault(key, value)
