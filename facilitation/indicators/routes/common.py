"""Helpers shared by the indicators' pages."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import get_timezone
from flask_login import current_user

from ...spaces import services as spaces


def today() -> date:
    return datetime.now(get_timezone()).date()


def space_choices(*, include_archived: bool = False) -> list[tuple[str, str]]:
    return [
        (str(s.id), s.name)
        for s in spaces.list_spaces(current_user, include_archived=include_archived)
    ]


def int_arg(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
