"""Rules of the live board: boards and codes, activities, joining, answering, control.

Everything that changes what clients see is committed first, then published on
:mod:`.bus` — so an acknowledgement or a broadcast never announces an unsaved answer.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.database import utcnow
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..participants.models import CoAnimation, CoAnimationKind, Participant, ParticipantDevice
from ..workshops import services as workshops
from ..workshops.models import WorkshopSession
from . import bus, kinds
from .kinds import Refused
from .models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Answer,
    Board,
    Contribution,
    Handover,
    LiveParticipant,
)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read from the back of a room is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
MAX_CONTRIBUTIONS = 20  # per person and activity
PSEUDONYM_MAX = 40


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    return "".join((raw or "").split()).upper().replace("-", "")


def hash_device(device_key: str) -> str:
    return hashlib.sha256(device_key.encode()).hexdigest()


# --- boards -------------------------------------------------------------------


def board_for_session(actor: User, session: WorkshopSession) -> Board:
    """The session's board, created on first use (staff of the session's space only)."""
    session = workshops.get_session(actor, session.id)
    board = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
    if board is not None:
        return board
    for _attempt in range(5):
        board = Board(
            session_id=session.id, join_code=new_join_code(), screen_key=secrets.token_urlsafe(24)
        )
        db.session.add(board)
        try:
            db.session.commit()
            return board
        except IntegrityError:  # code already taken (or board created concurrently)
            db.session.rollback()
            existing = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
            if existing is not None:
                return existing
    raise ValidationError(_("Could not create the board. Please try again."))


def get_board_for_staff(actor: User, board_id: int) -> Board:
    board = db.session.get(Board, board_id)
    if board is None:
        raise NotFound
    workshops.get_session(actor, board.session_id)  # raises NotFound outside their spaces
    return board


def find_board(code: str) -> Board:
    """The board with this join code (public: phones join by code)."""
    board = db.session.scalar(sa.select(Board).where(Board.join_code == normalise_code(code)))
    if board is None:
        raise NotFound
    return board


def find_board_for_screen(code: str, screen_key: str) -> Board:
    board = find_board(code)
    if not secrets.compare_digest(board.screen_key, screen_key or ""):
        raise NotFound
    return board


# --- activities -----------------------------------------------------------------


def _require_staff(actor: User, board: Board) -> None:
    get_board_for_staff(actor, board.id)


def _clean_prompt(prompt: str) -> str:
    prompt = " ".join((prompt or "").split())
    if not prompt:
        raise ValidationError(_("Write the question or the statement."), "prompt")
    if len(prompt) > 300:
        raise ValidationError(_("At most 300 characters."), "prompt")
    return prompt


def _clean_config(kind: ActivityKind, config: dict) -> dict:
    try:
        return kinds.get(kind).clean_config(config or {})
    except Refused as refused:
        raise ValidationError(refused.message, "config") from refused


def add_activity(
    actor: User, board: Board, *, kind: ActivityKind | str, prompt: str, config: dict
) -> Activity:
    _require_staff(actor, board)
    kind = ActivityKind(kind)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Activity.position), -1)).where(
            Activity.board_id == board.id
        )
    )
    activity = Activity(
        board_id=board.id,
        position=position + 1,
        kind=kind,
        prompt=_clean_prompt(prompt),
        config=_clean_config(kind, config),
        state=kinds.initial_state(kind),
    )
    db.session.add(activity)
    if board.current_activity_id is None:
        db.session.flush()
        board.current_activity_id = activity.id
        board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board.id)
    return activity


def _has_answers(activity: Activity) -> bool:
    for model in (Answer, Contribution):
        if db.session.scalar(sa.select(model.id).where(model.activity_id == activity.id).limit(1)):
            return True
    return False


def update_activity(actor: User, activity: Activity, *, prompt: str, config: dict) -> Activity:
    _require_staff(actor, activity.board)
    cleaned = _clean_config(activity.kind, config)
    if cleaned != activity.config and _has_answers(activity):
        raise ValidationError(
            _("People have already answered: only the wording can change now."), "config"
        )
    activity.prompt = _clean_prompt(prompt)
    activity.config = cleaned
    activity.board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, activity.board_id)
    return activity


def delete_activity(actor: User, activity: Activity) -> None:
    board = activity.board
    _require_staff(actor, board)
    was_current = board.current_activity_id == activity.id
    if was_current:
        board.current_activity_id = None
    db.session.delete(activity)
    db.session.flush()
    remaining = list(
        db.session.scalars(
            sa.select(Activity).where(Activity.board_id == board.id).order_by(Activity.position)
        )
    )
    for position, item in enumerate(remaining):
        item.position = position
    if was_current and remaining:
        # The board shows the activity that took its place (or the last one).
        board.current_activity_id = remaining[min(activity.position, len(remaining) - 1)].id
    board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board.id)


def move_activity(actor: User, activity: Activity, offset: int) -> None:
    """Move an activity up (-1) or down (+1) in the session's order."""
    board = activity.board
    _require_staff(actor, board)
    ordered = list(board.activities)
    index = ordered.index(activity)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        db.session.commit()
        bus.publish(bus.STATE, board.id)


