"""SMART objectives: the list with their progress, adding, changing, removing (coordinator)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import Forbidden, ValidationError
from ...core.web import attach_error, form_status
from .. import bp, definitions, objectives, settings
from .. import view as views
from ..forms import ObjectiveForm
from ..objectives import ObjectiveData
from ..scope import Period
from .common import today


def _choices(form: ObjectiveForm) -> None:
    form.scope.choices = objectives.scope_choices(current_user)
    form.indicator.choices = [
        (f.key, f"{definitions.GROUPS[f.group]} — {f.label}")
        for f in definitions.objective_figures()
    ]


def _data(form: ObjectiveForm) -> ObjectiveData:
    return ObjectiveData(
        year=form.year.data,
        scope=form.scope.data,
        indicator=form.indicator.data,
        target=form.target.data,
        title=form.title.data or "",
    )


def _progress(items):
    """Each objective with its progress (the value for its year and scope, protected)."""
    day, out, cache = today(), [], {}
    for objective in items:
        scope = objectives.scope_of(current_user, objective)
        key = (objective.year, scope.key)
        if key not in cache:
            ev = views.evaluate(
                views.context(scope, Period.of_year(objective.year), day),
                settings.threshold(current_user.organisation_id),
            )
            cache[key] = ev
        value = cache[key].shown(objective.indicator)
        figure = definitions.FIGURES[objective.indicator]
        share = value.value / objective.target if value is not None and not value.hidden else None
        out.append((views.ObjectiveProgress(objective, figure, value, share), scope))
    return out


@bp.route("/objectifs", methods=["GET", "POST"])
def objectives_index():
    """The structure's SMART objectives and their progress; the coordinator adds them."""
    form = ObjectiveForm()
    _choices(form)
    if request.method == "GET":
        form.year.data = today().year
    if request.method == "POST":
        if not current_user.is_coordinator:
            raise Forbidden
        if form.validate_on_submit():
            try:
                objectives.create_objective(current_user, _data(form))
            except ValidationError as error:
                attach_error(form, error)
            else:
                flash(_("The objective is added."), "success")
                return redirect(url_for("indicators.objectives_index"))
    items = _progress(objectives.list_objectives(current_user))
    return render_template("indicators/objectives.html", form=form, items=items), form_status(form)


@bp.route("/objectifs/<int:objective_id>/modifier", methods=["GET", "POST"])
def objective_edit(objective_id: int):
    """Change an objective (coordinator)."""
    if not current_user.is_coordinator:
        raise Forbidden
    objective = objectives.get_objective(current_user, objective_id)
    form = ObjectiveForm()
    _choices(form)
    if request.method == "GET":
        form.year.data = objective.year
        form.scope.data = objectives.scope_value(objective)
        form.indicator.data = objective.indicator
        form.target.data = objective.target
        form.title.data = objective.title
    elif form.validate_on_submit():
        try:
            objectives.update_objective(current_user, objective.id, _data(form))
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("indicators.objectives_index"))
    return render_template(
        "indicators/objective_edit.html", form=form, objective=objective
    ), form_status(form)


@bp.post("/objectifs/<int:objective_id>/supprimer")
def objective_delete(objective_id: int):
    """Remove an objective (coordinator)."""
    objectives.delete_objective(current_user, objective_id)
    flash(_("The objective is removed."), "info")
    return redirect(url_for("indicators.objectives_index"))
