"""The participant's own pages ("mon parcours"), on their phone, without an account.

The phone is recognised by its ``fac_device`` cookie (the same as on the live board),
once a mediator confirmed its check-in or the person opened a one-time link. A phone
that joined boards and is no one's still sees — and can erase — what it sent.
"""

from __future__ import annotations

import json
import secrets

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..live.events import DEVICE_COOKIE
from . import me_bp, services

YEAR = 365 * 24 * 3600


def _key() -> str | None:
    return request.cookies.get(DEVICE_COOKIE)


def _me():
    return services.participant_for_device(_key())


@me_bp.get("/")
def journey():
    """Mon parcours: sessions attended, co-animation, people brought — in plain words; the
    phones linked to the journey. A phone that is no one's: what it sent on the boards."""
    person = _me()
    if person is None:
        traces = services.phone_traces(_key())
        if traces:
            return render_template("participants/me_phone.html", traces=traces)
        return render_template("participants/me_unknown.html", erased="efface" in request.args)
    return render_template(
        "participants/me.html",
        participant=person,
        journey=services.own_journey(person),
        phones=services.phones_of(person, _key()),
    )


@me_bp.get("/donnees")
def data():
    """Everything held on me (also as a file to keep)."""
    person = _me()
    if person is None:
        return redirect(url_for("me.journey"))
    held = services.export_data(person, _key())
    if request.args.get("format") == "json":
        return Response(
            json.dumps(held, ensure_ascii=False, indent=2),
            mimetype="application/json",
            headers={"Content-Disposition": 'attachment; filename="mes-donnees.json"'},
        )
    return render_template(
        "participants/me_data.html",
        participant=person,
        held=held,
        traces=services.board_traces_of(person),
    )


@me_bp.route("/effacer", methods=["GET", "POST"])
def erase():
    """Erase everything held on me (respect of will) — or, for a phone that is no one's,
    what it sent on the boards. Anonymous counts stay."""
    person = _me()
    traces = services.phone_traces(_key()) if person is None else None
    if person is None and not traces:
        return redirect(url_for("me.journey"))
    if request.method == "POST":
        if person is not None:
            services.self_erase(person)
        else:
            services.erase_phone(_key())
        response = redirect(url_for("me.journey", efface=1))
        response.delete_cookie(DEVICE_COOKIE)
        flash(_("Everything held on you is erased. Thank you for taking part."), "success")
        return response
    return render_template("participants/me_erase.html", participant=person)


@me_bp.post("/confirmer")
def confirm_phone():
    """ "Oui, c'est moi": this phone is mine."""
    if _me() is not None:
        services.confirm_phone(_key())
        flash(_("Thank you: this phone is yours."), "success")
    return redirect(url_for("me.journey"))


@me_bp.post("/telephones/<int:phone_id>/retirer")
def unlink_phone(phone_id: int):
    """Remove a phone from my journey (this one, or another one)."""
    if _me() is None:
        return redirect(url_for("me.journey"))
    services.unlink_phone(_key(), phone_id)
    flash(_("This phone is no longer linked to your journey."), "success")
    return redirect(url_for("me.journey"))


@me_bp.route("/lien/<token>", methods=["GET", "POST"])
def sign_in(token: str):
    """A one-time link from a mediator. Opening it shows a button (a messaging app's link
    preview fetches the page: that must not spend the link); the button spends it, and
    this phone then opens the journey."""
    if request.method == "GET":
        services.check_sign_in_link(token)
        return render_template("participants/me_link.html", token=token)
    key = _key() or secrets.token_urlsafe(32)
    services.use_sign_in_link(token, key)
    response = redirect(url_for("me.journey"))
    response.set_cookie(
        DEVICE_COOKIE,
        key,
        max_age=YEAR,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
