"""What is counted is said: « 4 idées · 3 personnes ont voté », not « 7 réponses »; and
numbers are written as the board's language writes them (« 2,0 » in French)."""

from __future__ import annotations

import re

from facilitation.live import services
from facilitation.live.services import Actor

from .conftest import add, client_id, phone


def screen_text(app, board) -> str:
    return (
        app.test_client().get(f"/ecran/{board.join_code}/{board.screen_key}").get_data(as_text=True)
    )


def test_an_idea_wall_counts_ideas_and_voters_apart(app, world, board):
    wall = add(world.mediator, board, "ideas", "Ce qui bloque ?", {"dots": 3}, open_it=True)
    first = services.contribute(phone(board), wall.id, client_id(), "Les horaires")
    services.contribute(phone(board), wall.id, client_id(), "La langue")
    services.control(Actor(user=world.mediator), board, "phase", {"phase": "vote"})
    services.submit_answer(phone(board), wall.id, client_id(), {str(first.contribution_id): 2})
    html = screen_text(app, board)
    assert "2 idées · 1 personne a voté" in html and "3 réponses" not in html


def test_questions_count_questions_and_voters_apart(app, world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", {}, open_it=True)
    services.contribute(phone(board), questions.id, client_id(), "Et la mutuelle ?")
    assert "1 question · 0 personne a voté" in screen_text(app, board)


def test_a_ranking_average_is_written_the_french_way(app, world, board):
    ranking = add(
        world.mediator, board, "ranking", "Priorités", {"items": ["A", "B"]}, open_it=True
    )
    services.submit_answer(phone(board), ranking.id, client_id(), [1, 0])
    services.control(Actor(user=world.mediator), board, "reveal")
    scores = re.findall(r'rank-score">(.*?)</span>', screen_text(app, board))
    assert scores[1].endswith("place moyenne\u00a0: 2,0"), scores
