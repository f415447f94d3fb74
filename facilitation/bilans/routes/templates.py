"""Bilan templates: everyone sees them; the coordinator edits and copies them."""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.exceptions import ValidationError
from ...core.web import attach_error, redirect_to
from ...spaces import services as spaces
from .. import bp, services
from ..forms import TemplateForm


@bp.get("/bilans/modeles")
@login_required
def templates():
    """The structure's bilan templates (four built-ins, and the coordinator's own)."""
    items = services.list_templates(current_user)
    return render_template("bilans/templates.html", templates=items)


@bp.route("/bilans/modeles/<int:template_id>", methods=["GET", "POST"])
@login_required
def edit_template(template_id: int):
    """Edit a template's name and questions (coordinator)."""
    spaces.ensure_coordinator(current_user)
    template = services.get_template(current_user, template_id)
    form = TemplateForm(obj=None)
    if not form.is_submitted():
        form.name.data = template.name
        form.questions.data = "\n".join(template.questions)
        form.with_meteo.data = template.with_meteo
    elif form.validate():
        try:
            services.update_template(
                current_user,
                template,
                name=form.name.data,
                questions=form.questions.data,
                with_meteo=form.with_meteo.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Template saved."), "success")
            return redirect_to("bilans.templates")
    status = 422 if form.errors else 200
    return render_template("bilans/template_form.html", form=form, template=template), status


@bp.post("/bilans/modeles/<int:template_id>/copier")
@login_required
def copy_template(template_id: int):
    """Copy a template, to make another one from it (coordinator)."""
    spaces.ensure_coordinator(current_user)
    copy = services.copy_template(current_user, services.get_template(current_user, template_id))
    flash(_("Template copied: change its name and questions."), "success")
    return redirect_to("bilans.edit_template", template_id=copy.id)
