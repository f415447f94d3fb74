"""Socket.IO namespace ``/live``: thin handlers that authenticate, call a service, ack.

The protocol is documented in docs/realtime.md. Every handler answers with an ack
``{"ok": true, ...}`` or ``{"ok": false, "error": <code>, "message": <plain words>}``;
an answer is acknowledged only after it is committed. Whatever a client sends — a
wrong number of arguments, an unknown event, an event named ``connect`` — it gets a
refusal it can read, never ``server`` and never silence (``wire.py`` drops what is not
even a packet, with one warning line).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room
from sqlalchemy.exc import InterfaceError, OperationalError

from ..accounts import sessions as staff_sessions
from ..core import metrics
from ..core.exceptions import NotFound
from ..extensions import db
from . import payloads, ratelimit, services, settings, timekeeper, wire
from .broadcast import (
    NAMESPACE,
    board_room,
    broadcaster,
    control_room,
    participant_room,
    screen_room,
)
from .forms import answer_from_fields
from .kinds import Refused
from .models import Board, LiveParticipant
from .ratelimit import control_limiter, participant_limiter

DEVICE_COOKIE = "fac_device"
ROLES = ("participant", "screen", "control")
CLIENT_EVENTS = frozenset({"answer", "contribute", "sync", "control"})
log = logging.getLogger(__name__)
# Refused as retry-able ``unavailable``: connection lost, server restarting, pool timeout.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _refusal(code: str, message: str) -> dict:
    return {"ok": False, "error": code, "message": message}


def acked(handler=None, *, optional: bool = False):
    """Turn refusals and unexpected errors into error acks; never leak a stack trace.

    Every event takes exactly one argument (``optional``: none is fine too); missing or
    extra arguments are ``invalid``, like a payload that is not an object.
    """
    if handler is None:
        return functools.partial(acked, optional=optional)
    is_answer = handler.__name__ == "on_answer"

    @functools.wraps(handler)
    def wrapper(self, *args):
        started = time.perf_counter()
        try:
            if len(args) > 1 or (not args and not optional):
                raise payloads.unreadable()
            ack = handler(self, *args)
            if is_answer:
                metrics.answers.inc()
                metrics.ack_seconds.observe(time.perf_counter() - started)
            return ack
        except Refused as refused:
            db.session.rollback()
            metrics.refusals.labels(refused.code).inc()
            return _refusal(refused.code, refused.message)
        except DATABASE_UNAVAILABLE:
            # The database is restarting or unreachable: nothing was stored, the phone's
            # outbox sends it again (same client_id); the pool reconnects by itself
            # (pool_pre_ping). Not a bug: one warning line, no traceback.
            with contextlib.suppress(Exception):
                db.session.rollback()
            log.warning(
                "live: the database is unavailable; %s refused, to be resent", handler.__name__
            )
            metrics.refusals.labels("unavailable").inc()
            return _refusal(
                "unavailable",
                _("The server is busy for a moment. Your answer will be sent again."),
            )
        except Exception:
            db.session.rollback()
            log.exception("live event failed")
            metrics.refusals.labels("server").inc()
            return _refusal(
                "server",
                _("Something went wrong. Your answer was not saved; please send it again."),
            )

    return wrapper


def _connection() -> dict:
    """What was set up at connect for this very socket (nothing for another sid)."""
    info = session.get("live") or {}
    return info if info.get("sid") == request.sid else {}


def _participant() -> LiveParticipant:
    info = _connection()
    participant = (
        db.session.get(LiveParticipant, info["participant_id"])
        if info.get("participant_id")
        else None
    )
    if participant is None:
        raise Refused("not_joined", _("Join the session first."))
    return participant


def _phone() -> services.Phone:
    """The participant of this socket as known since connect: no SELECT per answer (the
    answer's statement itself checks that the participant still exists)."""
    info = _connection()
    if not info.get("participant_id"):
        raise Refused("not_joined", _("Join the session first."))
    return services.Phone(info["participant_id"], info["board_id"])


def _board() -> Board:
    board_id = _connection().get("board_id")
    board = db.session.get(Board, board_id) if board_id else None
    if board is None:
        raise Refused("not_joined", _("Join the session first."))
    return board


def _slow_down() -> Refused:
    return Refused("rate_limited", _("Slow down a little, then send again."))


def _limit_drivers(info: dict) -> None:
    """``sync`` and ``control``: a token bucket per participant (per user, per screen)."""
    if info.get("participant_id"):
        key = ("participant", info["participant_id"])
    elif info.get("role") == "control" and current_user.is_authenticated:
        key = ("user", current_user.id)
    else:
        key = ("socket", request.sid)
    if not control_limiter.allow(key):
        raise _slow_down()


def _fields(raw) -> dict[str, list[str]]:
    """The phone form's fields: names to a string or number, or a list of them."""
    if not isinstance(raw, dict):
        raise payloads.unreadable()
    fields = {}
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            raise payloads.unreadable()
        fields[name] = [str(v) for v in values]
    return fields


def _unreadable(*args) -> dict:
    """The ack of an event packet that could not be decoded (its ack id could)."""
    refused = payloads.unreadable()
    return _refusal(refused.code, refused.message)


def _unknown_event(*args) -> dict:
    """The ack of an event this protocol does not have (run in the socket's context)."""
    return _refusal("invalid", _("Unknown message."))


class LiveNamespace(Namespace):
    def trigger_event(self, event, *args):
        """Route an event. ``connect``/``disconnect`` run only when python-socketio itself
        sets up or closes this socket: a client *event* of that name (a replayed packet)
        is refused like any unknown event, with an ``invalid`` ack."""
        sid = args[0] if args else None
        connected = self.server.manager.is_connected(sid, self.namespace)
        if event in ("connect", "disconnect") and not connected:
            return super().trigger_event(event, *args)
        if event == wire.MALFORMED_EVENT:  # a packet wire.py could not read (and logged)
            return self.socketio._handle_event(_unreadable, event, self.namespace, *args)
        if event not in CLIENT_EVENTS:
            log.warning("live: refused the client event %.64r from %s", event, sid)
            return self.socketio._handle_event(_unknown_event, event, self.namespace, *args)
        return super().trigger_event(event, *args)

    def on_connect(self, auth=None):
        try:
            self._set_up(auth)
        except ConnectionRefusedError:
            db.session.rollback()
            raise
        except Exception:
            db.session.rollback()
            log.exception("live connect failed")
            raise ConnectionRefusedError("server") from None

    def _set_up(self, auth) -> None:
        """Authenticate this socket, once; refuse before sending anything."""
        if _connection():  # already set up: never twice on one socket
            raise ConnectionRefusedError("invalid")
        if auth is None:
            auth = {}
        try:
            payloads.check(auth)
        except Refused:
            raise ConnectionRefusedError("invalid") from None
        if not isinstance(auth, dict):
            raise ConnectionRefusedError("invalid")
        role = auth.get("role") or "participant"
        if role not in ROLES:
            raise ConnectionRefusedError("invalid")
        code = auth.get("code")
        address = wire.client_address(request.environ, current_app.config["TRUSTED_PROXIES"])
        participant = None
        if role == "participant":
            # Known by the device key of a phone of this board: no code is "tried".
            participant = services.participant_for_code(code, request.cookies.get(DEVICE_COOKIE))
            if participant is None:
                self._refuse_unknown(address, "not_joined")
            board = participant.board
            rooms = [board_room(board.id), participant_room(participant.id)]
        elif role == "screen":
            try:
                board = services.find_board_for_screen(code, auth.get("key"))
            except NotFound:
                self._refuse_unknown(address, "forbidden")
            rooms = [board_room(board.id), screen_room(board.id)]
        else:
            try:
                board = services.find_board(code)
            except NotFound:
                board = None
            if (
                board is None
                or not current_user.is_authenticated
                or not services.can_control(services.Actor(user=current_user), board)
            ):
                raise ConnectionRefusedError("forbidden")
            if not staff_sessions.control_socket_opened(request.sid, NAMESPACE):
                raise ConnectionRefusedError("forbidden")  # closed when the session ends
            rooms = [board_room(board.id), screen_room(board.id), control_room(board.id)]
        info = {"sid": request.sid, "board_id": board.id, "role": role}
        if participant is not None:
            info["participant_id"] = participant.id
        state = self._state(board, info, participant)  # before the commit expires them
        broadcaster.watch_connections()
        if not services.connection_opened(
            request.sid, info["board_id"], role=role, participant_id=info.get("participant_id")
        ):
            raise ConnectionRefusedError("too_many_connections")
        try:
            for room in rooms:
                join_room(room)
            session["live"] = info
            emit("state", state)
            metrics.connected.labels(role).inc()
        except Exception:  # refused after all: its row must not outlive it
            services.connection_closed(request.sid)
            raise

    @staticmethod
    def _refuse_unknown(address: str, reason: str):
        """No such board for this client: the same refusal whatever the code was."""
        if services.too_many_wrong_codes(address):
            raise ConnectionRefusedError("rate_limited")
        services.count_wrong_code(address)
        raise ConnectionRefusedError(reason)

    def on_disconnect(self, reason=None):
        info = _connection()
        if info.get("role") == "control":
            staff_sessions.control_socket_closed(request.sid)
        if info:
            metrics.connected.labels(info.get("role", "participant")).dec()
            services.connection_closed(request.sid)

    @staticmethod
    def _state(board: Board, info: dict, participant: LiveParticipant | None = None) -> dict:
        if info.get("role") in ("screen", "control"):
            return services.screen_state(board)
        if participant is None:
            participant = db.session.get(LiveParticipant, info.get("participant_id"))
        return services.participant_state(board, participant)

    @acked(optional=True)
    def on_sync(self, data=None):
        """Resynchronise after a reconnection: the current state, as on connect."""
        if data is not None and not isinstance(data, dict):
            raise payloads.unreadable()
        info = _connection()
        board = _board()
        _limit_drivers(info)
        return {"ok": True, "state": self._state(board, info)}

    @acked
    def on_answer(self, data):
        payload = payloads.payload(data)
        participant = _phone()
        if not participant_limiter.allow(participant.id):
            raise _slow_down()
        value = payload.get("value")
        if "value" not in payload and "fields" in payload:
            # The phone's script sends its form's fields; read them as the HTML form would be.
            fields = _fields(payload["fields"])
            activity = services.get_activity(participant.board_id, payload.get("activity_id"))
            value = answer_from_fields(activity.kind, fields)
        stored = services.submit_answer(
            participant, payload.get("activity_id"), payload.get("client_id"), value
        )
        return {
            "ok": True,
            "client_id": payload["client_id"],
            "activity_id": stored.activity_id,
            "duplicate": stored.duplicate,
        }

    @acked
    def on_contribute(self, data):
        payload = payloads.payload(data)
        participant = _participant()
        if not participant_limiter.allow(participant.id):
            raise _slow_down()
        stored = services.contribute(
            participant, payload.get("activity_id"), payload.get("client_id"), payload.get("text")
        )
        return {
            "ok": True,
            "client_id": payload["client_id"],
            "activity_id": stored.activity_id,
            "contribution_id": stored.contribution_id,
            "duplicate": stored.duplicate,
            "pending": stored.pending,
        }

    @acked
    def on_control(self, data):
        payload = payloads.payload(data)
        info = _connection()
        board = _board()
        if info.get("role") == "control":
            if not staff_sessions.socket_may_control():  # logged out, ended, expired
                raise Refused("forbidden", _("Your session has ended. Please log in again."))
            actor = services.Actor(user=current_user if current_user.is_authenticated else None)
        elif info.get("participant_id"):
            actor = services.Actor(participant=_participant())
        else:
            raise Refused("forbidden", _("Only the person animating can do this."))
        _limit_drivers(info)
        action = payload.get("action")
        if not isinstance(action, str):
            raise Refused("invalid", _("Unknown action."))
        services.control(actor, board, action, payload)
        return {"ok": True, "version": board.version}


def init_app(app) -> None:
    from ..extensions import socketio

    settings.init_app(app)
    ratelimit.init_app(app)
    socketio.on_namespace(LiveNamespace(NAMESPACE))
    wire.install(socketio.server, trusted_proxies=app.config["TRUSTED_PROXIES"])
    broadcaster.init_app(app)
    timekeeper.init_app(app)
