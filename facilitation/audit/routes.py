"""The coordinator's journal: every entry, filtered and paged, and its CSV export."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user, login_required

from ..core.web import parse_id
from . import bp, services
from .forms import JournalFilterForm

FILTERS = ("personne", "membre", "action", "du", "au")  # kept in the pages' and export's links


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff (and the services keep it to coordinators)."""


@bp.after_request
def _no_store(response):
    """The journal names people and staff: never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _filters() -> tuple[JournalFilterForm, services.JournalFilter]:
    form = JournalFilterForm(formdata=request.args)
    form.set_choices(services.staff_choices(current_user))
    form.validate()
    ok = lambda name: not getattr(form, name).errors  # noqa: E731
    member = form.membre.data if ok("membre") else ""
    filters = services.JournalFilter(
        person=(form.personne.data or "") if ok("personne") else "",
        actor_id=parse_id(member),
        action=(form.action.data or "") if ok("action") else "",
        start=form.du.data if ok("du") else None,
        end=form.au.data if ok("au") else None,
    )
    return form, filters


def _page_number() -> int:
    number = parse_id(request.args.get("page"))
    return number if number is not None and number < 10**6 else 1


@bp.get("/journal")
def journal():
    """Coordinator: every audited action, newest first, with filters and pages."""
    form, filters = _filters()
    page = services.journal(current_user, filters, page=_page_number())
    query = {k: v for k, v in request.args.items() if k in FILTERS and v}
    return render_template("audit/journal.html", form=form, page=page, query=query)


@bp.get("/journal/export.csv")
def export():
    """The entries the filters select, as a CSV file for a spreadsheet (audited)."""
    _form, filters = _filters()
    return Response(
        services.export_csv(current_user, filters),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="journal.csv"'},
    )
