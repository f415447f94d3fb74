"""Helpers of the attendance and journey tests: sessions in a row, phones on boards."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import Board, LiveParticipant
from facilitation.workshops.models import WorkshopSession

from .. import factories


def sessions_in_a_row(world, count: int = 3, *, cycle=None, start: date | None = None) -> list:
    """``count`` sessions a week apart, in 2030 (after the world's own session).

    In the world's cycle unless another is given.
    """
    start = start or date(2030, 1, 7)
    return [
        factories.session(
            cycle or world.cycle, theme=f"Séance {i + 1}", starts_on=start + timedelta(weeks=i)
        )
        for i in range(count)
    ]


def board_of(world, session: WorkshopSession, actor=None) -> Board:
    return live.board_for_session(actor or world.mediator, session)


def phone(board: Board, key: str, pseudonym: str | None = None) -> LiveParticipant:
    return live.join(board, key, pseudonym=pseudonym, language="fr")


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
