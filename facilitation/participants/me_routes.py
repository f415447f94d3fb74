"""The participant's own pages ("mon parcours"), on their phone, without an account.

The phone is recognised by its ``fac_device`` cookie (the same as on the live board),
once a mediator confirmed its check-in or the person opened a one-time link.
"""

from __future__ import annotations

import json
import secrets

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..live.events import DEVICE_COOKIE
from . import me_bp, services

YEAR = 365 * 24 * 3600


def _me():
    return services.participant_for_device(request.cookies.get(DEVICE_COOKIE))


@me_bp.get("/")
def journey():
    """Mon parcours: sessions attended, co-animation, people brought — in plain words."""
    person = _me()
    if person is None:
        return render_template("participants/me_unknown.html", erased="efface" in request.args)
    return render_template(
        "participants/me.html", participant=person, journey=services.own_journey(person)
    )


@me_bp.get("/donnees")
def data():
    """Everything held on me (also as a file to keep)."""
    person = _me()
    if person is None:
        return redirect(url_for("me.journey"))
    held = services.export_data(person)
    if request.args.get("format") == "json":
        return Response(
            json.dumps(held, ensure_ascii=False, indent=2),
            mimetype="application/json",
            headers={"Content-Disposition": 'attachment; filename="mes-donnees.json"'},
        )
    return render_template("participants/me_data.html", participant=person, held=held)


@me_bp.route("/effacer", methods=["GET", "POST"])
def erase():
    """Erase everything held on me (respect of will). Anonymous counts stay."""
    person = _me()
    if person is None:
        return redirect(url_for("me.journey"))
    if request.method == "POST":
        services.self_erase(person)
        response = redirect(url_for("me.journey", efface=1))
        response.delete_cookie(DEVICE_COOKIE)
        flash(_("Everything held on you is erased. Thank you for taking part."), "success")
        return response
    return render_template("participants/me_erase.html", participant=person)


@me_bp.get("/lien/<token>")
def sign_in(token: str):
    """A one-time link from a mediator: this phone now opens your journey."""
    key = request.cookies.get(DEVICE_COOKIE) or secrets.token_urlsafe(32)
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
