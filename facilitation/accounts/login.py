"""Flask-Login wiring: users are loaded by their rotating login token, never by id."""

from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from . import services

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(login_token: str):
    return services.load_user(login_token)
