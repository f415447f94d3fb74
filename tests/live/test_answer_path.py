"""The answer path in one statement: what the socket knows since connect is checked by
the statement itself, so a participant removed or an activity closed after the phone
connected is still refused, and a retry still writes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.models import ActivityStatus, Answer, LiveParticipant

from .conftest import NS, add, answer_rows, client_id


def answer(sio, activity_id, value, cid=None):
    payload = {"activity_id": activity_id, "client_id": cid or client_id(), "value": value}
    return sio.emit("answer", payload, namespace=NS, callback=True)


def test_a_participant_removed_after_connecting_cannot_answer(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board, pseudonym="Passereau")
    db.session.execute(sa.delete(LiveParticipant).where(LiveParticipant.pseudonym == "Passereau"))
    db.session.commit()
    ack = answer(sio, poll.id, [1])
    assert ack["ok"] is False and ack["error"] == "not_joined"
    assert answer_rows(poll) == 0


def test_an_activity_closed_after_connecting_refuses_a_new_answer_but_acks_a_retry(
    sockets, world, board
):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    cid = client_id()
    assert answer(sio, poll.id, [0], cid)["ok"] is True

    poll.status = ActivityStatus.CLOSED
    db.session.commit()
    retry = answer(sio, poll.id, [0], cid)  # its ack was lost: still acknowledged
    assert retry["ok"] is True and retry["duplicate"] is True
    changed = answer(sio, poll.id, [2])
    assert changed["ok"] is False and changed["error"] == "closed"
    assert services.results(poll)["counts"] == [1, 0, 0]


def test_changing_an_answer_replaces_it_and_keeps_one_row(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    first, second = client_id(), client_id()
    assert answer(sio, poll.id, [0], first)["duplicate"] is False
    assert answer(sio, poll.id, [2], second)["duplicate"] is False
    assert answer(sio, poll.id, [0], first)["duplicate"] is False  # an older one, resent
    row = db.session.scalar(sa.select(Answer).where(Answer.activity_id == poll.id))
    assert answer_rows(poll) == 1 and row.client_id == first and row.value == [0]
