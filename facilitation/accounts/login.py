"""Flask-Login wiring: users are loaded by their rotating login token, never by id, and only
while the browser's staff session (``sessions.StaffSession``) is valid."""

from flask import current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.web import is_htmx
from ..extensions import login_manager
from . import bp, services, sessions

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

# What a session that must first set up two-factor authentication may open.
_WHILE_ENROLLING = {
    "accounts.two_factor_setup",
    "accounts.confirm_password",
    "accounts.logout",
    "main.set_language",
    "main.health",
    "static",
}


@login_manager.user_loader
def _load_user(login_token: str):
    user = services.load_user(login_token)
    return user if sessions.user_is_in_session(user) else None


@bp.before_app_request
def _enrolment_first():
    """The structure requires two-factor authentication: enrol before anything else."""
    if request.endpoint in _WHILE_ENROLLING or request.endpoint in (None, "static"):
        return None  # static files: no user loaded, no database query
    if not current_user.is_authenticated or not sessions.must_enrol():
        return None
    target = url_for("accounts.two_factor_setup")
    if is_htmx():
        return current_app.response_class(status=204, headers={"HX-Redirect": target})
    return redirect(target)
