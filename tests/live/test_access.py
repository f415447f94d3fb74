"""Join codes (issue 7, §3): guessing is slow and pointless, and a room is never locked out.

- a wrong code is counted, per address and overall; a right one never is: a whole room
  joins from the centre's one Wi-Fi address with the limits on;
- a board takes new phones only around its session (staff can reopen it); phones that
  joined keep following, staff keep seeing it;
- "no such code" and "closed" get one answer on every endpoint, and the socket refuses
  before sending anything.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from facilitation import create_app
from facilitation.core.database import utcnow
from facilitation.extensions import db, limiter, socketio
from facilitation.live import services
from facilitation.live.models import LiveParticipant
from facilitation.live.services.access import CodeGuard

from ..conftest import make_test_config, text_of
from .conftest import NS, hold_today, received, today_here

TOO_MANY = "Trop de codes erronés ont été tapés depuis ce réseau"
NO_SUCH_CODE = "Aucune séance n’a ce code en ce moment"


def wrong_code(board) -> str:
    return "QQQQQQ" if board.join_code != "QQQQQQ" else "WWWWWW"


def phone_at(app, address: str = "127.0.0.1"):
    """A phone's HTTP client, as seen from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def participants(board) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LiveParticipant.id)).where(LiveParticipant.board_id == board.id)
    )


@pytest.fixture(scope="module")
def limited_app(database_url, tmp_path_factory):
    """The app with its rate limits on, as in production (same database)."""
    server, enabled = socketio.server, limiter.enabled
    app = create_app(
        make_test_config(database_url, tmp_path_factory.mktemp("limited"), RATELIMIT_ENABLED=True)
    )
    socketio.server = server  # the other tests keep the main app's Socket.IO server
    yield app
    limiter.enabled = enabled  # Flask-Limiter is one object: the main app's setting again


@pytest.fixture(autouse=True)
def fresh_limits(request):
    if "limited_app" in request.fixturenames:
        app = request.getfixturevalue("limited_app")
        with app.test_request_context():
            services.access.code_guard().reset()
            limiter.reset()
    yield


@pytest.fixture
def limits_on(app):
    """The main app with the wrong-code limits on (for its Socket.IO test client)."""
    before = app.config["RATELIMIT_ENABLED"]
    app.config["RATELIMIT_ENABLED"] = True
    yield
    app.config["RATELIMIT_ENABLED"] = before


# --- a real room behind one address ----------------------------------------------------------


def test_three_hundred_phones_join_from_one_address_with_the_limits_on(limited_app, board):
    for n in range(300):
        phone = phone_at(limited_app)
        assert phone.get(f"/j/{board.join_code}").status_code == 200, n
        joined = phone.post(f"/j/{board.join_code}", data={"pseudonym": f"P{n}", "language": "fr"})
        assert joined.status_code == 302, (n, joined.status_code)
    assert participants(board) == 300


def test_a_room_with_a_few_typos_joins_all_the_same(limited_app, board):
    for n in range(35):
        phone = phone_at(limited_app)
        if n % 5 == 0:  # one phone in five mistypes the code first
            assert phone.post("/j", data={"code": wrong_code(board)}).status_code == 422
        assert phone.post("/j", data={"code": board.join_code.lower()}).status_code == 302
        assert phone.post(f"/j/{board.join_code}", data={"language": "fr"}).status_code == 302
    assert participants(board) == 35


# --- guessing --------------------------------------------------------------------------------


def test_wrong_codes_from_one_address_are_limited_on_every_endpoint(limited_app, board):
    guesser = phone_at(limited_app, "203.0.113.7")
    for n in range(15):
        assert guesser.post("/j", data={"code": f"QQQQ{n:02d}"}).status_code == 422
    refused = guesser.post("/j", data={"code": "QQQQ99"})
    assert refused.status_code == 429
    assert TOO_MANY in text_of(refused)
    # Past the limit, right codes are refused too: the refusal tells nothing.
    assert guesser.post("/j", data={"code": board.join_code}).status_code == 429
    page = guesser.get(f"/j/{board.join_code}")
    assert page.status_code == 429 and TOO_MANY in text_of(page)
    assert guesser.post(f"/j/{board.join_code}", data={"language": "fr"}).status_code == 429
    assert participants(board) == 0
    # Another network is not blocked.
    assert (
        phone_at(limited_app, "198.51.100.2").post("/j", data={"code": board.join_code}).status_code
        == 302
    )


