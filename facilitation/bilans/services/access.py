"""Who reaches a bilan: staff of its space (NotFound elsewhere); the phones that joined
its board (to propose a sentence); the people who took part (finalised bilans only)."""

from __future__ import annotations

import sqlalchemy as sa

from ...accounts.models import User
from ...core.exceptions import NotFound
from ...extensions import db
from ...live import bus
from ...live import services as live
from ...live.models import Board, LiveParticipant
from ...spaces import services as spaces
from ...spaces.models import Space
from ..models import Bilan, BilanSection

TOPIC = "bilan"  # bus topic: publish(TOPIC, bilan_id)


def visible_bilans_select(actor: User) -> sa.Select:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(Bilan).where(Bilan.space_id.in_(visible))


def get_bilan(actor: User, bilan_id: int) -> Bilan:
    bilan = db.session.scalar(visible_bilans_select(actor).where(Bilan.id == bilan_id))
    if bilan is None:
        raise NotFound
    return bilan


def get_section(bilan: Bilan, section_id: int) -> BilanSection:
    section = db.session.get(BilanSection, section_id)
    if section is None or section.bilan_id != bilan.id:
        raise NotFound
    return section


def board_of(bilan: Bilan) -> Board | None:
    return db.session.scalar(sa.select(Board).where(Board.session_id == bilan.session_id))


def phone_for(bilan: Bilan, device_key: str | None) -> LiveParticipant:
    """The phone, as it joined the bilan's board; NotFound for any other phone."""
    board = board_of(bilan)
    phone = live.participant_for_device(board, device_key) if board is not None else None
    if phone is None:
        raise NotFound
    return phone


def get_bilan_for_phone(bilan_id: int, device_key: str | None) -> tuple[Bilan, LiveParticipant]:
    bilan = db.session.get(Bilan, bilan_id)
    if bilan is None:
        raise NotFound
    return bilan, phone_for(bilan, device_key)


def changed(bilan: Bilan) -> None:
    """Tell the screens and phones (after the commit)."""
    bus.publish(TOPIC, bilan.id)
