"""HTTP security headers (Content-Security-Policy without inline scripts), and no caching
of what is private (staff pages, a participant's own pages, exports)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import Talisman

# Everything is served by the app itself: no CDN, so no participant's address
# reaches a third party.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask, talisman: Talisman) -> None:
    force_https = app.config["FORCE_HTTPS"]
    talisman.init_app(
        app,
        force_https=force_https,
        strict_transport_security=force_https,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "()"},
    )
    app.after_request(_no_store)


# The phones' and the projector's pages are public (a join code, a screen key): they keep
# normal caching, as do static files. Everything else a logged-in member of staff sees,
# every page of a participant about themself (/moi) and every download is never stored by
# a browser or a proxy: phones and computers are shared.
_PUBLIC_PREFIXES = ("/static/", "/j/", "/ecran/")
_PUBLIC_PATHS = {"/j", "/sante", "/favicon.ico"}


def _private(response: Response) -> bool:
    path = request.path
    if path == "/moi" or path.startswith("/moi/"):
        return True
    if "attachment" in response.headers.get("Content-Disposition", ""):
        return True
    if path in _PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES):
        return False
    # Login, two-factor and password pages too (anonymous but about an account).
    if request.blueprint == "accounts":
        return True
    try:
        return bool(current_user.is_authenticated)
    except Exception:  # the database is down (a 500 page): do not cache that either
        return True


def _no_store(response: Response) -> Response:
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    return response
