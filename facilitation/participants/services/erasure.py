"""Erasure: what the person asked to erase is erased; anonymous counts stay."""

from __future__ import annotations

import sqlalchemy as sa

from ...accounts.models import User
from ...audit import services as audit
from ...extensions import db
from ..models import Attendance, CoAnimation, Participant
from .visibility import get_participant


def _erase(participant: Participant) -> None:
    """Remove the person; keep anonymous aggregates (attendance rows, co-animation counts)."""
    from ...live.models import LiveParticipant

    db.session.execute(
        sa.update(LiveParticipant)
        .where(LiveParticipant.participant_id == participant.id)
        .values(participant_id=None, pseudonym=None)
    )
    for model in (Attendance, CoAnimation):
        db.session.execute(
            sa.update(model)
            .where(model.participant_id == participant.id)
            .values(participant_id=None)
        )
    db.session.execute(
        sa.update(Participant)
        .where(Participant.brought_by_id == participant.id)
        .values(brought_by_id=None)
    )
    db.session.delete(participant)


def staff_erase(actor: User, participant: Participant) -> None:
    participant = get_participant(actor, participant.id)
    audit.record(
        participant.organisation_id, audit.ERASE, actor=actor, participant_id=participant.id
    )
    _erase(participant)
    db.session.commit()


def self_erase(participant: Participant) -> None:
    """The person asked, from their phone, for what is held on them to be erased."""
    audit.record(
        participant.organisation_id, audit.SELF_ERASE, actor=None, participant_id=participant.id
    )
    _erase(participant)
    db.session.commit()
