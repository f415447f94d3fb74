"""Answers and contributions from phones, and the results computed from them.

Everything that changes what clients see is committed first, then published on
:mod:`..bus` — so an acknowledgement or a broadcast never announces an unsaved answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core.database import utcnow
from ...extensions import db
from .. import bus, kinds, payloads
from ..kinds import Refused
from ..models import Activity, ActivityKind, ActivityStatus, Answer, Contribution, LiveParticipant
from . import timer as timers
from .activities import get_activity

MAX_CONTRIBUTIONS = 20  # per person and activity


@dataclass(frozen=True)
class Stored:
    """What the phone is told: stored (safe), and whether it was a retry already stored."""

    activity_id: int
    duplicate: bool = False
    contribution_id: int | None = None
    pending: bool = False  # a question waiting for the animator's approval


def _clean_client_id(client_id: Any) -> str:
    """8 to 64 printable ASCII characters, no space (the reference client sends hex)."""
    if (
        not isinstance(client_id, str)
        or not 8 <= len(client_id) <= 64
        or not client_id.isascii()
        or not client_id.isprintable()
        or " " in client_id
    ):
        raise Refused("invalid", _("The answer could not be read. Please try again."))
    return client_id


def _open_activity(participant: LiveParticipant, activity_id: Any) -> Activity:
    activity = get_activity(participant.board_id, activity_id)  # the Board is not loaded
    if activity.status is not ActivityStatus.OPEN or timers.close_if_due(activity):
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


@dataclass(frozen=True)
class Phone:
    """What the answer path needs of a participant, known since connect (no SELECT)."""

    id: int
    board_id: int


# Kinds whose answer does not depend on the person's previous one nor on contributions:
# stored by one statement (below). Any other kind, a new one included, takes the
# general path.
ONE_STATEMENT_KINDS = frozenset(
    {
        ActivityKind.POLL,
        ActivityKind.QUIZ,
        ActivityKind.SCALE,
        ActivityKind.WORDCLOUD,
        ActivityKind.RANKING,
        ActivityKind.SENSECHECK,
        ActivityKind.SELF_ASSESSMENT,
    }
)


_UPSERT_SQL = """
INSERT INTO answers (activity_id, participant_id, client_id, value, created_at, updated_at)
SELECT :activity_id, :participant_id, :client_id, {value}, :now, :now
WHERE EXISTS (SELECT 1 FROM live_participants
              WHERE id = :participant_id AND board_id = :board_id)
  AND EXISTS (SELECT 1 FROM activities
              WHERE id = :activity_id AND board_id = :board_id AND status = :open)
ON CONFLICT (activity_id, participant_id) DO UPDATE
SET value = excluded.value, client_id = excluded.client_id, updated_at = excluded.updated_at
WHERE answers.client_id <> excluded.client_id
RETURNING id
"""
_upserts: dict[str, sa.TextClause] = {}


def _upsert_statement(dialect: str) -> sa.TextClause:
    """The statement, built once per dialect: a text() compiles in microseconds, where the
    same statement built with insert().on_conflict_do_update() was compiled at every
    answer (SQLAlchemy does not cache it): a third of the answer's time."""
    statement = _upserts.get(dialect)
    if statement is None:
        value = "CAST(:value AS JSON)" if dialect == "postgresql" else ":value"
        statement = sa.text(_UPSERT_SQL.format(value=value)).bindparams(
            sa.bindparam("value", type_=Answer.__table__.c.value.type),
            sa.bindparam("now", type_=Answer.__table__.c.created_at.type),
            sa.bindparam("open", type_=Activity.__table__.c.status.type),
        )
        _upserts[dialect] = statement
    return statement


def _upsert(phone: Phone, activity_id: int, client_id: str, clean: Any) -> bool:
    """One statement: insert the answer, or replace the person's previous one.

    The checks are in the statement, so nothing can change between them and the write:
    the phone is still a participant of the board, the activity is still open, and a
    retry (same ``client_id`` as the stored answer) writes nothing. True when it wrote.
    (RETURNING rather than rowcount: psycopg reports no count for INSERT … SELECT.)
    """
    statement = _upsert_statement(db.session.get_bind().dialect.name)
    params = {
        "activity_id": activity_id,
        "participant_id": phone.id,
        "board_id": phone.board_id,
        "client_id": client_id,
        "value": clean,
        "now": utcnow(),
        "open": ActivityStatus.OPEN,
    }
    return db.session.execute(statement, params).first() is not None


def _why_not_written(phone: Phone, activity_id: int, client_id: str) -> Stored:
    """The statement wrote nothing: a retry of the stored answer, or a refusal."""
    stored_id = db.session.scalar(
        sa.select(Answer.client_id).where(
            Answer.activity_id == activity_id, Answer.participant_id == phone.id
        )
    )
    if stored_id == client_id:
        return Stored(activity_id, duplicate=True)
    if db.session.get(LiveParticipant, phone.id) is None:
        raise Refused("not_joined", _("Join the session first."))
    raise Refused("closed", _("Answers are closed for this activity."))


def _submit_in_one_statement(phone: Phone, activity: Any, client_id: str, value: Any) -> Stored:
    kind = kinds.get(activity.kind)
    if activity.status is not ActivityStatus.OPEN:
        stored = _why_not_written(phone, activity.id, client_id)  # a retry, or closed
        return stored
    if timers.due(activity):  # its timer ended: this late answer closes it (a dict lookup)
        timers.close_if_due(get_activity(phone.board_id, activity.id))
        return _why_not_written(phone, activity.id, client_id)
    clean = kind.clean_answer(activity.config, activity.state, value, None, None)
    if not _upsert(phone, activity.id, client_id, clean):
        stored = _why_not_written(phone, activity.id, client_id)
        db.session.rollback()
        return stored
    db.session.commit()
    bus.publish(bus.RESULTS, phone.board_id)
    return Stored(activity.id)


def _activity_row(board_id: int, activity_id: Any):
    """The columns the answer needs, without loading the ORM object (not_found as before)."""
    activity_id = payloads.require_id(activity_id)
    row = db.session.execute(
        sa.select(
            Activity.id, Activity.kind, Activity.status, Activity.config, Activity.state
        ).where(Activity.id == activity_id, Activity.board_id == board_id)
    ).first()
    if row is None:
        raise Refused("not_found", _("This activity does not exist."))
    return row


def submit_answer(
    participant: LiveParticipant | Phone, activity_id: Any, client_id: Any, value: Any
) -> Stored:
    """Store a participant's answer, once. A retry of the same submission changes nothing."""
    client_id = _clean_client_id(client_id)
    payloads.check(value)  # whatever its shape, no broken text reaches the database
    row = _activity_row(participant.board_id, activity_id)
    if row.kind in ONE_STATEMENT_KINDS:
        phone = Phone(participant.id, participant.board_id)
        return _submit_in_one_statement(phone, row, client_id, value)
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
    waits = activity.kind is ActivityKind.QUESTIONS and bool(activity.config.get("premoderation"))
    contribution = Contribution(
        activity_id=activity.id,
        participant_id=participant.id,
        client_id=client_id,
        text=clean,
        hidden=waits,  # pre-moderation: shown once the animator approves it
        pending=waits,
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
    if not waits:
        bus.publish(bus.CONTRIBUTIONS, board_id, activity_id=activity_id)  # to every phone
    return Stored(activity_id, contribution_id=contribution_id, pending=waits)


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
        {
            "id": c.id,
            "text": c.text,
            "column": c.column,
            "hidden": c.hidden,
            "answered": c.answered,
            "pending": c.pending,
        }
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
