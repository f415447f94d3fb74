"""Staff pages of a bilan: start one, the bilan's page, notes, themes, actions, steps,
finalise and reopen. Thin: parse, call a service, answer."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.exceptions import ValidationError
from ...core.web import parse_id, redirect_to
from ...projects.forms import options
from ...projects.services import access as project_access
from ...workshops import services as workshops
from .. import bp, services
from ..forms import ReopenForm, StartForm
from .common import back, form_id, page_context, refused, staff_bilan


@bp.route("/seances/<int:session_id>/bilan/nouveau", methods=["GET", "POST"])
@login_required
def start(session_id: int):
    """Start a bilan on this session's board: what it is about, from which template."""
    session = workshops.get_session(current_user, session_id)
    form = StartForm()
    form.template_id.choices = options(
        [(t.id, t.name) for t in services.list_templates(current_user)]
    )
    projects = project_access.list_projects(current_user, session.cycle.space)
    form.project_id.choices = options(
        [(0, _("— no project —"))] + [(p.id, p.title) for p in projects]
    )
    if request.method == "GET":
        form.year.data = session.starts_on.year
    status = 200
    if form.validate_on_submit():
        try:
            bilan = services.start_bilan(
                current_user,
                session.id,
                form.template_id.data,
                scope=form.scope.data,
                project_id=form.project_id.data or None,
                year=form.year.data,
            )
        except ValidationError as error:
            from ...core.web import attach_error

            attach_error(form, error)
        else:
            return redirect_to("bilans.page", bilan_id=bilan.id)
    if form.errors:
        status = 422
    existing = services.bilans_of_session(current_user, session)
    return render_template(
        "bilans/start.html", form=form, session=session, existing=existing
    ), status


@bp.get("/bilans/<int:bilan_id>")
@login_required
def page(bilan_id: int):
    """The bilan for staff: its five steps, its figures, sections, actions, documents."""
    bilan = staff_bilan(bilan_id)
    return render_template("bilans/page.html", **page_context(bilan, reopen_form=ReopenForm()))


@bp.post("/bilans/<int:bilan_id>/etape")
@login_required
def set_step(bilan_id: int):
    """Move the group to another step (and section) — the projector follows."""
    bilan = staff_bilan(bilan_id)
    step = parse_id(request.form.get("step")) or 1
    position = request.form.get("position")
    position = int(position) if position and position.isdigit() and len(position) < 4 else None
    try:
        services.set_step(current_user, bilan, step, position)
    except ValidationError as error:
        return refused(bilan, error)
    return back(bilan, anchor=f"etape-{bilan.step}")


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/tableau")
@login_required
def drive(bilan_id: int, section_id: int):
    """Open the question for the phones, show its notes, start the dot vote, close it."""
    bilan = staff_bilan(bilan_id)
    section = services.get_section(bilan, section_id)
    try:
        services.drive(current_user, section, request.form.get("action", ""))
    except ValidationError as error:
        return refused(bilan, error, f"section-{section.id}")
    return back(bilan, anchor=f"section-{section.id}")


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/oral")
@login_required
def spoken(bilan_id: int, section_id: int):
    """A note said out loud, typed by staff (« dit à l'oral »)."""
    bilan = staff_bilan(bilan_id)
    section = services.get_section(bilan, section_id)
    try:
        services.add_spoken_note(section, request.form.get("text"))
    except ValidationError as error:
        return refused(bilan, error, f"section-{section.id}")
    return back(bilan, _("Note added."), anchor=f"section-{section.id}")


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/themes")
@login_required
def add_theme(bilan_id: int, section_id: int):
    """A new theme to group similar notes."""
    bilan = staff_bilan(bilan_id)
    section = services.get_section(bilan, section_id)
    try:
        services.add_theme(section, request.form.get("name"))
    except ValidationError as error:
        return refused(bilan, error, f"section-{section.id}")
    return back(bilan, _("Theme added."), anchor=f"section-{section.id}")


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/themes/<int:theme_id>")
@login_required
def edit_theme(bilan_id: int, section_id: int, theme_id: int):
    """Rename a theme, or delete it (its notes go back, with their dots)."""
    bilan = staff_bilan(bilan_id)
    section = services.get_section(bilan, section_id)
    theme = services.get_theme(section, theme_id)
    try:
        if request.form.get("delete"):
            services.delete_theme(section, theme)
        else:
            services.rename_theme(section, theme, request.form.get("name"))
    except ValidationError as error:
        return refused(bilan, error, f"section-{section.id}")
    return back(bilan, _("Themes saved."), anchor=f"section-{section.id}")


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/regrouper")
@login_required
def move_note(bilan_id: int, section_id: int):
    """Put a note in a theme; its dots move with it."""
    bilan = staff_bilan(bilan_id)
    section = services.get_section(bilan, section_id)
    note_id = form_id("note_id")
    if note_id is None:
        return back(bilan, error=_("Choose a note."))
    try:
        services.move_note(section, note_id, form_id("theme_id"))
    except ValidationError as error:
        return refused(bilan, error, f"section-{section.id}")
    return back(bilan, _("Note moved."), anchor=f"section-{section.id}")


@bp.post("/bilans/<int:bilan_id>/actions")
@login_required
def add_action(bilan_id: int):
    """What next: an action with who and when."""
    bilan = staff_bilan(bilan_id)
    try:
        action = services.add_action(
            current_user,
            bilan,
            what=request.form.get("what"),
            who=request.form.get("who", ""),
            due=request.form.get("due", ""),
        )
    except ValidationError as error:
        return refused(bilan, error, "actions")
    message = (
        _("Action added: it is now a step of the project.")
        if action.step_id
        else _("Action added, as a proposal for the next cycle.")
    )
    return back(bilan, message, anchor="actions")


@bp.post("/bilans/<int:bilan_id>/actions/<int:action_id>/supprimer")
@login_required
def delete_action(bilan_id: int, action_id: int):
    """Remove an action from the bilan."""
    bilan = staff_bilan(bilan_id)
    try:
        services.delete_action(current_user, bilan, action_id)
    except ValidationError as error:
        return refused(bilan, error, "actions")
    return back(bilan, _("Action removed."), anchor="actions")


@bp.post("/bilans/<int:bilan_id>/finaliser")
@login_required
def finalise(bilan_id: int):
    """The group agreed: lock the bilan, dated, with its number of contributors."""
    bilan = staff_bilan(bilan_id)
    try:
        services.finalise(current_user, bilan)
    except ValidationError as error:
        return refused(bilan, error, "finaliser")
    return back(bilan, _("The bilan is finalised."), anchor="finaliser")


@bp.post("/bilans/<int:bilan_id>/rouvrir")
@login_required
def reopen(bilan_id: int):
    """Reopen a finalised bilan, with a reason kept in its history."""
    bilan = staff_bilan(bilan_id)
    form = ReopenForm()
    try:
        if not form.validate_on_submit():
            raise ValidationError(_("Say why the bilan is reopened (it stays in its history)."))
        services.reopen(current_user, bilan, form.reason.data)
    except ValidationError as error:
        return refused(bilan, error, "finaliser")
    return back(bilan, _("The bilan is open again."), anchor="finaliser")
