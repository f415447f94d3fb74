"""Staff: the control page of a session's board, its activities, driving it."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.exceptions import NotFound, ValidationError
from ...core.web import attach_error, form_status, is_htmx
from ...extensions import db
from ...workshops import services as workshops
from .. import bp, kinds, services
from ..forms import ActivityForm
from ..kinds import Refused
from ..models import Activity, Board
from ..payloads import as_id
from .common import as_int, control_payload, join_url, screen_url


def _staff_board(board_id: int) -> Board:
    return services.get_board_for_staff(current_user, board_id)


def _staff_activity(activity_id: int) -> Activity:
    activity_id = as_id(activity_id)
    activity = db.session.get(Activity, activity_id) if activity_id is not None else None
    if activity is None:
        raise NotFound
    services.get_board_for_staff(current_user, activity.board_id)
    return activity


def _library(board: Board) -> list:
    from ...images import services as images

    return images.list_images(board.session.cycle.space.organisation_id)


def _copy_targets(activity: Activity) -> list:
    from .reuse import copy_targets  # the reuse routes import this module

    return copy_targets(activity)


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
        "answered": services.who_answered(board, activity),
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
        "library": _library(board),
    }


# --- staff: preparing and driving ----------------------------------------------------


@bp.get("/seances/<int:session_id>/tableau")
@login_required
def control(session_id: int):
    """The control page of a session's live board (created on first visit)."""
    if as_id(session_id) is None:  # no such row could exist (and SQLite would overflow)
        raise NotFound
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
    if request.form.get("choose_kind"):  # no JavaScript: show the chosen type's settings
        template = "live/_activities.html" if is_htmx() else "live/control.html"
        return render_template(template, **_control_context(board, form))
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
        copy_targets=_copy_targets(activity),
        library=_library(activity.board),
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


@bp.post("/tableaux/<int:board_id>/commande")
@login_required
def command(board_id: int):
    """Drive the board from the control page (next, open, reveal, moderate, hand over…)."""
    board = _staff_board(board_id)
    action, payload = control_payload()
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
        services.reopen_joining(current_user, board, as_int(request.form.get("heures", "")))
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(_("New phones can join again."), "success")
    return redirect(url_for("live.control", session_id=board.session_id))
