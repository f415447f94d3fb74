"""Boards and their codes: created with the session, found by code (phones, screen)."""

from __future__ import annotations

import hashlib
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

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read from the back of a room is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    return "".join((raw or "").split()).upper().replace("-", "")


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
    board = db.session.get(Board, board_id)
    if board is None:
        raise NotFound
    workshops.get_session(actor, board.session_id)  # raises NotFound outside their spaces
    return board


def find_board(code: str) -> Board:
    """The board with this join code (public: phones join by code)."""
    board = db.session.scalar(sa.select(Board).where(Board.join_code == normalise_code(code)))
    if board is None:
        raise NotFound
    return board


def find_board_for_screen(code: str, screen_key: str) -> Board:
    board = find_board(code)
    if not secrets.compare_digest(board.screen_key, screen_key or ""):
        raise NotFound
    return board
