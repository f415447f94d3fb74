"""A project's pages for staff: list, start, the project page, editing, members, the
coordinator's determinants, the timeline, the bin and the "Où en est-on ?" projector view."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import ValidationError
from ...core.web import attach_error, form_status, redirect_to
from ...participants import services as participants
from ...spaces import services as spaces
from .. import bp, hooks, services, vocabulary
from ..forms import (
    ActionForm,
    DeterminantForm,
    GuestMemberForm,
    LinkMeetingForm,
    MeetingForm,
    ParticipantMemberForm,
    ProjectForm,
    StaffMemberForm,
    StepForm,
    options,
)
from .common import no_store, project_or_404, render, viewer


def _people_choices(space) -> list[tuple[int, str]]:
    return options(
        (p.id, p.pseudonym) for p in participants.list_space_participants(current_user, space)
    )


def _project_form(space, formdata=None, **kwargs) -> ProjectForm:
    form = (
        ProjectForm(formdata=formdata, **kwargs) if formdata is not None else ProjectForm(**kwargs)
    )
    form.set_determinants(services.determinants(space.organisation_id))
    return form


@bp.get("/espaces/<int:space_id>/projets")
def space_projects(space_id: int):
    """The projects of a space, proposals from phones first."""
    space = spaces.get_space(current_user, space_id)
    projects = services.list_projects(current_user, space)
    return render(
        "projects/index.html",
        space=space,
        projects=projects,
        progress={p.id: services.progress(p) for p in projects},
        determinants=services.determinant_map(space.organisation_id),
        vocabulary=vocabulary,
    )


@bp.route("/espaces/<int:space_id>/projets/nouveau", methods=["GET", "POST"])
def create(space_id: int):
    """Start a project: title, aim, determinants, status, porteurs and members."""
    space = spaces.get_space(current_user, space_id)
    form = _project_form(space)
    people = _people_choices(space)
    form.porteurs.choices = people
    form.participants.choices = people
    if form.validate_on_submit():
        try:
            project = services.create_project(
                current_user,
                space,
                form.to_data(),
                porteurs=form.porteurs.data or [],
                participants=form.participants.data or [],
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The project “%(title)s” is started.", title=project.title), "success")
            return redirect_to("projects.detail", project_id=project.id)
    return render("projects/form.html", form_status(form), form=form, space=space, project=None)


def project_context(project, **extra) -> dict:
    v = viewer()
    today = services.today()
    board = services.board(v, project)
    step_form = StepForm(formdata=None)
    member_list = services.members(project)
    step_form.assignees.choices = options([(m.id, m.name) for m in member_list])
    context = {
        "project": project,
        "space": project.space,
        "board": board,
        "step_form": step_form,
        "members": member_list,
        "porteurs": [m for m in member_list if m.is_porteur],
        "decisions": services.decisions(v, project, limit=5),
        "votes": services.votes_in_progress(v, project),
        "actions": services.actions(v, project),
        "action_form": ActionForm(formdata=None, data={"happened_on": today}),
        "meetings": services.meetings(v, project),
        "meeting_form": MeetingForm(formdata=None, data={"starts_on": today}),
        "link_form": _link_form(project, today),
        "determinants": services.determinant_map(project.organisation_id),
        "bilan": hooks.bilan_link(project),
        "today": today,
        "vocabulary": vocabulary,
        "services": services,
    }
    context.update(extra)
    return context


def _link_form(project, today, formdata=None) -> LinkMeetingForm:
    form = (
        LinkMeetingForm(formdata=formdata)
        if formdata is not None
        else LinkMeetingForm(formdata=None)
    )
    form.session.choices = options(
        (s.id, f"{s.starts_on.strftime('%d/%m/%Y')} — {s.theme}")
        for s in services.linkable_sessions(current_user, project, today)
    )
    return form


@bp.get("/projets/<int:project_id>")
def detail(project_id: int):
    """The project page: progress, the steps board, votes, decisions, actions, meetings."""
    project = project_or_404(project_id)
    return render("projects/project.html", **project_context(project))


@bp.route("/projets/<int:project_id>/modifier", methods=["GET", "POST"])
def edit(project_id: int):
    """Change the title, the aim, the determinants or the status (finishing included)."""
    project = project_or_404(project_id)
    form = (
        _project_form(
            project.space,
            obj=project,
            data={"determinants": project.determinant_keys, "status": project.status.value},
        )
        if request.method == "GET"
        else _project_form(project.space)
    )
    del form.porteurs, form.participants
    if form.validate_on_submit():
        try:
            services.update_project(current_user, project, form.to_data())
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect_to("projects.detail", project_id=project.id)
    return render(
        "projects/form.html", form_status(form), form=form, space=project.space, project=project
    )


@bp.post("/projets/<int:project_id>/accepter")
def accept(project_id: int):
    """Accept a participant's proposal: it becomes a project of the space."""
    project = project_or_404(project_id)
    services.accept_proposal(current_user, project)
    flash(_("The project is accepted. Its members see it on their phones."), "success")
    return redirect_to("projects.detail", project_id=project.id)


@bp.post("/projets/<int:project_id>/refuser")
def decline(project_id: int):
    """Decline a proposal (an accepted project is never deleted)."""
    project = project_or_404(project_id)
    space_id = project.space_id
    services.decline_proposal(current_user, project)
    flash(_("The proposal is removed."), "success")
    return redirect_to("projects.space_projects", space_id=space_id)


# --- members ----------------------------------------------------------------------------


