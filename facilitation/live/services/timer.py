"""The countdown an animator starts for an activity (1, 2, 3, 5 min or their own).

Kept in the activity's state (``state["timer"]``: end time, length, whether answers
close at the end), so it needs no table. Clients are sent the seconds remaining (not
the end time: a phone's clock may be wrong) and count down on their own.

Answers close by themselves when the animator chose so: :func:`expire` is called at
the end time by :mod:`..timekeeper` (the process that started the timer) and, whatever
happens to that process, by every answer that arrives after the end (it is refused,
and the activity closed then).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from ...core.database import utcnow
from ...extensions import db
from .. import bus
from ..kinds import Refused
from ..models import Activity, ActivityStatus, Board

TIMER_MIN, TIMER_MAX = 10, 60 * 60  # seconds
PRESETS = (1, 2, 3, 5)  # minutes, the buttons of the control page


def _ends_at(timer: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(timer["ends_at"])
    except (KeyError, TypeError, ValueError):
        return None


def timer_of(activity: Activity | None, now: datetime | None = None) -> dict | None:
    """What clients show: ``{"seconds", "remaining", "close", "ended"}``, or None."""
    timer = (activity.state or {}).get("timer") if activity is not None else None
    ends_at = _ends_at(timer) if isinstance(timer, dict) else None
    if ends_at is None:
        return None
    now = now or utcnow()
    remaining = max(0, math.ceil((ends_at - now).total_seconds()))
    return {
        "seconds": timer.get("seconds", 0),
        "remaining": remaining,
        "close": bool(timer.get("close")),
        "ended": remaining == 0,
    }


def clean_seconds(payload: dict) -> int:
    """The length asked: ``seconds``, or ``minutes`` typed on the control page."""
    message = _("Choose a length between 10 seconds and 60 minutes.")
    seconds, minutes = payload.get("seconds"), payload.get("minutes")
    value: Any = seconds if seconds not in (None, "") else minutes
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        try:
            value = float(value)
        except ValueError:
            raise Refused("invalid", message) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Refused("invalid", message)
    if seconds in (None, ""):
        value = value * 60
    value = round(value)
    if not TIMER_MIN <= value <= TIMER_MAX:
        raise Refused("invalid", message)
    return value


def start(activity: Activity, seconds: int, *, close: bool, now: datetime | None = None) -> None:
    now = now or utcnow()
    timer = {
        "ends_at": (now + timedelta(seconds=seconds)).isoformat(),
        "seconds": seconds,
        "close": close,
    }
    activity.state = {**(activity.state or {}), "timer": timer}


def stop(activity: Activity) -> None:
    state = dict(activity.state or {})
    state.pop("timer", None)
    activity.state = state


def due(activity: Activity, now: datetime | None = None) -> bool:
    """The timer has ended, answers were to close then, and they are still open."""
    timer = timer_of(activity, now)
    return bool(
        timer and timer["ended"] and timer["close"] and activity.status is ActivityStatus.OPEN
    )


def expire(board_id: int, now: datetime | None = None) -> bool:
    """Close the current activity's answers if its timer has ended. True if it closed."""
    board = db.session.get(Board, board_id)
    if board is None:
        return False
    activity = board.current_activity
    if activity is None or not due(activity, now):
        return False
    activity.status = ActivityStatus.CLOSED
    board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board_id)
    return True


def close_if_due(activity: Activity) -> bool:
    """Called by an answer arriving: its activity's timer ended (any activity of a board)."""
    if not due(activity):
        return False
    activity.status = ActivityStatus.CLOSED
    board = db.session.get(Board, activity.board_id)
    board.version += 1
    board_id = board.id
    db.session.commit()
    bus.publish(bus.STATE, board_id)
    return True
