"""The demo's compte rendu: a past session of the tronc commun whose board was used.

Nine phones answered activities of every kind; the animator revealed most results
(not the ranking), grouped the idea wall in columns, and hid one note and one question
by moderation — so the compte rendu shows each case. Rows are written through the
models (as the rest of the demo), each answer checked by its kind's own rules.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import url_for

from ..extensions import db
from ..live import kinds
from ..live import services as live
from ..live.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Answer,
    Board,
    Contribution,
    LiveParticipant,
)
from ..workshops.models import WorkshopSession

PHONES = 9
WALL_COLUMNS = ["Papiers", "Langue", "Numérique"]
NOTES = [  # (text, column, hidden)
    ("On me demande toujours un papier de plus", "Papiers", False),
    ("Pas de justificatif de domicile", "Papiers", False),
    ("Personne ne parle ma langue au guichet", "Langue", False),
    ("Les courriers de la CPAM sont difficiles à comprendre", "Langue", False),
    ("Le site ameli ne marche pas sur mon téléphone", "Numérique", False),
    ("Il faut une adresse e-mail pour tout", "Numérique", False),
    ("Trop d'attente au téléphone", None, False),
    ("Mme D. de l'accueil m'a mal parlé", None, True),  # names someone: hidden
]
QUESTIONS = [  # (text, answered, hidden)
    ("Combien de temps pour avoir l'AME ?", True, False),
    ("Peut-on garder la C2S si on change d'adresse ?", False, False),
    ("Où trouver un interprète pour un rendez-vous ?", False, False),
    ("Question hors sujet avec un numéro de téléphone", False, True),
]

ACTIVITIES = [  # (kind, prompt, config, state, revealed, answers per phone)
    (
        ActivityKind.SCALE,
        "Comment arrivez-vous aujourd'hui ?",
        {"style": "weather"},
        {},
        True,
        [5, 4, 4, 3, 5, 2, 4, 3, 4],
    ),
    (
        ActivityKind.WORDCLOUD,
        "Un mot pour dire « droits »",
        {"max_words": 3},
        {},
        True,
        [
            ["Papiers", "Attente"],
            ["papiers"],
            ["Santé", "Accès"],
            ["Attente"],
            ["Dignité"],
            ["santé", "papiers"],
            ["Égalité"],
            ["Accès"],
            None,
        ],
    ),
    (
        ActivityKind.POLL,
        "Avez-vous une complémentaire santé ?",
        {
            "choices": [
                {"icon": "✅", "label": "Oui"},
                {"icon": "❌", "label": "Non"},
                {"icon": "❓", "label": "Je ne sais pas"},
            ]
        },
        {},
        True,
        [0, 1, 0, 2, 1, 1, 0, 2, 1],
    ),
    (
        ActivityKind.QUIZ,
        "La complémentaire santé solidaire peut être gratuite. Vrai ou faux ?",
        {
            "choices": [{"icon": "✅", "label": "Vrai"}, {"icon": "❌", "label": "Faux"}],
            "correct": [0],
        },
        {"answer_revealed": True},
        True,
        [0, 0, 1, 0, 0, 1, 0, 0, None],
    ),
    (
        ActivityKind.IDEAS,
        "Qu'est-ce qui bloque pour ouvrir ses droits ?",
        {"dots": 3},
        {"phase": "vote", "columns": WALL_COLUMNS},
        True,
        None,  # notes and dots below
    ),
    (
        ActivityKind.DEBATE,
        "Les démarches en ligne facilitent l'accès aux droits.",
        {"left": "Pas d'accord", "right": "D'accord"},
        {"phase": "final"},
        True,
        [(4, 2), (5, 4), (2, 1), (1, 1), (3, 2), (4, 4), (2, 2), (5, 3), None],
    ),
    (
        ActivityKind.RANKING,
        "Ce qu'on veut approfondir au prochain atelier",
        {"items": ["L'AME", "La PUMa", "La C2S", "Les recours en cas de refus de soins"]},
        {},
        False,  # the group ran out of time: results never shown
        [[3, 0, 2, 1], [0, 3, 2, 1], [3, 2, 0, 1], [0, 3, 1, 2], [3, 0, 1, 2]] + [None] * 4,
    ),
    (
        ActivityKind.QUESTIONS,
        "Vos questions pour la prochaine séance",
        {},
        {},
        True,
        None,  # questions and upvotes below
    ),
]


def _answer(activity: Activity, phone: LiveParticipant, value, n: int) -> None:
    db.session.add(
        Answer(
            activity_id=activity.id,
            participant_id=phone.id,
            client_id=f"demo-{activity.id}-{n}",
            value=value,
        )
    )


def _debate_value(pair: tuple[int, int]) -> dict:
    return {"first": pair[0], "final": pair[1]}


def seed(session: WorkshopSession) -> Board:
    """A used board on a past session, with answers of every kind."""
    board = Board(
        session=session, join_code=live.new_join_code(), screen_key=secrets.token_urlsafe(24)
    )
    db.session.add(board)
    db.session.flush()
    phones = [
        LiveParticipant(
            board_id=board.id,
            device_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        )
        for _n in range(PHONES)
    ]
    db.session.add_all(phones)
    db.session.flush()
    for position, (kind, prompt, raw, state, revealed, values) in enumerate(ACTIVITIES):
        rules = kinds.get(kind)
        config = rules.clean_config(raw)
        activity = Activity(
            board_id=board.id,
            position=position,
            kind=kind,
            prompt=prompt,
            config=config,
            state={**kinds.initial_state(kind), **state},
            status=ActivityStatus.CLOSED,
            results_visible=revealed,
        )
        db.session.add(activity)
        db.session.flush()
        if kind is ActivityKind.IDEAS:
            _wall(activity, phones)
        elif kind is ActivityKind.QUESTIONS:
            _questions(activity, phones)
        else:
            for n, (phone, value) in enumerate(zip(phones, values, strict=True)):
                if value is None:
                    continue
                if kind is ActivityKind.DEBATE:
                    value = _debate_value(value)
                else:
                    value = rules.clean_answer(config, activity.state, value, None)
                _answer(activity, phone, value, n)
    board.current_activity_id = activity.id
    db.session.commit()
    return board


def _wall(activity: Activity, phones: list[LiveParticipant]) -> None:
    notes = []
    for n, (text, column, hidden) in enumerate(NOTES):
        note = Contribution(
            activity_id=activity.id,
            participant_id=phones[n % len(phones)].id,
            client_id=f"demo-note-{n}",
            text=text,
            column=column,
            hidden=hidden,
        )
        db.session.add(note)
        notes.append(note)
    db.session.flush()
    visible = [note.id for note in notes if not note.hidden]
    dots = [  # each phone's dots (3 at most), by index of the visible notes
        {0: 2, 2: 1},
        {2: 3},
        {4: 1, 5: 1, 6: 1},
        {0: 1, 2: 2},
        {1: 3},
        {2: 1, 3: 2},
        {4: 2},
    ]
    for n, (phone, votes) in enumerate(zip(phones, dots, strict=False)):
        value = {str(visible[i]): count for i, count in votes.items()}
        clean = kinds.get(ActivityKind.IDEAS).clean_answer(
            activity.config, activity.state, value, None, set(visible)
        )
        _answer(activity, phone, clean, n)


def _questions(activity: Activity, phones: list[LiveParticipant]) -> None:
    questions = []
    for n, (text, answered, hidden) in enumerate(QUESTIONS):
        question = Contribution(
            activity_id=activity.id,
            participant_id=phones[n].id,
            client_id=f"demo-question-{n}",
            text=text,
            answered=answered,
            hidden=hidden,
        )
        db.session.add(question)
        questions.append(question)
    db.session.flush()
    ids = [q.id for q in questions]
    upvotes = [[0, 1], [0], [1, 2], [0, 2], [2]]
    for n, (phone, picked) in enumerate(zip(phones, upvotes, strict=False)):
        _answer(activity, phone, sorted(ids[i] for i in picked), n)


def urls(session: WorkshopSession) -> dict:
    """The entry points of the compte rendu, for ``seed-demo --json``."""

    def export(fmt: str) -> str:
        return url_for("reports.session_export", session_id=session.id, fmt=fmt, _external=True)

    return {
        "url": url_for("reports.session_report", session_id=session.id, _external=True),
        "csv_url": export("csv"),
        "ods_url": export("ods"),
        "xlsx_url": export("xlsx"),
        "pdf_url": export("pdf"),
    }
