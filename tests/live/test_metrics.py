"""GET /metrics (Prometheus): off by default; loopback or a token; what it counts."""

from __future__ import annotations

import re

from .conftest import NS, add, client_id


def value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_from_loopback_or_with_the_token_only(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token-for-scrapers")
    direct = client.get("/metrics")  # the test client is 127.0.0.1, no proxy header
    assert direct.status_code == 200
    assert direct.mimetype == "text/plain"
    assert "facilitation_live_answer_ack_seconds_bucket" in direct.get_data(as_text=True)
    through_proxy = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/metrics", headers=through_proxy).status_code == 404
    wrong = {**through_proxy, "Authorization": "Bearer nope"}
    assert client.get("/metrics", headers=wrong).status_code == 404
    right = {**through_proxy, "Authorization": "Bearer s3cret-token-for-scrapers"}
    assert client.get("/metrics", headers=right).status_code == 200


def test_metrics_count_connected_phones_answers_and_refusals(
    app, client, sockets, world, board, monkeypatch
):
    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    before = client.get("/metrics").get_data(as_text=True)
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    payload = {"activity_id": poll.id, "client_id": client_id(), "value": [1]}
    assert sio.emit("answer", payload, namespace=NS, callback=True)["ok"] is True
    refused = sio.emit("answer", {"activity_id": poll.id}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"] == "invalid"
    after = client.get("/metrics").get_data(as_text=True)
    phones = 'facilitation_live_connected{role="participant"}'
    assert value(after, phones) == value(before, phones) + 1
    answers = "facilitation_live_answers_total"
    assert value(after, answers) == value(before, answers) + 1
    invalid = 'facilitation_live_refusals_total{code="invalid"}'
    assert value(after, invalid) == value(before, invalid) + 1
    count = "facilitation_live_answer_ack_seconds_count"
    assert value(after, count) == value(before, count) + 1
