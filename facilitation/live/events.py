"""Socket.IO namespace ``/live``: thin handlers that authenticate, call a service, ack.

The protocol is documented in docs/realtime.md. Every handler answers with an ack
``{"ok": true, ...}`` or ``{"ok": false, "error": <code>, "message": <plain words>}``;
an answer is acknowledged only after it is committed.
"""

from __future__ import annotations

import functools
import logging

from flask import request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from ..accounts import sessions as staff_sessions
from ..core.exceptions import NotFound
from ..extensions import db
from . import services
from .broadcast import (
    NAMESPACE,
    board_room,
    control_room,
    participant_room,
    screen_room,
)
from .forms import answer_from_fields
from .kinds import Refused
from .models import Board, LiveParticipant
from .ratelimit import participant_limiter

DEVICE_COOKIE = "fac_device"
log = logging.getLogger(__name__)


def _refusal(code: str, message: str) -> dict:
    return {"ok": False, "error": code, "message": message}


def acked(handler):
    """Turn refusals and unexpected errors into error acks; never leak a stack trace."""

    @functools.wraps(handler)
    def wrapper(self, *args):
        try:
            return handler(self, *args)
        except Refused as refused:
            db.session.rollback()
            return _refusal(refused.code, refused.message)
        except Exception:
            db.session.rollback()
            log.exception("live event failed")
            return _refusal(
                "server",
                _("Something went wrong. Your answer was not saved; please send it again."),
            )

    return wrapper


def _connection() -> dict:
    return session.get("live") or {}


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


def _board() -> Board:
    board = db.session.get(Board, _connection().get("board_id"))
    if board is None:
        raise Refused("not_joined", _("Join the session first."))
    return board


def _payload(data) -> dict:
    if not isinstance(data, dict):
        raise Refused("invalid", _("The message could not be read."))
    return data


class LiveNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        try:
            board = services.find_board(str(auth.get("code", "")))
        except NotFound:
            raise ConnectionRefusedError("not_found") from None
        role = auth.get("role", "participant")
        info = {"board_id": board.id, "role": role}
        if role == "screen":
            try:
                services.find_board_for_screen(board.join_code, str(auth.get("key", "")))
            except NotFound:
                raise ConnectionRefusedError("forbidden") from None
            rooms = [board_room(board.id), screen_room(board.id)]
        elif role == "control":
            if not current_user.is_authenticated or not services.can_control(
                services.Actor(user=current_user), board
            ):
                raise ConnectionRefusedError("forbidden")
            if not staff_sessions.control_socket_opened(request.sid, NAMESPACE):
                raise ConnectionRefusedError("forbidden")  # closed when the session ends
            rooms = [board_room(board.id), screen_room(board.id), control_room(board.id)]
        else:
            participant = services.participant_for_device(board, request.cookies.get(DEVICE_COOKIE))
            if participant is None:
                raise ConnectionRefusedError("not_joined")
            info["participant_id"] = participant.id
            rooms = [board_room(board.id), participant_room(participant.id)]
        for room in rooms:
            join_room(room)
        session["live"] = info
        emit("state", self._state(board))
        if "participant_id" in info:
            # After the state: this commit expires the board and the participant, and the
            # state would have loaded them again.
            services.set_connected(info["participant_id"], +1, board_id=board.id)

    def on_disconnect(self, reason=None):
        info = _connection()
        if info.get("role") == "control":
            staff_sessions.control_socket_closed(request.sid)
        if info.get("participant_id"):
            services.set_connected(info["participant_id"], -1, board_id=info.get("board_id"))

    def _state(self, board: Board) -> dict:
        info = _connection()
        if info.get("role") in ("screen", "control"):
            return services.screen_state(board)
        participant = db.session.get(LiveParticipant, info.get("participant_id"))
        return services.participant_state(board, participant)

    @acked
    def on_sync(self, data=None):
        """Resynchronise after a reconnection: the current state, as on connect."""
        return {"ok": True, "state": self._state(_board())}

    @acked
    def on_answer(self, data):
        payload = _payload(data)
        participant = _participant()
        if not participant_limiter.allow(participant.id):
            raise Refused("rate_limited", _("Slow down a little, then send again."))
        value = payload.get("value")
        if "value" not in payload and isinstance(payload.get("fields"), dict):
            # The phone's script sends its form's fields; read them as the HTML form would be.
            activity = services.get_activity(participant.board, payload.get("activity_id"))
            fields = {
                str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)]
                for k, v in payload["fields"].items()
            }
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
        payload = _payload(data)
        participant = _participant()
        if not participant_limiter.allow(participant.id):
            raise Refused("rate_limited", _("Slow down a little, then send again."))
        stored = services.contribute(
            participant, payload.get("activity_id"), payload.get("client_id"), payload.get("text")
        )
        return {
            "ok": True,
            "client_id": payload["client_id"],
            "activity_id": stored.activity_id,
            "contribution_id": stored.contribution_id,
            "duplicate": stored.duplicate,
        }

    @acked
    def on_control(self, data):
        payload = _payload(data)
        board = _board()
        info = _connection()
        if info.get("role") == "control":
            if not staff_sessions.socket_may_control():  # logged out, ended, expired
                raise Refused("forbidden", _("Your session has ended. Please log in again."))
            actor = services.Actor(user=current_user if current_user.is_authenticated else None)
        elif info.get("participant_id"):
            actor = services.Actor(participant=_participant())
        else:
            raise Refused("forbidden", _("Only the person animating can do this."))
        action = payload.get("action")
        if not isinstance(action, str):
            raise Refused("invalid", _("Unknown action."))
        services.control(actor, board, action, payload)
        return {"ok": True, "version": board.version}


def init_app(app) -> None:
    from ..extensions import socketio
    from .broadcast import broadcaster

    socketio.on_namespace(LiveNamespace(NAMESPACE))
    broadcaster.init_app(app)
