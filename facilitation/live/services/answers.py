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


def submit_answer(
    participant: LiveParticipant, activity_id: Any, client_id: Any, value: Any
) -> Stored:
    """Store a participant's answer, once. A retry of the same submission changes nothing."""
    client_id = _clean_client_id(client_id)
    payloads.check(value)  # whatever its shape, no broken text reaches the database
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
