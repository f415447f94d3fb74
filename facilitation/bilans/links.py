"""Links from other pages to a bilan: the project page, the compte rendu de séance."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from ..extensions import db
from .models import Bilan


def _link(bilan: Bilan | None) -> tuple[str, str] | None:
    if bilan is None:
        return None
    if not has_request_context():  # a service called from the CLI or a test
        with current_app.test_request_context():
            return bilan.title, url_for("bilans.page", bilan_id=bilan.id)
    return bilan.title, url_for("bilans.page", bilan_id=bilan.id)


def project_link(project) -> tuple[str, str] | None:
    return _link(
        db.session.scalar(
            sa.select(Bilan).where(Bilan.project_id == project.id).order_by(Bilan.id.desc())
        )
    )


def session_link(session) -> tuple[str, str] | None:
    return _link(
        db.session.scalar(
            sa.select(Bilan).where(Bilan.session_id == session.id).order_by(Bilan.id.desc())
        )
    )
