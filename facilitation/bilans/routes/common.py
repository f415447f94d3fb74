"""Shared bits of the bilans' routes: the staff guard, the page's context, replies."""

from __future__ import annotations

from flask import flash, make_response, render_template, request
from flask_login import current_user

from ...core.exceptions import ValidationError
from ...core.web import is_htmx, parse_id, redirect_to
from ...reports import pdf
from .. import services


def staff_bilan(bilan_id: int):
    """The bilan, for staff of its space (NotFound → 404 for anyone else)."""
    return services.get_bilan(current_user, bilan_id)


def form_id(name: str) -> int | None:
    return parse_id(request.form.get(name))


def page_context(bilan, **extra) -> dict:
    sections = []
    me = services.staff_pen(current_user)
    for section in bilan.sections:
        sections.append(
            {
                "section": section,
                "themes": services.themes(section),
                "revealed": services.revealed(section),
                "pending": services.pending(section),
                "pen_label": services.pen_label(section, me),
                "mine": section.pen == me,
            }
        )
    board = services.board_of(bilan)
    return {
        "bilan": bilan,
        "sections": sections,
        "figures": services.figures(bilan),
        "board": board,
        "step_labels": services.STEP_LABELS,
        "steps": services.STEPS,
        "scope_label": services.SCOPE_LABELS[bilan.scope],
        "contributors": bilan.contributor_count
        if bilan.finalised
        else services.contributor_count(bilan),
        "spoken": services.spoken_count(bilan),
        "pdf_unavailable": pdf.unavailable_reason(),
        "project": services.project_of(bilan),
        **extra,
    }


def back(bilan, message: str | None = None, *, error: str | None = None, anchor: str = ""):
    """After a staff action: the page again (htmx: the page fragment), with its message."""
    if error:
        flash(error, "error")
    elif message:
        flash(message, "success")
    if is_htmx():
        response = make_response(render_template("bilans/page.html", **page_context(bilan)))
        response.status_code = 422 if error else 200
        return response
    return redirect_to("bilans.page", bilan_id=bilan.id, _anchor=anchor or None)


def refused(bilan, error: ValidationError, anchor: str = ""):
    return back(bilan, error=error.message, anchor=anchor)
