"""What staff may see of participants: the one start of every read."""

from __future__ import annotations

import sqlalchemy as sa

from ...accounts.models import User
from ...core.exceptions import NotFound
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ..models import Participant, SpaceParticipant


def _visible_participant_ids(actor: User) -> sa.Select:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(SpaceParticipant.participant_id).where(SpaceParticipant.space_id.in_(visible))


def get_participant(actor: User, participant_id: int) -> Participant:
    participant = db.session.scalar(
        sa.select(Participant).where(
            Participant.id == participant_id, Participant.id.in_(_visible_participant_ids(actor))
        )
    )
    if participant is None:
        raise NotFound
    return participant
