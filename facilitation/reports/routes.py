"""The compte rendu de séance: its page, and its exports (CSV, ODS, XLSX, PDF)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required

from . import bp, display, download, pdf, services


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff."""


@bp.record_once
def _filters(state):
    display.init_app(state.app)


@bp.get("/seances/<int:session_id>/compte-rendu")
def session_report(session_id: int):
    """Every activity of a session with its results, counts of people, its bilan."""
    report = services.session_report(current_user, session_id)
    return render_template(
        "reports/session.html", report=report, pdf_unavailable=pdf.unavailable_reason()
    )


@bp.get("/seances/<int:session_id>/compte-rendu.<any(csv, ods, xlsx, pdf):fmt>")
def session_export(session_id: int, fmt: str):
    """The compte rendu as a file (audited)."""
    report = services.session_report(current_user, session_id)
    session = report.session
    name = ["compte-rendu", session.starts_on.isoformat(), session.theme]
    details = {"session_id": session.id}
    if fmt != "pdf":
        return download.send_workbook(
            current_user, services.workbook(report), fmt, name=name, report="session", **details
        )
    try:
        data = pdf.render("reports/session_pdf.html", report=report, when=services.when(session))
    except pdf.PdfUnavailable as unavailable:
        back = url_for("reports.session_report", session_id=session.id)
        return render_template(
            "reports/pdf_unavailable.html", message=unavailable.message, back=back
        ), 503
    return download.send(current_user, data, fmt, name=name, report="session", **details)
