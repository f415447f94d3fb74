"""Ends the timers this process started: at the end time, answers close by themselves.

Subscribed to ``bus.TIMER`` (a countdown was started). One green thread per timer
sleeps until the end, then asks the services to close the activity if it is still due
(a timer stopped, restarted or an activity closed meanwhile changes nothing). If this
process dies, the next answer to arrive closes the activity (``services.timer``).
With synchronous broadcasts (tests), nothing runs in the background: tests call
``services.expire_timer``.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from ..extensions import db, socketio
from . import bus, services
from .models import Board

log = logging.getLogger(__name__)


def on_timer(board_id: int, **_) -> None:
    app = current_app._get_current_object()
    if app.config.get("LIVE_BROADCAST_SYNC"):
        return
    board = db.session.get(Board, board_id)
    timer = services.timer_of(board.current_activity) if board is not None else None
    if not timer or not timer["close"]:
        return
    socketio.start_background_task(_wait_and_expire, app, board_id, timer["remaining"])


def _wait_and_expire(app: Flask, board_id: int, seconds: int) -> None:
    socketio.sleep(seconds + 0.2)
    try:
        with app.app_context(), app.test_request_context("/"):
            services.expire_timer(board_id)
            db.session.remove()
    except Exception:  # a timer must not take the process down
        log.exception("live timer failed")


def init_app(app: Flask) -> None:
    bus.subscribe(bus.TIMER, on_timer)
