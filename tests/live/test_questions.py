"""Questions (Q&A): a question sent by one phone reaches every phone at once, so that
others can upvote it; with pre-moderation, it waits for the animator's approval."""

from __future__ import annotations

import pytest

from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.kinds import Refused
from facilitation.live.services import Actor

from .conftest import NS, add, client_id, phone
from .test_routes import activity_form

PREMODERATED = {"premoderation": True}


def events(sio, name):
    return [pkt["args"][0] for pkt in sio.get_received(NS) if pkt["name"] == name]


def ask(sio, activity_id, text):
    payload = {"activity_id": activity_id, "client_id": client_id(), "text": text}
    return sio.emit("contribute", payload, namespace=NS, callback=True)


def test_a_question_from_one_phone_reaches_the_others_who_can_upvote_it(sockets, world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", {}, open_it=True)
    asker, other = sockets.phone(board, "Colibri"), sockets.phone(board, "Mésange")
    other.get_received(NS)
    ack = ask(asker, questions.id, "Faut-il une carte Vitale ?")
    assert ack["ok"] is True and ack["pending"] is False
    assert events(other, "contributions") == [{"activity_id": questions.id}]
    # What the other phone fetches then (the fragment live.js swaps in) lists the question.
    page = other.http.get(f"/j/{board.join_code}/activite").get_data(as_text=True)
    assert "Faut-il une carte Vitale ?" in page and 'name="upvote"' in page
    vote = other.emit(
        "answer",
        {
            "activity_id": questions.id,
            "client_id": client_id(),
            "fields": {"upvote": [str(ack["contribution_id"])]},
        },
        namespace=NS,
        callback=True,
    )
    assert vote["ok"] is True
    assert services.results(questions)["questions"][0]["votes"] == 1


def test_with_premoderation_a_question_waits_for_approval(sockets, world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", PREMODERATED)
    questions.status = questions.status.OPEN
    db.session.commit()
    asker, other = sockets.phone(board, "Colibri"), sockets.phone(board, "Mésange")
    other.get_received(NS)
    ack = ask(asker, questions.id, "Et pour la mutuelle ?")
    assert ack["ok"] is True and ack["pending"] is True
    assert events(other, "contributions") == []
    assert services.results(questions)["questions"] == []
    page = other.http.get(f"/j/{board.join_code}/activite").get_data(as_text=True)
    assert "Et pour la mutuelle ?" not in page
    assert "approuvée" in page or "approuvé" in page  # the phone says questions are moderated

    services.control(
        Actor(user=world.mediator), board, "approve", {"contribution_id": ack["contribution_id"]}
    )
    assert events(other, "contributions") == [{"activity_id": questions.id}]
    assert [q["text"] for q in services.results(questions)["questions"]] == [
        "Et pour la mutuelle ?"
    ]


def test_a_refused_question_stays_hidden_and_cannot_be_approved_later(world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", PREMODERATED)
    questions.status = questions.status.OPEN
    db.session.commit()
    stored = services.contribute(phone(board), questions.id, client_id(), "Hors sujet")
    staff = Actor(user=world.mediator)
    services.control(
        staff, board, "moderate", {"contribution_id": stored.contribution_id, "hidden": True}
    )
    assert services.results(questions)["questions"] == []
    with pytest.raises(Refused):
        services.control(staff, board, "approve", {"contribution_id": stored.contribution_id})


def test_the_control_page_lists_the_waiting_questions_to_approve(client, auth, world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", PREMODERATED)
    questions.status = questions.status.OPEN
    db.session.commit()
    services.contribute(phone(board), questions.id, client_id(), "Et le transport ?")
    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}/tableau").get_data(as_text=True)
    assert "1 question en attente" in page and "Et le transport ?" in page


def test_the_activity_form_sets_premoderation(client, auth, world, board):
    auth.login(world.mediator)
    response = client.post(
        f"/tableaux/{board.id}/activites",
        data=activity_form(kind="questions", prompt="Vos questions ?", premoderation="y"),
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:400]
    db.session.expire_all()
    assert board.activities[-1].config == {"premoderation": True}


def test_phones_are_told_when_shown_results_change(sockets, world, board):
    poll = add(world.mediator, board, open_it=True)
    services.control(Actor(user=world.mediator), board, "reveal")
    watcher, voter = sockets.phone(board, "Colibri"), sockets.phone(board, "Mésange")
    watcher.get_received(NS)
    voter.emit(
        "answer",
        {"activity_id": poll.id, "client_id": client_id(), "value": [0]},
        namespace=NS,
        callback=True,
    )
    assert events(watcher, "results_changed") == [{"activity_id": poll.id}]
    services.control(Actor(user=world.mediator), board, "hide")
    watcher.get_received(NS)
    voter.emit(
        "answer",
        {"activity_id": poll.id, "client_id": client_id(), "value": [1]},
        namespace=NS,
        callback=True,
    )
    assert events(watcher, "results_changed") == []  # results hidden: nothing to follow
