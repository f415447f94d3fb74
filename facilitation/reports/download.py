"""Sending a report: an audited attachment, with a safe file name, never cached or sniffed.

Every export goes through :func:`send`: it records who exported what in the audit log
(``audit.EXPORT_REPORT``), commits, and returns the file as an attachment.
"""

from __future__ import annotations

import re
import unicodedata

from flask import Response

from ..accounts.models import User
from ..audit import services as audit
from ..extensions import db
from . import export, pdf

MIMETYPES = {name: f.mimetype for name, f in export.FORMATS.items()} | {"pdf": pdf.MIMETYPE}
_NOT_SAFE = re.compile(r"[^a-z0-9]+")


def slug(value: str) -> str:
    """ASCII letters, digits and dashes only: « Séance du 3 mars » → seance-du-3-mars."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _NOT_SAFE.sub("-", ascii_text.lower()).strip("-")


def safe_filename(*parts: str, extension: str) -> str:
    stem = "-".join(filter(None, (slug(p) for p in parts)))[:80].strip("-") or "export"
    return f"{stem}.{extension}"


def attachment(data: bytes, *, filename: str, mimetype: str) -> Response:
    response = Response(data, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def send(
    actor: User, data: bytes, fmt: str, *, name: list[str], report: str, **details
) -> Response:
    """Audit the export, commit, and send ``data`` (already made) as an attachment."""
    audit.record(
        actor.organisation_id,
        audit.EXPORT_REPORT,
        actor=actor,
        participant_id=None,
        report=report,
        format=fmt,
        **details,
    )
    db.session.commit()
    return attachment(data, filename=safe_filename(*name, extension=fmt), mimetype=MIMETYPES[fmt])


def send_workbook(
    actor: User, workbook: export.Workbook, fmt: str, *, name: list[str], report: str, **details
) -> Response:
    return send(actor, export.write(workbook, fmt), fmt, name=name, report=report, **details)