def _member_forms(project) -> dict:
    participant_form = ParticipantMemberForm(formdata=None)
    already = {m.participant_id for m in services.members(project) if m.participant_id}
    participant_form.participant.choices = [
        c for c in _people_choices(project.space) if c.value not in already
    ]
    staff_form = StaffMemberForm(formdata=None)
    users = {m.user_id for m in services.members(project) if m.user_id}
    staff_form.user.choices = options(
        (u.id, u.display_name)
        for u in services.staff_choices(current_user, project)
        if u.id not in users
    )
    return {
        "participant_form": participant_form,
        "staff_form": staff_form,
        "guest_form": GuestMemberForm(formdata=None),
    }


@bp.get("/projets/<int:project_id>/membres")
def members(project_id: int):
    """Who is in the project (this read is written in the audit log)."""
    project = project_or_404(project_id)
    return render(
        "projects/members.html",
        project=project,
        space=project.space,
        members=services.member_list(current_user, project),
        **_member_forms(project),
    )


@bp.post("/projets/<int:project_id>/membres")
def add_member(project_id: int):
    """Add a participant of the space, a member of staff, or a partner guest."""
    project = project_or_404(project_id)
    kind = request.form.get("kind")
    forms = _member_forms(project)
    try:
        if kind == "participant":
            form = ParticipantMemberForm()
            form.participant.choices = forms["participant_form"].participant.choices
            if form.validate_on_submit():
                services.add_participant(
                    current_user, project, form.participant.data, porteur=form.porteur.data
                )
            forms["participant_form"] = form
        elif kind == "staff":
            form = StaffMemberForm()
            form.user.choices = forms["staff_form"].user.choices
            if form.validate_on_submit():
                services.add_staff(current_user, project, form.user.data)
            forms["staff_form"] = form
        else:
            form = GuestMemberForm()
            if form.validate_on_submit():
                services.add_guest(
                    current_user,
                    project,
                    name=form.name.data,
                    organisation=form.organisation.data or "",
                )
            forms["guest_form"] = form
    except ValidationError as error:
        attach_error(form, error)
    if not form.errors:
        flash(_("Member added."), "success")
        return redirect_to("projects.members", project_id=project.id)
    return render(
        "projects/members.html",
        422,
        project=project,
        space=project.space,
        members=services.member_list(current_user, project),
        **forms,
    )


@bp.post("/projets/<int:project_id>/membres/<int:member_id>")
def update_member(project_id: int, member_id: int):
    """Mark a porteur, and whether they agreed to be shown on the projector."""
    project = project_or_404(project_id)
    member = services.get_member(current_user, project, member_id)
    services.update_member(
        current_user,
        member,
        porteur=request.form.get("porteur") == "1",
        shown_on_screen=request.form.get("shown_on_screen") == "1",
    )
    flash(_("Changes saved."), "success")
    return redirect_to("projects.members", project_id=project.id)


@bp.post("/projets/<int:project_id>/membres/<int:member_id>/retirer")
def remove_member(project_id: int, member_id: int):
    """Remove someone from the project (their steps stay, without their name)."""
    project = project_or_404(project_id)
    services.remove_member(current_user, services.get_member(current_user, project, member_id))
    flash(_("Removed from the project."), "success")
    return redirect_to("projects.members", project_id=project.id)


# --- determinants (coordinator) -------------------------------------------------------


@bp.route("/projets/determinants", methods=["GET", "POST"])
def determinants():
    """The determinants of health: the fixed list, extended by the coordinator."""
    spaces.ensure_coordinator(current_user)
    form = DeterminantForm()
    if form.validate_on_submit():
        try:
            services.add_determinant(current_user, label=form.label.data, icon=form.icon.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The determinant is added to the list."), "success")
            return redirect_to("projects.determinants")
    return render(
        "projects/determinants.html",
        form_status(form),
        form=form,
        determinants=services.determinants(current_user.organisation_id),
        built_in=vocabulary.BUILT_IN_KEYS,
    )


# --- timeline, bin ---------------------------------------------------------------------


@bp.get("/projets/<int:project_id>/historique")
def timeline(project_id: int):
    """Everything in order: meetings, decisions, steps done, actions."""
    project = project_or_404(project_id)
    return render(
        "projects/timeline.html",
        project=project,
        space=project.space,
        events=services.timeline(viewer(), project),
        bilan=hooks.bilan_link(project),
        vocabulary=vocabulary,
    )


@bp.get("/projets/<int:project_id>/corbeille")
def bin(project_id: int):
    """Deleted steps, actions and files, restorable for 30 days."""
    project = project_or_404(project_id)
    return render(
        "projects/bin.html",
        project=project,
        space=project.space,
        items=services.bin_items(current_user, project),
    )


@bp.post("/projets/<int:project_id>/corbeille/<kind>/<int:item_id>/restaurer")
def restore(project_id: int, kind: str, item_id: int):
    """Put back what was deleted."""
    project = project_or_404(project_id)
    try:
        services.restore(current_user, project, kind, item_id)
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(_("Restored."), "success")
    return redirect_to("projects.bin", project_id=project.id)


# --- the projector: "Où en est-on ?" ------------------------------------------------------


def _screen_context(project) -> dict:
    return {
        "project": project,
        "overview": services.overview(viewer(), project, services.today()),
        "determinants": services.determinant_map(project.organisation_id),
        "vocabulary": vocabulary,
    }


@bp.get("/projets/<int:project_id>/ecran")
def screen(project_id: int):
    """Where are we? A read-only view for the group's review, on the projector."""
    project = project_or_404(project_id)
    return render("projects/screen.html", **_screen_context(project))


def board_fragment(project, **extra):
    return no_store(render("projects/_board.html", **project_context(project, **extra)))
