"""No phone can break a board (issue 7, §4), with the Flask-SocketIO test client.

Text that is not proper Unicode never enters by any path; a wrong number of event
arguments, an id too large for the database, a payload that is not an object, an
unknown event: each gets the documented refusal, never ``server`` and never silence.
Replayed ``connect``/``disconnect`` events change nothing; presence is the number of
open sockets, even after a process died; a phone holds a bounded number of sockets;
``sync`` and ``control`` are rate-limited. The same over a real server, with frames the
test client cannot send, is in ``test_wire.py``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa

from facilitation.core.database import utcnow
from facilitation.core.exceptions import ValidationError
from facilitation.extensions import db
from facilitation.live import bus, services
from facilitation.live.broadcast import Broadcaster
from facilitation.live.models import (
    Activity,
    Answer,
    Contribution,
    Handover,
    LiveConnection,
    LiveParticipant,
)

from .conftest import NS, add, client_id, phone, received

BROKEN = "Santé\ud800"  # a lone surrogate: JSON carries it, UTF-8 cannot
HUGE = 2**63  # OverflowError on SQLite, out of range on PostgreSQL
TOPICS = (bus.STATE, bus.RESULTS, bus.PRESENCE, bus.CONTROL)


def rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def board_changes(board) -> tuple:
    """Everything a refused payload must leave as it was."""
    db.session.expire_all()
    activities = db.session.execute(
        sa.select(Activity.id, Activity.status, Activity.results_visible, Activity.state)
        .where(Activity.board_id == board.id)
        .order_by(Activity.id)
    ).all()
    return (
        rows(Answer),
        rows(Contribution),
        rows(Handover),
        db.session.get(type(board), board.id).version,
        [tuple(a) for a in activities],
    )


@pytest.fixture
def published():
    """The topics the services publish, in order."""
    seen: list[str] = []
    handlers = {topic: (lambda t: lambda board_id, **_: seen.append(t))(topic) for topic in TOPICS}
    for topic, handler in handlers.items():
        bus.subscribe(topic, handler)
    yield seen
    for topic, handler in handlers.items():
        bus.unsubscribe(topic, handler)


@pytest.fixture
def errors(caplog):
    """Log records of level ERROR and above (a traceback is always one)."""
    caplog.set_level(logging.WARNING)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# --- text -------------------------------------------------------------------------------------


def test_broken_text_is_refused_on_every_path_and_the_pages_still_render(
    client, auth, world, board, sockets, errors
):
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {}, open_it=True)
    wall = add(world.mediator, board, "ideas", "Vos idées", {}, open_it=True)
    sio = sockets.phone(board)
    control = sockets.staff(board, world.mediator)
    before = board_changes(board)

    def refused(client, event, payload):
        reply = client.emit(event, payload, namespace=NS, callback=True)
        assert reply["ok"] is False and reply["error"] == "invalid", (event, payload, reply)

    refused(sio, "answer", {"activity_id": cloud.id, "client_id": client_id(), "value": [BROKEN]})
    refused(
        sio,
        "answer",
        {"activity_id": cloud.id, "client_id": client_id(), "fields": {"word": [BROKEN]}},
    )
    refused(sio, "contribute", {"activity_id": wall.id, "client_id": client_id(), "text": BROKEN})
    # Deep in a JSON value, even where nothing reads it, and in keys.
    deep = {
        "activity_id": cloud.id,
        "client_id": client_id(),
        "value": ["mot"],
        "x": [{"y": BROKEN}],
    }
    refused(sio, "answer", deep)
    refused(
        sio, "answer", {"activity_id": cloud.id, "client_id": client_id(), "value": {BROKEN: 1}}
    )
    refused(
        sio, "answer", {"activity_id": cloud.id, "client_id": "cid-\ud800-0123", "value": ["mot"]}
    )
    # The animator's texts: a column name, a hidden word, anything in a control payload.
    refused(control, "control", {"action": "goto", "activity_id": wall.id, "note": [BROKEN]})
    assert control.emit(
        "control", {"action": "goto", "activity_id": wall.id}, namespace=NS, callback=True
    )["ok"]
    refused(control, "control", {"action": "add_column", "name": BROKEN})
    assert control.emit(
        "control", {"action": "goto", "activity_id": cloud.id}, namespace=NS, callback=True
    )["ok"]
    before = board_changes(board)
    refused(control, "control", {"action": "hide_word", "word": BROKEN})
    assert board_changes(board) == before
    # Staff-side and join-side texts, through the services every route uses.
    with pytest.raises(ValidationError):
        services.add_activity(
            world.mediator, board, kind="poll", prompt=BROKEN, config={"choices": ["a", "b"]}
        )
    with pytest.raises(ValidationError):
        services.add_activity(
            world.mediator, board, kind="poll", prompt="Q", config={"choices": ["a", BROKEN]}
        )
    with pytest.raises(ValidationError):
        services.add_activity(
            world.mediator, board, kind="debate", prompt="Q", config={"left": BROKEN}
        )
    with pytest.raises(ValidationError):
        services.update_activity(world.mediator, cloud, prompt=BROKEN, config={})
    with pytest.raises(ValidationError):
        phone(board, pseudonym=BROKEN)

    assert rows(Answer) == rows(Contribution) == 0
    assert rows(LiveParticipant) == 1
    auth.login(world.mediator)
    assert client.get(f"/seances/{world.session.id}/tableau").status_code == 200
    assert client.get(f"/tableaux/{board.id}/panneau").status_code == 200
    assert client.get(f"/ecran/{board.join_code}/{board.screen_key}").status_code == 200
    assert errors() == []


def test_bidi_overrides_and_controls_are_stripped_from_what_the_projector_shows(world, board):
    poll = services.add_activity(
        world.mediator,
        board,
        kind="poll",
        prompt="\u202eÇa va ?\x07",
        config={"choices": ["Oui", "Non"]},
    )
    assert poll.prompt == "Ça va ?"
    assert phone(board, pseudonym="\u2066Colibri\u202e").pseudonym == "Colibri"
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {}, open_it=True)
    services.control(services.Actor(user=world.mediator), board, "goto", {"activity_id": cloud.id})
    services.control(
        services.Actor(user=world.mediator), board, "hide_word", {"word": "\u202esanté"}
    )
    db.session.refresh(cloud)
    assert cloud.state["hidden_words"] == ["sante"]


# --- wrong arguments, ids, payloads -----------------------------------------------------------


def test_missing_or_extra_event_arguments_are_invalid(sockets, world, board, errors):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    payload = {"activity_id": poll.id, "client_id": client_id(), "value": [0]}
    for event in ("answer", "contribute", "control"):
        for args in ((), (payload, "extra"), (payload, {}, 3)):
            reply = sio.emit(event, *args, namespace=NS, callback=True)
            assert reply["ok"] is False and reply["error"] == "invalid", (event, args, reply)
            assert reply["message"]
    reply = sio.emit("sync", {}, "extra", namespace=NS, callback=True)
    assert reply["error"] == "invalid"
    assert sio.emit("sync", namespace=NS, callback=True)["ok"] is True
    assert rows(Answer) == 0
    assert errors() == []


@pytest.mark.parametrize("payload", ["next", 42, ["answer"], None, True, 1.5])
def test_payloads_that_are_not_objects_are_invalid_for_every_event(sockets, world, board, payload):
    add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    control = sockets.staff(board, world.mediator)
    for client, event in ((sio, "answer"), (sio, "contribute"), (control, "control")):
        reply = client.emit(event, payload, namespace=NS, callback=True)
        assert reply["ok"] is False and reply["error"] == "invalid", (event, reply)
    if payload is not None:
        assert sio.emit("sync", payload, namespace=NS, callback=True)["error"] == "invalid"


@pytest.mark.parametrize("big", [HUGE, 2**31, -1, 0, 10**40])
def test_ids_out_of_the_database_s_range_are_invalid_not_a_server_error(
    sockets, world, board, big, errors
):
    add(world.mediator, board, "questions", "Q", {}, open_it=True)
    sio = sockets.phone(board)
    control = sockets.staff(board, world.mediator)
    before = board_changes(board)
    replies = [
        sio.emit(
            "answer",
            {"activity_id": big, "client_id": client_id(), "value": [0]},
            namespace=NS,
            callback=True,
        ),
        sio.emit(
            "contribute",
            {"activity_id": big, "client_id": client_id(), "text": "Q ?"},
            namespace=NS,
            callback=True,
        ),
        sio.emit(
            "answer",
            {"activity_id": big, "client_id": client_id(), "fields": {"upvote": ["1"]}},
            namespace=NS,
            callback=True,
        ),
    ]
    for payload in (
        {"action": "goto", "activity_id": big},
        {"action": "moderate", "contribution_id": big},
        {"action": "group", "contribution_id": big, "column": None},
        {"action": "mark_answered", "contribution_id": big},
        {"action": "handover", "participant_id": big},
    ):
        replies.append(control.emit("control", payload, namespace=NS, callback=True))
    for reply in replies:
        assert reply["ok"] is False and reply["error"] == "invalid", reply
    assert board_changes(board) == before
    assert errors() == []


def test_an_unknown_event_gets_an_invalid_ack_not_silence(sockets, board):
    sio = sockets.phone(board)
    for event in ("bonjour", "message", "json", "state", "results"):
        reply = sio.emit(event, {"x": 1}, namespace=NS, callback=True)
        assert reply == {"ok": False, "error": "invalid", "message": "Message inconnu."}, event


def test_staff_routes_and_forms_with_huge_or_odd_numbers_answer_4xx(client, auth, world, board):
    add(world.mediator, board)
    auth.login(world.mediator)
    assert client.get(f"/tableaux/{HUGE}/panneau").status_code == 404
    assert client.get(f"/seances/{HUGE}/tableau").status_code == 404
    assert client.post(f"/activites/{HUGE}/supprimer").status_code == 404
    for value in (str(HUGE), "²", "-3", "1e3"):
        response = client.post(
            f"/tableaux/{board.id}/commande",
            data={"action": "goto", "activity_id": value},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422, value


# --- replayed connect / disconnect ------------------------------------------------------------


def test_a_replayed_connect_event_does_not_turn_a_phone_into_a_screen(sockets, world, board):
    add(world.mediator, board)
    sio = sockets.phone(board)
    replay = {"code": board.join_code, "role": "screen", "key": board.screen_key}
    reply = sio.emit("connect", "ignored", replay, namespace=NS, callback=True)
    assert reply["ok"] is False and reply["error"] == "invalid"
    state = sio.emit("sync", namespace=NS, callback=True)["state"]
    assert "control" in state and "connected" not in state  # still a participant's state
    assert services.connected_count(board) == 1


def test_presence_counts_open_sockets_whatever_connect_and_disconnect_are_replayed(sockets, board):
    phones = [sockets.phone(board, f"P{n}") for n in range(4)]
    for sio in phones:
        for event in ("connect", "disconnect", "connect"):
            reply = sio.emit(event, "x", {"code": board.join_code}, namespace=NS, callback=True)
            assert reply["error"] == "invalid"
    assert services.connected_count(board) == 4
    for sio in phones:
        sio.disconnect(namespace=NS)
    assert services.connected_count(board) == 0
    assert rows(LiveConnection) == 0


def test_a_phone_with_two_tabs_counts_once(app, sockets, board):
    http = app.test_client()
    http.post(f"/j/{board.join_code}", data={"language": "fr"})
    tabs = [sockets.connect(http, code=board.join_code) for _ in range(2)]
    assert all(tab.is_connected(NS) for tab in tabs)
    assert services.connected_count(board) == 1
    tabs[0].disconnect(namespace=NS)
    assert services.connected_count(board) == 1
    assert [p.pseudonym for p in services.connected_participants(board)] == [None]
    tabs[1].disconnect(namespace=NS)
    assert services.connected_count(board) == 0


def test_a_phone_holds_at_most_five_sockets(app, sockets, board):
    http = app.test_client()
    http.post(f"/j/{board.join_code}", data={"language": "fr"})
    for _ in range(5):
        assert sockets.attempt(http, code=board.join_code)[1] is None
    sio, refusal = sockets.attempt(http, code=board.join_code)
    assert refusal == "too_many_connections"
    assert received(sio) == []  # refused before the state
    assert rows(LiveConnection) == 5


# --- presence after a crash -------------------------------------------------------------------


def _row(board, participant, *, process: str, seen_ago: float, since=None) -> None:
    seen = utcnow() - timedelta(seconds=seen_ago)
    db.session.add(
        LiveConnection(
            sid=secrets.token_hex(10),
            process=process,
            board_id=board.id,
            participant_id=participant.id,
            role="participant",
            connected_at=since or seen,
            seen_at=seen,
        )
    )
    db.session.commit()


def test_the_sockets_of_a_process_that_died_stop_counting(app, board, published):
    app.config["LIVE_CONNECTION_TTL"] = 90
    alive, dead = phone(board, "Vivant"), phone(board, "Parti")
    _row(board, alive, process=services.process_key(), seen_ago=80)  # refreshed soon
    _row(board, dead, process="other-host:4242", seen_ago=95)  # nobody refreshes it
    assert services.connected_count(board) == 1
    assert [p.pseudonym for p in services.connected_participants(board)] == ["Vivant"]

    published.clear()
    services.heartbeat()  # this process's rows are fresh again; the dead one is deleted
    assert rows(LiveConnection) == 1
    assert services.connected_count(board) == 1
    assert published == [bus.PRESENCE]  # the screen learns it


def test_the_heartbeat_deletes_a_row_whose_socket_this_process_no_longer_holds(
    sockets, board, published
):
    sockets.phone(board, "Vivant")
    lost = phone(board, "Perdu")
    _row(board, lost, process=services.process_key(), seen_ago=0)  # its disconnect was lost
    assert services.connected_count(board) == 2
    published.clear()
    services.heartbeat(open_sids=Broadcaster.open_sids)
    assert services.connected_count(board) == 1
    assert [p.pseudonym for p in services.connected_participants(board)] == ["Vivant"]
    assert published == [bus.PRESENCE]


def test_a_process_starting_again_forgets_what_its_earlier_life_left(app, board):
    left = phone(board, "Colibri")
    before_start = services.presence.STARTED_AT - timedelta(minutes=1)
    # Same host and pid, from before this process started: an earlier life of it.
    _row(board, left, process=services.process_key(), seen_ago=1, since=before_start)
    _row(board, left, process="other-host:4242", seen_ago=1, since=before_start)
    _row(board, left, process=services.process_key(), seen_ago=0)  # since the start: kept
    fresh = Broadcaster()  # a process's broadcaster, as at start
    fresh.watch_connections()
    processes = db.session.scalars(sa.select(LiveConnection.process).order_by(LiveConnection.id))
    assert list(processes) == ["other-host:4242", services.process_key()]


# --- rate limits --------------------------------------------------------------------------------


def test_sync_and_control_are_rate_limited_per_participant(sockets, world, board):
    add(world.mediator, board)
    add(world.mediator, board, "scale", "Humeur", {})
    sio = sockets.phone(board)
    replies = [sio.emit("sync", namespace=NS, callback=True) for _ in range(40)]
    assert all(r["ok"] for r in replies[:15])
    assert replies[-1]["error"] == "rate_limited" and replies[-1]["message"]

    control = sockets.staff(board, world.mediator)
    replies = [
        control.emit("control", {"action": "next"}, namespace=NS, callback=True) for _ in range(40)
    ]
    assert all(r["ok"] for r in replies[:15])
    assert replies[-1]["error"] == "rate_limited"


def test_a_co_animator_s_phone_commands_are_rate_limited_over_http(app, world, board):
    add(world.mediator, board)
    http = app.test_client()
    http.post(f"/j/{board.join_code}", data={"language": "fr"})
    colibri = db.session.scalars(sa.select(LiveParticipant)).one()
    services.control(
        services.Actor(user=world.mediator), board, "handover", {"participant_id": colibri.id}
    )
    statuses = [
        http.post(f"/j/{board.join_code}/commande", data={"action": "next"}).status_code
        for _ in range(40)
    ]
    assert statuses[:15] == [200] * 15
    assert statuses[-1] == 422
