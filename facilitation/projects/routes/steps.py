"""The steps board for staff: add, edit, move (buttons, or drag-and-drop that submits the
same form), delete into the bin. htmx gets the board fragment back; plain forms redirect."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _

from ...core.exceptions import ValidationError
from ...core.web import attach_error, is_htmx, redirect_to
from .. import bp, services
from ..forms import StepForm, options
from .common import project_or_404, render, viewer
from .pages import board_fragment


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _after(project, *, error: str | None = None, conflict=None):
    if is_htmx():
        response = board_fragment(project, board_error=error, conflict=conflict)
        response.status_code = 422 if error else 200
        return response
    if error:
        flash(error, "error")
    return redirect_to("projects.detail", project_id=project.id, _anchor="etapes")


@bp.post("/projets/<int:project_id>/etapes")
def add_step(project_id: int):
    """Add a step (what, who, when, what is needed)."""
    project = project_or_404(project_id)
    form = StepForm()
    form.assignees.choices = options([(m.id, m.name) for m in services.members(project)])
    error = None
    if form.validate_on_submit():
        try:
            services.add_step(viewer(), project, form.to_data())
        except ValidationError as refused:
            error = refused.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return _after(project, error=error)


def _step_form(project, step=None, formdata=True) -> StepForm:
    form = StepForm() if formdata else StepForm(formdata=None)
    form.assignees.choices = options([(m.id, m.name) for m in services.members(project)])
    if step is not None and not formdata:
        form.fill_from(step)
    return form


@bp.route("/projets/<int:project_id>/etapes/<int:step_id>/modifier", methods=["GET", "POST"])
def edit_step(project_id: int, step_id: int):
    """Edit a step. If someone saved it meanwhile, both versions are shown, nothing lost."""
    project = project_or_404(project_id)
    step = services.get_step(viewer(), project, step_id)
    form = _step_form(project, step, formdata=request.method == "POST")
    conflict = None
    status = 200
    if form.validate_on_submit():
        try:
            services.update_step(viewer(), step, form.to_data(), _version())
        except services.StepConflict as clash:
            conflict = clash
            form.version.data = str(clash.version)  # saving again keeps what they typed
            status = 409
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Step saved."), "success")
            return redirect_to("projects.detail", project_id=project.id, _anchor="etapes")
    if form.errors:
        status = 422
    return render(
        "projects/step_form.html",
        status,
        form=form,
        project=project,
        space=project.space,
        step=step,
        conflict=conflict,
        members={m.id: m.name for m in services.members(project)},
    )


@bp.post("/projets/<int:project_id>/etapes/<int:step_id>/etat")
def move_step(project_id: int, step_id: int):
    """Move a step to à faire, en cours or fait."""
    project = project_or_404(project_id)
    step = services.get_step(viewer(), project, step_id)
    try:
        services.move_step(viewer(), step, request.form.get("state", ""), _version())
    except services.StepConflict as clash:
        if not is_htmx():
            return render(
                "projects/step_conflict.html",
                409,
                project=project,
                space=project.space,
                step=step,
                conflict=clash,
            )
        return _after(project, error=clash.message, conflict=clash)
    except ValidationError as error:
        return _after(project, error=error.message)
    return _after(project)


@bp.post("/projets/<int:project_id>/etapes/<int:step_id>/supprimer")
def delete_step(project_id: int, step_id: int):
    """Delete a step (into the bin, restorable for 30 days)."""
    project = project_or_404(project_id)
    services.delete_step(viewer(), services.get_step(viewer(), project, step_id))
    if not is_htmx():
        flash(_("The step is in the bin for 30 days."), "success")
    return _after(project)