def get_activity(board: Board | int, activity_id: Any) -> Activity:
    """The board's activity with this id (``board``: the board, or only its id)."""
    if isinstance(activity_id, bool) or not isinstance(activity_id, int):
        raise Refused("not_found", _("This activity does not exist."))
    board_id = board if isinstance(board, int) else board.id
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.board_id != board_id:
        raise Refused("not_found", _("This activity does not exist."))
    return activity


# --- participants ---------------------------------------------------------------


def clean_pseudonym(raw: str | None) -> str | None:
    pseudonym = " ".join((raw or "").split())
    if not pseudonym:
        return None  # stays anonymous
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValidationError(
            _("A pseudonym has at most %(n)d characters.", n=PSEUDONYM_MAX), "pseudonym"
        )
    return pseudonym


def join(board: Board, device_key: str, *, pseudonym: str | None, language: str) -> LiveParticipant:
    """Join (or re-join) a board from a phone. The same phone stays the same participant."""
    device_hash = hash_device(device_key)
    pseudonym = clean_pseudonym(pseudonym)
    for _attempt in range(2):
        participant = participant_for_device(board, device_key)
        if participant is None:
            participant = LiveParticipant(board_id=board.id, device_hash=device_hash)
            db.session.add(participant)
        if participant.participant_id is None:
            # A phone already linked to a participant (an earlier check-in, a sign-in link)
            # is recognised: same pseudonymous identity from one session to the next.
            participant.participant_id = db.session.scalar(
                sa.select(ParticipantDevice.participant_id).where(
                    ParticipantDevice.device_hash == device_hash
                )
            )
        participant.pseudonym = pseudonym
        participant.language = language
        participant.last_seen_at = utcnow()
        try:
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
    bus.publish(bus.PRESENCE, board.id)
    return participant


def participant_for_device(board: Board, device_key: str | None) -> LiveParticipant | None:
    if not device_key:
        return None
    return db.session.scalar(
        sa.select(LiveParticipant).where(
            LiveParticipant.board_id == board.id,
            LiveParticipant.device_hash == hash_device(device_key),
        )
    )


def set_connected(participant_id: int, delta: int, board_id: int | None = None) -> None:
    """Count a phone's open connections (+1 on connect, -1 on disconnect)."""
    db.session.execute(
        sa.update(LiveParticipant)
        .where(LiveParticipant.id == participant_id)
        .values(
            connections=sa.case(
                (LiveParticipant.connections + delta < 0, 0),
                else_=LiveParticipant.connections + delta,
            ),
            last_seen_at=utcnow(),
        )
    )
    db.session.commit()
    if board_id is None:
        board_id = db.session.scalar(
            sa.select(LiveParticipant.board_id).where(LiveParticipant.id == participant_id)
        )
    if board_id is not None:
        bus.publish(bus.PRESENCE, board_id)


def connected_participants(board: Board) -> list[LiveParticipant]:
    return list(
        db.session.scalars(
            sa.select(LiveParticipant)
            .where(LiveParticipant.board_id == board.id, LiveParticipant.connections > 0)
            .order_by(
                LiveParticipant.pseudonym.is_(None), LiveParticipant.pseudonym, LiveParticipant.id
            )
        )
    )


def connected_count(board: Board) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LiveParticipant.id)).where(
            LiveParticipant.board_id == board.id, LiveParticipant.connections > 0
        )
    )


# --- answering ------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What the phone is told: stored (safe), and whether it was a retry already stored."""

    activity_id: int
    duplicate: bool = False
    contribution_id: int | None = None


def _clean_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not 8 <= len(client_id) <= 64:
        raise Refused("invalid", _("The answer could not be read. Please try again."))
    return client_id


def _open_activity(participant: LiveParticipant, activity_id: Any) -> Activity:
    activity = get_activity(participant.board_id, activity_id)  # the Board is not loaded
    if activity.status is not ActivityStatus.OPEN:
        raise Refused("closed", _("Answers are closed for this activity."))
    return activity


