"""A participant's phones: recognised by the device cookie (the same as on the live board).

A phone becomes a person's in two ways, both made by staff: the roll call confirms the
check-in of a phone that joined the board (``roll_call.confirm_check_in``), or the phone
opens a one-time link that staff made. Every binding and unbinding is audited with who
did it. The person sees their phones on ``/moi`` ("ce téléphone, ajouté le …"), confirms
the one in their hand ("Oui, c'est moi") and removes any. When a staff member is
deactivated, the phones they linked and that the person has not confirmed are unlinked
(:func:`revoke_unconfirmed_bindings_by`), and their unused links stop working.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from ...accounts.models import User
from ...audit import services as audit
from ...core.database import utcnow
from ...core.exceptions import NotFound
from ...extensions import db
from ..models import (
    CoAnimation,
    CoAnimationKind,
    DeviceOrigin,
    Participant,
    ParticipantDevice,
    ParticipantLink,
)
from .visibility import get_participant

LINK_VALID_DAYS = 7


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def device_for_key(device_key: str | None) -> ParticipantDevice | None:
    if not device_key:
        return None
    return db.session.scalar(
        sa.select(ParticipantDevice).where(ParticipantDevice.device_hash == hash_token(device_key))
    )


def participant_for_device(device_key: str | None) -> Participant | None:
    device = device_for_key(device_key)
    return db.session.get(Participant, device.participant_id) if device else None


def bind_phone(
    participant: Participant,
    device_hash: str,
    *,
    origin: DeviceOrigin,
    actor: User | None,
    **details,
) -> ParticipantDevice:
    """This phone is this person's (audited; the caller commits). A phone that was someone
    else's is taken from them first (audited too)."""
    device = db.session.scalar(
        sa.select(ParticipantDevice).where(ParticipantDevice.device_hash == device_hash)
    )
    if device is not None and device.participant_id == participant.id:
        return device
    if device is not None:
        _unbind(device, actor=actor, by="rebound")
        db.session.flush()
    device = ParticipantDevice(
        device_hash=device_hash,
        participant_id=participant.id,
        origin=origin,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(device)
    db.session.flush()
    audit.record(
        participant.organisation_id,
        audit.BIND_PHONE,
        actor=actor,
        participant_id=participant.id,
        phone=device.id,
        how=origin.value,
        **details,
    )
    return device


def _unbind(device: ParticipantDevice, *, actor: User | None, by: str, **details) -> None:
    """Forget that this phone is the person's: the device row, and the link of the phone's
    board identities and board co-animations to the person (the caller commits)."""
    from ...live.models import LiveParticipant  # live depends on us, not the reverse

    person = db.session.get(Participant, device.participant_id)
    boards = list(
        db.session.scalars(
            sa.select(LiveParticipant.id).where(
                LiveParticipant.device_hash == device.device_hash,
                LiveParticipant.participant_id == device.participant_id,
            )
        )
    )
    if boards:
        db.session.execute(
            sa.update(LiveParticipant)
            .where(LiveParticipant.id.in_(boards))
            .values(participant_id=None)
        )
        for live_id in boards:  # the board's co-animation was this phone's, not the person's
            db.session.execute(
                sa.update(CoAnimation)
                .where(
                    CoAnimation.live_participant_id == live_id,
                    CoAnimation.participant_id == device.participant_id,
                    CoAnimation.kind == CoAnimationKind.BOARD,
                )
                .values(participant_id=None, person_key=f"phone:{live_id}")
            )
    audit.record(
        person.organisation_id,
        audit.UNBIND_PHONE,
        actor=actor,
        participant_id=person.id,
        phone=device.id,
        by=by,
        **details,
    )
    db.session.delete(device)


# --- what the person sees and does from their phone --------------------------------------


@dataclass
class Phone:
    device: ParticipantDevice
    this_phone: bool

    @property
    def added_by(self) -> str | None:
        """The staff member who linked it (their display name), if recorded."""
        return self.device.created_by.display_name if self.device.created_by else None


def phones_of(participant: Participant, device_key: str | None) -> list[Phone]:
    """The phones linked to the person, this one first."""
    this = hash_token(device_key) if device_key else None
    devices = db.session.scalars(
        sa.select(ParticipantDevice)
        .where(ParticipantDevice.participant_id == participant.id)
        .order_by(ParticipantDevice.created_at, ParticipantDevice.id)
    )
    phones = [Phone(d, d.device_hash == this) for d in devices]
    return sorted(phones, key=lambda p: not p.this_phone)


def confirm_phone(device_key: str | None) -> None:
    """ "Oui, c'est moi": the person confirms that the phone in their hand is theirs."""
    device = device_for_key(device_key)
    if device is None:
        raise NotFound
    if device.confirmed_at is None:
        device.confirmed_at = utcnow()
        person = db.session.get(Participant, device.participant_id)
        audit.record(
            person.organisation_id,
            audit.CONFIRM_PHONE,
            actor=None,
            participant_id=person.id,
            phone=device.id,
        )
        db.session.commit()


def unlink_phone(device_key: str | None, device_id: int) -> None:
    """The person removes one of their phones (this one or another) from their journey."""
    device = device_for_key(device_key)
    target = db.session.get(ParticipantDevice, device_id) if device is not None else None
    if target is None or target.participant_id != device.participant_id:
        raise NotFound
    _unbind(target, actor=None, by="person")
    db.session.commit()


def revoke_unconfirmed_bindings_by(user: User, *, actor: User | None = None) -> int:
    """A staff member leaves: the phones they linked that the person has not confirmed are
    unlinked, and their unused one-time links stop working. In the caller's transaction
    (``accounts.services.set_active`` commits). Returns how many phones were unlinked."""
    devices = list(
        db.session.scalars(
            sa.select(ParticipantDevice).where(
                ParticipantDevice.created_by_id == user.id,
                ParticipantDevice.confirmed_at.is_(None),
            )
        )
    )
    for device in devices:
        _unbind(device, actor=actor, by="deactivation", staff=user.id)
    db.session.execute(
        sa.delete(ParticipantLink).where(
            ParticipantLink.created_by_id == user.id, ParticipantLink.used_at.is_(None)
        )
    )
    return len(devices)


# --- the one-time link -------------------------------------------------------------------


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


def _live_link(token: str) -> ParticipantLink:
    link = db.session.scalar(
        sa.select(ParticipantLink).where(ParticipantLink.token_hash == hash_token(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise NotFound
    return link


def check_sign_in_link(token: str) -> None:
    """The link can still be used (reading it changes nothing: a messaging app's preview
    fetches the page without spending it); :class:`NotFound` otherwise."""
    _live_link(token)


def use_sign_in_link(token: str, device_key: str) -> Participant:
    """Spend a one-time link (a POST, from the button): this phone is now the person's."""
    link = _live_link(token)
    claimed = db.session.execute(
        sa.update(ParticipantLink)
        .where(ParticipantLink.id == link.id, ParticipantLink.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise NotFound
    participant = db.session.get(Participant, link.participant_id)
    creator = db.session.get(User, link.created_by_id) if link.created_by_id else None
    bind_phone(participant, hash_token(device_key), origin=DeviceOrigin.LINK, actor=creator)
    db.session.commit()
    return participant
