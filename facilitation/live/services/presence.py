"""Phones joining a board, and who is connected now."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core.database import utcnow
from ...core.exceptions import ValidationError
from ...extensions import db
from ...participants.models import ParticipantDevice
from .. import bus
from ..models import Board, LiveParticipant
from .boards import hash_device

PSEUDONYM_MAX = 40


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
