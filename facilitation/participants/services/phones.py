"""A participant's phones: recognised by the device cookie, or by a one-time link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from ...accounts.models import User
from ...audit import services as audit
from ...core.database import utcnow
from ...core.exceptions import NotFound
from ...extensions import db
from ..models import Participant, ParticipantDevice, ParticipantLink
from .visibility import get_participant

LINK_VALID_DAYS = 7


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def participant_for_device(device_key: str | None) -> Participant | None:
    if not device_key:
        return None
    return db.session.scalar(
        sa.select(Participant)
        .join(ParticipantDevice, ParticipantDevice.participant_id == Participant.id)
        .where(ParticipantDevice.device_hash == hash_token(device_key))
    )


def create_sign_in_link(actor: User | None, participant: Participant) -> str:
    """A one-time link that opens "mon parcours" on a (new) phone. Returns the token."""
    if actor is not None:
        participant = get_participant(actor, participant.id)
        audit.record(
            participant.organisation_id, audit.LINK, actor=actor, participant_id=participant.id
        )
    token = secrets.token_urlsafe(24)
    db.session.add(
        ParticipantLink(
            token_hash=hash_token(token),
            participant_id=participant.id,
            created_by_id=actor.id if actor else None,
            expires_at=utcnow() + timedelta(days=LINK_VALID_DAYS),
        )
    )
    db.session.commit()
    return token


def use_sign_in_link(token: str, device_key: str) -> Participant:
    """Spend a one-time link: this phone now belongs to the participant."""
    link = db.session.scalar(
        sa.select(ParticipantLink).where(ParticipantLink.token_hash == hash_token(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise NotFound
    claimed = db.session.execute(
        sa.update(ParticipantLink)
        .where(ParticipantLink.id == link.id, ParticipantLink.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise NotFound
    device_hash = hash_token(device_key)
    device = db.session.scalar(
        sa.select(ParticipantDevice).where(ParticipantDevice.device_hash == device_hash)
    )
    if device is None:
        db.session.add(
            ParticipantDevice(device_hash=device_hash, participant_id=link.participant_id)
        )
    else:
        device.participant_id = link.participant_id
    db.session.commit()
    return db.session.get(Participant, link.participant_id)
