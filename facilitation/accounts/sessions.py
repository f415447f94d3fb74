"""Staff sessions that end for real: a server-side record per login, checked on every request.

The signed session cookie holds a random token; the record (``StaffSession``) says whether
it is still valid. A request is logged in only while its record is not ended (logout, ended
from another session, password change, deactivation), not idle for longer than
``STAFF_SESSION_IDLE_MINUTES`` and not older than ``STAFF_SESSION_MAX_HOURS``. Replaying an
old cookie after logout therefore opens nothing.

Socket.IO control connections are recorded against their session and closed when it ends
(through the message queue when they live in another process); a control event on a socket
whose session has ended is refused all the same.

Sensitive actions ask for the password again: :mod:`.fresh_login`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request, session

from ..audit import services as audit
from ..core.database import utcnow
from ..core.exceptions import NotFound
from ..extensions import db
from .models import StaffSession, StaffSocket, User

SESSION_KEY = "_staff_session"
# last_seen_at is written at most this often (not one write per request).
_TOUCH_EVERY = timedelta(seconds=60)
_MISSING = object()
KEEP_ENDED = timedelta(days=30)
log = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_SESSION_IDLE_MINUTES"])


def _max_age() -> timedelta:
    return timedelta(hours=current_app.config["STAFF_SESSION_MAX_HOURS"])


# --- what the list of sessions shows: coarse, never the full address or user agent ---------

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_summary(user_agent: str | None) -> str:
    """ "Firefox · Android": the browser and the system, nothing more."""
    agent = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    return " · ".join(part for part in (browser, system) if part)


def network_summary(address: str | None) -> str:
    """The network, not the address: 192.0.2.0/24, or an IPv6 /48."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# --- the current session --------------------------------------------------------------------


def start(user: User, *, must_enrol: bool = False) -> StaffSession:
    """Open a session for a user who has just proved who they are (after ``session.clear()``)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = StaffSession(
        user_id=user.id,
        token_hash=_hash(token),
        created_at=now,
        authenticated_at=now,
        last_seen_at=now,
        must_enrol=must_enrol,
        device=device_summary(request.user_agent.string)[:80],
        network=network_summary(request.remote_addr)[:64],
    )
    db.session.add(record)
    # Old rows of this user go: the list of sessions is all they were kept for.
    db.session.execute(
        sa.delete(StaffSession).where(
            StaffSession.user_id == user.id, StaffSession.created_at < now - KEEP_ENDED
        )
    )
    db.session.commit()
    session[SESSION_KEY] = token
    request._staff_session = record
    return record


def _expiry_reason(record: StaffSession, now: datetime) -> str | None:
    if now - record.last_seen_at > _idle_limit():
        return "idle"
    if now - record.created_at > _max_age():
        return "expired"
    return None


def current() -> StaffSession | None:
    """The record of this request's session, if it is still valid (ended ones are None)."""
    if not has_request_context():
        return None
    cached = getattr(request, "_staff_session", _MISSING)
    if cached is not _MISSING:
        return cached
    record = None
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        record = db.session.scalar(
            sa.select(StaffSession).where(StaffSession.token_hash == _hash(token))
        )
    if record is not None and record.ended_at is not None:
        record = None
    if record is not None:
        now = utcnow()
        reason = _expiry_reason(record, now)
        if reason is not None:
            _end([record], reason)
            record = None
        elif now - record.last_seen_at > _TOUCH_EVERY:
            record.last_seen_at = now
            db.session.commit()
    request._staff_session = record
    return record


def user_is_in_session(user: User | None) -> bool:
    """Flask-Login's check: the user of the cookie has a valid session record here."""
    record = current()
    return user is not None and record is not None and record.user_id == user.id


def must_enrol() -> bool:
    record = current()
    return record is not None and record.must_enrol


def require_enrolment() -> None:
    """Two-factor authentication was turned off where it is required: only enrolment now."""
    record = current()
    if record is not None:
        record.must_enrol = True
        db.session.commit()


def enrolled() -> None:
    """Two-factor authentication is set up: the session opens every page again."""
    record = current()
    if record is not None and record.must_enrol:
        record.must_enrol = False
        db.session.commit()


# --- ending sessions ------------------------------------------------------------------------


def _end(records: list[StaffSession], reason: str) -> None:
    """Mark the records ended, then close their control sockets (wherever they are)."""
    if not records:
        return
    now = utcnow()
    ids = [r.id for r in records]
    for record in records:
        record.ended_at = now
        record.end_reason = reason
    sockets = list(
        db.session.execute(
            sa.select(StaffSocket.sid, StaffSocket.namespace).where(
                StaffSocket.staff_session_id.in_(ids)
            )
        )
    )
    db.session.execute(sa.delete(StaffSocket).where(StaffSocket.staff_session_id.in_(ids)))
    db.session.commit()
    _disconnect(sockets)


def _disconnect(sockets) -> None:
    from ..extensions import socketio

    server = getattr(socketio, "server", None)
    if server is None:
        return
    for sid, namespace in sockets:
        try:
            # A sid of another process goes through the message queue (REDIS_URL).
            server.disconnect(sid, namespace=namespace)
        except Exception:  # a socket already gone must not stop a logout
            log.warning("could not close control socket %s", sid, exc_info=True)


def end_current(reason: str = "logout") -> None:
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        record = db.session.scalar(
            sa.select(StaffSession).where(
                StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None)
            )
        )
        if record is not None:
            _end([record], reason)
    request._staff_session = None


def active_sessions(user: User) -> list[StaffSession]:
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(StaffSession)
            .where(
                StaffSession.user_id == user.id,
                StaffSession.ended_at.is_(None),
                StaffSession.last_seen_at > now - _idle_limit(),
                StaffSession.created_at > now - _max_age(),
            )
            .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
        )
    )


def end_all(user: User, reason: str, *, keep: StaffSession | None = None) -> int:
    """End every open session of a user (but ``keep``); their control sockets close."""
    records = [r for r in active_sessions(user) if keep is None or r.id != keep.id]
    _end(records, reason)
    return len(records)


def end_other(user: User, session_id: int) -> None:
    """End one of one's own other sessions (from *Mon compte*)."""
    this = current()
    record = next((r for r in active_sessions(user) if r.id == session_id), None)
    if record is None or (this is not None and record.id == this.id):
        raise NotFound
    audit.record(
        user.organisation_id, audit.SESSION_ENDED, actor=user, participant_id=None, count=1
    )
    _end([record], "ended")


def end_others(user: User) -> int:
    this = current()
    records = [r for r in active_sessions(user) if this is None or r.id != this.id]
    if records:
        audit.record(
            user.organisation_id,
            audit.SESSION_ENDED,
            actor=user,
            participant_id=None,
            count=len(records),
        )
    _end(records, "ended")
    return len(records)


# --- Socket.IO control connections ------------------------------------------------------------


def socket_may_control() -> bool:
    """On a socket event: is the staff session behind this socket still valid and complete?"""
    record = current()
    return record is not None and not record.must_enrol


def control_socket_opened(sid: str, namespace: str) -> bool:
    """Record a control connection against its session; False (refuse it) if none is valid."""
    record = current()
    if record is None or record.must_enrol:
        return False
    db.session.add(StaffSocket(sid=sid, staff_session_id=record.id, namespace=namespace))
    db.session.commit()
    return True


def control_socket_closed(sid: str) -> None:
    db.session.execute(sa.delete(StaffSocket).where(StaffSocket.sid == sid))
    db.session.commit()
