"""Login throttling: wrong passwords and codes are counted, successes never.

Three counters, in the store Flask-Limiter uses (Redis when ``REDIS_URL`` is set, memory
otherwise), each a moving window:

- per **address** (``LOGIN_RATE_LIMIT``): one network guessing at many accounts is slowed
  down, and only that network;
- per **account** (``LOGIN_ACCOUNT_LIMIT``), from every address together: many addresses
  cannot share out the guesses on one account. Beyond it the account refuses, for a
  while, every browser it does not know;
- per **known browser** (``LOGIN_DEVICE_LIMIT``): a browser that logged in to the account
  before carries a signed cookie naming the account; it is let through the address and
  account counters (so the real coordinator on the shared Wi-Fi under attack still gets
  in), and has a counter of its own, after which it is treated as unknown.

The account is named by an HMAC of its e-mail, so that an unknown e-mail is throttled
like a known one (nothing tells which accounts exist). Disabled with ``RATELIMIT_ENABLED``
(load tests from one address only).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets

from flask import after_this_request, current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

DEVICE_COOKIE_DAYS = 180
_EXTENSION = "facilitation.login_throttle"


class Refusal(enum.StrEnum):
    ADDRESS = "address"
    ACCOUNT = "account"

    @property
    def message(self) -> str:
        if self is Refusal.ADDRESS:
            return _(
                "Too many attempts from this network. Please wait a few minutes and try again."
            )
        return _(
            "Too many wrong attempts on this account. To protect it, it is locked for now "
            "for browsers it does not know. Try again in an hour, or from a browser where you "
            "have already logged in."
        )


def _limiter() -> MovingWindowRateLimiter:
    """The app's counters, created on first use in the store of ``RATELIMIT_STORAGE_URI``."""
    limiter = current_app.extensions.get(_EXTENSION)
    if limiter is None:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        limiter = current_app.extensions[_EXTENSION] = MovingWindowRateLimiter(storage)
    return limiter


def reset() -> None:
    """Forget every counter (tests)."""
    _limiter().storage.reset()


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _prefix() -> str:
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "facilitation"


def account_key(email: str) -> str:
    """A stable, non-reversible name for an e-mail (also used in the audit log)."""
    normalised = (email or "").strip().lower().encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"login-account:" + normalised, hashlib.sha256).hexdigest()[:32]


def _address() -> str:
    return request.remote_addr or "unknown"


def _limits(name: str):
    return parse_many(current_app.config[name])


def _blocked(config_name: str, *identifiers: str) -> bool:
    return any(
        not _limiter().test(limit, _prefix(), "login", *identifiers)
        for limit in _limits(config_name)
    )


def _hit(config_name: str, *identifiers: str) -> None:
    for limit in _limits(config_name):
        _limiter().hit(limit, _prefix(), "login", *identifiers)


# --- the known-browser cookie -----------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def _device_nonce(email: str) -> str | None:
    """The nonce of this browser's cookie, if it names this account and is still valid."""
    cookie = request.cookies.get(current_app.config["STAFF_DEVICE_COOKIE_NAME"])
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != account_key(email):
        return None
    nonce = data.get("n")
    return nonce if isinstance(nonce, str) else None


def remember_device(email: str) -> None:
    """After a successful login: this browser is known to this account from now on."""
    data = {"a": account_key(email), "n": _device_nonce(email) or secrets.token_urlsafe(16)}
    value = _serializer().dumps(data)

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            current_app.config["STAFF_DEVICE_COOKIE_NAME"],
            value,
            max_age=DEVICE_COOKIE_DAYS * 86400,
            secure=current_app.config["STAFF_DEVICE_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
            path="/",
        )
        return response


# --- checks -------------------------------------------------------------------------------


def refusal(email: str) -> Refusal | None:
    """Why an attempt on this account, from here, is refused before checking anything."""
    if not _enabled():
        return None
    nonce = _device_nonce(email)
    if nonce is not None and not _blocked("LOGIN_DEVICE_LIMIT", "device", nonce):
        return None
    if _blocked("LOGIN_RATE_LIMIT", "address", _address()):
        return Refusal.ADDRESS
    if _blocked("LOGIN_ACCOUNT_LIMIT", "account", account_key(email)):
        return Refusal.ACCOUNT
    return None


def record_failure(email: str) -> None:
    """A wrong password or code for this account, from here."""
    if not _enabled():
        return
    nonce = _device_nonce(email)
    if nonce is not None:
        _hit("LOGIN_DEVICE_LIMIT", "device", nonce)
    _hit("LOGIN_RATE_LIMIT", "address", _address())
    _hit("LOGIN_ACCOUNT_LIMIT", "account", account_key(email))
