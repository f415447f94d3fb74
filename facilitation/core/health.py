"""What ``GET /sante`` reports, and the Redis clients it checks.

A load balancer takes a process out when it answers 503: its database is unreachable,
its Redis is (when ``REDIS_URL`` is set), or its Socket.IO message-queue listener — the
background task that receives the other processes' broadcasts — has stopped.

The message queue is python-socketio's ``RedisManager`` with a client configured for a
long-lived pub/sub listener: no ``socket_timeout`` (the listener waits for messages as
long as the room is quiet; a timeout would tear it down every few seconds), TCP
keepalive and a health check so a dead connection is noticed, and one log line when the
listener connects again after losing Redis.
"""

from __future__ import annotations

import logging

from socketio import RedisManager

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 1.0  # seconds: /sante must answer quickly even when Redis is gone

# For the pub/sub listener: no socket_timeout on purpose (see the module's docstring).
LISTENER_OPTIONS = {
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 30,
    "retry_on_timeout": False,
}


class MessageQueue(RedisManager):
    """RedisManager that logs its listener's reconnections and tells /sante its state."""

    def __init__(self, url: str, channel: str):
        super().__init__(url, channel=channel, redis_options=dict(LISTENER_OPTIONS))
        self.connections = 0  # how many times the listener (or a publisher) connected

    def _redis_connect(self):
        super()._redis_connect()
        self.connections += 1
        if self.connections > 1:
            log.warning("message queue: connected to Redis again (connection %d)", self.connections)

    def listener_state(self) -> str:
        """``ok`` while the listener task runs and is subscribed; ``down`` otherwise."""
        thread = getattr(self, "thread", None)
        if thread is None:
            return "starting"  # python-socketio starts it with the first connection
        alive = getattr(thread, "is_alive", None)
        if alive is not None and not alive():
            return "down"
        pubsub = self.pubsub
        return "ok" if pubsub is not None and pubsub.subscribed else "down"


def message_queue(app) -> MessageQueue | None:
    url = app.config.get("REDIS_URL")
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    return MessageQueue(url, channel=app.config["SOCKETIO_CHANNEL"])


def _probe_client(app):
    client = app.extensions.get("facilitation.redis_probe")
    if client is None:
        import redis

        client = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_timeout=PROBE_TIMEOUT,
            socket_connect_timeout=PROBE_TIMEOUT,
        )
        app.extensions["facilitation.redis_probe"] = client
    return client


def check_database(db) -> str:
    try:
        db.session.execute(db.text("SELECT 1"))
        return "ok"
    except Exception:  # any failure: this process cannot serve
        db.session.rollback()
        log.warning("/sante: the database does not answer", exc_info=True)
        return "down"


def check_redis(app) -> str:
    if not app.config.get("REDIS_URL"):
        return "off"
    try:
        return "ok" if _probe_client(app).ping() else "down"
    except Exception:
        log.warning("/sante: Redis does not answer", exc_info=True)
        return "down"


def check_listener(app) -> str:
    socketio = app.extensions.get("socketio")
    server = getattr(socketio, "server", None)
    manager = getattr(server, "manager", None)
    if not isinstance(manager, MessageQueue):
        return "off"
    return manager.listener_state()


def report(app, db) -> tuple[dict, int]:
    """The body of ``/sante`` and its status: 200 when everything in use answers."""
    checks = {
        "database": check_database(db),
        "redis": check_redis(app),
        "listener": check_listener(app),
    }
    healthy = all(value in ("ok", "off", "starting") for value in checks.values())
    return {"status": "ok" if healthy else "down", **checks}, 200 if healthy else 503
