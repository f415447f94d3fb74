"""HTTP side of the live board: control page (staff), screen (projector), phone pages.

The phone pages work without JavaScript: every answer is a plain form POST, and the
same service stores it as over Socket.IO (``events.py``).
"""

from __future__ import annotations

import secrets

import segno
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from ..core.exceptions import NotFound, ValidationError
from ..core.i18n import LANG_COOKIE
from ..core.web import attach_error, form_status, is_htmx
from ..extensions import db
from ..workshops import services as workshops
from . import bp, kinds, services
from .events import DEVICE_COOKIE
from .forms import ActivityForm, JoinCodeForm, JoinForm, answer_from_fields
from .kinds import Refused
from .models import Activity, Board
from .payloads import as_id
from .ratelimit import control_limiter, participant_limiter

YEAR = 365 * 24 * 3600


# --- helpers ------------------------------------------------------------------------


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
    return Markup(svg)  # noqa: S704 (segno's own SVG markup)


def _staff_board(board_id: int) -> Board:
    return services.get_board_for_staff(current_user, board_id)


def _staff_activity(activity_id: int) -> Activity:
    activity_id = as_id(activity_id)
    activity = db.session.get(Activity, activity_id) if activity_id is not None else None
    if activity is None:
        raise NotFound
    services.get_board_for_staff(current_user, activity.board_id)
    return activity


def _attach_error(form: ActivityForm, error: ValidationError) -> None:
    """A refused setting ("config") goes on top of the form: ``form.config`` is the form's
    method, not a field, and attaching the message to it crashed the page (500)."""
    attach_error(form, ValidationError(error.message) if error.field == "config" else error)


def _control_context(board: Board, form: ActivityForm | None = None) -> dict:
    activity = board.current_activity
    return {
        "board": board,
        "session": board.session,
        "activity": activity,
        "results": services.results(activity) if activity else None,
        "count": services.answer_count(activity) if activity else 0,
        "contributions": services.contributions(activity, include_hidden=True)
        if activity is not None and kinds.get(activity.kind).takes_contributions
        else [],
        "people": services.connected_participants(board),
        "handover": services.active_handover(board),
        "form": form or ActivityForm(formdata=None),
        "join_url": join_url(board),
        "screen_url": screen_url(board),
        "joining": services.joining_status(board),
        "reopen_hours": services.REOPEN_HOURS,
        "kinds": kinds,
    }


# --- staff: preparing and driving ----------------------------------------------------


@bp.get("/seances/<int:session_id>/tableau")
@login_required
def control(session_id: int):
    """The control page of a session's live board (created on first visit)."""
    session = workshops.get_session(current_user, session_id)
    board = services.board_for_session(current_user, session)
    return render_template("live/control.html", **_control_context(board))


@bp.get("/tableaux/<int:board_id>/panneau")
@login_required
def panel(board_id: int):
    """The control panel's live part (current activity, results, people), for htmx."""
    board = _staff_board(board_id)
    return render_template("live/_control_panel.html", **_control_context(board))


@bp.post("/tableaux/<int:board_id>/activites")
@login_required
def add_activity(board_id: int):
    """Add an activity at the end of the session's plan."""
    board = _staff_board(board_id)
    form = ActivityForm()
    if form.validate_on_submit():
        try:
            services.add_activity(
                current_user,
                board,
                kind=form.kind.data,
                prompt=form.prompt.data,
                config=form.config(),
            )
        except ValidationError as error:
            _attach_error(form, error)
        else:
            if not is_htmx():
                flash(_("The activity is added."), "success")
                return redirect(url_for("live.control", session_id=board.session_id))
            form = ActivityForm(formdata=None)
    db.session.refresh(board)
    template = "live/_activities.html" if is_htmx() else "live/control.html"
    return render_template(template, **_control_context(board, form)), form_status(form)


@bp.route("/activites/<int:activity_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_activity(activity_id: int):
    """Change an activity's wording or settings (settings only before anyone answered)."""
    activity = _staff_activity(activity_id)
    form = ActivityForm()
    if request.method == "GET":
        form.fill_from(activity)
    elif form.validate_on_submit():
        form.kind.data = activity.kind.value  # the type does not change once created
        try:
            services.update_activity(
                current_user, activity, prompt=form.prompt.data, config=form.config()
            )
        except ValidationError as error:
            _attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("live.control", session_id=activity.board.session_id))
    return render_template(
        "live/activity_form.html",
        form=form,
        activity=activity,
        board=activity.board,
        kinds_label=kinds.get(activity.kind).label,
    ), form_status(form)


@bp.post("/activites/<int:activity_id>/supprimer")
@login_required
def delete_activity(activity_id: int):
    """Remove an activity and its answers."""
    activity = _staff_activity(activity_id)
    board = activity.board
    services.delete_activity(current_user, activity)
    flash(_("The activity is removed."), "info")
    return redirect(url_for("live.control", session_id=board.session_id))


@bp.post("/activites/<int:activity_id>/deplacer")
@login_required
def move_activity(activity_id: int):
    """Move an activity up or down in the plan."""
    activity = _staff_activity(activity_id)
    board = activity.board
    services.move_activity(current_user, activity, -1 if request.form.get("to") == "up" else 1)
    db.session.refresh(board)
    if is_htmx():
        return render_template("live/_activities.html", **_control_context(board))
    return redirect(url_for("live.control", session_id=board.session_id))


def _control_payload() -> tuple[str, dict]:
    payload: dict = {}
    for key, value in request.form.items():
        if key in ("csrf_token", "action"):
            continue
        if key in ("activity_id", "contribution_id", "participant_id"):
            value = _as_int(value)
        elif key in ("hidden", "revealed", "answered"):
            value = value == "1"
        payload[key] = value
    return request.form.get("action", ""), payload


@bp.post("/tableaux/<int:board_id>/commande")
@login_required
def command(board_id: int):
    """Drive the board from the control page (next, open, reveal, moderate, hand over…)."""
    board = _staff_board(board_id)
    action, payload = _control_payload()
    try:
        services.control(services.Actor(user=current_user), board, action, payload)
    except Refused as refused:
        db.session.rollback()
        if not is_htmx():
            flash(refused.message, "error")
        error = refused.message
    else:
        error = None
    db.session.refresh(board)
    if is_htmx():
        return render_template(
            "live/_control_panel.html", error=error, **_control_context(board)
        ), (422 if error else 200)
    return redirect(url_for("live.control", session_id=board.session_id))


@bp.post("/tableaux/<int:board_id>/ouvrir")
@login_required
def reopen(board_id: int):
    """Let new phones join again for a while (a session moved, a group came late)."""
    board = _staff_board(board_id)
    try:
        services.reopen_joining(current_user, board, _as_int(request.form.get("heures", "")))
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(_("New phones can join again."), "success")
    return redirect(url_for("live.control", session_id=board.session_id))


# --- the projector ------------------------------------------------------------------


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


def _screen_context(board: Board) -> dict:
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


# --- phones ---------------------------------------------------------------------------


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


def _phone_context(board: Board, participant, **extra) -> dict:
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


def _as_int(value: str):
    """A form's number as an int (the service bounds it), or the text itself (refused)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _int_field(name: str):
    value = _as_int(request.form.get(name, ""))
    return value if isinstance(value, int) else None


def _phone_response(board: Board, context: dict, status: int):
    if is_htmx():
        return render_template("live/_phone_activity.html", **context), status
    return render_template("live/phone.html", **context), status


@bp.post("/j/<code>/commande")
def phone_command(code: str):
    """A co-animating participant drives the board from their phone."""
    board, participant = _joined(code)
    action, payload = _control_payload()
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
