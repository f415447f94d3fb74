"""Who has answered: the control page says how many of the connected phones answered the
current activity — a count, never names — so the animator knows when to move on."""

from __future__ import annotations

from facilitation.live import services

from .conftest import NS, add, client_id


def test_the_count_is_of_connected_phones_that_answered(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    phones = [sockets.phone(board, name) for name in ("Colibri", "Mésange", "Pinson")]
    assert services.who_answered(board, poll) == {"answered": 0, "connected": 3}
    for sio in phones[:2]:
        ack = sio.emit(
            "answer",
            {"activity_id": poll.id, "client_id": client_id(), "value": [0]},
            namespace=NS,
            callback=True,
        )
        assert ack["ok"] is True
    assert services.who_answered(board, poll) == {"answered": 2, "connected": 3}
    phones[0].disconnect(namespace=NS)  # left the room: no longer counted
    assert services.who_answered(board, poll) == {"answered": 1, "connected": 2}


def test_a_question_counts_as_having_answered(sockets, world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", {}, open_it=True)
    sio = sockets.phone(board)
    sio.emit(
        "contribute",
        {"activity_id": questions.id, "client_id": client_id(), "text": "Et la CMU ?"},
        namespace=NS,
        callback=True,
    )
    assert services.who_answered(board, questions) == {"answered": 1, "connected": 1}


def test_the_control_page_shows_the_count_without_names(sockets, client, auth, world, board):
    poll = add(world.mediator, board, open_it=True)
    colibri, _other = sockets.phone(board, "Colibri"), sockets.phone(board, "Mésange")
    colibri.emit(
        "answer",
        {"activity_id": poll.id, "client_id": client_id(), "value": [1]},
        namespace=NS,
        callback=True,
    )
    auth.login(world.mediator)
    page = client.get(f"/tableaux/{board.id}/panneau").get_data(as_text=True)
    assert "1 téléphone connecté sur 2 a répondu" in page
