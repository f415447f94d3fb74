"""Cycles and sessions: create, view, edit, archive. htmx-enhanced, plain pages without JS."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status, is_htmx, redirect_to
from ..participants import services as participants
from ..spaces import services as spaces
from . import bp, services
from .forms import CycleForm, SessionForm


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff."""


# --- cycles -----------------------------------------------------------------


@bp.route("/espaces/<int:space_id>/cycles/nouveau", methods=["GET", "POST"])
def create_cycle(space_id: int):
    """Create a cycle of workshops in a space."""
    space = spaces.get_space(current_user, space_id)
    form = CycleForm()
    if form.validate_on_submit():
        try:
            cycle = services.create_cycle(
                current_user, space, title=form.title.data, description=form.description.data
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The cycle “%(title)s” is created.", title=cycle.title), "success")
            return redirect_to("workshops.cycle", cycle_id=cycle.id)
    return render_template(
        "workshops/cycle_form.html", form=form, space=space, cycle=None
    ), form_status(form)


@bp.get("/cycles/<int:cycle_id>")
def cycle(cycle_id: int):
    """A cycle and its sessions, with a form to add one in place."""
    cycle = services.get_cycle(current_user, cycle_id)
    return render_template(
        "workshops/cycle.html", cycle=cycle, space=cycle.space, form=SessionForm(formdata=None)
    )


@bp.route("/cycles/<int:cycle_id>/modifier", methods=["GET", "POST"])
def edit_cycle(cycle_id: int):
    """Rename or describe a cycle."""
    cycle = services.get_cycle(current_user, cycle_id)
    form = CycleForm(obj=cycle)
    if form.validate_on_submit():
        try:
            services.update_cycle(
                current_user, cycle, title=form.title.data, description=form.description.data
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect_to("workshops.cycle", cycle_id=cycle.id)
    return render_template(
        "workshops/cycle_form.html", form=form, space=cycle.space, cycle=cycle
    ), form_status(form)


@bp.post("/cycles/<int:cycle_id>/archiver")
def archive_cycle(cycle_id: int):
    """Archive a cycle (or reopen it)."""
    cycle = services.get_cycle(current_user, cycle_id)
    archived = request.form.get("archived", "1") == "1"
    services.set_cycle_archived(current_user, cycle, archived)
    flash(_("The cycle is archived.") if archived else _("The cycle is open again."), "info")
    return redirect_to("workshops.cycle", cycle_id=cycle.id)


# --- sessions ---------------------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/seances/nouvelle", methods=["GET", "POST"])
def create_session(cycle_id: int):
    """Add a session to a cycle. With htmx, the list updates in place."""
    cycle = services.get_cycle(current_user, cycle_id)
    form = SessionForm()
    created = None
    if form.validate_on_submit():
        try:
            created = services.create_session(current_user, cycle, form.to_data())
        except ValidationError as error:
            attach_error(form, error)
        else:
            if not is_htmx():
                flash(_("The session “%(theme)s” is planned.", theme=created.theme), "success")
                return redirect_to("workshops.cycle", cycle_id=cycle.id)
            form = SessionForm(formdata=None)
    if is_htmx():
        return render_template(
            "workshops/_session_form.html", form=form, cycle=cycle, created=created
        ), form_status(form)
    return render_template(
        "workshops/session_form.html", form=form, cycle=cycle, session=None
    ), form_status(form)


@bp.get("/seances/<int:session_id>")
def session(session_id: int):
    """A session: when, where, theme, notes, attendance so far."""
    session = services.get_session(current_user, session_id)
    return render_template(
        "workshops/session.html",
        session=session,
        cycle=session.cycle,
        space=session.cycle.space,
        attendance=participants.session_attendance(current_user, session),
    )


@bp.route("/seances/<int:session_id>/modifier", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Change a session's date, time, place, theme or notes."""
    session = services.get_session(current_user, session_id)
    form = SessionForm(obj=session)
    if form.validate_on_submit():
        try:
            services.update_session(current_user, session, form.to_data())
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect_to("workshops.session", session_id=session.id)
    return render_template(
        "workshops/session_form.html", form=form, cycle=session.cycle, session=session
    ), form_status(form)


@bp.post("/seances/<int:session_id>/archiver")
def archive_session(session_id: int):
    """Archive a session (or bring it back). With htmx, only its row changes."""
    session = services.get_session(current_user, session_id)
    archived = request.form.get("archived", "1") == "1"
    services.set_session_archived(current_user, session, archived)
    if is_htmx():
        return render_template("workshops/_session_row.html", s=session, cycle=session.cycle)
    flash(_("The session is archived.") if archived else _("The session is open again."), "info")
    return redirect_to("workshops.session", session_id=session.id)
