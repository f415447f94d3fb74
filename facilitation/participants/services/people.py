"""Participants by pseudonym: listing a space's people, registering and editing them."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core.exceptions import ValidationError
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ..models import CONSENTS, Participant, SpaceParticipant
from .visibility import _visible_participant_ids, get_participant

PSEUDONYM_MAX = 40


def clean_pseudonym(pseudonym: str) -> str:
    pseudonym = " ".join((pseudonym or "").split())
    if not pseudonym:
        raise ValidationError(_("Choose a pseudonym."), "pseudonym")
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValidationError(
            _("A pseudonym has at most %(n)d characters.", n=PSEUDONYM_MAX), "pseudonym"
        )
    return pseudonym


def list_space_participants(actor: User, space: Space) -> list[Participant]:
    spaces.ensure_visible(actor, space)
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(SpaceParticipant, SpaceParticipant.participant_id == Participant.id)
            .where(SpaceParticipant.space_id == space.id)
            .order_by(sa.func.lower(Participant.pseudonym), Participant.id)
        )
    )


def _join_space(space_id: int, participant_id: int) -> None:
    if db.session.get(SpaceParticipant, (space_id, participant_id)) is None:
        db.session.add(SpaceParticipant(space_id=space_id, participant_id=participant_id))


def create_participant(
    actor: User, space: Space, pseudonym: str, *, brought_by: Participant | None = None
) -> Participant:
    """Register a participant by pseudonym in one of the actor's spaces."""
    spaces.ensure_visible(actor, space)
    if brought_by is not None:
        brought_by = get_participant(actor, brought_by.id)
    participant = Participant(
        organisation_id=space.organisation_id,
        pseudonym=clean_pseudonym(pseudonym),
        brought_by_id=brought_by.id if brought_by else None,
        consents={},
    )
    db.session.add(participant)
    db.session.flush()
    _join_space(space.id, participant.id)
    db.session.commit()
    return participant


@dataclass(frozen=True)
class ParticipantData:
    pseudonym: str
    languages: str = ""
    consents: dict = field(default_factory=dict)
    notes: str = ""
    brought_by_id: int | None = None


def update_participant(actor: User, participant: Participant, data: ParticipantData) -> Participant:
    participant = get_participant(actor, participant.id)
    participant.pseudonym = clean_pseudonym(data.pseudonym)
    participant.languages = " ".join((data.languages or "").split())[:80]
    participant.consents = {key: bool(data.consents.get(key)) for key in CONSENTS}
    participant.notes = (data.notes or "").strip()
    if data.brought_by_id is not None and data.brought_by_id != participant.id:
        participant.brought_by_id = get_participant(actor, data.brought_by_id).id
    elif data.brought_by_id is None and (
        participant.brought_by_id is None
        or db.session.scalar(
            sa.select(Participant.id).where(
                Participant.id == participant.brought_by_id,
                Participant.id.in_(_visible_participant_ids(actor)),
            )
        )
    ):
        # Only staff who can see who brought the person can clear it: for the others the
        # form cannot show it (another space's people are private), so "nobody" means
        # "unchanged" rather than losing what the other team recorded.
        participant.brought_by_id = None
    db.session.commit()
    return participant
