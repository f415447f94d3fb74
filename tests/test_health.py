"""GET /sante: what a load balancer reads to take a broken process out (503)."""

from __future__ import annotations

import socket

from sqlalchemy.exc import OperationalError

from facilitation.core import health
from facilitation.extensions import db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_health_reports_each_dependency(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "redis": "off",  # no REDIS_URL: one process, nothing shared
        "listener": "off",
    }


def test_health_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/sante")
    assert response.status_code == 503
    assert response.get_json()["database"] == "down"
    assert response.get_json()["status"] == "down"


def test_health_is_503_when_redis_does_not_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    monkeypatch.delitem(app.extensions, "facilitation.redis_probe", raising=False)
    response = client.get("/sante")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "down"
    assert response.get_json()["database"] == "ok"
    app.extensions.pop("facilitation.redis_probe", None)


class FakeThread:
    def __init__(self, alive):
        self.alive = alive

    def is_alive(self):
        return self.alive


class FakePubSub:
    subscribed = True


def test_the_listener_is_down_when_its_task_died_or_it_is_not_subscribed():
    queue = health.MessageQueue("redis://127.0.0.1:1/0", channel="test")
    assert queue.listener_state() == "starting"
    queue.thread, queue.pubsub = FakeThread(True), FakePubSub()
    assert queue.listener_state() == "ok"
    queue.pubsub.subscribed = False
    assert queue.listener_state() == "down"
    queue.thread = FakeThread(False)
    assert queue.listener_state() == "down"


def test_the_listener_s_redis_client_has_no_socket_timeout():
    queue = health.MessageQueue("redis://127.0.0.1:1/0", channel="test")
    assert "socket_timeout" not in queue.redis_options  # a quiet room must not drop it
    assert queue.redis_options["socket_keepalive"] is True
