"""French error pages; no stack trace ever reaches a user."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from . import exceptions

MESSAGES = {
    400: lambda: _("The request could not be understood. Please go back and try again."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("This page does not exist, or you do not have access to it."),
    405: lambda: _("This action is not possible here."),
    413: lambda: _("What you sent is too large."),
    429: lambda: _("Too many attempts. Please wait a minute and try again."),
    500: lambda: _(
        "Something went wrong on our side. What you did was not saved; "
        "please try again in a moment."
    ),
}


def render_error(code: int, message: str | None = None):
    text = message or MESSAGES.get(code, MESSAGES[500])()
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    return render_template(template, code=code, message=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return render_error(
            400,
            _(
                "This form has expired or was not sent from this site. "
                "Please reload the page and try again."
            ),
        )

    @app.errorhandler(exceptions.NotFound)
    def _domain_not_found(_error):
        return render_error(404)

    @app.errorhandler(exceptions.Forbidden)
    def _domain_forbidden(_error):
        return render_error(403)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
