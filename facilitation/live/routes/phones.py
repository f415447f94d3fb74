"""Phones: joining by code, following the board, answering without JavaScript.

The phone pages work without JavaScript: every answer is a plain form POST, and the
same service stores it as over Socket.IO (``events.py``).
"""

from __future__ import annotations

import secrets

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core import uploads
from ...core.exceptions import NotFound, ValidationError
from ...core.i18n import LANG_COOKIE
from ...core.web import attach_error, form_status, is_htmx
from ...extensions import db
from ...images import services as images
from .. import bp, kinds, services
from ..events import DEVICE_COOKIE
from ..forms import answer_from_fields
from ..kinds import Refused
from ..models import Board
from ..phone_forms import JoinCodeForm, JoinForm
from ..ratelimit import control_limiter, participant_limiter
from .common import YEAR, as_int, control_payload


def _device_key() -> str | None:
    return request.cookies.get(DEVICE_COOKIE)


def _address() -> str:
    return request.remote_addr or "unknown"  # ProxyFix has read X-Forwarded-For


def _joined(code: str):
    """The phone on the board of this code. Any other phone — whatever the code: wrong,
    right, closed — is sent to the join page, which alone checks codes."""
    participant = services.participant_for_code(code, _device_key())
    if participant is None:
        abort(redirect(url_for("live.board", code=services.normalise_code(code) or code)))
    return participant.board, participant


PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@bp.get("/j/<code>/present.gif")
def phone_present(code: str):
    """Fetched only by phones without JavaScript (a <noscript> image of the board page):
    they count as connected while they are on it."""
    board, participant = _joined(code)
    services.page_seen(board, participant)
    response = make_response(PIXEL)
    response.headers["Content-Type"] = "image/gif"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/j/<code>/images/<int:image_id>")
@uploads.download_view
def phone_image(code: str, image_id: int):
    """A photo one of the board's activities shows, for a phone that joined it."""
    board, _participant = _joined(code)
    return uploads.send(images.board_image(board, image_id).upload)


def _phone_context(board: Board, participant, **extra) -> dict:
    g.live_view = "phone"  # photos through the phone's own links
    activity = board.current_activity
    context = {
        "board": board,
        "participant": participant,
        "activity": activity,
        "mine": services.my_answer(participant, activity) if activity else None,
        "results": services.results(activity)
        if activity is not None and activity.results_visible
        else None,
        "ideas": services.contributions(activity)
        if activity is not None and kinds.get(activity.kind).takes_contributions
        else [],
        "can_control": services.can_control(services.Actor(participant=participant), board),
        "client_id": secrets.token_urlsafe(12),
        "kinds": kinds,
        "error": None,
        "received": False,
    }
    context.update(extra)
    return context


NO_SUCH_CODE = _l("No session has this code right now. Check the code on the screen.")


def _too_many_codes(form: JoinCodeForm, refused: Refused):
    form.code.errors = [refused.message]
    return render_template("live/join_code.html", form=form), 429


@bp.route("/j", methods=["GET", "POST"])
def join_code():
    """Type the code shown on the screen."""
    form = JoinCodeForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
        form.code.errors = [str(NO_SUCH_CODE)]
    elif form.validate_on_submit():
        try:
            board = services.board_to_join(form.code.data, address=_address())
        except NotFound:
            form.code.errors = [str(NO_SUCH_CODE)]
        except Refused as refused:
            return _too_many_codes(form, refused)
        else:
            return redirect(url_for("live.board", code=board.join_code))
    return render_template("live/join_code.html", form=form), form_status(form)


