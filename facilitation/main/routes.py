"""Home, dashboard, language choice and health check."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, make_response, redirect, render_template, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..core.i18n import LANG_COOKIE
from ..core.web import safe_next
from ..extensions import csrf, db
from ..live import routes as live_routes
from ..live import services as live
from ..spaces import services as spaces
from ..workshops import services as workshops
from . import bp


@bp.get("/")
def index():
    """Send staff to their dashboard, newcomers to the first-run setup or the login page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    if not accounts.has_any_user():
        return redirect(url_for("accounts.setup"))
    return redirect(url_for("accounts.login"))


@bp.get("/tableau-de-bord")
@login_required
def dashboard():
    """Upcoming sessions and the spaces of the logged-in member of staff."""
    today = datetime.now(get_timezone()).date()
    sessions = workshops.upcoming_sessions(current_user, today)
    # The session of the day: its board (made now if needed) for "Start the workshop".
    screens = {
        s.id: live_routes.screen_url(live.board_for_session(current_user, s))
        for s in sessions
        if s.starts_on == today
    }
    return render_template(
        "main/dashboard.html",
        sessions=sessions,
        screens=screens,
        spaces=spaces.list_spaces(current_user),
        today=today,
    )


@bp.get("/langue/<code>")
def set_language(code: str):
    """Remember the chosen language in a cookie and go back where the person was."""
    response = make_response(redirect(safe_next("main.index")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.get("/sante")
@csrf.exempt
def health():
    """Health for the load balancer: database, Redis and message-queue listener (503 if down)."""
    from ..core import health as checks

    body, status = checks.report(current_app, db)
    return body, status
