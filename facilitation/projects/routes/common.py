"""Helpers shared by the staff routes of projects."""

from __future__ import annotations

from flask import make_response, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ...core import qr
from .. import services
from ..models import Project


def viewer() -> services.Viewer:
    return services.Viewer(user=current_user)


def project_or_404(project_id: int) -> Project:
    return services.get_project(current_user, project_id)


def no_store(response):
    """Staff pages of a project are not kept by a shared computer's cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def render(template: str, status: int = 200, **context):
    return no_store((render_template(template, **context), status))


def qr_svg(url: str, title: str) -> Markup:
    return qr.qr_svg(url, title=title)


def form_list(name: str) -> list[str]:
    return request.form.getlist(name)
