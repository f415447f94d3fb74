"""Fixtures of the live-board tests: a board on the world's session, phones that joined it.

Broadcasts are flushed synchronously during these tests (``LIVE_BROADCAST_SYNC``), so
what a client receives is decided before the emitting call returns, and no background
broadcasting thread reads the database while a test empties it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import current_app, g, request_started
from socketio import packet as sio_packet

from facilitation.extensions import db, socketio
from facilitation.live import services
from facilitation.live.models import Activity, ActivityStatus, Answer, Board, LiveParticipant
from facilitation.live.ratelimit import control_limiter, participant_limiter
from facilitation.live.services.access import code_guard

from ..factories import PASSWORD


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
def fresh_rate_limits(app):
    def forget():
        participant_limiter._buckets.clear()
        control_limiter._buckets.clear()
        code_guard().reset()

    with app.test_request_context():
        forget()
    yield
    with app.test_request_context():
        forget()


@pytest.fixture(autouse=True)
def long_lived_connections(app):
    """No heartbeat runs in these tests (broadcasts are synchronous): a connection row
    stays alive for the whole test, however long it takes."""
    before = app.config["LIVE_CONNECTION_TTL"]
    app.config["LIVE_CONNECTION_TTL"] = 24 * 3600
    yield
    app.config["LIVE_CONNECTION_TTL"] = before


def today_here():
    """Today in the structure's time zone (the dates of sessions)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def hold_today(session) -> None:
    """The session takes place today: its board takes new phones."""
    session.starts_on = today_here()
    db.session.commit()


@pytest.fixture
def board(world) -> Board:
    hold_today(world.session)
    return services.board_for_session(world.mediator, world.session)


@pytest.fixture
def other_board(world) -> Board:
    """A board in the other space (another team's session)."""
    hold_today(world.other_session)
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


NS = "/live"
NOTHING = object()


class Sockets:
    """Opens test clients on /live and closes them at the end of the test."""

    def __init__(self, app):
        self.app = app
        self.opened = []

    def connect(self, http=None, **auth):
        http = http or self.app.test_client()
        sio = socketio.test_client(self.app, namespace=NS, flask_test_client=http, auth=auth)
        self.opened.append(sio)
        return sio

    def attempt(self, http=None, auth=NOTHING, **fields) -> tuple[object, str | None]:
        """Connect with ``auth`` (any JSON value; by default the keyword ``fields``), and
        tell why the server refused (``None``: connected).

        The test client keeps no refusal message: it first opens the default namespace
        (which has no handlers), then ``/live`` while watching the packets sent."""
        auth = fields if auth is NOTHING else auth
        http = http or self.app.test_client()
        g.pop("_login_user", None)  # see staff(): the socket loads its own user
        sio = socketio.test_client(self.app, flask_test_client=http)
        self.opened.append(sio)
        refusals = []
        send = socketio.server._send_packet

        def watch(eio_sid, pkt):
            if pkt.packet_type == sio_packet.CONNECT_ERROR and pkt.namespace == NS:
                refusals.append((pkt.data or {}).get("message"))
            return send(eio_sid, pkt)

        socketio.server._send_packet = watch
        try:
            sio.connect(namespace=NS, auth=auth)
        finally:
            socketio.server._send_packet = send
        return sio, (refusals[0] if refusals else None)

    def phone(self, board, pseudonym: str = "Colibri"):
        """A phone that joins over HTTP (device cookie), then connects."""
        http = self.app.test_client()
        response = http.post(
            f"/j/{board.join_code}", data={"pseudonym": pseudonym, "language": "fr"}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        assert http.get_cookie("fac_device") is not None
        sio = self.connect(http, code=board.join_code)
        assert sio.is_connected(NS)
        sio.http = http
        return sio

    def staff(self, board, user):
        http = self.app.test_client()
        response = http.post("/connexion", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        # The test shares one app context (so one `g`) across clients: forget the user
        # Flask-Login cached there, so the socket loads them from their own session.
        g.pop("_login_user", None)
        sio = self.connect(http, code=board.join_code, role="control")
        sio.http = http
        return sio

    def screen(self, board, key=None):
        return self.connect(
            code=board.join_code, role="screen", key=board.screen_key if key is None else key
        )

    def close(self):
        for sio in self.opened:
            if sio.is_connected(NS):
                sio.disconnect(namespace=NS)


def received(sio) -> list[dict]:
    """Everything the server sent this client on /live, connected or not."""
    return [pkt for pkt in sio.queue if pkt["namespace"] == NS]


@pytest.fixture
def sockets(app):
    opened = Sockets(app)
    yield opened
    opened.close()
