"""Small helpers shared by the blueprints' views (thin routes, rules in services)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, url_for
from flask_wtf import FlaskForm

from .exceptions import ValidationError


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(default_endpoint: str, **values) -> str:
    """The ``next`` parameter if it is a path on this site, else a default page."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for(default_endpoint, **values)


def redirect_to(endpoint: str, **values):
    """After a successful POST: redirect (plain form) or tell htmx to navigate."""
    url = url_for(endpoint, **values)
    if is_htmx():
        response = redirect(url)
        response.status_code = 204
        response.headers["HX-Location"] = url
        return response
    return redirect(url)


def attach_error(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's refusal next to the field it concerns (or on top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = (
            [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
        )
    else:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is refused (htmx then swaps it in with its messages), else 200."""
    return 422 if form.errors else 200
