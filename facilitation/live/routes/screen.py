"""The projected screen: join code, QR code, current activity and its results."""

from __future__ import annotations

from flask import g, render_template

from ...core import uploads
from ...images import services as images
from .. import bp, kinds, services
from ..models import Board
from .common import join_url, qr_svg


@bp.get("/ecran/<code>/<key>")
def screen(code: str, key: str):
    """The projected screen: join code, QR code, current activity and its results."""
    board = services.find_board_for_screen(code, key)
    return render_template("live/screen.html", **_screen_context(board))


@bp.get("/ecran/<code>/<key>/contenu")
def screen_content(code: str, key: str):
    """The screen's activity part, fetched again when the activity changes."""
    board = services.find_board_for_screen(code, key)
    return render_template("live/_screen_activity.html", **_screen_context(board))


@bp.get("/ecran/<code>/<key>/images/<int:image_id>")
@uploads.download_view
def screen_image(code: str, key: str, image_id: int):
    """A photo one of the board's activities shows, for the projector."""
    board = services.find_board_for_screen(code, key)
    return uploads.send(images.board_image(board, image_id).upload)


def _screen_context(board: Board) -> dict:
    g.live_view = "screen"  # photos through the screen's own links
    activity = board.current_activity
    url = join_url(board)
    return {
        "board": board,
        "activity": activity,
        "results": services.results(activity) if activity else None,
        "count": services.answer_count(activity) if activity else 0,
        "connected": services.connected_count(board),
        "join_url": url,
        "short_url": url.split("://", 1)[-1],
        "qr": qr_svg(url),
        "kinds": kinds,
    }
