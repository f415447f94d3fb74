"""Small helpers shared by the blueprints' views (thin routes, rules in services)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, url_for
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter

from .exceptions import ValidationError

# Row ids are 64-bit signed integers on every database: a larger number is no id of ours
# (SQLite would raise OverflowError on it, PostgreSQL a NumericValueOutOfRange).
MAX_ID = 2**63 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in routes: a number past MAX_ID does not match (404), never a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value) -> int | None:
    """An id from a form or query value: ASCII digits within MAX_ID, else None."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


NEXT_MAX = 2000  # characters: longer is not a page of ours


def is_local_path(target: str) -> bool:
    """A path on this site that is safe in a ``Location`` header.

    Refused: other sites (``//host``, ``/\\host`` which browsers read as ``//host``, any
    scheme or host), control characters (a CR/LF would split the header), anything but
    printable ASCII (the browser's own links are percent-encoded), very long values.
    """
    if not target or len(target) > NEXT_MAX or not target.startswith("/"):
        return False
    if not all(" " < char < "\x7f" for char in target) or "\\" in target:
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(default_endpoint: str, **values) -> str:
    """The ``next`` parameter if it is a path on this site, else a default page."""
    target = request.values.get("next", "")
    if is_local_path(target):
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