def _visible_contribution_ids(activity: Activity) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Contribution.id).where(
                Contribution.activity_id == activity.id, Contribution.hidden.is_(False)
            )
        )
    )


def submit_answer(
    participant: LiveParticipant, activity_id: Any, client_id: Any, value: Any
) -> Stored:
    """Store a participant's answer, once. A retry of the same submission changes nothing."""
    client_id = _clean_client_id(client_id)
    activity = get_activity(participant.board_id, activity_id)
    kind = kinds.get(activity.kind)
    existing = db.session.scalar(
        sa.select(Answer).where(
            Answer.activity_id == activity.id, Answer.participant_id == participant.id
        )
    )
    if existing is not None and existing.client_id == client_id:
        # A retry of a stored answer (its ack was lost) is acknowledged, even once closed.
        return Stored(activity.id, duplicate=True)
    activity = _open_activity(participant, activity_id)
    visible = _visible_contribution_ids(activity) if kind.takes_contributions else None
    clean = kind.clean_answer(
        activity.config, activity.state, value, existing.value if existing else None, visible
    )
    now = utcnow()
    if existing is None:
        db.session.add(
            Answer(
                activity_id=activity.id,
                participant_id=participant.id,
                client_id=client_id,
                value=clean,
                created_at=now,
                updated_at=now,
            )
        )
    else:
        existing.value, existing.client_id, existing.updated_at = clean, client_id, now
    # Read now: the commit expires every loaded object, and reading one afterwards costs a
    # SELECT (two per answer, a quarter of its time under load).
    board_id, stored = participant.board_id, Stored(activity.id)
    try:
        db.session.commit()
    except IntegrityError:
        # The same phone answered twice at once on two connections: keep the later one.
        db.session.rollback()
        db.session.execute(
            sa.update(Answer)
            .where(Answer.activity_id == activity.id, Answer.participant_id == participant.id)
            .values(value=clean, client_id=client_id, updated_at=now)
        )
        db.session.commit()
    bus.publish(bus.RESULTS, board_id)
    return stored


def contribute(participant: LiveParticipant, activity_id: Any, client_id: Any, text: Any) -> Stored:
    """Add a post-it or a question. A retry with the same client id adds nothing."""
    client_id = _clean_client_id(client_id)
    activity = get_activity(participant.board_id, activity_id)
    existing = db.session.scalar(
        sa.select(Contribution).where(
            Contribution.activity_id == activity.id, Contribution.client_id == client_id
        )
    )
    if existing is not None:
        # A retry of a stored contribution (its ack was lost) is acknowledged, even once closed.
        return Stored(activity.id, duplicate=True, contribution_id=existing.id)
    activity = _open_activity(participant, activity_id)
    if not kinds.get(activity.kind).takes_contributions:
        raise Refused("invalid", _("This activity takes answers, not contributions."))
    if activity.kind is ActivityKind.IDEAS and activity.state.get("phase") != "collect":
        raise Refused("closed", _("The wall is closed: now is the time to vote."))
    clean = kinds.clean_text(
        text, limit=kinds.MAX_TEXT, message=_("Write something before sending.")
    )
    mine = db.session.scalar(
        sa.select(sa.func.count(Contribution.id)).where(
            Contribution.activity_id == activity.id, Contribution.participant_id == participant.id
        )
    )
    if mine >= MAX_CONTRIBUTIONS:
        raise Refused("limit_reached", _("You have already sent a lot. Thank you!"))
    contribution = Contribution(
        activity_id=activity.id, participant_id=participant.id, client_id=client_id, text=clean
    )
    db.session.add(contribution)
    board_id, activity_id = participant.board_id, activity.id  # read before the commit
    try:
        db.session.flush()  # the new id now, not by a SELECT after the commit
        contribution_id = contribution.id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(
            sa.select(Contribution).where(
                Contribution.activity_id == activity.id, Contribution.client_id == client_id
            )
        )
        return Stored(activity.id, duplicate=True, contribution_id=existing.id)
    bus.publish(bus.RESULTS, board_id)
    return Stored(activity_id, contribution_id=contribution_id)


def my_answer(participant: LiveParticipant, activity: Activity) -> Any:
    return db.session.scalar(
        sa.select(Answer.value).where(
            Answer.activity_id == activity.id, Answer.participant_id == participant.id
        )
    )


def contributions(activity: Activity, *, include_hidden: bool = False) -> list[dict]:
    query = sa.select(Contribution).where(Contribution.activity_id == activity.id)
    if not include_hidden:
        query = query.where(Contribution.hidden.is_(False))
    return [
        {"id": c.id, "text": c.text, "column": c.column, "hidden": c.hidden, "answered": c.answered}
        for c in db.session.scalars(query.order_by(Contribution.id))
    ]


