"""Helpers shared by the planning services: text, durations, unique names."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core.exceptions import ValidationError
from ...extensions import db

MAX_STEP_MINUTES = 8 * 60
MAX_TOOL_MINUTES = 8 * 60


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _minutes(value: Any, field_name: str, maximum: int) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Give a duration in minutes."), field_name) from None
    if not 1 <= minutes <= maximum:
        raise ValidationError(
            _("The duration must be between 1 and %(max)d minutes.", max=maximum), field_name
        )
    return minutes


def _commit_unique(message: str, field_name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError(message, field_name) from exc
