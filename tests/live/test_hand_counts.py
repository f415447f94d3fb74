"""Counts by a show of hands, for people without a phone: added by the animator to a poll,
scale, quiz or débat result, and marked « dont N à main levée » wherever it appears."""

from __future__ import annotations

import pytest

from facilitation.live import kinds, services
from facilitation.live.kinds import Refused
from facilitation.live.services import Actor
from facilitation.reports import tables

from .conftest import add, client_id, phone


def staff(world) -> Actor:
    return Actor(user=world.mediator)


def test_hand_counts_are_added_to_a_poll_and_marked(world, board):
    poll = add(world.mediator, board, open_it=True)
    services.submit_answer(phone(board), poll.id, client_id(), [0])
    services.control(
        staff(world), board, "hand_count", {"hand-0": "2", "hand-1": "3", "hand-2": ""}
    )
    result = services.results(poll)
    assert result["counts"] == [3, 3, 0] and result["total"] == 6 and result["hand"] == 5
    # Given again, they replace the earlier count (not added twice).
    services.control(staff(world), board, "hand_count", {"hand-0": "1"})
    assert services.results(poll)["counts"] == [2, 0, 0]
    notes = tables.table("poll", poll.config, poll.state, services.results(poll)).notes
    assert "dont 1 à main levée" in notes


def test_a_scale_mean_counts_the_hands_too(world, board):
    scale = add(world.mediator, board, "scale", "Votre météo ?", {"style": "weather"}, open_it=True)
    services.submit_answer(phone(board), scale.id, client_id(), 5)
    services.control(staff(world), board, "hand_count", {"hand-0": "1"})
    result = services.results(scale)
    assert result["counts"] == [1, 0, 0, 0, 1] and result["mean"] == 3.0 and result["hand"] == 1


def test_a_debate_counts_the_hands_at_each_step(world, board):
    debate = add(world.mediator, board, "debate", "La santé, ça s'apprend ?", {}, open_it=True)
    services.control(staff(world), board, "hand_count", {"hand-0": "2"})
    assert services.results(debate)["first"][0] == 2
    assert services.results(debate)["final"][0] == 2  # nobody moved yet
    services.control(staff(world), board, "phase", {"phase": "final"})
    services.control(staff(world), board, "hand_count", {"hand-4": "2"})
    result = services.results(debate)
    assert result["first"][0] == 2 and result["final"] == [0, 0, 0, 0, 2]
    assert result["hand"] == 2 and result["total"] == 2


@pytest.mark.parametrize("value", ["-1", "1000", "2,5", "deux", True])
def test_a_count_that_is_not_a_whole_number_is_refused(world, board, value):
    add(world.mediator, board, open_it=True)
    with pytest.raises(Refused) as error:
        services.control(staff(world), board, "hand_count", {"hand-0": value})
    assert "999" in error.value.message


def test_a_word_cloud_takes_no_hand_count(world, board):
    add(world.mediator, board, "wordcloud", "Un mot ?", {"max_words": 1}, open_it=True)
    with pytest.raises(Refused):
        services.control(staff(world), board, "hand_count", {"hand-0": "1"})


def test_the_screen_and_the_control_page_mark_the_hand_count(client, auth, world, board):
    poll = add(world.mediator, board, open_it=True)
    services.control(staff(world), board, "reveal")
    auth.login(world.mediator)
    response = client.post(
        f"/tableaux/{board.id}/commande", data={"action": "hand_count", "hand-1": "4"}
    )
    assert response.status_code == 302
    panel = client.get(f"/tableaux/{board.id}/panneau").get_data(as_text=True)
    assert "main levée" in panel and 'name="hand-1"' in panel
    screen = client.get(f"/ecran/{board.join_code}/{board.screen_key}").get_data(as_text=True)
    assert "dont 4 à main levée" in screen
    assert kinds.get(poll.kind).takes_hand_counts
