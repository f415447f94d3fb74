"""Mes projets, on a member's phone: the same pseudonymous identity as the live board and
the roll call (the ``fac_device`` cookie). Large buttons, no drag; every action is a plain
form. A phone that is not a member's gets 404 for any project — existing or not."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..core import uploads
from ..core.exceptions import ValidationError
from ..core.web import attach_error, is_htmx
from ..live.events import DEVICE_COOKIE
from . import me_bp, services, vocabulary
from .forms import ActionForm, ProposalForm, StepForm, options


@me_bp.context_processor
def _words():
    return {"vocabulary": vocabulary, "services": services}


def _person():
    return services.participant_for_device(request.cookies.get(DEVICE_COOKIE))


def _member(project_id: int):
    member = services.member_for(_person(), project_id)
    return member, member.project


def _viewer(member) -> services.Viewer:
    return services.Viewer(member=member)


def _page(template: str, status: int = 200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@me_bp.get("/")
def index():
    """Mes projets: the projects I am a member of, and my ideas waiting for an answer."""
    person = _person()
    if person is None:
        return redirect(url_for("me.journey"))
    memberships = services.memberships(person)
    return _page(
        "projects/me_index.html",
        participant=person,
        memberships=memberships,
        progress={m.project_id: services.progress(m.project) for m in memberships},
        proposals=services.own_proposals(person),
        vocabulary=vocabulary,
    )


@me_bp.route("/idee", methods=["GET", "POST"])
def propose():
    """J'ai une idée de projet: the staff of the group will see it and answer."""
    person = _person()
    if person is None:
        return redirect(url_for("me.journey"))
    form = ProposalForm()
    groups = services.participant_spaces(person)
    form.space.choices = options([(s.id, s.name) for s in groups])
    if len(groups) == 1 and not form.space.data:
        form.space.data = groups[0].id
    if form.validate_on_submit():
        try:
            services.propose_project(
                person, form.space.data, title=form.title.data, aim=form.aim.data or ""
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Thank you! Your idea is sent to the team of the group."), "success")
            return redirect(url_for("my_projects.index"))
    status = 422 if form.errors else 200
    return _page("projects/me_propose.html", status, form=form, groups=groups)


def _context(member, project, **extra) -> dict:
    viewer = _viewer(member)
    step_form = StepForm(formdata=None)
    context = {
        "member": member,
        "project": project,
        "board": services.board(viewer, project),
        "step_form": step_form,
        "decisions": services.decisions(viewer, project, limit=5),
        "actions": services.actions(viewer, project),
        "determinants": services.determinant_map(project.organisation_id),
        "vocabulary": vocabulary,
        "services": services,
    }
    context.update(extra)
    return context


@me_bp.get("/<int:project_id>")
def project(project_id: int):
    """A project on my phone: where it stands, the steps to move, decisions, actions."""
    member, project = _member(project_id)
    return _page("projects/me_project.html", **_context(member, project))


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _back(member, project, *, error=None, conflict=None, status=200, **extra):
    if error is None and conflict is None:
        if is_htmx():
            return _page("projects/_me_project.html", **_context(member, project))
        return redirect(url_for("my_projects.project", project_id=project.id) + "#etapes")
    template = "projects/_me_project.html" if is_htmx() else "projects/me_project.html"
    return _page(
        template, status, **_context(member, project, error=error, conflict=conflict, **extra)
    )


@me_bp.post("/<int:project_id>/etapes")
def add_step(project_id: int):
    """Add a step from my phone (what, and when if I know)."""
    member, project = _member(project_id)
    form = StepForm()
    form.assignees.choices = options([(member.id, member.name)])
    if not form.validate():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _back(member, project, error=errors, status=422, step_form=form)
    data = form.to_data()
    if request.form.get("me") == "1":
        data = services.StepData(
            title=data.title, needs=data.needs, due_on=data.due_on, assignees=[member.id]
        )
    try:
        services.add_step(_viewer(member), project, data)
    except ValidationError as error:
        return _back(member, project, error=error.message, status=422, step_form=form)
    flash(_("Step added."), "success")
    return _back(member, project)


@me_bp.post("/<int:project_id>/etapes/<int:step_id>/etat")
def move_step(project_id: int, step_id: int):
    """Move a step: à faire, en cours, fait — one large button each."""
    member, project = _member(project_id)
    viewer = _viewer(member)
    step = services.get_step(viewer, project, step_id)
    try:
        services.move_step(viewer, step, request.form.get("state", ""), _version())
    except services.StepConflict as clash:
        return _back(member, project, conflict=clash, status=409, conflict_step=step)
    except ValidationError as error:
        return _back(member, project, error=error.message, status=422)
    return _back(member, project)


@me_bp.route("/<int:project_id>/action", methods=["GET", "POST"])
def propose_action(project_id: int):
    """Tell what the group did (a letter, a meeting…), with a photo if you like."""
    member, project = _member(project_id)
    form = ActionForm()
    if request.method == "GET":
        form.happened_on.data = services.today()
    if form.validate_on_submit():
        files = [f for f in request.files.getlist("files") if f and f.filename]
        try:
            services.add_action(_viewer(member), project, form.to_data(), files)
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Thank you! The team will confirm it."), "success")
            return redirect(url_for("my_projects.project", project_id=project.id) + "#actions")
    status = 422 if form.errors else 200
    return _page("projects/me_action.html", status, form=form, project=project, member=member)


@me_bp.post("/<int:project_id>/ecran")
def screen_consent(project_id: int):
    """A porteur chooses whether their pseudonym appears on the projector."""
    member, project = _member(project_id)
    try:
        services.set_own_screen_consent(member, request.form.get("shown") == "1")
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(_("Your choice is saved."), "success")
    return redirect(url_for("my_projects.project", project_id=project.id))


@me_bp.get("/<int:project_id>/pieces/<int:attachment_id>")
@uploads.download_view
def attachment(project_id: int, attachment_id: int):
    """A file of the project (members only)."""
    member, project = _member(project_id)
    upload = services.get_attachment(_viewer(member), project, attachment_id).upload
    return uploads.send(upload, inline=request.args.get("voir") == "1")
