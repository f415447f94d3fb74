"""Faults of the database under the answer path: a retry-able refusal, never ``server``.

The whole-topology fault scenarios (kill -9 a worker, restart Redis or PostgreSQL under
load) are in bench/faults.py; these are the unit-level guarantees they rely on.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from facilitation.extensions import db
from facilitation.live import services

from .conftest import NS, add, answer_rows, client_id


def answer(sio, activity_id, value, cid):
    payload = {"activity_id": activity_id, "client_id": cid, "value": value}
    return sio.emit("answer", payload, namespace=NS, callback=True)


def test_an_answer_while_the_database_is_down_is_refused_for_a_retry_then_stored_once(
    sockets, world, board, monkeypatch, caplog
):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    cid = client_id()
    real_commit = db.session.commit

    def lost_connection():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", lost_connection)
    with caplog.at_level(logging.WARNING, logger="facilitation.live.events"):
        refused = answer(sio, poll.id, [1], cid)
    assert refused["ok"] is False
    assert refused["error"] == "unavailable"  # the phone's outbox sends it again
    assert "sent again" in refused["message"] or "renvoy" in refused["message"]
    assert "Traceback" not in caplog.text
    assert answer_rows(poll) == 0

    monkeypatch.setattr(db.session, "commit", real_commit)  # the database is back
    ack = answer(sio, poll.id, [1], cid)
    assert ack == {"ok": True, "client_id": cid, "activity_id": poll.id, "duplicate": False}
    again = answer(sio, poll.id, [1], cid)  # its ack was lost: resent, counted once
    assert again["ok"] is True and again["duplicate"] is True
    assert answer_rows(poll) == 1
    assert services.results(poll)["counts"] == [0, 1, 0]
