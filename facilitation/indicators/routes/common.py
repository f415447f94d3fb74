"""Helpers shared by the indicators' pages."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import get_timezone
from flask_login import current_user

from ...core.web import parse_id
from ...spaces import services as spaces


def today() -> date:
    return datetime.now(get_timezone()).date()


def space_choices(*, include_archived: bool = False) -> list[tuple[str, str]]:
    return [
        (str(s.id), s.name)
        for s in spaces.list_spaces(current_user, include_archived=include_archived)
    ]


def int_arg(raw) -> int | None:
    """An id from the query string, bounded like every id (``core.web.parse_id``)."""
    return parse_id(raw)
