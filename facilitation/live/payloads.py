"""What a client may send: bounded ids, yes/no fields, and JSON without broken text.

Socket.IO payloads and form fields come from phones nobody controls. Whatever their
channel, services read them through these helpers, so that a wrong type, an id too
large for the database or a lone surrogate deep inside a list is refused as
``invalid`` (``kinds.Refused``) — never an ``OverflowError``, a database error or a 500.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..core import text
from .kinds import Refused

# Row ids are PostgreSQL ``integer`` columns (SQLite takes up to 2**63 - 1, Python any
# size): anything outside 1 .. 2**31 - 1 cannot be a row of ours.
MAX_ID = 2**31 - 1
MAX_DEPTH = 6  # the deepest legitimate payload: {"fields": {"word": ["…"]}} is 3
MAX_ITEMS = 500  # values in one payload, all levels together


def as_id(value: Any) -> int | None:
    """A row id sent by a client: an integer in the database's range, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None


def require_id(value: Any) -> int:
    """Like :func:`as_id`, but a value that cannot be an id is refused (``invalid``)."""
    checked = as_id(value)
    if checked is None:
        raise unreadable()
    return checked


def unreadable() -> Refused:
    return Refused("invalid", _("The message could not be read."))


def check(value: Any) -> Any:
    """Refuse a payload that is too deep, too big, or holds text that is not proper
    Unicode (a lone surrogate) anywhere — keys included. Returns it unchanged.

    Iterative (no recursion), and bounded by ``MAX_ITEMS``: cheap for the small
    payloads of this protocol, and never slow for a crafted one.
    """
    stack = [(value, 0)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_ITEMS or depth > MAX_DEPTH:
            raise unreadable()
        if isinstance(item, str):
            if text.has_lone_surrogate(item):
                raise unreadable()
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or text.has_lone_surrogate(key):
                    raise unreadable()
                stack.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
        elif item is not None and not isinstance(item, bool | int | float):
            raise unreadable()
    return value


def payload(data: Any) -> dict:
    """The one JSON object an event takes, checked by :func:`check`."""
    if not isinstance(data, dict):
        raise unreadable()
    return check(data)


_NO = frozenset({"", "0", "false", "no", "off"})


def flag(values: dict, name: str, default: bool = True) -> bool:
    """A yes/no field: JSON booleans, 0/1, or the strings a form sends ("1"/"0",
    "true"/"false"); missing or ``null`` means ``default``. Anything else is refused."""
    value = values.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return value.strip().lower() not in _NO
    raise unreadable()