@bp.route("/j/<code>", methods=["GET", "POST"])
def board(code: str):
    """Join a session (pseudonym or anonymous, language), then follow it.

    A phone that joined is known by its device key, before any code is checked: it
    keeps following when the board no longer takes new phones. Any other request is a
    code tried (counted when wrong); "no such code" and "closed" look the same.
    """
    canonical = services.normalise_code(code)
    if canonical != code:
        target = url_for("live.board", code=canonical) if canonical else url_for("live.join_code")
        return redirect(target)
    participant = services.participant_for_code(code, _device_key())
    if participant is not None:
        board = participant.board
    else:
        try:
            board = services.board_to_join(code, address=_address())
        except NotFound:
            return redirect(url_for("live.join_code", code=code))
        except Refused as refused:
            return _too_many_codes(JoinCodeForm(formdata=None, code=code), refused)
    form = JoinForm()
    languages = current_app.config["LANGUAGES"]
    form.language.choices = list(languages.items())
    if request.method == "GET" and participant is not None and "changer" not in request.args:
        return render_template("live/phone.html", **_phone_context(board, participant))
    if request.method == "GET":
        form.language.data = request.cookies.get(LANG_COOKIE, "fr")
        if participant is not None:
            form.pseudonym.data = participant.pseudonym
    if form.validate_on_submit():
        # A phone keeps its device key from board to board: known again once checked in.
        key = _device_key() or secrets.token_urlsafe(32)
        try:
            services.join(board, key, pseudonym=form.pseudonym.data, language=form.language.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            response = redirect(url_for("live.board", code=board.join_code))
            secure = current_app.config["SESSION_COOKIE_SECURE"]
            response.set_cookie(
                DEVICE_COOKIE, key, max_age=YEAR, httponly=True, samesite="Lax", secure=secure
            )
            response.set_cookie(
                LANG_COOKIE,
                form.language.data,
                max_age=YEAR,
                httponly=True,
                samesite="Lax",
                secure=secure,
            )
            return response
    return render_template("live/join.html", form=form, board=board), form_status(form)


@bp.get("/j/<code>/activite")
def phone_activity(code: str):
    """The phone's current activity (form, waiting, or results), for htmx."""
    board, participant = _joined(code)
    return render_template("live/_phone_activity.html", **_phone_context(board, participant))


def _phone_submit(board: Board, participant, store) -> tuple[dict, int]:
    try:
        if not participant_limiter.allow(participant.id):
            raise Refused("rate_limited", _("Slow down a little, then send again."))
        store(participant)
    except Refused as refused:
        db.session.rollback()
        return _phone_context(board, participant, error=refused.message), 422
    return _phone_context(board, participant, received=True), 200


@bp.post("/j/<code>/repondre")
def phone_answer(code: str):
    """Store an answer sent by a plain form (no JavaScript, or no socket)."""
    board, participant = _joined(code)

    def store(participant):
        activity = services.get_activity(board, _int_field("activity_id"))
        fields = {k: request.form.getlist(k) for k in request.form}
        services.submit_answer(
            participant,
            activity.id,
            request.form.get("client_id"),
            answer_from_fields(activity.kind, fields),
        )

    return _phone_response(board, *_phone_submit(board, participant, store))


@bp.post("/j/<code>/contribuer")
def phone_contribute(code: str):
    """Add a post-it or a question by a plain form."""
    board, participant = _joined(code)

    def store(participant):
        services.contribute(
            participant,
            _int_field("activity_id"),
            request.form.get("client_id"),
            request.form.get("text"),
        )

    return _phone_response(board, *_phone_submit(board, participant, store))


def _int_field(name: str):
    value = as_int(request.form.get(name, ""))
    return value if isinstance(value, int) else None


def _phone_response(board: Board, context: dict, status: int):
    if is_htmx():
        return render_template("live/_phone_activity.html", **context), status
    return render_template("live/phone.html", **context), status


@bp.post("/j/<code>/commande")
def phone_command(code: str):
    """A co-animating participant drives the board from their phone."""
    board, participant = _joined(code)
    action, payload = control_payload()
    error = None
    try:
        if not control_limiter.allow(("participant", participant.id)):
            raise Refused("rate_limited", _("Slow down a little, then send again."))
        services.control(services.Actor(participant=participant), board, action, payload)
    except Refused as refused:
        db.session.rollback()
        error = refused.message
    db.session.refresh(board)
    context = _phone_context(board, participant, error=error)
    template = "live/_phone_activity.html" if is_htmx() else "live/phone.html"
    return render_template(template, **context), (422 if error else 200)


@bp.post("/j/<code>/quitter")
def leave(code: str):
    """Leave the session on this phone: forget the device (its answers stay, anonymous)."""
    response = make_response(redirect(url_for("live.join_code")))
    response.delete_cookie(DEVICE_COOKIE)
    flash(_("You have left the session. Thank you for taking part!"), "info")
    return response
