"""The library kept over time: tools archived and restored, templates edited in place."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import ValidationError
from ..core.web import redirect_to
from . import bp, services


@bp.post("/outils/<int:tool_id>/archiver")
def archive_tool(tool_id: int):
    """No longer offer a tool for new steps (the plans that used it keep it)."""
    tool = services.set_tool_archived(current_user, services.get_tool(current_user, tool_id), True)
    flash(_("“%(name)s” is archived: you can restore it below.", name=tool.name), "info")
    return redirect_to("planning.tools")


@bp.post("/outils/<int:tool_id>/restaurer")
def restore_tool(tool_id: int):
    """Offer an archived tool again."""
    tool = services.set_tool_archived(current_user, services.get_tool(current_user, tool_id), False)
    flash(_("“%(name)s” is back in the library.", name=tool.name), "success")
    return redirect_to("planning.tools")


def _edited_steps(count: int) -> list[services.TemplateStepEdit]:
    form = request.form
    return [
        services.TemplateStepEdit(
            title=form.get(f"step-{i}-title", ""),
            duration_minutes=form.get(f"step-{i}-minutes", ""),
            notes=form.get(f"step-{i}-notes", ""),
            remove=form.get(f"step-{i}-remove") == "1",
        )
        for i in range(count)
    ]


@bp.route("/modeles/<int:template_id>/modifier", methods=["GET", "POST"])
def edit_template(template_id: int):
    """Change a template: name, description, steps (title, duration, notes), remove some."""
    template = services.get_template(current_user, template_id)
    error = None
    if request.method == "POST":
        removed = {
            int(v) for v in request.form.getlist("remove-activity") if v.isascii() and v.isdigit()
        }
        try:
            services.update_template(
                current_user,
                template,
                name=request.form.get("name", ""),
                description=request.form.get("description", ""),
                steps=_edited_steps(len(template.steps or [])),
                remove_activities=removed,
            )
        except ValidationError as refused:
            error = refused.message
        else:
            flash(_("The template “%(name)s” is saved.", name=template.name), "success")
            return redirect_to("planning.templates")
    return render_template(
        "planning/edit_template.html", template=template, error=error, form=request.form
    ), (422 if error else 200)
