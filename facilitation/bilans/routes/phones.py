"""The bilan on the phones that joined its board: follow the text, propose a sentence;
a co-animating phone (the board handed to it) can hold the pen."""

from __future__ import annotations

import sqlalchemy as sa
from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...live import services as live
from ...live.events import DEVICE_COOKIE
from .. import bp, services
from ..models import Bilan


def _phone_and_bilan(code: str):
    phone = live.participant_for_code(code, request.cookies.get(DEVICE_COOKIE))
    if phone is None:
        return None, None
    board = phone.board
    bilan = db.session.scalar(
        sa.select(Bilan).where(Bilan.session_id == board.session_id).order_by(Bilan.id.desc())
    )
    if bilan is None:
        raise NotFound
    return phone, bilan


def _context(phone, bilan, **extra) -> dict:
    section = services.current_section(bilan)
    me = services.phone_pen(phone)
    board = services.board_of(bilan)
    return {
        "bilan": bilan,
        "phone": phone,
        "section": section,
        "code": board.join_code,
        "step_labels": services.STEP_LABELS,
        "steps": services.STEPS,
        "mine": section is not None and section.pen == me,
        "can_take_pen": live.can_control(live.Actor(participant=phone), board),
        "pen_label": services.pen_label(section, me) if section else "",
        **extra,
    }


def _render(phone, bilan, status=200, **extra):
    response = make_response(
        render_template("bilans/phone.html", **_context(phone, bilan, **extra))
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/j/<code>/bilan")
def phone(code: str):
    """Our bilan on the phone: the step, the section being written, propose a sentence."""
    phone, bilan = _phone_and_bilan(code)
    if phone is None:
        return redirect(url_for("live.board", code=code))
    return _render(phone, bilan)


@bp.get("/j/<code>/bilan/contenu")
def phone_content(code: str):
    """The part that follows the projector, fetched again every few seconds."""
    phone, bilan = _phone_and_bilan(code)
    if phone is None:
        raise NotFound
    response = make_response(render_template("bilans/_phone.html", **_context(phone, bilan)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/j/<code>/bilan/proposer")
def propose(code: str):
    """Propose a sentence for the section being written (anonymous)."""
    phone, bilan = _phone_and_bilan(code)
    if phone is None:
        return redirect(url_for("live.board", code=code))
    section = services.current_section(bilan)
    if section is None:
        raise NotFound
    try:
        services.propose(section, phone, request.form.get("text"), request.form.get("client_id"))
    except ValidationError as error:
        return _render(phone, bilan, 422, error=error.message, typed=request.form.get("text", ""))
    return _render(phone, bilan, sent=_("Sent ✓ The pen holder will read it."))


@bp.post("/j/<code>/bilan/ecrire")
def write(code: str):
    """A co-animating phone takes the pen, or saves the section it holds."""
    phone, bilan = _phone_and_bilan(code)
    if phone is None:
        return redirect(url_for("live.board", code=code))
    section = services.current_section(bilan)
    if section is None:
        raise NotFound
    me = services.phone_pen(phone)
    try:
        if request.form.get("take"):
            services.take_pen(section, me, phone=phone)
            return _render(phone, bilan)
        services.save(section, me, request.form.get("text", ""), request.form.get("version"))
    except services.SectionConflict as clash:
        return _render(phone, bilan, 409, error=clash.message, typed=clash.mine)
    except ValidationError as error:
        return _render(phone, bilan, 422, error=error.message, typed=request.form.get("text", ""))
    return _render(phone, bilan, sent=_("Saved ✓"))
