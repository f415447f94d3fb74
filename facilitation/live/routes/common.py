"""Helpers shared by the live board's pages: links, QR code, form fields."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ...core import qr
from .. import bp, services
from ..models import Board

YEAR = 365 * 24 * 3600


@bp.app_template_global("timer_of")
def timer_of(activity):
    """The countdown of an activity, for the templates (``live/_macros.html`` timer)."""
    return services.timer_of(activity)


def join_url(board: Board) -> str:
    return url_for("live.board", code=board.join_code, _external=True)


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
        if key in ("activity_id", "contribution_id", "participant_id", "seconds"):
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
