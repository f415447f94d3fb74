"""Prometheus metrics for operators: ``GET /metrics``, off by default.

On with ``METRICS=1``. Then readable from the machine itself (a request arriving on
loopback without any ``X-Forwarded-For``: not through the reverse proxy), or from
anywhere with ``Authorization: Bearer <METRICS_TOKEN>`` when a token is set. Anything
else gets 404, as when the metrics are off. Per process (each app process has its own
endpoint: scrape each port). The exposition format is prometheus_client's.

What is measured, nothing about any person: sockets connected by role, answers stored,
the time from an ``answer`` event's arrival to its ack (committed), refusals by code.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

registry = CollectorRegistry(auto_describe=True)
connected = Gauge(
    "facilitation_live_connected",
    "Sockets of the live board connected to this process",
    ["role"],
    registry=registry,
)
answers = Counter(
    "facilitation_live_answers", "Answers stored (acknowledged ok)", registry=registry
)
ack_seconds = Histogram(
    "facilitation_live_answer_ack_seconds",
    "From an answer event's arrival to its ack (after the commit)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=registry,
)
refusals = Counter(
    "facilitation_live_refusals",
    "Live events refused, by error code",
    ["code"],
    registry=registry,
)

bp = Blueprint("metrics", __name__)
LOOPBACK = {"127.0.0.1", "::1"}


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    direct = "X-Forwarded-For" not in request.headers and "Forwarded" not in request.headers
    return direct and request.environ.get("REMOTE_ADDR") in LOOPBACK


@bp.get("/metrics")
def metrics():
    if not current_app.config.get("METRICS_ENABLED") or not _allowed():
        abort(404)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app) -> None:
    app.register_blueprint(bp)