def test_the_join_page_and_its_post_count_wrong_codes_too(limited_app, board):
    guesser = phone_at(limited_app, "203.0.113.8")
    for n in range(7):
        assert guesser.get(f"/j/QQQQ{n:02d}").status_code == 302
        assert guesser.post(f"/j/QQQQ{n:02d}", data={"language": "fr"}).status_code == 302
    assert guesser.get("/j/QQQQ99").status_code == 302  # the fifteenth
    assert guesser.get(f"/j/{board.join_code}").status_code == 429


def test_wrong_codes_are_limited_overall(limited_app, board):
    limited_app.config["LIVE_WRONG_CODES_OVERALL"] = "20 per minute"
    try:
        for n in range(20):
            guesser = phone_at(limited_app, f"203.0.113.{n + 10}")
            assert guesser.post("/j", data={"code": f"QQQQ{n:02d}"}).status_code == 422
        newcomer = phone_at(limited_app, "198.51.100.3")
        assert newcomer.post("/j", data={"code": board.join_code}).status_code == 429
    finally:
        limited_app.config["LIVE_WRONG_CODES_OVERALL"] = "200 per minute;1000 per hour"


def test_a_phone_that_joined_keeps_following_when_its_network_is_blocked(limited_app, board):
    phone = phone_at(limited_app, "203.0.113.9")
    assert phone.post(f"/j/{board.join_code}", data={"language": "fr"}).status_code == 302
    for n in range(16):
        phone_at(limited_app, "203.0.113.9").post("/j", data={"code": f"QQQQ{n:02d}"})
    assert phone.get(f"/j/{board.join_code}").status_code == 200  # its device key, not the code
    assert phone.get(f"/j/{board.join_code}/activite").status_code == 200


def test_the_socket_counts_wrong_codes_and_refuses_before_sending_anything(
    app, limits_on, sockets, board
):
    for n in range(15):
        sio, refusal = sockets.attempt(code=f"QQQQ{n:02d}")
        assert refusal == "not_joined"
        assert received(sio) == []
    sio, refusal = sockets.attempt(code=board.join_code)  # right code, no phone: still a guess
    assert refusal == "rate_limited"
    assert received(sio) == []


# --- one answer for "no such code" and "closed" ------------------------------------------------


def answers_for(app, code: str) -> list:
    """What a new phone gets from each endpoint for this code."""
    phone = app.test_client()
    code_form = phone.post("/j", data={"code": code})
    page = phone.get(f"/j/{code}")
    post = phone.post(f"/j/{code}", data={"pseudonym": "Colibri", "language": "fr"})
    sub_pages = [
        phone.get(f"/j/{code}/activite"),
        phone.post(f"/j/{code}/repondre", data={"activity_id": "1", "client_id": "x" * 10}),
        phone.post(f"/j/{code}/commande", data={"action": "next"}),
    ]
    return [
        (code_form.status_code, text_of(code_form).replace(code, "<code>")),
        (page.status_code, page.headers.get("Location", "").replace(code, "<code>")),
        (post.status_code, post.headers.get("Location", "").replace(code, "<code>")),
        *[
            (r.status_code, r.headers.get("Location", "").replace(code, "<code>"))
            for r in sub_pages
        ],
    ]


def test_a_closed_board_answers_exactly_like_a_code_that_does_not_exist(app, world, sockets):
    world.session.starts_on = today_here() + timedelta(days=3)  # not yet: closed
    db.session.commit()
    board = services.board_for_session(world.mediator, world.session)
    closed = answers_for(app, board.join_code)
    missing = answers_for(app, wrong_code(board))
    assert closed == missing
    assert closed[0][0] == 422 and NO_SUCH_CODE in closed[0][1]
    assert participants(board) == 0
    assert sockets.attempt(code=board.join_code)[1] == sockets.attempt(code=wrong_code(board))[1]
    assert sockets.attempt(code=board.join_code, role="screen", key="x")[1] == "forbidden"
    assert sockets.attempt(code=wrong_code(board), role="screen", key="x")[1] == "forbidden"


