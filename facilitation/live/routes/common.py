"""Helpers shared by the live board's pages: links, QR code, form fields."""

from __future__ import annotations

from flask import g, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from ...core import network, qr
from ...core.exceptions import NotFound
from .. import bp, services
from ..models import Board

YEAR = 365 * 24 * 3600


@bp.app_template_filter("decimal")
def decimal(value) -> str:
    """A number as the board's language writes it: « 2,0 » in French, "2.0" in English."""
    return "" if value is None else format_decimal(value, "0.0")


@bp.app_template_global("timer_of")
def timer_of(activity):
    """The countdown of an activity, for the templates (``live/_macros.html`` timer)."""
    return services.timer_of(activity)


@bp.app_template_global("board_image")
def board_image(board, image_id):
    """A photo of the library as this page may show it: ``{"src", "alt"}`` (or None).

    Phones and the screen fetch it through the board (only photos its activities show);
    staff pages through the library. ``g.live_view`` says which page is rendered."""
    from ...images import services as images

    try:
        image = images.board_image(board, image_id)
    except NotFound:
        return None
    view = g.get("live_view")
    if view == "screen":
        src = url_for(
            "live.screen_image", code=board.join_code, key=board.screen_key, image_id=image.id
        )
    elif view == "phone":
        src = url_for("live.phone_image", code=board.join_code, image_id=image.id)
    else:
        src = url_for("images.file", image_id=image.id)
    return {
        "src": src,
        "alt": image.alt,
        "width": image.upload.width,
        "height": image.upload.height,
    }


def join_url(board: Board) -> str:
    """The link phones open (QR code, short URL): the laptop's network address when the
    screen is opened on 127.0.0.1 while the server listens on the room's network."""
    return network.for_phones(url_for("live.board", code=board.join_code, _external=True))


def screen_url(board: Board) -> str:
    return url_for("live.screen", code=board.join_code, key=board.screen_key, _external=True)


def qr_svg(url: str) -> Markup:
    """The join link as an inline SVG QR code (no image request, no third party)."""
    return qr.qr_svg(url, title=_("QR code to join: %(url)s", url=url))


def control_payload() -> tuple[str, dict]:
    """A control form's action and fields, ids read as integers (staff and co-animator)."""
    payload: dict = {}
    for key, value in request.form.items():
        if key in ("csrf_token", "action"):
            continue
        if key in ("activity_id", "contribution_id", "participant_id", "seconds", "image_id"):
            value = as_int(value)
        elif key in ("hidden", "revealed", "answered"):
            value = value == "1"
        payload[key] = value
    return request.form.get("action", ""), payload


def as_int(value: str):
    """A form's number as an int (the service bounds it), or the text itself (refused)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
