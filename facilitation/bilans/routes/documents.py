"""The bilan as a PDF (the report layer) or an ODT to edit (audited downloads)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required

from ...reports import download, pdf
from .. import bp
from ..services import documents
from .common import staff_bilan

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
download.MIMETYPES.setdefault("odt", ODT_MIMETYPE)


@bp.get("/bilans/<int:bilan_id>.<any(pdf, odt):fmt>")
@login_required
def export(bilan_id: int, fmt: str):
    """The bilan to print (PDF) or to edit further (ODT)."""
    bilan = staff_bilan(bilan_id)
    doc = documents.document(bilan)
    name = ["bilan", bilan.title]
    if fmt == "odt":
        data = documents.odt(doc)
    else:
        try:
            data = pdf.render("bilans/pdf.html", doc=doc, action_kind=documents.action_kind)
        except pdf.PdfUnavailable as unavailable:
            back = url_for("bilans.page", bilan_id=bilan.id)
            return render_template(
                "reports/pdf_unavailable.html", message=unavailable.message, back=back
            ), 503
    return download.send(current_user, data, fmt, name=name, report="bilan", bilan_id=bilan.id)
