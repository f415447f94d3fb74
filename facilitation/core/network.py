"""The laptop's address on the room's network, for links that real phones must open.

``HOST=0.0.0.0 make run`` makes the server listen on the network; a screen opened on
``http://127.0.0.1:5000`` would still print ``127.0.0.1`` in its QR code — an address
that, on a phone, is the phone itself. :func:`public_base` swaps a loopback host for the
network address when (and only when) the server listens beyond the loopback.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit, urlunsplit

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listening_on_network(bind_host: str | None = None) -> bool:
    """The server was started with a HOST beyond the loopback (0.0.0.0, a LAN address)."""
    host = bind_host if bind_host is not None else os.environ.get("HOST", "127.0.0.1")
    return bool(host) and not is_loopback(host)


def network_address() -> str | None:
    """This machine's address on its local network (no packet is sent), or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    try:
        unusable = ipaddress.ip_address(address).is_unspecified or is_loopback(address)
    except ValueError:
        return None
    return None if unusable else address


def for_phones(url: str, *, bind_host: str | None = None, address: str | None = None) -> str:
    """``url`` with a loopback host replaced by the network address, when the server
    listens on the network; otherwise unchanged."""
    parts = urlsplit(url)
    if not parts.hostname or not is_loopback(parts.hostname):
        return url
    if not listening_on_network(bind_host):
        return url
    address = address or network_address()
    if not address:
        return url
    netloc = address if parts.port is None else f"{address}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))
