"""What each client sees: the small states sent to phones, screens and controls."""

from __future__ import annotations

from ..models import Activity, Board, LiveParticipant
from .answers import answer_count
from .driving import Actor, can_control
from .presence import connected_count
from .timer import timer_of


def activity_summary(activity: Activity | None) -> dict | None:
    if activity is None:
        return None
    return {
        "id": activity.id,
        "kind": activity.kind.value,
        "status": activity.status.value,
        "revealed": activity.results_visible,
        "phase": activity.state.get("phase"),
        "timer": timer_of(activity),
    }


def participant_state(board: Board, participant: LiveParticipant | None) -> dict:
    """The small state a phone needs (it fetches the activity's form over HTTP)."""
    actor = Actor(participant=participant)
    return {
        "code": board.join_code,
        "version": board.version,
        "activity": activity_summary(board.current_activity),
        "control": participant is not None and can_control(actor, board),
    }


def screen_state(board: Board) -> dict:
    activity = board.current_activity
    return {
        "code": board.join_code,
        "version": board.version,
        "activity": activity_summary(activity),
        "connected": connected_count(board),
        "count": answer_count(activity) if activity is not None else 0,
    }