def results(activity: Activity) -> dict:
    """The activity's tally, computed from the stored answers (the server's truth)."""
    # One row per distinct answer and its count: a poll answered by 2000 phones reads five
    # rows, not 2000 JSON documents, at each results broadcast (up to ten a second).
    text = sa.cast(Answer.value, sa.Text)
    rows = db.session.execute(
        sa.select(text, sa.func.count()).where(Answer.activity_id == activity.id).group_by(text)
    )
    values = [value for raw, n in rows for value in [json.loads(raw)] * n]
    kind = kinds.get(activity.kind)
    extra = contributions(activity, include_hidden=True) if kind.takes_contributions else None
    return kind.tally(activity.config, activity.state, values, extra)


def answer_count(activity: Activity) -> int:
    answers = db.session.scalar(
        sa.select(sa.func.count(Answer.id)).where(Answer.activity_id == activity.id)
    )
    if kinds.get(activity.kind).takes_contributions:
        answers += db.session.scalar(
            sa.select(sa.func.count(Contribution.id)).where(
                Contribution.activity_id == activity.id, Contribution.hidden.is_(False)
            )
        )
    return answers


# --- control --------------------------------------------------------------------


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
    """Apply a control action (next, open, reveal, moderate, hand over…)."""
    payload = payload or {}
    if not can_control(actor, board) or (action in STAFF_ONLY and not actor.is_staff):
        raise Refused("forbidden", _("Only the person animating can do this."))
    handler = _ACTIONS.get(action)
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
    if phase not in phases:
        raise Refused("invalid", _("Unknown step for this activity."))
    _update_state(activity, phase=phase)
    return (bus.STATE, bus.RESULTS)


def _reveal_answer(actor, board, payload):
    activity = _current(board)
    if activity.kind is not ActivityKind.QUIZ:
        raise Refused("invalid", _("Only a quiz has a right answer."))
    _update_state(activity, answer_revealed=_flag(payload, "revealed"))
    return (bus.STATE, bus.RESULTS)


def _contribution(board: Board, payload: dict) -> Contribution:
    contribution_id = payload.get("contribution_id")
    contribution = (
        db.session.get(Contribution, contribution_id)
        if isinstance(contribution_id, int) and not isinstance(contribution_id, bool)
        else None
    )
    if contribution is None:
        raise Refused("not_found", _("This contribution does not exist."))
    get_activity(board, contribution.activity_id)
    return contribution


def _flag(payload: dict, name: str, default: bool = True) -> bool:
    """A yes/no field: JSON booleans, or the strings a form sends ("1"/"0", "true"/"false")."""
    value = payload.get(name, default)
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


def _moderate(actor, board, payload):
    _contribution(board, payload).hidden = _flag(payload, "hidden")
    return (bus.STATE, bus.RESULTS)


def _hide_word(actor, board, payload):
    activity = _current(board)
    key = kinds.fold(str(payload.get("word", "")))
    if activity.kind is not ActivityKind.WORDCLOUD or not key:
        raise Refused("invalid", _("Unknown word."))
    hidden = set(activity.state.get("hidden_words", []))
    hidden.add(key) if _flag(payload, "hidden") else hidden.discard(key)
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
    if column is not None and column not in activity.state.get("columns", []):
        raise Refused("invalid", _("Unknown column."))
    contribution.column = column
    return (bus.RESULTS,)


def _mark_answered(actor, board, payload):
    _contribution(board, payload).answered = _flag(payload, "answered")
    return (bus.STATE, bus.RESULTS)  # phones' list of questions to upvote changes


def _handover(actor, board, payload):
    participant_id = payload.get("participant_id")
    participant = (
        db.session.get(LiveParticipant, participant_id)
        if isinstance(participant_id, int) and not isinstance(participant_id, bool)
        else None
    )
    if participant is None or participant.board_id != board.id:
        raise Refused("not_found", _("This participant is not on the board."))
    scope = payload.get("scope", "session")
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
    "hide_word": _hide_word,
    "add_column": _add_column,
    "group": _group,
    "mark_answered": _mark_answered,
    "handover": _handover,
    "take_back": _take_back,
}
ACTIONS = frozenset(_ACTIONS)


# --- what each client sees -----------------------------------------------------------


def activity_summary(activity: Activity | None) -> dict | None:
    if activity is None:
        return None
    return {
        "id": activity.id,
        "kind": activity.kind.value,
        "status": activity.status.value,
        "revealed": activity.results_visible,
        "phase": activity.state.get("phase"),
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
