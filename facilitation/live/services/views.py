"""What each client sees: the small states sent to phones, screens and controls."""

from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ..models import Activity, Answer, Board, Contribution, LiveParticipant
from .answers import answer_count
from .driving import Actor, can_control
from .presence import connected_count, connected_ids
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


def who_answered(board: Board, activity: Activity | None) -> dict:
    """How many of the phones connected now have answered the activity: counts, no names.

    An answer, a post-it or a question counts; a phone with two tabs counts once."""
    connected = connected_count(board)
    if activity is None:
        return {"answered": 0, "connected": connected}
    ids = connected_ids(board)
    answered = sa.union(
        sa.select(Answer.participant_id).where(
            Answer.activity_id == activity.id, Answer.participant_id.in_(ids)
        ),
        sa.select(Contribution.participant_id).where(
            Contribution.activity_id == activity.id, Contribution.participant_id.in_(ids)
        ),
    ).subquery()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(answered))
    return {"answered": count, "connected": connected}
