"""What crosses the wire before any handler runs: packets, origins, client addresses.

python-socketio decodes every Engine.IO message with ``json.loads`` and dispatches it;
a frame it cannot decode (truncated JSON, 5 000-digit numbers, nesting deeper than
Python's recursion limit) or of an unexpected shape (an event that is not a list
headed by a name, a binary attachment) raised out of the dispatcher and Engine.IO
logged a traceback for each. :func:`install` puts in front of the dispatcher

- a JSON decoder with limits (:class:`LimitedJSON`: numbers of at most 40 characters,
  no ``NaN``/``Infinity``, no recursion error), for Socket.IO and Engine.IO packets;
- a decoder of its own that checks each packet's shape and drops a malformed one with
  **one warning line** (no traceback), then hands good packets to python-socketio's
  own handlers (connect, disconnect, event, ack) — one decode per packet, as before;
- the same for Engine.IO frames that are not even packets (:func:`_guard_engineio`);
- the same-origin rule (:func:`origin_allowed`), for the polling handshake here and
  for the WebSocket upgrade in ``gunicorn.conf.py`` (gevent-websocket answers the
  upgrade before the application runs, so Engine.IO's own check came too late: the
  handshake succeeded and the socket closed silently).

Behind reverse proxies (``TRUSTED_PROXIES``), the client's address, scheme and host
are read from ``X-Forwarded-*`` exactly as werkzeug's ProxyFix does for HTTP requests
(the Socket.IO middleware sees the request before ProxyFix does).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from engineio import packet as eio_packet
from engineio import socket as eio_socket
from socketio import packet as sio_packet

log = logging.getLogger(__name__)

MAX_NUMBER = 40  # characters of one JSON number
MAX_PACKET = 64 * 1024  # bytes of one Engine.IO packet (the protocol's largest is ~2 KB)
MAX_EVENT_NAME = 64


class Malformed(ValueError):
    """A packet that is not one of this protocol's: dropped with a warning."""


class _Dropped(str):
    """The data of an Engine.IO frame that could not be decoded."""


DROPPED = _Dropped("")


def _number(kind: type) -> Callable[[str], Any]:
    def parse(literal: str):
        if len(literal) > MAX_NUMBER:
            raise Malformed("number too long")
        return kind(literal)

    return parse


def _no_constant(name: str):
    raise Malformed(f"{name} is not JSON")


class LimitedJSON:
    """A ``json`` module for python-socketio/engineio: ``dumps`` as usual, ``loads``
    with limits. Raises :class:`Malformed` (a ``ValueError``) on anything refused."""

    _parse_int = staticmethod(_number(int))
    _parse_float = staticmethod(_number(float))

    @staticmethod
    def dumps(*args, **kwargs):
        return json.dumps(*args, **kwargs)

    @classmethod
    def loads(cls, value, **kwargs):
        try:
            return json.loads(
                value,
                parse_int=cls._parse_int,
                parse_float=cls._parse_float,
                parse_constant=_no_constant,
            )
        except RecursionError:
            raise Malformed("nested too deep") from None
        except Malformed:
            raise
        except ValueError as error:  # truncated or invalid JSON
            raise Malformed(f"not JSON ({error.__class__.__name__})") from None


_CLIENT_PACKETS = {sio_packet.CONNECT, sio_packet.DISCONNECT, sio_packet.EVENT, sio_packet.ACK}


def decode(packet_class, data) -> Any:
    """One Socket.IO packet from a client, or :class:`Malformed` — whose ``packet`` holds
    what could be read of the header (type, namespace, ack id), if anything."""
    pkt = packet_class()
    if not isinstance(data, str):
        raise Malformed("binary message")  # this protocol has no binary attachments
    try:
        pkt.attachment_count = pkt.decode(data) or 0
    except (ValueError, TypeError, IndexError, RecursionError) as error:
        reason = error if isinstance(error, Malformed) else f"undecodable ({type(error).__name__})"
        malformed = Malformed(reason)
        malformed.packet = pkt
        raise malformed from None
    if pkt.packet_type not in _CLIENT_PACKETS:
        raise Malformed(f"unexpected packet type {pkt.packet_type!r}")
    if pkt.attachment_count:
        raise Malformed("binary attachments")
    if pkt.packet_type == sio_packet.EVENT and not (
        isinstance(pkt.data, list)
        and pkt.data
        and isinstance(pkt.data[0], str)
        and 0 < len(pkt.data[0]) <= MAX_EVENT_NAME
    ):
        raise Malformed("event is not a list headed by its name")
    if pkt.packet_type == sio_packet.ACK and (pkt.id is None or not isinstance(pkt.data, list)):
        raise Malformed("ack without id or list")
    return pkt


def guarded_dispatcher(server) -> Callable[[str, Any], None]:
    """python-socketio's ``_handle_eio_message``, with :func:`decode` in front."""

    def on_message(eio_sid: str, data) -> None:
        if data is DROPPED:  # already refused (and logged) by Engine.IO's decoder
            return
        try:
            pkt = decode(server.packet_class, data)
        except Malformed as reason:
            log.warning("live: dropped a malformed packet from %s: %s", eio_sid, reason)
            _refuse_if_acked(server, eio_sid, getattr(reason, "packet", None))
            return
        if pkt.packet_type == sio_packet.CONNECT:
            server._handle_connect(eio_sid, pkt.namespace, pkt.data)
        elif pkt.packet_type == sio_packet.DISCONNECT:
            server._handle_disconnect(eio_sid, pkt.namespace, server.reason.CLIENT_DISCONNECT)
        elif pkt.packet_type == sio_packet.EVENT:
            server._handle_event(eio_sid, pkt.namespace, pkt.id, pkt.data)
        else:
            server._handle_ack(eio_sid, pkt.namespace, pkt.id, pkt.data)

    return on_message


