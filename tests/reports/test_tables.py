"""Each kind's tally as a table (pure functions, like live/kinds/)."""

from __future__ import annotations

import pytest

from facilitation.live import kinds
from facilitation.live.models import ActivityKind
from facilitation.reports import tables

CONFIGS = {
    ActivityKind.POLL: {"choices": ["Oui", "Non"], "multiple": True},
    ActivityKind.QUIZ: {"choices": ["Vrai", "Faux"], "correct": [1]},
    ActivityKind.SCALE: {"style": "faces"},
    ActivityKind.WORDCLOUD: {"max_words": 3},
    ActivityKind.IDEAS: {"dots": 3},
    ActivityKind.RANKING: {"items": ["A", "B"]},
    ActivityKind.DEBATE: {"left": "Non", "right": "Oui"},
    ActivityKind.QUESTIONS: {},
    ActivityKind.SENSECHECK: {},
    ActivityKind.SELF_ASSESSMENT: {"statements": [{"key": "know_rights"}], "moment": "t0"},
    ActivityKind.PHOTOLANGAGE: {"photos": [1, 2], "picks": 1},
}


def _table(kind, answers=(), contributions=(), state=None):
    rules = kinds.get(kind)
    config = rules.clean_config(CONFIGS[kind])
    state = {**kinds.initial_state(kind), **(state or {})}
    results = rules.tally(config, state, list(answers), list(contributions))
    return tables.table(kind, config, state, results)


def test_every_kind_has_a_table_even_before_anyone_answered():
    assert set(tables.TABLES) == set(ActivityKind)
    for kind in ActivityKind:
        table = _table(kind)
        assert table.columns and table.notes, kind
        assert all(len(row) == len(table.columns) for row in table.rows), kind
        assert table.notes[0].startswith("0 "), (kind, table.notes)  # "0 personne a répondu"


def test_a_sense_check_table_counts_each_answer_with_its_pictogram(app):
    with app.test_request_context(headers={"Cookie": "lang=fr"}):
        table = _table(ActivityKind.SENSECHECK, answers=[0, 0, 2])
    assert [[cell.value for cell in row[:2]] for row in table.rows] == [
        ["👍 D’accord", 2],
        ["🤔 Je ne sais pas encore", 0],
        ["👎 Pas d’accord", 1],
    ]


def test_a_multiple_choice_poll_says_its_shares_add_up_past_100():
    table = _table(ActivityKind.POLL, [[0, 1], [0]])
    assert [[c.value for c in r] for r in table.rows] == [["Oui", 2, 1.0], ["Non", 1, 0.5]]
    assert any("100" in note for note in table.notes)


def test_an_idea_wall_lists_notes_of_a_removed_column_and_never_hidden_ones():
    notes = [
        {"id": 1, "text": "Visible", "column": None, "hidden": False, "answered": False},
        {"id": 2, "text": "Rangée", "column": "Ancienne", "hidden": False, "answered": False},
        {"id": 3, "text": "Masquée", "column": None, "hidden": True, "answered": False},
    ]
    table = _table(ActivityKind.IDEAS, [{"1": 2}], notes, {"phase": "vote", "columns": []})
    rows = [[c.value for c in r] for r in table.rows]
    assert ["Ancienne", "Rangée", 0] in rows
    assert all("Masquée" not in row for row in rows)


@pytest.mark.parametrize("revealed", [True, False])
def test_a_quiz_table_marks_the_right_answer_and_says_if_it_was_shown(revealed):
    table = _table(ActivityKind.QUIZ, [[0], [1], [1]], state={"answer_revealed": revealed})
    assert [r[1].value for r in table.rows] == ["non", "oui"]
    shown = "La bonne réponse a été montrée à l'écran."
    assert (shown in table.notes) is revealed


def test_hidden_words_are_counted_not_shown():
    table = _table(
        ActivityKind.WORDCLOUD, [["Santé", "Argent"]], state={"hidden_words": ["argent"]}
    )
    assert [r[0].value for r in table.rows] == ["Santé"]
    assert "1 mot masqué par l'animation." in table.notes