# --- the join window ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "accepts"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_a_board_takes_new_phones_from_the_day_before_to_the_day_after(
    client, world, offset, accepts
):
    """``offset``: the session's date minus today, in days."""
    world.session.starts_on = today_here() + timedelta(days=-offset)
    db.session.commit()
    board = services.board_for_session(world.mediator, world.session)
    response = client.post(f"/j/{board.join_code}", data={"language": "fr"})
    assert response.status_code == 302
    assert (participants(board) == 1) is accepts


def test_the_window_is_configurable(app, client, world):
    world.session.starts_on = today_here() + timedelta(days=3)
    db.session.commit()
    board = services.board_for_session(world.mediator, world.session)
    app.config["LIVE_JOIN_DAYS_BEFORE"] = 3
    try:
        assert services.joining_open(board)
        client.post(f"/j/{board.join_code}", data={"language": "fr"})
        assert participants(board) == 1
    finally:
        app.config["LIVE_JOIN_DAYS_BEFORE"] = 1


def test_staff_reopen_a_board_from_the_control_page_for_a_chosen_time(client, auth, world):
    world.session.starts_on = today_here() - timedelta(days=10)  # long past
    db.session.commit()
    board = services.board_for_session(world.mediator, world.session)
    phone = phone_at(client.application)
    phone.post(f"/j/{board.join_code}", data={"language": "fr"})
    assert participants(board) == 0

    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}/tableau")
    assert page.status_code == 200  # a past board stays readable to staff
    assert "ne peuvent plus rejoindre" in text_of(page)
    assert client.post(f"/tableaux/{board.id}/ouvrir", data={"heures": "99"}).status_code == 302
    db.session.refresh(board)
    assert board.join_open_until is None
    assert client.post(f"/tableaux/{board.id}/ouvrir", data={"heures": "3"}).status_code == 302
    db.session.refresh(board)
    assert timedelta(hours=2) < board.join_open_until - utcnow() <= timedelta(hours=3)
    assert "peuvent rejoindre jusqu’au" in text_of(
        client.get(f"/seances/{world.session.id}/tableau")
    )

    phone.post(f"/j/{board.join_code}", data={"language": "fr"})
    assert participants(board) == 1


def test_phones_that_joined_keep_following_once_the_board_closes(app, world, sockets, board):
    http = app.test_client()
    assert http.post(f"/j/{board.join_code}", data={"language": "fr"}).status_code == 302
    world.session.starts_on = today_here() - timedelta(days=5)
    db.session.commit()
    assert not services.joining_open(board)

    assert http.get(f"/j/{board.join_code}").status_code == 200
    assert http.get(f"/j/{board.join_code}/activite").status_code == 200
    sio, refusal = sockets.attempt(http, code=board.join_code)
    assert refusal is None and sio.is_connected(NS)
    # … but a new phone is told the same as for a wrong code.
    newcomer = app.test_client()
    assert (
        newcomer.get(f"/j/{board.join_code}")
        .headers["Location"]
        .endswith(f"/j?code={board.join_code}")
    )
    assert sockets.attempt(newcomer, code=board.join_code)[1] == "not_joined"


def test_a_phone_of_a_closed_board_may_still_change_its_pseudonym(app, world, board):
    http = app.test_client()
    http.post(f"/j/{board.join_code}", data={"pseudonym": "Colibri", "language": "fr"})
    hold_today(world.session)
    world.session.starts_on = today_here() - timedelta(days=5)
    db.session.commit()
    assert http.get(f"/j/{board.join_code}?changer").status_code == 200
    http.post(f"/j/{board.join_code}", data={"pseudonym": "Mésange", "language": "fr"})
    pseudonyms = db.session.scalars(
        sa.select(LiveParticipant.pseudonym).where(LiveParticipant.board_id == board.id)
    )
    assert list(pseudonyms) == ["Mésange"]


def test_wrong_codes_are_counted_in_redis_when_it_is_configured():
    """Several processes count together: the counts live in Flask-Limiter's store."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            pass
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable at 127.0.0.1:6379 (required under CI=true)")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    address = f"test-{secrets.token_hex(6)}"  # its own keys on a shared Redis
    one, other = (CodeGuard(url, "3 per minute", "1000 per minute") for _ in range(2))
    for _ in range(3):
        assert not one.blocked(address)
        one.count(address)
    assert other.blocked(address)  # another process sees the same counts
    assert not other.blocked(address + "-elsewhere")
