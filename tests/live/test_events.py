"""The Socket.IO namespace /live with Flask-SocketIO's test client: who may connect,
what each event acknowledges, and what the other clients of the board receive.

Phones join over HTTP first (the device cookie), as a real phone does, then connect.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.models import ActivityStatus, Answer, LiveParticipant

from .conftest import NS, add, answer_rows, client_id


def events(sio, name):
    return [pkt["args"][0] for pkt in sio.get_received(NS) if pkt["name"] == name]


def answer(sio, activity_id, value=None, cid=None, **extra):
    payload = {"activity_id": activity_id, "client_id": cid or client_id(), **extra}
    if value is not None:
        payload["value"] = value
    return sio.emit("answer", payload, namespace=NS, callback=True)


def participant_of(board, pseudonym):
    return db.session.scalar(
        sa.select(LiveParticipant).where(
            LiveParticipant.board_id == board.id, LiveParticipant.pseudonym == pseudonym
        )
    )


# --- connecting -------------------------------------------------------------------------------


def test_a_wrong_code_is_refused(sockets, board):
    for code in ("ZZZZZZ", "", None):
        sio = sockets.connect(code=code)
        assert not sio.is_connected(NS)


def test_a_phone_that_did_not_join_is_refused(sockets, board):
    sio = sockets.connect(code=board.join_code)
    assert not sio.is_connected(NS)
    sio = sockets.connect(code=board.join_code, role="participant")
    assert not sio.is_connected(NS)


def test_a_phone_that_joined_receives_the_state_on_connecting(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    states = events(sio, "state")
    assert len(states) == 1
    assert states[0]["code"] == board.join_code
    assert states[0]["activity"] == {
        "id": poll.id,
        "kind": "poll",
        "status": "open",
        "revealed": False,
        "phase": None,
        "timer": None,
    }
    assert states[0]["control"] is False
    assert "results" not in states[0]
    ack = sio.emit("sync", None, namespace=NS, callback=True)
    assert ack["ok"] is True and ack["state"]["activity"]["id"] == poll.id


def test_the_phone_counts_as_connected_while_its_socket_is_open(sockets, board):
    sio = sockets.phone(board)
    assert services.connected_count(board) == 1
    sio.disconnect(namespace=NS)
    db.session.expire_all()
    assert services.connected_count(board) == 0


# --- answering --------------------------------------------------------------------------------


def test_an_answer_is_acknowledged_once_stored(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    cid = client_id()
    ack = answer(sio, poll.id, [1], cid)
    assert ack == {"ok": True, "client_id": cid, "activity_id": poll.id, "duplicate": False}
    assert services.results(poll)["counts"] == [0, 1, 0]


def test_the_same_answer_sent_again_is_acknowledged_and_counted_once(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    cid = client_id()
    assert answer(sio, poll.id, [1], cid)["duplicate"] is False
    again = answer(sio, poll.id, [1], cid)
    assert again["ok"] is True and again["duplicate"] is True
    assert answer_rows(poll) == 1
    changed = answer(sio, poll.id, [2])
    assert changed["ok"] is True and changed["duplicate"] is False
    assert answer_rows(poll) == 1
    assert services.results(poll)["counts"] == [0, 0, 1]


def test_answers_sent_as_the_form_s_fields(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {"max_words": 3}, open_it=True)
    debate = add(world.mediator, board, "debate", "Débat", {}, open_it=True)
    sio = sockets.phone(board, "Colibri")
    assert answer(sio, poll.id, fields={"choice": ["1"]})["ok"] is True
    assert answer(sio, cloud.id, fields={"word": ["Santé", "", "logement"]})["ok"] is True
    assert answer(sio, debate.id, fields={"value": ["4"]})["ok"] is True
    me = participant_of(board, "Colibri")
    assert services.my_answer(me, poll) == [1]
    assert services.my_answer(me, cloud) == ["Santé", "logement"]
    assert services.my_answer(me, debate) == {"first": 4, "final": 4}
    refused = answer(sio, poll.id, fields={"choice": ["plein"]})
    assert refused["ok"] is False and refused["error"] == "invalid"
    assert services.my_answer(me, poll) == [1]


def test_a_closed_activity_refuses_answers_in_plain_french(sockets, world, board):
    poll = add(world.mediator, board)
    sio = sockets.phone(board)
    draft = answer(sio, poll.id, [0])
    assert draft["ok"] is False and draft["error"] == "closed"
    poll.status = ActivityStatus.CLOSED
    db.session.commit()
    ack = answer(sio, poll.id, [0])
    assert ack["ok"] is False and ack["error"] == "closed"
    assert ack["message"] == "Les réponses sont fermées pour cette activité."
    assert answer_rows(poll) == 0


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ("bonjour", "invalid"),
        (["activity_id", 1], "invalid"),
        (42, "invalid"),
        ({"activity_id": "{poll}", "value": [0]}, "invalid"),  # no client id
        ({"activity_id": "{poll}", "client_id": "", "value": [0]}, "invalid"),
        ({"activity_id": "{poll}", "client_id": {"x": 1}, "value": [0]}, "invalid"),
        ({"activity_id": "1", "client_id": "cid-0123456789", "value": [0]}, "invalid"),
        ({"activity_id": None, "client_id": "cid-0123456789", "value": [0]}, "invalid"),
        ({"activity_id": 2**63, "client_id": "cid-0123456789", "value": [0]}, "invalid"),
        ({"activity_id": 2**31, "client_id": "cid-0123456789", "value": [0]}, "invalid"),
        ({"activity_id": 999_999, "client_id": "cid-0123456789", "value": [0]}, "not_found"),
        (
            {"activity_id": "{poll}", "client_id": "cid-0123456789", "value": "x" * 100_000},
            "invalid",
        ),
        (
            {"activity_id": "{poll}", "client_id": "cid-0123456789", "fields": {"choice": 7}},
            "invalid",
        ),
        (
            {"activity_id": "1", "client_id": "cid-0123456789", "fields": {"choice": ["0"]}},
            "invalid",
        ),
        (
            {"activity_id": 999_999, "client_id": "cid-0123456789", "fields": {"choice": ["0"]}},
            "not_found",
        ),
        (
            {"activity_id": "{cloud}", "client_id": "cid-0123456789", "value": ["x" * 100_000]},
            "too_long",
        ),
        (
            {
                "activity_id": "{cloud}",
                "client_id": "cid-0123456789",
                "fields": {"word": "x" * 500},
            },
            "too_long",
        ),
    ],
)
def test_bad_payloads_get_an_error_ack_and_break_nothing(sockets, world, board, payload, error):
    poll = add(world.mediator, board, open_it=True)
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {}, open_it=True)
    if isinstance(payload, dict):
        ids = {"{poll}": poll.id, "{cloud}": cloud.id}
        payload = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    sio = sockets.phone(board)
    ack = sio.emit("answer", payload, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"] == error, ack
    assert ack["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    assert answer(sio, poll.id, [2])["ok"] is True  # the connection still works


def test_contributions_over_the_socket_are_stored_once(sockets, world, board):
    wall = add(world.mediator, board, "ideas", "Vos idées", {}, open_it=True)
    sio = sockets.phone(board)
    payload = {"activity_id": wall.id, "client_id": client_id(), "text": "Un interprète"}
    first = sio.emit("contribute", payload, namespace=NS, callback=True)
    again = sio.emit("contribute", payload, namespace=NS, callback=True)
    assert first["ok"] is True and first["duplicate"] is False
    assert again["ok"] is True and again["duplicate"] is True
    assert again["contribution_id"] == first["contribution_id"]
    assert [i["text"] for i in services.results(wall)["ideas"]] == ["Un interprète"]


def test_a_phone_cannot_answer_another_board_s_activity(sockets, world, board, other_board):
    add(world.mediator, board, open_it=True)
    theirs = add(world.other_mediator, other_board, open_it=True)
    sio = sockets.phone(board)
    ack = answer(sio, theirs.id, [0])
    assert ack["ok"] is False and ack["error"] == "not_found"
    assert answer_rows(theirs) == 0


def test_a_flood_of_answers_is_slowed_down(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    sio = sockets.phone(board)
    acks = []
    for n in range(200):
        acks.append(answer(sio, poll.id, [n % 3]))
        if not acks[-1]["ok"]:
            break
    assert all(ack["ok"] for ack in acks[:15])  # a burst after reconnecting passes
    assert acks[-1]["ok"] is False and acks[-1]["error"] == "rate_limited"
    assert acks[-1]["message"]
    assert answer_rows(poll) == 1


# --- driving the board ------------------------------------------------------------------------


def test_a_participant_cannot_drive_the_board(sockets, world, board):
    add(world.mediator, board)
    sio = sockets.phone(board)
    ack = sio.emit("control", {"action": "open"}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden" and ack["message"]
    db.session.expire_all()
    assert board.current_activity.status is ActivityStatus.DRAFT
    screen = sockets.screen(board)
    ack = screen.emit("control", {"action": "open"}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden"


def test_a_participant_cannot_connect_as_control_or_screen(sockets, world, board):
    http = sockets.app.test_client()
    http.post(f"/j/{board.join_code}", data={"pseudonym": "", "language": "fr"})
    assert not sockets.connect(http, code=board.join_code, role="control").is_connected(NS)
    assert not sockets.connect(http, code=board.join_code, role="screen").is_connected(NS)


def test_the_mediator_drives_the_board_and_phones_follow(sockets, world, board):
    poll = add(world.mediator, board)
    scale = add(world.mediator, board, "scale", "Humeur", {})
    phones = [sockets.phone(board, "Colibri"), sockets.phone(board, "Rose")]
    control = sockets.staff(board, world.mediator)
    assert control.is_connected(NS)
    for sio in phones:
        sio.get_received(NS)

    ack = control.emit("control", {"action": "open"}, namespace=NS, callback=True)
    assert ack["ok"] is True
    for sio in phones:
        [state] = events(sio, "state")
        assert state["activity"]["id"] == poll.id and state["activity"]["status"] == "open"
        assert state["version"] == ack["version"]

    ack = control.emit("control", {"action": "next"}, namespace=NS, callback=True)
    assert ack["ok"] is True
    for sio in phones:
        assert events(sio, "state")[-1]["activity"]["id"] == scale.id

    bad = control.emit("control", {"action": "explode"}, namespace=NS, callback=True)
    assert bad["ok"] is False and bad["error"] == "invalid"
    bad = control.emit("control", {"action": ["next"]}, namespace=NS, callback=True)
    assert bad["ok"] is False and bad["error"] == "invalid"
    bad = control.emit("control", "next", namespace=NS, callback=True)
    assert bad["ok"] is False and bad["error"] == "invalid"


def test_after_a_handover_the_participant_drives_from_their_phone(sockets, world, board):
    add(world.mediator, board)
    second = add(world.mediator, board, "scale", "Humeur", {})
    co_animator = sockets.phone(board, "Colibri")
    neighbour = sockets.phone(board, "Rose")
    control = sockets.staff(board, world.mediator)
    colibri = participant_of(board, "Colibri")
    co_animator.get_received(NS)

    ack = control.emit(
        "control",
        {"action": "handover", "participant_id": colibri.id},
        namespace=NS,
        callback=True,
    )
    assert ack["ok"] is True
    # the phone is told it may now animate, and is left so by the board's own state
    states = events(co_animator, "state")
    assert any(s.get("control") for s in states)
    assert all("control" not in s or s["control"] for s in states[-1:])  # board-wide omits it
    assert co_animator.emit("sync", None, namespace=NS, callback=True)["state"]["control"] is True

    ack = co_animator.emit("control", {"action": "next"}, namespace=NS, callback=True)
    assert ack["ok"] is True
    db.session.expire_all()
    assert board.current_activity_id == second.id
    refused = neighbour.emit("control", {"action": "previous"}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden"
    refused = co_animator.emit("control", {"action": "take_back"}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden"

    assert control.emit("control", {"action": "take_back"}, namespace=NS, callback=True)["ok"]
    refused = co_animator.emit("control", {"action": "previous"}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"] == "forbidden"


def test_a_mediator_of_another_space_cannot_connect_as_control(sockets, world, board):
    control = sockets.staff(board, world.other_mediator)
    assert not control.is_connected(NS)


def test_control_needs_a_logged_in_member_of_staff(sockets, board):
    assert not sockets.connect(code=board.join_code, role="control").is_connected(NS)


# --- the projector ----------------------------------------------------------------------------


def test_the_screen_needs_its_key(sockets, board):
    for key in ("", "pas-la-bonne-cle", board.screen_key.upper() + "x"):
        assert not sockets.screen(board, key=key).is_connected(NS)
    screen = sockets.screen(board)
    assert screen.is_connected(NS)
    [state] = events(screen, "state")
    assert state["code"] == board.join_code and state["count"] == 0


def test_the_screen_receives_results_as_answers_come_in(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    screen = sockets.screen(board)
    phones = [sockets.phone(board, "Colibri"), sockets.phone(board, "Rose")]
    screen.get_received(NS)

    answer(phones[0], poll.id, [1])
    results = events(screen, "results")
    assert results and results[-1]["count"] == 1
    assert results[-1]["activity"]["id"] == poll.id
    assert "1" in results[-1]["html"]

    answer(phones[1], poll.id, [2])
    assert events(screen, "results")[-1]["count"] == 2
    for sio in phones:
        assert events(sio, "results") == []  # phones never get the results pushed


def test_the_screen_sees_people_connect(sockets, board):
    screen = sockets.screen(board)
    screen.get_received(NS)
    sockets.phone(board)
    presence = events(screen, "presence")
    assert presence and presence[-1]["connected"] == 1
    assert "html" not in presence[-1]  # pseudonyms are for the control panel only


def test_the_control_panel_sees_who_is_connected_with_pseudonyms_escaped(
    sockets, world, board, client, auth
):
    control = sockets.staff(board, world.mediator)
    control.get_received(NS)
    sockets.phone(board, "<script>alert(1)</script>")
    presence = events(control, "presence")
    assert presence and presence[-1]["connected"] == 1
    assert "html" not in presence[-1]  # the panel is fetched over HTTP, with its own CSRF token
    auth.login(world.mediator)
    g.pop("_login_user", None)
    panel = client.get(f"/tableaux/{board.id}/panneau").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "<script>alert(1)" not in panel
