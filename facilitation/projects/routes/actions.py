"""Actions and outputs (with attachments), and the project's meetings, for staff."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from ...core import uploads
from ...core.exceptions import ValidationError
from ...core.web import attach_error, form_status, redirect_to
from .. import bp, services
from ..forms import ActionForm, AttachmentForm, MeetingForm
from .common import project_or_404, render, viewer
from .pages import project_context


def _files(name: str = "files"):
    return [f for f in request.files.getlist(name) if f and f.filename]


@bp.post("/projets/<int:project_id>/actions")
def add_action(project_id: int):
    """Record what the group did or produced, with photos or PDF."""
    project = project_or_404(project_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.add_action(viewer(), project, form.to_data(), _files())
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The action is recorded."), "success")
            return redirect_to("projects.detail", project_id=project.id, _anchor="actions")
    return render("projects/project.html", 422, **project_context(project, action_form=form))


@bp.route("/projets/<int:project_id>/actions/<int:action_id>/modifier", methods=["GET", "POST"])
def edit_action(project_id: int, action_id: int):
    """Edit an action; add or remove its files."""
    project = project_or_404(project_id)
    action = services.get_action(viewer(), project, action_id)
    form = ActionForm(obj=action) if request.method == "GET" else ActionForm()
    if request.method == "GET":
        form.kind.data = action.kind.value
    del form.files
    if form.validate_on_submit():
        try:
            services.update_action(current_user, action, form.to_data())
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect_to("projects.detail", project_id=project.id, _anchor="actions")
    return render(
        "projects/action_form.html",
        form_status(form),
        form=form,
        attachment_form=AttachmentForm(formdata=None),
        project=project,
        space=project.space,
        action=action,
        attachments=services.live_attachments(action),
    )


@bp.post("/projets/<int:project_id>/actions/<int:action_id>/valider")
def confirm_action(project_id: int, action_id: int):
    """Confirm an action a member proposed from their phone."""
    project = project_or_404(project_id)
    services.confirm_action(current_user, services.get_action(viewer(), project, action_id))
    flash(_("The action is confirmed."), "success")
    return redirect_to("projects.detail", project_id=project.id, _anchor="actions")


@bp.post("/projets/<int:project_id>/actions/<int:action_id>/supprimer")
def delete_action(project_id: int, action_id: int):
    """Delete an action (into the bin for 30 days, with its files)."""
    project = project_or_404(project_id)
    services.delete_action(viewer(), services.get_action(viewer(), project, action_id))
    flash(_("The action is in the bin for 30 days."), "success")
    return redirect_to("projects.detail", project_id=project.id, _anchor="actions")


@bp.post("/projets/<int:project_id>/actions/<int:action_id>/pieces")
def add_attachment(project_id: int, action_id: int):
    """Attach photos or PDF to an action."""
    project = project_or_404(project_id)
    action = services.get_action(viewer(), project, action_id)
    form = AttachmentForm()
    files = _files()
    if not files:
        form.form_errors.append(_("Choose a file."))
    for file in files:
        try:
            services.add_attachment(viewer(), action, file)
        except ValidationError as error:
            form.form_errors.append(f"{file.filename}: {error.message}")
    if form.form_errors:
        del form.files  # (the field stays in the template through attachment_form)
        edit = ActionForm(obj=action)
        edit.kind.data = action.kind.value
        del edit.files
        return render(
            "projects/action_form.html",
            422,
            form=edit,
            attachment_form=form,
            project=project,
            space=project.space,
            action=action,
            attachments=services.live_attachments(action),
        )
    flash(_("File added."), "success")
    return redirect_to("projects.edit_action", project_id=project.id, action_id=action.id)


@bp.post("/projets/<int:project_id>/pieces/<int:attachment_id>/supprimer")
def delete_attachment(project_id: int, attachment_id: int):
    """Delete a file (into the bin for 30 days)."""
    project = project_or_404(project_id)
    attachment = services.get_attachment(viewer(), project, attachment_id)
    services.delete_attachment(viewer(), attachment)
    flash(_("The file is in the bin for 30 days."), "success")
    return redirect_to(
        "projects.edit_action", project_id=project.id, action_id=attachment.action_id
    )


@bp.get("/projets/<int:project_id>/pieces/<int:attachment_id>")
@uploads.download_view
def attachment(project_id: int, attachment_id: int):
    """Download a file (staff of the space; members use their own page)."""
    project = project_or_404(project_id)
    upload = services.get_attachment(viewer(), project, attachment_id).upload
    return uploads.send(upload, inline=request.args.get("voir") == "1")


# --- meetings ---------------------------------------------------------------------------


@bp.post("/projets/<int:project_id>/reunions")
def add_meeting(project_id: int):
    """Plan a meeting of the project (a session of the space, in the project's cycle)."""
    project = project_or_404(project_id)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            services.create_meeting(
                current_user,
                project,
                starts_on=form.starts_on.data,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                place=form.place.data or "",
                theme=form.theme.data or "",
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The meeting is planned."), "success")
            return redirect_to("projects.detail", project_id=project.id, _anchor="reunions")
    return render("projects/project.html", 422, **project_context(project, meeting_form=form))


@bp.post("/projets/<int:project_id>/reunions/relier")
def link_meeting(project_id: int):
    """Make an existing session of the space a meeting of the project."""
    project = project_or_404(project_id)
    raw = request.form.get("session", "")
    try:
        if not raw.isdigit():
            raise ValidationError(_("Choose a session of this space."), "session")
        services.link_meeting(current_user, project, int(raw))
    except ValidationError as error:
        context = project_context(project)
        context["link_form"].form_errors.append(error.message)
        return render("projects/project.html", 422, **context)
    flash(_("The session is now a meeting of the project."), "success")
    return redirect_to("projects.detail", project_id=project.id, _anchor="reunions")


@bp.post("/projets/<int:project_id>/reunions/<int:session_id>/delier")
def unlink_meeting(project_id: int, session_id: int):
    """The session stays; it is no longer a meeting of the project."""
    project = project_or_404(project_id)
    services.unlink_meeting(current_user, project, session_id)
    flash(_("The session is no longer a meeting of the project."), "success")
    return redirect_to("projects.detail", project_id=project.id, _anchor="reunions")
