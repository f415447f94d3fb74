"""The structure's small-cell threshold (5 unless the coordinator chose another)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.models import User
from ..audit import services as audit
from ..core.database import utcnow
from ..core.exceptions import Forbidden, ValidationError
from ..extensions import db
from .models import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD, IndicatorSettings

SET_THRESHOLD = "indicators_threshold"  # audit action


def threshold(organisation_id: int) -> int:
    settings = db.session.get(IndicatorSettings, organisation_id)
    return settings.threshold if settings is not None else DEFAULT_THRESHOLD


def set_threshold(actor: User, value: int | None) -> int:
    """Coordinator only: counts from 1 to ``value - 1`` are then hidden everywhere."""
    if not actor.is_coordinator:
        raise Forbidden
    if not isinstance(value, int) or not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise ValidationError(
            _(
                "Choose a threshold between %(low)d and %(high)d.",
                low=MIN_THRESHOLD,
                high=MAX_THRESHOLD,
            ),
            "threshold",
        )
    settings = db.session.get(IndicatorSettings, actor.organisation_id)
    if settings is None:
        settings = IndicatorSettings(organisation_id=actor.organisation_id)
        db.session.add(settings)
    before = settings.threshold or DEFAULT_THRESHOLD
    settings.threshold = value
    settings.updated_by_id = actor.id
    settings.updated_at = utcnow()
    audit.record(
        actor.organisation_id,
        SET_THRESHOLD,
        actor=actor,
        participant_id=None,
        before=before,
        after=value,
    )
    db.session.commit()
    return value
