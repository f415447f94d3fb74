"""Phones without JavaScript follow the board (a meta refresh while they wait) and count
as connected while they are on the board's page."""

from __future__ import annotations

from facilitation.live import services

from .conftest import add


def joined(app, board):
    http = app.test_client()
    http.post(f"/j/{board.join_code}", data={"pseudonym": "Colibri", "language": "fr"})
    return http


def test_a_waiting_phone_refreshes_itself_to_the_board(app, world, board):
    add(world.mediator, board)  # not open yet: the phone waits
    page = joined(app, board).get(f"/j/{board.join_code}").get_data(as_text=True)
    assert f'http-equiv="refresh" content="15;url=/j/{board.join_code}"' in page


def test_a_phone_with_an_open_form_is_not_refreshed_under_its_fingers(app, world, board):
    add(world.mediator, board, open_it=True)
    page = joined(app, board).get(f"/j/{board.join_code}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    assert f"/j/{board.join_code}/present.gif" in page  # in <noscript>


def test_a_phone_without_javascript_counts_as_connected(app, world, board):
    http = joined(app, board)
    assert services.connected_count(board) == 0
    pixel = http.get(f"/j/{board.join_code}/present.gif")
    assert pixel.status_code == 200 and pixel.mimetype == "image/gif"
    assert services.connected_count(board) == 1
    http.get(f"/j/{board.join_code}/present.gif")  # the next refresh: still one phone
    assert services.connected_count(board) == 1
