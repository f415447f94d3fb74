"""The timer of an activity: started by the animator or a co-animating phone, shown
everywhere, and closing answers by itself at the end when the animator chose so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitation.core.database import utcnow
from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.kinds import Refused
from facilitation.live.models import ActivityStatus
from facilitation.live.services import Actor

from .conftest import NS, add, client_id, phone


def staff(world) -> Actor:
    return Actor(user=world.mediator)


def later(seconds: int):
    return utcnow() + timedelta(seconds=seconds)


def test_a_timer_counts_down_from_the_length_chosen(world, board):
    add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "timer", {"seconds": 120, "close": True})
    timer = services.timer_of(board.current_activity)
    assert timer["seconds"] == 120 and timer["close"] is True and not timer["ended"]
    assert 118 <= timer["remaining"] <= 120
    assert services.timer_of(board.current_activity, later(121))["ended"] is True
    assert services.participant_state(board, None)["activity"]["timer"]["seconds"] == 120


def test_at_the_end_answers_close_by_themselves_when_the_animator_chose_so(world, board):
    poll = add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "timer", {"seconds": 60, "close": "1"})
    version = board.version
    assert services.expire_timer(board.id) is False  # not yet
    assert services.expire_timer(board.id, later(61)) is True
    db.session.expire_all()
    assert poll.status is ActivityStatus.CLOSED and board.version == version + 1


def test_a_timer_without_closing_leaves_answers_open(world, board):
    poll = add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "timer", {"minutes": "1,5"})
    assert services.timer_of(poll)["seconds"] == 90
    assert services.expire_timer(board.id, later(100)) is False
    assert poll.status is ActivityStatus.OPEN


def test_an_answer_arriving_after_the_end_is_refused_and_closes_the_activity(world, board):
    """Even if the process that was to close it died: the next answer closes it."""
    poll = add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "timer", {"seconds": 30, "close": True})
    state = dict(poll.state)
    state["timer"] = {**state["timer"], "ends_at": (utcnow() - timedelta(seconds=1)).isoformat()}
    poll.state = state
    db.session.commit()
    with pytest.raises(Refused) as error:
        services.submit_answer(phone(board), poll.id, client_id(), [0])
    assert error.value.code == "closed"
    db.session.expire_all()
    assert poll.status is ActivityStatus.CLOSED


def test_the_timer_can_be_stopped(world, board):
    poll = add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "timer", {"seconds": 60, "close": True})
    services.control(staff(world), board, "timer_stop")
    assert services.timer_of(poll) is None
    assert services.expire_timer(board.id, later(120)) is False


@pytest.mark.parametrize("payload", [{"seconds": 5}, {"seconds": 7200}, {"minutes": "abc"}, {}])
def test_a_length_out_of_bounds_is_refused(world, board, payload):
    add(world.mediator, board, open_it=True)
    with pytest.raises(Refused) as error:
        services.control(staff(world), board, "timer", payload)
    assert error.value.code == "invalid" and "10" in error.value.message


def test_a_co_animating_phone_can_start_the_timer_and_others_cannot(world, board):
    poll = add(world.mediator, board, open_it=True)
    helper, other = phone(board, "Colibri"), phone(board, "Mésange")
    with pytest.raises(Refused):
        services.control(Actor(participant=helper), board, "timer", {"seconds": 60})
    services.control(staff(world), board, "handover", {"participant_id": helper.id})
    services.control(Actor(participant=helper), board, "timer", {"seconds": 60})
    assert services.timer_of(poll)["seconds"] == 60
    with pytest.raises(Refused):
        services.control(Actor(participant=other), board, "timer_stop")


def test_phones_are_told_of_the_timer_over_the_socket(sockets, world, board):
    add(world.mediator, board, open_it=True)
    phone_sio = sockets.phone(board)
    control = sockets.staff(board, world.mediator)
    phone_sio.get_received(NS)
    ack = control.emit(
        "control", {"action": "timer", "seconds": 180, "close": True}, namespace=NS, callback=True
    )
    assert ack["ok"] is True
    states = [p["args"][0] for p in phone_sio.get_received(NS) if p["name"] == "state"]
    assert states and states[-1]["activity"]["timer"]["seconds"] == 180


def test_the_phone_and_the_screen_show_the_countdown(app, world, board):
    add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "timer", {"seconds": 180, "close": True})
    http = app.test_client()
    http.post(f"/j/{board.join_code}", data={"pseudonym": "", "language": "fr"})
    page = http.get(f"/j/{board.join_code}").get_data(as_text=True)
    assert 'role="timer"' in page and ("3:00" in page or "2:59" in page)
    screen = app.test_client().get(f"/ecran/{board.join_code}/{board.screen_key}")
    assert 'role="timer"' in screen.get_data(as_text=True)


def test_the_control_page_starts_a_timer_without_javascript(client, auth, world, board):
    poll = add(world.mediator, board, open_it=True)
    auth.login(world.mediator)
    http = client
    response = http.post(
        f"/tableaux/{board.id}/commande", data={"action": "timer", "minutes": "2", "close": "1"}
    )
    assert response.status_code == 302
    assert services.timer_of(poll)["seconds"] == 120
    response = http.post(f"/tableaux/{board.id}/commande", data={"action": "timer", "minutes": "0"})
    assert services.timer_of(poll)["seconds"] == 120  # refused, the running timer stays
