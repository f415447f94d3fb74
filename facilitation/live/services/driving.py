"""Driving the board: control actions by staff, or by the participant it is handed to."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core.database import utcnow
from ...core.exceptions import NotFound
from ...extensions import db
from ...participants.models import CoAnimation, CoAnimationKind, Participant
from .. import bus, kinds, payloads
from ..kinds import Refused
from ..models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Board,
    Contribution,
    Handover,
    LiveParticipant,
)
from . import timer as timers
from .activities import get_activity
from .boards import get_board_for_staff


@dataclass(frozen=True)
class Actor:
    """Who drives the board: a member of staff, or a participant it was handed to."""

    user: User | None = None
    participant: LiveParticipant | None = None

    @property
    def is_staff(self) -> bool:
        return self.user is not None


def active_handover(board: Board) -> Handover | None:
    return db.session.scalar(
        sa.select(Handover)
        .where(Handover.board_id == board.id, Handover.ended_at.is_(None))
        .order_by(Handover.id.desc())
    )


def can_control(actor: Actor, board: Board) -> bool:
    if actor.user is not None:
        try:
            get_board_for_staff(actor.user, board.id)
        except NotFound:
            return False
        return True
    if actor.participant is None or actor.participant.board_id != board.id:
        return False
    handover = active_handover(board)
    return (
        handover is not None
        and handover.participant_id == actor.participant.id
        and handover.activity_id in (None, board.current_activity_id)
    )


STAFF_ONLY = {"handover", "take_back"}


def control(actor: Actor, board: Board, action: str, payload: dict | None = None) -> None:
    """Apply a control action (next, open, reveal, moderate, hand over…).

    ``payload``: the action's fields, as sent (checked here: any wrong type or value is
    refused as ``invalid`` before anything changes).
    """
    payload = payloads.check({} if payload is None else payload)
    if not isinstance(payload, dict):
        raise payloads.unreadable()
    if not can_control(actor, board) or (action in STAFF_ONLY and not actor.is_staff):
        raise Refused("forbidden", _("Only the person animating can do this."))
    handler = _ACTIONS.get(action) if isinstance(action, str) else None
    if handler is None:
        raise Refused("invalid", _("Unknown action."))
    topics = handler(actor, board, payload)
    board.version += 1
    db.session.commit()
    for topic in topics:
        bus.publish(topic, board.id)


def _current(board: Board) -> Activity:
    if board.current_activity is None:
        raise Refused("invalid", _("There is no activity on the board yet."))
    return board.current_activity


def _go(board: Board, activity: Activity | None) -> tuple[str, ...]:
    if activity is not None:
        board.current_activity_id = activity.id
    return (bus.STATE, bus.RESULTS, bus.CONTROL)


def _goto(actor, board, payload):
    return _go(board, get_activity(board, payload.get("activity_id")))


def _step(offset):
    def step(actor, board, payload):
        ordered = list(board.activities)
        if not ordered:
            raise Refused("invalid", _("There is no activity on the board yet."))
        current = board.current_activity
        index = ordered.index(current) if current in ordered else -1
        target = min(max(index + offset, 0), len(ordered) - 1)
        return _go(board, ordered[target])

    return step


def _set_status(status):
    def set_status(actor, board, payload):
        _current(board).status = status
        return (bus.STATE, bus.RESULTS)

    return set_status


def _reveal(visible):
    def reveal(actor, board, payload):
        _current(board).results_visible = visible
        return (bus.STATE, bus.RESULTS)

    return reveal


def _update_state(activity: Activity, **changes) -> None:
    activity.state = {**(activity.state or {}), **changes}  # reassign: JSON change tracked


def _phase(actor, board, payload):
    activity = _current(board)
    phases = kinds.get(activity.kind).phases
    phase = payload.get("phase")
    if not isinstance(phase, str) or phase not in phases:
        raise Refused("invalid", _("Unknown step for this activity."))
    _update_state(activity, phase=phase)
    return (bus.STATE, bus.RESULTS)


def _reveal_answer(actor, board, payload):
    activity = _current(board)
    if activity.kind is not ActivityKind.QUIZ:
        raise Refused("invalid", _("Only a quiz has a right answer."))
    _update_state(activity, answer_revealed=payloads.flag(payload, "revealed"))
    return (bus.STATE, bus.RESULTS)


def _contribution(board: Board, payload: dict) -> Contribution:
    contribution = db.session.get(Contribution, payloads.require_id(payload.get("contribution_id")))
    if contribution is None:
        raise Refused("not_found", _("This contribution does not exist."))
    get_activity(board, contribution.activity_id)
    return contribution


def _moderate(actor, board, payload):
    contribution = _contribution(board, payload)
    contribution.hidden = payloads.flag(payload, "hidden")
    contribution.pending = False  # a question waiting and hidden is refused; shown, approved
    return (bus.STATE, bus.RESULTS)


def _approve(actor, board, payload):
    """Pre-moderation: a waiting question is shown on the screen and on every phone."""
    contribution = _contribution(board, payload)
    if not contribution.pending:
        raise Refused("invalid", _("This question is not waiting for approval."))
    contribution.pending = contribution.hidden = False
    return (bus.RESULTS, bus.CONTRIBUTIONS)


def _hide_word(actor, board, payload):
    activity = _current(board)
    if activity.kind is not ActivityKind.WORDCLOUD:
        raise Refused("invalid", _("Unknown word."))
    word = kinds.clean_text(payload.get("word"), limit=kinds.MAX_WORD, message=_("Unknown word."))
    key = kinds.fold(word)
    if not key:
        raise Refused("invalid", _("Unknown word."))
    hidden = set(activity.state.get("hidden_words", []))
    hidden.add(key) if payloads.flag(payload, "hidden") else hidden.discard(key)
    _update_state(activity, hidden_words=sorted(hidden))
    return (bus.RESULTS,)


def _add_column(actor, board, payload):
    activity = _current(board)
    if activity.kind is not ActivityKind.IDEAS:
        raise Refused("invalid", _("Only an idea wall has columns."))
    name = kinds.clean_text(payload.get("name"), limit=40, message=_("Name the column."))
    columns = list(activity.state.get("columns", []))
    if name not in columns:
        columns.append(name)
    _update_state(activity, columns=columns)
    return (bus.RESULTS,)


def _group(actor, board, payload):
    contribution = _contribution(board, payload)
    activity = db.session.get(Activity, contribution.activity_id)
    column = payload.get("column") or None
    if column is not None and (
        not isinstance(column, str) or column not in activity.state.get("columns", [])
    ):
        raise Refused("invalid", _("Unknown column."))
    contribution.column = column
    return (bus.RESULTS,)


def _mark_answered(actor, board, payload):
    _contribution(board, payload).answered = payloads.flag(payload, "answered")
    return (bus.STATE, bus.RESULTS)  # phones' list of questions to upvote changes


def _spotlight(actor, board, payload):
    """Photolangage: show one of the photos large on the screen (no id: back to all)."""
    activity = _current(board)
    if activity.kind is not ActivityKind.PHOTOLANGAGE:
        raise Refused("invalid", _("Only a photolangage shows a photo large."))
    photo = payload.get("image_id")
    if photo in (None, "", 0):
        _update_state(activity, spotlight=None)
    else:
        photo = payloads.require_id(photo)
        if photo not in activity.config.get("photos", []):
            raise Refused("invalid", _("This photo is not in the activity."))
        _update_state(activity, spotlight=photo)
    return (bus.STATE, bus.RESULTS)


def _hand_count(actor, board, payload):
    """Counts by a show of hands (people without a phone), added to the phones' answers.

    Fields ``hand-<option>`` (0 to 999 each, empty = 0) replace the counts given before;
    for a débat mouvant, they are the places of the current step."""
    activity = _current(board)
    kind = kinds.get(activity.kind)
    if not kind.takes_hand_counts:
        raise Refused("invalid", _("This activity takes no count by a show of hands."))
    message = _("A count by a show of hands is a whole number from 0 to 999.")
    counts = []
    for index in range(kind.hand_options(activity.config)):
        value = payload.get(f"hand-{index}", 0)
        if isinstance(value, str):
            value = value.strip() or "0"
            if not value.isdigit() or not value.isascii():
                raise Refused("invalid", message)
            value = int(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= kinds.HAND_MAX
        ):
            raise Refused("invalid", message)
        counts.append(value)
    hand = dict(activity.state.get("hand") or {})
    if activity.kind is ActivityKind.DEBATE:
        hand[activity.state.get("phase", "first")] = counts
    else:
        hand["counts"] = counts
    _update_state(activity, hand=hand)
    return (bus.STATE, bus.RESULTS)


def _timer(actor, board, payload):
    activity = _current(board)
    seconds = timers.clean_seconds(payload)
    timers.start(activity, seconds, close=payloads.flag(payload, "close", False))
    return (bus.STATE, bus.TIMER)


def _timer_stop(actor, board, payload):
    timers.stop(_current(board))
    return (bus.STATE,)


def _handover(actor, board, payload):
    participant_id = payloads.require_id(payload.get("participant_id"))
    participant = db.session.get(LiveParticipant, participant_id)
    if participant is None or participant.board_id != board.id:
        raise Refused("not_found", _("This participant is not on the board."))
    scope = payload.get("scope") or "session"
    if scope not in ("session", "activity"):
        raise payloads.unreadable()
    activity_id = _current(board).id if scope == "activity" else None
    _end_handovers(board)
    handover = Handover(
        board_id=board.id,
        participant_id=participant.id,
        activity_id=activity_id,
        given_by_id=actor.user.id,
    )
    db.session.add(handover)
    db.session.flush()
    # Every handover is co-animation of the session: recorded now, linked to the person's
    # record as soon as the phone is (check-in), or at once if it already is.
    session = board.session
    db.session.add(
        CoAnimation(
            organisation_id=session.cycle.space.organisation_id,
            participant_id=participant.participant_id,
            person_key=(
                db.session.get(Participant, participant.participant_id).anon_key
                if participant.participant_id
                else f"phone:{participant.id}"
            ),
            live_participant_id=participant.id,
            space_id=session.cycle.space_id,
            session_id=session.id,
            kind=CoAnimationKind.BOARD,
            handover_id=handover.id,
            activity_id=activity_id,
            occurred_on=session.starts_on,
            recorded_by_id=actor.user.id,
        )
    )
    return (bus.STATE, bus.CONTROL)


def _end_handovers(board: Board) -> None:
    db.session.execute(
        sa.update(Handover)
        .where(Handover.board_id == board.id, Handover.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def _take_back(actor, board, payload):
    _end_handovers(board)
    return (bus.STATE, bus.CONTROL)


_ACTIONS = {
    "goto": _goto,
    "next": _step(+1),
    "previous": _step(-1),
    "open": _set_status(ActivityStatus.OPEN),
    "close": _set_status(ActivityStatus.CLOSED),
    "reveal": _reveal(True),
    "hide": _reveal(False),
    "phase": _phase,
    "reveal_answer": _reveal_answer,
    "moderate": _moderate,
    "approve": _approve,
    "hide_word": _hide_word,
    "add_column": _add_column,
    "group": _group,
    "mark_answered": _mark_answered,
    "hand_count": _hand_count,
    "spotlight": _spotlight,
    "timer": _timer,
    "timer_stop": _timer_stop,
    "handover": _handover,
    "take_back": _take_back,
}
ACTIONS = frozenset(_ACTIONS)
