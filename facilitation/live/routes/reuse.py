"""Staff: duplicate an activity, copy it to another session, clear its answers."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.exceptions import NotFound, ValidationError
from ...core.web import parse_id
from ...workshops import services as workshops
from .. import bp, kinds, services
from .staff import _staff_activity


def copy_targets(activity) -> list:
    """The sessions an activity can be copied to: the actor's next ones, not its own."""
    return [
        s
        for s in workshops.upcoming_sessions(current_user, date.today(), limit=30)
        if s.id != activity.board.session_id
    ]


@bp.post("/activites/<int:activity_id>/dupliquer")
@login_required
def duplicate_activity(activity_id: int):
    """A copy of the activity (no answers), right after it."""
    activity = _staff_activity(activity_id)
    services.duplicate_activity(current_user, activity)
    flash(_("The activity is duplicated: the copy is right after it."), "success")
    return redirect(url_for("live.control", session_id=activity.board.session_id))


@bp.post("/activites/<int:activity_id>/copier")
@login_required
def copy_activity(activity_id: int):
    """A copy of the activity (no answers) at the end of another session's plan."""
    activity = _staff_activity(activity_id)
    session_id = parse_id(request.form.get("session_id", ""))
    try:
        if session_id is None:
            raise NotFound
        session = workshops.get_session(current_user, session_id)
    except NotFound:
        flash(_("Choose one of your sessions."), "error")
        return redirect(url_for("live.edit_activity", activity_id=activity.id)), 303
    services.copy_activity(current_user, activity, session)
    flash(_("The activity is copied to the session « %(theme)s ».", theme=session.theme), "success")
    return redirect(url_for("live.edit_activity", activity_id=activity.id))


@bp.route("/activites/<int:activity_id>/reinitialiser", methods=["GET", "POST"])
@login_required
def reset_activity(activity_id: int):
    """Clear the activity's answers, after a confirmation (written in the audit log)."""
    activity = _staff_activity(activity_id)
    error = None
    if request.method == "POST":
        try:
            services.reset_activity(
                current_user, activity, confirmed=request.form.get("confirm") == "1"
            )
        except ValidationError as refused:
            error = refused.message
        else:
            flash(_("The answers are cleared: the activity starts again."), "success")
            return redirect(url_for("live.control", session_id=activity.board.session_id))
    return render_template(
        "live/reset_activity.html",
        activity=activity,
        board=activity.board,
        results=services.results(activity),
        count=services.answer_count(activity),
        kinds_label=kinds.get(activity.kind).label,
        error=error,
    ), (422 if error else 200)
