"""Boards and their codes: created with the session, found by code (phones, screen)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...workshops import services as workshops
from ...workshops.models import WorkshopSession
from ..models import Board
from ..payloads import as_id

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read from the back of a room is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: object) -> str:
    """A code as typed (spaces, dashes, lower case) in its canonical spelling."""
    if not isinstance(raw, str):
        return ""
    return "".join(raw.split()).upper().replace("-", "")[:20]


def hash_device(device_key: str) -> str:
    return hashlib.sha256(device_key.encode()).hexdigest()


def board_for_session(actor: User, session: WorkshopSession) -> Board:
    """The session's board, created on first use (staff of the session's space only)."""
    session = workshops.get_session(actor, session.id)
    board = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
    if board is not None:
        return board
    for _attempt in range(5):
        board = Board(
            session_id=session.id, join_code=new_join_code(), screen_key=secrets.token_urlsafe(24)
        )
        db.session.add(board)
        try:
            db.session.commit()
            return board
        except IntegrityError:  # code already taken (or board created concurrently)
            db.session.rollback()
            existing = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
            if existing is not None:
                return existing
    raise ValidationError(_("Could not create the board. Please try again."))


def get_board_for_staff(actor: User, board_id: int) -> Board:
    board_id = as_id(board_id)
    board = db.session.get(Board, board_id) if board_id is not None else None
    if board is None:
        raise NotFound
    workshops.get_session(actor, board.session_id)  # raises NotFound outside their spaces
    return board


def find_board(code: str) -> Board:
    """The board with this join code, for staff and screens. A phone that is not yet on
    the board goes through ``access.board_to_join`` (join window, wrong-code limits)."""
    code = normalise_code(code)
    board = (
        db.session.scalar(sa.select(Board).where(Board.join_code == code))
        if 0 < len(code) <= 12
        else None
    )
    if board is None:
        raise NotFound
    return board


def find_board_for_screen(code: str, screen_key: object) -> Board:
    """The board of the projector: its code and its screen key, both right (``NotFound``
    for either wrong: a screen key is unguessable, the code alone tells nothing)."""
    board = find_board(code)
    key = screen_key.encode("utf-8", "replace") if isinstance(screen_key, str) else b""
    if not hmac.compare_digest(board.screen_key.encode(), key):
        raise NotFound
    return board
