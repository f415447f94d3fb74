"""Fixtures of the live-board tests: a board on the world's session, phones that joined it.

Broadcasts are flushed synchronously during these tests (``LIVE_BROADCAST_SYNC``), so
what a client receives is decided before the emitting call returns, and no background
broadcasting thread reads the database while a test empties it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import g, request_started

from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.models import Activity, ActivityStatus, Answer, Board, LiveParticipant
from facilitation.live.ratelimit import participant_limiter


@pytest.fixture(autouse=True)
def live_sync(app):
    before = app.config.get("LIVE_BROADCAST_SYNC")
    app.config["LIVE_BROADCAST_SYNC"] = True
    yield
    app.config["LIVE_BROADCAST_SYNC"] = before


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Each HTTP request starts without the user and locale a previous request cached.

    The autouse app context of tests/conftest.py is shared by every request of a test,
    so ``g`` outlives a request (in production each request has its own). Flask-Login
    (``g._login_user``) and Flask-Babel (``g._flask_babel``) cache there: without this,
    a phone's request would see the mediator logged in by another client, or the
    language of the previous page.
    """

    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    participant_limiter._buckets.clear()
    yield
    participant_limiter._buckets.clear()


@pytest.fixture
def board(world) -> Board:
    return services.board_for_session(world.mediator, world.session)


@pytest.fixture
def other_board(world) -> Board:
    """A board in the other space (another team's session)."""
    return services.board_for_session(world.other_mediator, world.other_session)


POLL = {"choices": ["Oui", "Non", "Je ne sais pas"]}


def add(
    actor,
    board: Board,
    kind: str = "poll",
    prompt: str = "Êtes-vous d'accord ?",
    config: dict | None = None,
    *,
    open_it: bool = False,
) -> Activity:
    activity = services.add_activity(
        actor, board, kind=kind, prompt=prompt, config=POLL if config is None else config
    )
    if open_it:
        activity.status = ActivityStatus.OPEN
        db.session.commit()
    return activity


def phone(board: Board, pseudonym: str | None = None, key: str | None = None) -> LiveParticipant:
    """A phone that joined the board (a new device unless ``key`` is given)."""
    return services.join(
        board, key or secrets.token_urlsafe(32), pseudonym=pseudonym, language="fr"
    )


def answer_rows(activity: Activity) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Answer).where(Answer.activity_id == activity.id)
    )


def client_id() -> str:
    return secrets.token_hex(8)


@dataclass
class Recorded:
    topic: str
    board_id: int
    stored_answers: int | None = None
