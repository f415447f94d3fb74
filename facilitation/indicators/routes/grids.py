"""The quality grids of the ARS guide (annexes 5 and 6): versions, filling, comparison."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import Forbidden, ValidationError
from ...core.web import attach_error, form_status
from ...spaces import services as spaces
from .. import bp, grids
from ..forms import GRID_FORMS
from .common import int_arg, today


def _coordinator():
    if not current_user.is_coordinator:
        raise Forbidden


@bp.get("/grilles")
def grids_index():
    """Every filled version of the two grids, for the structure and each space."""
    _coordinator()
    versions = grids.versions(current_user, any_scope=True)
    return render_template(
        "indicators/grids.html",
        grids=list(grids.GRIDS.values()),
        versions=versions,
        spaces=spaces.list_spaces(current_user, include_archived=True),
        word_of=grids.WORD_OF,
    )


@bp.route("/grilles/<grid_word>/remplir", methods=["GET", "POST"])
def grid_fill(grid_word: str):
    """Fill a grid for the structure or a space: a new dated version."""
    _coordinator()
    grid = grids.get_grid(grid_word)
    space_id = int_arg(request.args.get("espace"))
    space = spaces.get_space(current_user, space_id) if space_id else None
    form = GRID_FORMS[grid.name]()
    if request.method == "GET":
        previous = grids.latest(current_user, grid.name, space_id)
        lines = grids.answers_of(previous)
        for item in grid.items:
            if item.key in lines:
                form[f"{item.key}-rating"].data = lines[item.key].rating
                form[f"{item.key}-comment"].data = lines[item.key].comment
        form.filled_on.data = today()
    if form.validate_on_submit():
        answers = {
            item.key: grids.Answer(
                form[f"{item.key}-rating"].data or "", form[f"{item.key}-comment"].data or ""
            )
            for item in grid.items
        }
        try:
            version = grids.save_version(
                current_user,
                grid,
                space_id=space_id,
                filled_on=form.filled_on.data,
                answers=answers,
                today=today(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(
                _(
                    "The grid is saved, dated %(date)s.",
                    date=format_date(version.filled_on, "long"),
                ),
                "success",
            )
            return redirect(url_for("indicators.grid_version", version_id=version.id))
    return render_template(
        "indicators/grid_fill.html", grid=grid, form=form, space=space, word=grid_word
    ), form_status(form)


@bp.get("/grilles/versions/<int:version_id>")
def grid_version(version_id: int):
    """One version of a grid, as filled on its date."""
    version = grids.get_version(current_user, version_id)
    grid = grids.GRIDS[version.grid]
    others = [
        v for v in grids.versions(current_user, grid.name, version.space_id) if v.id != version.id
    ]
    return render_template(
        "indicators/grid_version.html",
        grid=grid,
        version=version,
        lines=grids.answers_of(version),
        others=others,
        word=grids.WORD_OF[grid.name],
    )


@bp.get("/grilles/<grid_word>/comparer")
def grid_compare(grid_word: str):
    """Two dated versions side by side: what moved."""
    _coordinator()
    grid = grids.get_grid(grid_word)
    first, second = int_arg(request.args.get("a")), int_arg(request.args.get("b"))
    try:
        if first is None or second is None:
            raise ValidationError(_("Choose two versions to compare."))
        grid, before, after, rows = grids.compare(current_user, first, second)
    except ValidationError as error:
        flash(error.message, "error")
        return redirect(url_for("indicators.grids_index"))
    return render_template(
        "indicators/grid_compare.html", grid=grid, before=before, after=after, rows=rows
    )
