"""Who reaches a board by its code: the join window, and a limit on wrong codes.

A join code is short — 6 characters out of 25, about 28 bits — so that it is typed
from the back of a room. It stays safe because guessing is slow and mostly pointless:

- **wrong codes are counted** per client address and overall (``LIVE_WRONG_CODES_*``),
  in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``: Redis when ``REDIS_URL`` is
  set, so every process counts together). Past a limit, any code typed from that
  address (or from anywhere) is refused for a while, the right ones too — otherwise
  the refusal itself would tell right from wrong. A right code is never counted: a
  whole room behind the centre's one Wi-Fi address joins;
- **a board takes new phones only around its session**: from ``LIVE_JOIN_DAYS_BEFORE``
  days before the session's date to ``LIVE_JOIN_DAYS_AFTER`` days after (local dates),
  or until the time staff reopened it for. Phones that already joined keep following
  (they prove it with their device key, not the code), and staff always see the board;
- "no such code" and "closed to new phones" are **one answer** everywhere
  (:func:`board_to_join` raises ``NotFound`` for both).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_timezone
from flask_babel import gettext as _
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import contains_eager

from ...accounts.models import User
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ..kinds import Refused
from ..models import Board, LiveParticipant
from .boards import get_board_for_staff, hash_device, normalise_code

log = logging.getLogger(__name__)
REOPEN_HOURS = (1, 3, 24)  # what the control page offers
_SCOPE = "facilitation-live-wrong-code"


# --- the join window -------------------------------------------------------------------


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=get_timezone()).astimezone(UTC)


def join_window(board: Board) -> tuple[datetime, datetime]:
    """When the board takes new phones by itself (UTC): around its session's date."""
    config = current_app.config
    day = board.session.starts_on
    opens = _local_midnight(day - timedelta(days=config["LIVE_JOIN_DAYS_BEFORE"]))
    closes = _local_midnight(day + timedelta(days=config["LIVE_JOIN_DAYS_AFTER"] + 1))
    return opens, closes


def joining_open(board: Board, now: datetime | None = None) -> bool:
    """Whether a new phone may join the board now."""
    now = now or utcnow()
    if board.join_open_until is not None and now < board.join_open_until:
        return True
    opens, closes = join_window(board)
    return opens <= now < closes


def joining_status(board: Board, now: datetime | None = None) -> dict:
    """For the control page: ``open``, and ``until`` (open), ``opens`` (not yet) or
    ``closed_since`` (past) — aware UTC datetimes."""
    now = now or utcnow()
    opens, closes = join_window(board)
    reopened = board.join_open_until
    ends = [closes] if opens <= now < closes else []
    if reopened is not None and now < reopened:
        ends.append(reopened)
    if ends:
        return {"open": True, "until": max(ends), "opens": None, "closed_since": None}
    if now < opens:
        return {"open": False, "until": None, "opens": opens, "closed_since": None}
    since = max(closes, reopened) if reopened is not None else closes
    return {"open": False, "until": None, "opens": None, "closed_since": since}


def reopen_joining(actor: User, board: Board, hours: int) -> Board:
    """Staff let new phones join for ``hours`` from now (a session moved, a late group)."""
    get_board_for_staff(actor, board.id)
    if hours not in REOPEN_HOURS:
        raise ValidationError(_("Choose how long new phones may join."), "hours")
    board.join_open_until = utcnow() + timedelta(hours=hours)
    db.session.commit()
    return board


# --- wrong codes -------------------------------------------------------------------------


class CodeGuard:
    """Counts wrong codes, per address and overall (one per app, in ``app.extensions``)."""

    def __init__(self, storage_uri: str, per_address: str, overall: str):
        self.storage = storage_from_string(storage_uri)
        self.window = MovingWindowRateLimiter(self.storage)
        self.per_address = parse_many(per_address)
        self.overall = parse_many(overall)

    def _limits(self, address: str):
        for item in self.per_address:
            yield item, (_SCOPE, "address", address)
        for item in self.overall:
            yield item, (_SCOPE, "all")

    def blocked(self, address: str) -> bool:
        return any(not self.window.test(item, *keys) for item, keys in self._limits(address))

    def count(self, address: str) -> None:
        for item, keys in self._limits(address):
            self.window.hit(item, *keys)

    def reset(self) -> None:
        self.storage.reset()


def code_guard() -> CodeGuard:
    """The app's guard (made again if its settings changed)."""
    app = current_app._get_current_object()
    settings = (
        app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        app.config["LIVE_WRONG_CODES_PER_ADDRESS"],
        app.config["LIVE_WRONG_CODES_OVERALL"],
    )
    made = app.extensions.get("live_code_guard")
    if made is None or made[0] != settings:
        made = (settings, CodeGuard(*settings))
        app.extensions["live_code_guard"] = made
    return made[1]


def _limits_on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def too_many_wrong_codes(address: str) -> bool:
    """Whether codes typed from this address are refused for now."""
    if not _limits_on():
        return False
    try:
        return code_guard().blocked(address)
    except Exception as error:  # the limit store is down: let the room in
        log.warning("live: wrong-code limits unavailable (%s)", error.__class__.__name__)
        return False


def count_wrong_code(address: str) -> None:
    if not _limits_on():
        return
    try:
        code_guard().count(address)
    except Exception as error:
        log.warning("live: wrong-code limits unavailable (%s)", error.__class__.__name__)


def rate_limited() -> Refused:
    return Refused(
        "rate_limited",
        _("Too many wrong codes were typed from this network. Wait a minute, then try again."),
    )


# --- finding a board by its code -----------------------------------------------------------


def board_to_join(code: str | None, *, address: str) -> Board:
    """The board a new phone may join with this code.

    ``NotFound`` — the same for a wrong code and a board closed to new phones — counts
    as a wrong code for ``address``; ``Refused("rate_limited")`` once too many were.
    """
    if too_many_wrong_codes(address):
        raise rate_limited()
    code = normalise_code(code)
    board = (
        db.session.scalar(sa.select(Board).where(Board.join_code == code))
        if 0 < len(code) <= 12
        else None
    )
    if board is None or not joining_open(board):
        count_wrong_code(address)
        raise NotFound
    return board


def participant_for_code(code: str | None, device_key: str | None) -> LiveParticipant | None:
    """The phone (device key) that already joined the board of this code, or ``None``.

    One query, whether the code exists or not; the window does not apply (a phone that
    joined keeps following), and nothing is counted: without the device key of a phone
    of that board, this answers ``None`` whatever the code.
    """
    code = normalise_code(code)
    if not device_key or not 0 < len(code) <= 12:
        return None
    return db.session.scalar(
        sa.select(LiveParticipant)
        .join(Board, LiveParticipant.board_id == Board.id)
        .where(Board.join_code == code, LiveParticipant.device_hash == hash_device(device_key))
        .options(contains_eager(LiveParticipant.board))
    )
