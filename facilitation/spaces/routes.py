"""Collective spaces: list, create, view, edit, archive, assign staff."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status, is_htmx, redirect_to
from ..workshops import services as workshops
from ..workshops.forms import CycleForm
from . import bp, services
from .forms import MembersForm, SpaceForm


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff."""


@bp.get("/")
def index():
    """The spaces the member of staff can see."""
    show_archived = request.args.get("archives") == "1"
    return render_template(
        "spaces/index.html",
        spaces=services.list_spaces(current_user, include_archived=show_archived),
        show_archived=show_archived,
    )


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Coordinator: create a space."""
    services.ensure_coordinator(current_user)
    form = SpaceForm()
    if form.validate_on_submit():
        try:
            space = services.create_space(
                current_user,
                name=form.name.data,
                kind=form.kind.data,
                description=form.description.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The space “%(name)s” is created.", name=space.name), "success")
            return redirect_to("spaces.detail", space_id=space.id)
    return render_template("spaces/form.html", form=form, space=None), form_status(form)


@bp.get("/<int:space_id>")
def detail(space_id: int):
    """A space: its cycles, its staff."""
    space = services.get_space(current_user, space_id)
    show_archived = request.args.get("archives") == "1"
    return render_template(
        "spaces/detail.html",
        space=space,
        cycles=workshops.list_cycles(current_user, space, include_archived=show_archived),
        show_archived=show_archived,
        cycle_form=CycleForm(formdata=None),
    )


@bp.route("/<int:space_id>/modifier", methods=["GET", "POST"])
def edit(space_id: int):
    """Coordinator: rename or describe a space."""
    space = services.get_space(current_user, space_id)
    services.ensure_coordinator(current_user)
    form = SpaceForm(obj=space)
    if form.validate_on_submit():
        try:
            services.update_space(
                current_user,
                space,
                name=form.name.data,
                kind=form.kind.data,
                description=form.description.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect_to("spaces.detail", space_id=space.id)
    return render_template("spaces/form.html", form=form, space=space), form_status(form)


@bp.post("/<int:space_id>/archiver")
def archive(space_id: int):
    """Coordinator: archive a space (or reopen it)."""
    space = services.get_space(current_user, space_id)
    archived = request.form.get("archived", "1") == "1"
    services.set_archived(current_user, space, archived)
    flash(_("The space is archived.") if archived else _("The space is open again."), "info")
    return redirect_to("spaces.detail", space_id=space.id)


@bp.route("/<int:space_id>/equipe", methods=["GET", "POST"])
def members(space_id: int):
    """Coordinator: choose which mediators run this space."""
    space = services.get_space(current_user, space_id)
    form = MembersForm()
    form.members.choices = [
        SelectChoice(u.id, u.display_name) for u in services.assignable_staff(current_user)
    ]
    saved = False
    if request.method == "GET":
        form.members.data = [u.id for u in space.members]
    elif form.validate_on_submit():
        try:
            services.set_members(current_user, space, form.members.data or [])
        except ValidationError as error:
            attach_error(form, error)
        else:
            saved = True
            if not is_htmx():
                flash(_("The staff of this space is saved."), "success")
                return redirect_to("spaces.detail", space_id=space.id)
    template = "spaces/_members_form.html" if is_htmx() else "spaces/members.html"
    status = form_status(form)
    return render_template(template, form=form, space=space, saved=saved), status
