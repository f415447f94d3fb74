"""The indicators page, its exports (ODS, XLSX, CSV, PDF), the annual report, the threshold."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import ValidationError
from ...core.web import attach_error, form_status
from ...extensions import db
from ...reports import download, pdf
from ...workshops import services as workshops
from .. import bp, exports, grids, settings
from .. import queries as q
from .. import scope as scopes
from .. import view as views
from ..forms import ThresholdForm
from ..scope import Period
from .common import today

FORMATS = ("csv", "ods", "xlsx", "pdf")
KIND_WORD = {"year": "annee", "quarter": "trimestre", "custom": "dates"}


def _selection(period: Period | None, scope: scopes.Scope | None, day) -> dict:
    args = request.args
    return {
        "scope_options": scopes.scope_options(current_user),
        "years": list(range(day.year + 1, day.year - 9, -1)),
        "chosen": {
            "periode": KIND_WORD[period.kind] if period else (args.get("periode") or "annee"),
            "annee": args.get("annee") or (period.year if period and period.year else day.year),
            "trimestre": args.get("trimestre") or (period.quarter if period else ""),
            "du": args.get("du") or (period.start.isoformat() if period else ""),
            "au": args.get("au") or (period.end.isoformat() if period else ""),
            "cible": args.get("cible") or (scope.target if scope else ""),
        },
    }


def _view(day):
    period = scopes.parse_period(request.args, day)
    scope = scopes.parse_scope(current_user, request.args)
    return period, scope


def _refused(error: ValidationError, day):
    """The page again, with what was typed and why it was refused (422)."""
    return render_template(
        "indicators/index.html", view=None, error=error, **_selection(None, None, day)
    ), 422


@bp.get("/indicateurs")
def index():
    """The indicators of a period and a scope, each figure with its definition."""
    day = today()
    try:
        period, scope = _view(day)
    except ValidationError as error:
        return _refused(error, day)
    if scope is None:
        return render_template(
            "indicators/index.html", view=None, error=None, **_selection(period, None, day)
        )
    view = views.build(current_user, scope, period, day)
    return render_template(
        "indicators/index.html",
        view=view,
        tables=exports.page_tables(view),
        error=None,
        pdf_unavailable=pdf.unavailable_reason(),
        query={**period.args(), **scope.args()},
        upcoming=_upcoming(scope, day),
        word_of=grids.WORD_OF,
        **_selection(period, scope, day),
    )


def _upcoming(scope: scopes.Scope, day) -> list:
    """Next sessions of the scope, where a self-assessment can be prepared."""
    sessions = workshops.upcoming_sessions(current_user, day, limit=40)
    if scope.project is not None:
        meetings = set(db.session.scalars(q.meeting_sessions(scope.project.id)))
        sessions = [s for s in sessions if s.id in meetings]
    elif scope.cycle is not None:
        sessions = [s for s in sessions if s.cycle_id == scope.cycle.id]
    elif scope.space is not None:
        sessions = [s for s in sessions if s.cycle.space_id == scope.space.id]
    return sessions[:5]


def _pdf_or_page(template: str, back: str, **context):
    try:
        return pdf.render(template, **context), None
    except pdf.PdfUnavailable as unavailable:
        return None, (
            render_template("reports/pdf_unavailable.html", message=unavailable.message, back=back),
            503,
        )


def _details(view) -> dict:
    return {
        "scope": view.scope.key,
        "start": view.period.start.isoformat(),
        "end": view.period.end.isoformat(),
        "threshold": view.threshold,
    }


@bp.get("/indicateurs.<any(csv, ods, xlsx, pdf):fmt>")
def export(fmt: str):
    """The same view as a file: figures, definitions, period, scope, threshold (audited)."""
    day = today()
    try:
        period, scope = _view(day)
    except ValidationError as error:
        return _refused(error, day)
    if scope is None:
        return redirect(url_for("indicators.index"))
    view = views.build(current_user, scope, period, day)
    name = ["indicateurs", scope.label, period.start.isoformat(), period.end.isoformat()]
    if fmt != "pdf":
        return download.send_workbook(
            current_user,
            exports.workbook(view),
            fmt,
            name=name,
            report="indicators",
            **_details(view),
        )
    back = url_for("indicators.index", **period.args(), **scope.args())
    data, refusal = _pdf_or_page(
        "indicators/indicators_pdf.html", back, view=view, tables=exports.page_tables(view)
    )
    if refusal:
        return refusal
    return download.send(
        current_user, data, "pdf", name=name, report="indicators", **_details(view)
    )


@bp.get("/indicateurs/rapport-d-activite.pdf")
def annual_report():
    """The annual rapport d'activité of a year (cover, figures, charts, grids, veille)."""
    day = today()
    args = {**request.args, "periode": "annee"}
    try:
        period = scopes.parse_period(args, day)
        scope = scopes.parse_scope(current_user, request.args)
    except ValidationError as error:
        return _refused(error, day)
    if scope is None:
        return redirect(url_for("indicators.index"))
    view = views.build(current_user, scope, period, day)
    back = url_for("indicators.index", **period.args(), **scope.args())
    data, refusal = _pdf_or_page(
        "indicators/annual_report_pdf.html",
        back,
        view=view,
        tables=exports.page_tables(view),
        bilans=views.finalised_bilans(current_user, scope, period),
    )
    if refusal:
        return refusal
    name = ["rapport-d-activite", str(period.year), scope.label]
    return download.send(
        current_user, data, "pdf", name=name, report="annual_report", **_details(view)
    )


@bp.route("/indicateurs/seuil", methods=["GET", "POST"])
def threshold():
    """The small-cell threshold of the structure (coordinator)."""
    current = settings.threshold(current_user.organisation_id)
    if not current_user.is_coordinator:
        settings.set_threshold(current_user, current)  # raises Forbidden
    form = ThresholdForm(data={"threshold": current} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            settings.set_threshold(current_user, form.threshold.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(
                _("The threshold is saved: it applies to the page and to every export."), "success"
            )
            return redirect(url_for("indicators.index"))
    return render_template("indicators/threshold.html", form=form), form_status(form)
