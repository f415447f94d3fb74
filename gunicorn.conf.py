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
    """TCP_NODELAY on every connection: small acks are not held back behind broadcasts."""

    def __init__(self, sock, address, server, rfile=None):
        with contextlib.suppress(OSError, AttributeError):  # not TCP (e.g. a UNIX socket)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)


class NoDelayGeventWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = NoDelayWebSocketHandler


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
