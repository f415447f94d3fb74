"""The projector: « étape N sur 5 », large, read-only; it follows the staff's page.

Opened like the live board's screen, by the board's screen key (no login on the
projector's browser); the content part is fetched again every few seconds (htmx)."""

from __future__ import annotations

import secrets

from flask import render_template, url_for

from ...core.exceptions import NotFound
from ...core.qr import qr_svg
from ...extensions import db
from ...live import services as live
from .. import bp, services
from ..models import Bilan


def _bilan_for_screen(bilan_id: int, key: str) -> Bilan:
    bilan = db.session.get(Bilan, bilan_id)
    board = services.board_of(bilan) if bilan is not None else None
    if board is None or not secrets.compare_digest(board.screen_key.encode(), key.encode()):
        raise NotFound
    return bilan


def screen_url(bilan: Bilan) -> str:
    board = services.board_of(bilan)
    return url_for("bilans.screen", bilan_id=bilan.id, key=board.screen_key)


def phone_url(bilan: Bilan, *, external: bool = True) -> str:
    board = services.board_of(bilan)
    return url_for("bilans.phone", code=board.join_code, _external=external)


def _context(bilan: Bilan, key: str) -> dict:
    section = services.current_section(bilan)
    board = services.board_of(bilan)
    url = phone_url(bilan)
    return {
        "bilan": bilan,
        "key": key,
        "board": board,
        "section": section,
        "themes": services.themes(section) if section else [],
        "revealed": services.revealed(section) if section else False,
        "all_themes": services.top_themes(bilan),
        "figures": services.figures(bilan),
        "step_labels": services.STEP_LABELS,
        "steps": services.STEPS,
        "pen_label": services.pen_label(section) if section else "",
        "connected": live.connected_count(board),
        "phone_url": url,
        "short_url": url.split("://", 1)[-1],
        "qr": qr_svg(url, title=url),
    }


@bp.get("/bilans/<int:bilan_id>/ecran/<key>")
def screen(bilan_id: int, key: str):
    """The bilan on the projector."""
    bilan = _bilan_for_screen(bilan_id, key)
    return render_template("bilans/screen.html", **_context(bilan, key))


@bp.get("/bilans/<int:bilan_id>/ecran/<key>/contenu")
def screen_content(bilan_id: int, key: str):
    """The projector's content, fetched again every few seconds."""
    bilan = _bilan_for_screen(bilan_id, key)
    return render_template("bilans/_screen.html", **_context(bilan, key))
