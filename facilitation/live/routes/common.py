"""Helpers shared by the live board's pages: links, QR code, form fields."""

from __future__ import annotations

import segno
from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..models import Board

YEAR = 365 * 24 * 3600


def join_url(board: Board) -> str:
    return url_for("live.board", code=board.join_code, _external=True)


def screen_url(board: Board) -> str:
    return url_for("live.screen", code=board.join_code, key=board.screen_key, _external=True)


def qr_svg(url: str) -> Markup:
    """The join link as an inline SVG QR code (no image request, no third party)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=8,
        border=2,
        dark="#000",
        light="#fff",
        omitsize=True,
        title=_("QR code to join: %(url)s", url=url),
    )
    # segno writes the SVG itself and escapes the title: no outside markup gets in.
    return Markup(svg)  # noqa: S704  # nosec B704


def control_payload() -> tuple[str, dict]:
    """A control form's action and fields, ids read as integers (staff and co-animator)."""
    payload: dict = {}
    for key, value in request.form.items():
        if key in ("csrf_token", "action"):
            continue
        if key in ("activity_id", "contribution_id", "participant_id"):
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
