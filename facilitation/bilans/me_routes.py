"""« Notre bilan » in /moi: the finalised bilans of what the person took part in."""

from __future__ import annotations

from flask import render_template, request

from ..live.events import DEVICE_COOKIE
from ..participants import services as participants
from . import me_bp, services
from .services import documents


def _me():
    return participants.participant_for_device(request.cookies.get(DEVICE_COOKIE))


@me_bp.get("/")
def index():
    """Our bilans: the finalised ones of the sessions, cycles and projects I took part in."""
    person = _me()
    bilans = services.bilans_of(person) if person is not None else []
    return render_template("bilans/me_index.html", bilans=bilans, known=person is not None)


@me_bp.get("/<int:bilan_id>")
def detail(bilan_id: int):
    """A short version of our bilan, for the phone."""
    bilan = services.bilan_of(_me(), bilan_id)
    return render_template("bilans/me_bilan.html", doc=documents.document(bilan))
