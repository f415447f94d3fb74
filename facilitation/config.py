"""Configuration read from the environment, with safe embedded defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """Read ``instance/secret_key``, creating it (mode 0600) on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_async_mode() -> str:
    """gevent when the server monkey-patched the process (gunicorn's gevent worker)."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from environment variables."""
    default_db = "sqlite:///" + str(Path(instance_path) / "facilitation.sqlite3")
    redis_url = os.environ.get("REDIS_URL") or None
    force_https = _bool("FORCE_HTTPS", False)
    # Behind HTTPS, cookies are Secure and the session cookie takes the __Host- prefix (no
    # Domain, Path=/, Secure: a sibling subdomain cannot set or overwrite it).
    secure_cookies = _bool("SECURE_COOKIES", force_https)
    cookie_prefix = "__Host-" if secure_cookies else ""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or load_or_create_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or default_db
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Prometheus metrics (core/metrics.py): off unless METRICS=1; a token for remote reads.
        "METRICS_ENABLED": _bool("METRICS", False),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        # Redis pub/sub channel of the Socket.IO message queue (one per deployment).
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "flask-socketio"),
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE") or default_async_mode(),
        # Compress text responses and static files (zstd, br, gzip, deflate as the phone
        # accepts): phones on small data plans.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "application/javascript",
            "text/javascript",
            "application/json",
            "image/svg+xml",
        ],
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Off only for load tests from one address (bench/live_vote.py --join http).
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Wrong logins counted per address (and invitation forms sent per address).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Wrong logins on one account from every address: beyond, the account refuses
        # browsers it does not know (see accounts/throttle.py).
        "LOGIN_ACCOUNT_LIMIT": os.environ.get("LOGIN_ACCOUNT_LIMIT", "20 per hour"),
        # Wrong logins from a browser that logged in to that account before.
        "LOGIN_DEVICE_LIMIT": os.environ.get("LOGIN_DEVICE_LIMIT", "10 per hour"),
        # Staff sessions: ended after this long without a request, and this long after login.
        "STAFF_SESSION_IDLE_MINUTES": int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "120")),
        "STAFF_SESSION_MAX_HOURS": int(os.environ.get("STAFF_SESSION_MAX_HOURS", "12")),
        # Erasing, merging, exporting a person, managing staff and security settings ask for
        # the password again when it was last typed longer ago than this.
        "FRESH_LOGIN_MINUTES": int(os.environ.get("FRESH_LOGIN_MINUTES", "10")),
        # Cookies: HttpOnly and SameSite always; Secure when served over HTTPS.
        "SESSION_COOKIE_NAME": cookie_prefix + "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=int(os.environ.get("STAFF_SESSION_MAX_HOURS", "12"))
        ),
        # Flask-Login's remember cookie is never set (no "remember me"), and a forged or old
        # one opens nothing: a staff session needs its server-side record.
        "REMEMBER_COOKIE_NAME": cookie_prefix + "remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        # A browser that logged in before is let through the per-account lock.
        "STAFF_DEVICE_COOKIE_NAME": cookie_prefix + "fac_staff_device",
        "STAFF_DEVICE_COOKIE_SECURE": secure_cookies,
        "FORCE_HTTPS": force_https,
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers we trust.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # a workshop can last all afternoon
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Paris"),
        # Each language written in its own script. Romanian, Dari (Babel's "fa": CLDR has no
        # Dari locale) and Tigrinya: participant pages only, machine translations to be
        # reviewed (docs/languages.md); staff pages stay in STAFF_LANGUAGES.
        "LANGUAGES": {
            "fr": "Français",
            "en": "English",
            "ar": "العربية",
            "ro": "Română",
            "fa": "دری",
            "ti": "ትግርኛ",
        },
        "STAFF_LANGUAGES": ("fr", "en", "ar"),
        "RTL_LANGUAGES": {"ar", "fa"},
        "INVITATION_VALID_DAYS": 14,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Retention periods of `flask purge` (docs/privacy.md says why these).
        "RETENTION_PEOPLE_MONTHS": int(os.environ.get("RETENTION_PEOPLE_MONTHS", "24")),
        "RETENTION_BOARD_MONTHS": int(os.environ.get("RETENTION_BOARD_MONTHS", "3")),
        "RETENTION_LINKS_DAYS": int(os.environ.get("RETENTION_LINKS_DAYS", "30")),
        "RETENTION_AUDIT_MONTHS": int(os.environ.get("RETENTION_AUDIT_MONTHS", "12")),
    }
