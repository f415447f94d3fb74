"""What a phone sent on the live boards, shown to that phone only — and erased on request.

A phone is known on each board by the hash of its ``fac_device`` key
(``LiveParticipant``). The person (or a phone that joined boards and was never checked
in) sees the sessions it joined — their date and theme, nothing of other people — with
its own answers and contributions. Staff never see this: answers are anonymous to them.

Anonymising a board identity (:func:`anonymise_board_identities`) replaces its device
hash by a random value and removes its pseudonym and its link to a person, so that
nothing ties its answers to a phone or a person any more; the texts the phone wrote
(post-its, questions, word-cloud words) are blanked. The rows stay: results keep their
counts (how many answered, dots and votes on a blanked post-it).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ...audit import services as audit
from ...extensions import db
from ..models import Participant, ParticipantDevice
from .phones import hash_token


@dataclass
class AnswerTrace:
    prompt: str
    answer: str


@dataclass
class BoardTrace:
    day: date
    theme: str
    pseudonym: str | None
    answers: list[AnswerTrace] = field(default_factory=list)
    contributions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "session": self.theme,
            "pseudonym": self.pseudonym,
            "answers": [{"question": a.prompt, "answer": a.answer} for a in self.answers],
            "contributions": self.contributions,
        }


def _labels(config: dict, indexes: Any) -> list[str]:
    choices = config.get("choices") or []
    return [
        choices[i]["label"]
        for i in (indexes if isinstance(indexes, list) else [])
        if isinstance(i, int) and 0 <= i < len(choices)
    ]


def describe_answer(kind: str, config: dict, value: Any) -> str:
    """One's own answer in words (never anything another phone sent)."""
    if kind in ("poll", "quiz"):
        return ", ".join(_labels(config, value))
    if kind == "ranking":
        return " › ".join(_labels(config, value))
    if kind == "scale" and isinstance(value, int):
        return f"{value} / 5"
    if kind == "debate" and isinstance(value, dict) and value.get("final"):
        return f"{value['final']} / 5"
    if kind == "wordcloud" and isinstance(value, list):
        return ", ".join(w for w in value if isinstance(w, str))
    if kind == "ideas" and isinstance(value, dict):
        dots = sum(v for v in value.values() if isinstance(v, int))
        return ngettext("%(num)d dot placed", "%(num)d dots placed", dots)
    if kind == "questions" and isinstance(value, list):
        return ngettext("supported %(num)d question", "supported %(num)d questions", len(value))
    return _("answered")


def _identities(where) -> list:
    from ...live.models import LiveParticipant  # live depends on us, not the reverse

    return list(
        db.session.scalars(
            sa.select(LiveParticipant).where(where).order_by(LiveParticipant.joined_at)
        )
    )


def _person_identities(participant: Participant) -> list:
    from ...live.models import LiveParticipant

    devices = sa.select(ParticipantDevice.device_hash).where(
        ParticipantDevice.participant_id == participant.id
    )
    return _identities(
        sa.or_(
            LiveParticipant.participant_id == participant.id,
            LiveParticipant.device_hash.in_(devices),
        )
    )


def _phone_identities(device_key: str | None) -> list:
    from ...live.models import LiveParticipant

    if not device_key:
        return []
    return _identities(LiveParticipant.device_hash == hash_token(device_key))


def _traces(identities: list) -> list[BoardTrace]:
    from ...live.models import Activity, Answer, Board, Contribution
    from ...workshops.models import WorkshopSession

    traces = []
    for live in identities:
        session = db.session.scalar(
            sa.select(WorkshopSession)
            .join(Board, Board.session_id == WorkshopSession.id)
            .where(Board.id == live.board_id)
        )
        trace = BoardTrace(session.starts_on, session.theme, live.pseudonym)
        for answer, activity in db.session.execute(
            sa.select(Answer, Activity)
            .join(Activity, Activity.id == Answer.activity_id)
            .where(Answer.participant_id == live.id)
            .order_by(Activity.position, Activity.id)
        ):
            trace.answers.append(
                AnswerTrace(
                    activity.prompt,
                    describe_answer(activity.kind.value, activity.config or {}, answer.value),
                )
            )
        trace.contributions = [
            text
            for text in db.session.scalars(
                sa.select(Contribution.text)
                .where(Contribution.participant_id == live.id)
                .order_by(Contribution.id)
            )
            if text
        ]
        traces.append(trace)
    traces.sort(key=lambda t: t.day, reverse=True)
    return traces


def board_traces_of(participant: Participant) -> list[BoardTrace]:
    """What the person's phones sent on the boards (for them only)."""
    return _traces(_person_identities(participant))


def phone_traces(device_key: str | None) -> list[BoardTrace]:
    """What this phone sent on the boards, whether or not it is anyone's."""
    return _traces(_phone_identities(device_key))


def unlink_board_identities(identities: list) -> None:
    """Unlink board identities for good: random device hash (it matches no phone, ever),
    no pseudonym, no person. Their answers stay, anonymous (the caller commits)."""
    for live in identities:
        live.device_hash = secrets.token_hex(32)
        live.pseudonym = None
        live.participant_id = None


def anonymise_board_identities(identities: list) -> None:
    """Unlink board identities and blank the texts they wrote; rows and counts kept."""
    from ...live.models import Activity, ActivityKind, Answer, Contribution

    ids = [live.id for live in identities]
    if not ids:
        return
    unlink_board_identities(identities)
    db.session.execute(
        sa.update(Contribution).where(Contribution.participant_id.in_(ids)).values(text="")
    )
    # Sentences proposed for a bilan: blanked too (one accepted is in the group's text now).
    from ...bilans.models import BilanProposal

    db.session.execute(
        sa.update(BilanProposal).where(BilanProposal.participant_id.in_(ids)).values(text="")
    )
    words = sa.select(Activity.id).where(Activity.kind == ActivityKind.WORDCLOUD)
    for answer in db.session.scalars(
        sa.select(Answer).where(Answer.participant_id.in_(ids), Answer.activity_id.in_(words))
    ):
        answer.value = []  # still one person who answered; their words are gone


def erase_phone(device_key: str | None) -> int:
    """A phone that is no one's erases what it sent (``/moi/effacer``). Audited per
    structure, without naming anyone. Returns how many board identities were unlinked."""
    from ...live.models import Board
    from ...spaces.models import Space
    from ...workshops.models import Cycle, WorkshopSession

    identities = _phone_identities(device_key)
    organisations = Counter(
        db.session.scalar(
            sa.select(Space.organisation_id)
            .join(Cycle, Cycle.space_id == Space.id)
            .join(WorkshopSession, WorkshopSession.cycle_id == Cycle.id)
            .join(Board, Board.session_id == WorkshopSession.id)
            .where(Board.id == live.board_id)
        )
        for live in identities
    )
    anonymise_board_identities(identities)
    for organisation_id, boards in organisations.items():
        audit.record(
            organisation_id, audit.PHONE_ERASE, actor=None, participant_id=None, boards=boards
        )
    db.session.commit()
    return len(identities)
