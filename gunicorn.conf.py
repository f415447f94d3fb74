"""gunicorn settings used by `make run` (through `flask --app wsgi serve`).

One gevent worker holds thousands of phones (green threads); several workers or
machines share a session through Redis (``REDIS_URL``). The worker class lives here,
not in the app package, so that the master imports nothing before gevent patches.
"""

import contextlib
import os
import socket

from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
from geventwebsocket.handler import WebSocketHandler


class NoDelayWebSocketHandler(WebSocketHandler):
    """TCP_NODELAY on every connection: small acks are not held back behind broadcasts.

    And the same-origin rule *before* the WebSocket upgrade: gevent-websocket completes
    the handshake (101) before the application runs, so Engine.IO's own origin check
    came too late — a page of another site got its upgrade, then a silent close. Here a
    foreign ``Origin`` gets ``400 Not an accepted origin.``, as over HTTP long-polling.
    """

    def __init__(self, sock, address, server, rfile=None):
        with contextlib.suppress(OSError, AttributeError):  # not TCP (e.g. a UNIX socket)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)

    def upgrade_websocket(self):
        if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            from facilitation.live import wire  # imported in the worker only

            origin = self.environ.get("HTTP_ORIGIN")
            if not wire.origin_allowed(origin, self.environ, TRUSTED_PROXIES):
                wire.log.warning("live: refused a WebSocket from the origin %.100r", origin)
                body = b"Not an accepted origin."
                self.start_response(
                    "400 Bad Request",
                    [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
                )
                return [body]
        return super().upgrade_websocket()


class NoDelayGeventWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = NoDelayWebSocketHandler


TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))  # as config.py reads it
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
worker_class = NoDelayGeventWebSocketWorker
workers = int(os.environ.get("WEB_WORKERS", "1"))  # more need REDIS_URL (shared rooms)
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG") or None  # "-" for stdout
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# gunicorn's control socket is one file per user (~/.gunicorn/gunicorn.ctl): stopping one
# instance removed another's. Nothing here uses it (`gunicornc`): off, unless a path is
# given for this instance (GUNICORN_CONTROL_SOCKET).
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def post_worker_init(worker):
    """Garbage collection for a worker holding thousands of sockets.

    A full collection walks every tracked object and stops every connection meanwhile:
    100-300 ms with 2000-4000 phones connected, about once a second while they connect.
    The app's own objects (modules, templates, mappers) live as long as the worker: they
    are frozen out of the scans; and full collections are made ten times rarer.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 100)