def _guard_engineio() -> None:
    """Engine.IO decodes each frame (WebSocket) or payload part (polling) outside any
    ``try``: a frame such as ``hello`` raised ``ValueError`` up to the server, logged with
    a traceback (and closed the WebSocket). Decoded here, such a frame becomes an empty
    message marked :data:`DROPPED`, which the dispatcher ignores: one warning line, and
    the connection goes on (a NOOP would have been refused with a poll request left
    hanging). Likewise a polling request whose body is not UTF-8. The only patches of a
    library's classes in this app; applied once."""
    original = eio_packet.Packet.decode
    if getattr(original, "guarded", False):
        return

    def decode(self, encoded_packet):
        try:
            original(self, encoded_packet)
        except (ValueError, TypeError, IndexError) as error:  # binascii.Error is a ValueError
            reason = type(error).__name__
        else:
            if 0 <= self.packet_type <= eio_packet.NOOP:
                return
            reason = f"type {self.packet_type}"
        log.warning("live: dropped a malformed Engine.IO packet (%s)", reason)
        self.packet_type, self.data, self.binary = eio_packet.MESSAGE, DROPPED, False

    decode.guarded = True
    eio_packet.Packet.decode = decode

    # A polling request whose body is not UTF-8 failed before any packet was decoded.
    post = eio_socket.Socket.handle_post_request

    def handle_post_request(self, environ):
        try:
            return post(self, environ)
        except UnicodeDecodeError:
            log.warning("live: dropped a polling request from %s: not UTF-8", self.sid)

    eio_socket.Socket.handle_post_request = handle_post_request


MALFORMED_EVENT = "\x00malformed"  # what the namespace is told instead (see events.py)


def _refuse_if_acked(server, eio_sid: str, pkt) -> None:
    """Not silence: an event whose ack id could be read gets its ack (``invalid``); a
    connection request, its refusal (``invalid``)."""
    if pkt is None:
        return
    namespace = pkt.namespace or "/"
    if pkt.packet_type == sio_packet.CONNECT:
        refusal = {"message": "invalid"}
        server._send_packet(
            eio_sid, server.packet_class(sio_packet.CONNECT_ERROR, refusal, namespace=namespace)
        )
        return
    if pkt.packet_type != sio_packet.EVENT or pkt.id is None:
        return
    sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
    if sid is not None and server.manager.is_connected(sid, namespace):
        server._handle_event(eio_sid, namespace, pkt.id, [MALFORMED_EVENT])


def install(server, *, trusted_proxies: int) -> None:
    """Harden a python-socketio server (called once per app, after ``socketio.init_app``)."""
    sio_packet.Packet.json = LimitedJSON  # every packet class reads this attribute
    eio_packet.Packet.json = LimitedJSON
    _guard_engineio()
    server.packet_class.json = LimitedJSON
    server.eio.max_http_buffer_size = MAX_PACKET

    def same_origin(origin: str, environ: dict) -> bool:
        return origin_allowed(origin, environ, trusted_proxies)

    server.eio.cors_allowed_origins = same_origin
    dispatcher = guarded_dispatcher(server)
    server._handle_eio_message = dispatcher  # the Flask-SocketIO test client calls this
    server.eio.on("message", dispatcher)  # the real transports call this


# --- origins and addresses ----------------------------------------------------------


def _forwarded(value: str | None, trusted: int) -> str | None:
    """The value the ``trusted``-th proxy from us saw, as ProxyFix reads it."""
    if not value or trusted <= 0:
        return None
    values = value.split(",")
    return values[-trusted].strip() if len(values) >= trusted else None


def own_origin(environ: dict, trusted_proxies: int = 0) -> str | None:
    """``scheme://host`` of this site, as the browser addressed it."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if trusted_proxies:
        scheme = _forwarded(environ.get("HTTP_X_FORWARDED_PROTO"), trusted_proxies) or scheme
        host = _forwarded(environ.get("HTTP_X_FORWARDED_HOST"), trusted_proxies) or host
    if not host:
        return None
    return f"{scheme.lower()}://{host.lower()}"


def origin_allowed(origin: str | None, environ: dict, trusted_proxies: int = 0) -> bool:
    """Same origin only. No ``Origin`` header (a client that is not a browser) passes:
    the check protects browsers from other sites' pages, not the server from clients."""
    if not origin:
        return True
    return origin.strip().lower() == own_origin(environ, trusted_proxies)


def client_address(environ: dict, trusted_proxies: int = 0) -> str:
    """The client's address: ``X-Forwarded-For`` as ProxyFix reads it, else the peer."""
    forwarded = _forwarded(environ.get("HTTP_X_FORWARDED_FOR"), trusted_proxies)
    return forwarded or environ.get("REMOTE_ADDR") or "unknown"
