"""From bus topics to Socket.IO rooms, with results coalesced to a bounded rate.

Rooms (namespace ``/live``):
- ``board:<id>``   every client of the board (phones, screens, controls): ``state``,
                   ``contributions`` (a question or post-it shown: phones refresh the list)
- ``screen:<id>``  screens and control panels: ``results`` (throttled), ``presence``
- ``control:<id>`` control panels (staff and co-animator): ``presence`` with pseudonyms
- ``participant:<id>`` one phone: ``state`` when its right to animate changes

State changes go out at once; results at most every ``RESULTS_INTERVAL`` seconds per
board, computed once per broadcast whatever the number of answers in between. The same
loop beats the heart of this process's connection rows (``services.heartbeat``) every
``LIVE_HEARTBEAT`` seconds, so that presence counts only sockets that are really open.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from flask import Flask, current_app, g, render_template
from sqlalchemy.exc import InterfaceError, OperationalError

from ..extensions import db, socketio
from . import bus, services
from .models import Board

NAMESPACE = "/live"
RESULTS_INTERVAL = 0.1
log = logging.getLogger(__name__)


def board_room(board_id: int) -> str:
    return f"board:{board_id}"


def screen_room(board_id: int) -> str:
    return f"screen:{board_id}"


def control_room(board_id: int) -> str:
    return f"control:{board_id}"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


class Broadcaster:
    def __init__(self) -> None:
        # board id -> the app whose database holds it (tests run several apps)
        self._dirty_results: dict[int, Flask] = {}
        self._dirty_presence: dict[int, Flask] = {}
        self._lock = threading.Lock()
        self._started = False
        self._watched: dict[int, Flask] = {}  # apps whose connections this process holds
        self._seen: set[int] = set()  # apps that recorded a connection in this process
        self._next_beat = 0.0

    def init_app(self, app: Flask) -> None:
        bus.subscribe(bus.STATE, self.on_state)
        bus.subscribe(bus.RESULTS, self.on_results)
        bus.subscribe(bus.PRESENCE, self.on_presence)
        bus.subscribe(bus.CONTROL, self.on_control)
        bus.subscribe(bus.CONTRIBUTIONS, self.on_contributions)

    # -- bus handlers (called in the request/event that committed the change) --

    def on_state(self, board_id: int, **_):
        board = db.session.get(Board, board_id)
        if board is None:
            return
        state = services.participant_state(board, None)
        state.pop("control")  # personal: each phone learns it on connect, sync, or handover
        socketio.emit("state", state, to=board_room(board_id), namespace=NAMESPACE)
        self.on_results(board_id)

    def on_control(self, board_id: int, **_):
        """Tell the phones whose right to animate may have changed."""
        board = db.session.get(Board, board_id)
        if board is None:
            return
        for participant in services.connected_participants(board):
            socketio.emit(
                "state",
                services.participant_state(board, participant),
                to=participant_room(participant.id),
                namespace=NAMESPACE,
            )
        self.on_presence(board_id)

    def on_contributions(self, board_id: int, activity_id: int | None = None, **_):
        """A question or post-it is shown: phones refresh their list (to upvote it)."""
        if activity_id is None:
            board = db.session.get(Board, board_id)
            activity_id = board.current_activity_id if board is not None else None
        socketio.emit(
            "contributions",
            {"activity_id": activity_id},
            to=board_room(board_id),
            namespace=NAMESPACE,
        )

    def on_results(self, board_id: int, **_):
        with self._lock:
            self._dirty_results[board_id] = current_app._get_current_object()
        self._ensure_started()

    def on_presence(self, board_id: int, **_):
        with self._lock:
            self._dirty_presence[board_id] = current_app._get_current_object()
        self._ensure_started()

    def watch_connections(self) -> None:
        """Called before this process records a connection: keep its rows alive.

        The first time for an app, rows left under this host and pid by an earlier life
        of the process (a crash, a restarted container) are deleted. With synchronous
        broadcasts (tests), no heartbeat runs in the background: tests call it."""
        app = current_app._get_current_object()
        with self._lock:
            first = id(app) not in self._seen
            self._seen.add(id(app))
            if not app.config.get("LIVE_BROADCAST_SYNC"):
                self._watched[id(app)] = app
        if first:
            services.forget_process()
        self._ensure_started()

    # -- the coalescing loop --

    def _ensure_started(self) -> None:
        if current_app.config.get("LIVE_BROADCAST_SYNC"):
            self.flush()  # tests: broadcast at once, deterministically
            return
        if self._started:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
        socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            socketio.sleep(RESULTS_INTERVAL)
            try:
                self.beat()
                self.flush()
            except (OperationalError, InterfaceError) as error:  # the database restarts
                with contextlib.suppress(Exception):
                    db.session.rollback()  # the next beat starts on a clean session
                log.warning("live broadcast skipped, the database is unavailable: %s", error.orig)
            except Exception:  # keep broadcasting whatever happens to one board
                log.exception("live broadcast failed")

    def beat(self, now: float | None = None) -> None:
        """Refresh this process's connection rows, at most every ``LIVE_HEARTBEAT`` s."""
        now = time.monotonic() if now is None else now
        if now < self._next_beat or not self._watched:
            return
        for app in list(self._watched.values()):
            self._next_beat = now + app.config["LIVE_HEARTBEAT"]
            with app.app_context(), app.test_request_context("/"):
                services.heartbeat(open_sids=self.open_sids)
                db.session.remove()

    @staticmethod
    def open_sids() -> set[str]:
        """The sockets this process holds on /live (the Socket.IO manager's own list)."""
        return {sid for sid, _eio in socketio.server.manager.get_participants(NAMESPACE, None)}

    def flush(self) -> None:
        with self._lock:
            results, self._dirty_results = self._dirty_results, {}
            presence, self._dirty_presence = self._dirty_presence, {}
        for board_id, app in results.items():
            with app.app_context(), app.test_request_context("/"):
                self._send_results(board_id)
                db.session.remove()
        for board_id, app in presence.items():
            with app.app_context(), app.test_request_context("/"):
                self._send_presence(board_id)
                db.session.remove()

    def _send_results(self, board_id: int) -> None:
        board = db.session.get(Board, board_id)
        if board is None:
            return
        activity = board.current_activity
        payload = services.screen_state(board)
        g.live_view = "screen"  # photos in the results through the screen's links
        payload["html"] = render_template(
            "live/_screen_results.html",
            board=board,
            activity=activity,
            results=services.results(activity) if activity is not None else None,
            count=payload["count"],
        )
        socketio.emit("results", payload, to=screen_room(board_id), namespace=NAMESPACE)
        if activity is not None and activity.results_visible:
            # Phones showing the results fetch them again (a tiny event, same 10 Hz bound).
            socketio.emit(
                "results_changed",
                {"activity_id": activity.id},
                to=board_room(board_id),
                namespace=NAMESPACE,
            )

    def _send_presence(self, board_id: int) -> None:
        board = db.session.get(Board, board_id)
        if board is None:
            return
        # Counts only: a form rendered here would carry a CSRF token of no one's session.
        # Control panels are in the screen room too, and fetch their panel over HTTP.
        socketio.emit(
            "presence",
            {"connected": services.connected_count(board)},
            to=screen_room(board_id),
            namespace=NAMESPACE,
        )


broadcaster = Broadcaster()
