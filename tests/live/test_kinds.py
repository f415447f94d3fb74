"""The rules of each activity type, as pure functions: settings, answers, results.

No database and no request: ``kinds`` works on plain values. The messages are lazy
translated strings, so these tests run in the app context the autouse fixture provides.
"""

from __future__ import annotations

import pytest

from facilitation.live import kinds
from facilitation.live.kinds import Refused
from facilitation.live.models import ActivityKind

POLL = kinds.get("poll")
QUIZ = kinds.get("quiz")
SCALE = kinds.get("scale")
CLOUD = kinds.get("wordcloud")
RANKING = kinds.get("ranking")
DEBATE = kinds.get("debate")
IDEAS = kinds.get("ideas")
QUESTIONS = kinds.get("questions")


def refused(code: str, call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    assert str(error.value.message).strip(), "a refusal always says why"
    return error.value


def poll_config(*labels, multiple=False):
    return POLL.clean_config(
        {"choices": list(labels or ("Oui", "Non", "Je ne sais pas")), "multiple": multiple}
    )


# --- the registry -----------------------------------------------------------------------------


def test_every_kind_has_its_rules_and_starts_in_its_first_phase():
    assert set(kinds.KINDS) == set(ActivityKind)
    for kind in ActivityKind:
        assert kinds.get(kind).kind is kind
        assert kinds.get(kind.value) is kinds.get(kind)
    assert kinds.initial_state("debate") == {"phase": "first"}
    assert kinds.initial_state("ideas") == {"phase": "collect"}
    assert kinds.initial_state("poll") == {}
    assert kinds.get("ideas").takes_contributions and kinds.get("questions").takes_contributions
    assert not kinds.get("poll").takes_contributions


def test_fold_merges_case_and_accents():
    assert kinds.fold("Santé") == kinds.fold("sante") == kinds.fold("SANTÉ ") == "sante"
    assert kinds.fold("Hôpital") != kinds.fold("Hôpitaux")


def test_clean_text_folds_spaces_and_refuses_empty_or_too_long():
    assert kinds.clean_text("  un   mot\n ", limit=10, message="vide") == "un mot"
    refused("invalid", kinds.clean_text, "   ", limit=10, message="vide")
    refused("invalid", kinds.clean_text, 12, limit=10, message="vide")
    refused("too_long", kinds.clean_text, "x" * 11, limit=10, message="vide")


# --- poll -------------------------------------------------------------------------------------


def test_poll_config_keeps_labels_and_known_pictograms():
    config = POLL.clean_config(
        {"choices": [{"label": " Oui ", "icon": "👍"}, {"label": "Non", "icon": "👎"}, "Bof"]}
    )
    assert config == {
        "choices": [
            {"label": "Oui", "icon": "👍"},
            {"label": "Non", "icon": "👎"},
            {"label": "Bof", "icon": ""},
        ],
        "multiple": False,
    }
    assert POLL.clean_config({"choices": ["A", "B"], "multiple": "on"})["multiple"] is True


@pytest.mark.parametrize(
    "choices",
    [
        None,
        "Oui, Non",
        ["Seul choix"],
        [f"Choix {i}" for i in range(kinds.MAX_CHOICES + 1)],
        ["Oui", "   "],
        ["Oui", 3],
        ["Oui", {"label": None}],
        [{"label": "Oui", "icon": "🦄"}, "Non"],  # not one of the pictograms offered
        [{"label": "Oui", "icon": "<img src=x>"}, "Non"],
    ],
)
def test_poll_config_refuses_bad_choices(choices):
    refused("invalid", POLL.clean_config, {"choices": choices})


def test_poll_config_refuses_a_label_too_long():
    refused("too_long", POLL.clean_config, {"choices": ["x" * (kinds.MAX_LABEL + 1), "Non"]})


def test_poll_single_answer():
    config = poll_config()
    assert POLL.clean_answer(config, {}, 1, None) == [1]
    assert POLL.clean_answer(config, {}, [2], None) == [2]
    refused("invalid", POLL.clean_answer, config, {}, [0, 1], None)


@pytest.mark.parametrize(
    "value", [None, [], 3, -1, [3], "1", ["1"], 1.0, [1.0], True, [True], False, {"0": 1}]
)
def test_poll_refuses_answers_that_are_not_a_choice(value):
    refused("invalid", POLL.clean_answer, poll_config(), {}, value, None)


def test_poll_multiple_answers_are_deduplicated_and_sorted():
    config = poll_config(multiple=True)
    assert POLL.clean_answer(config, {}, [2, 0, 2], None) == [0, 2]
    refused("invalid", POLL.clean_answer, config, {}, [0, True], None)


def test_poll_tally_counts_each_choice():
    single = poll_config()
    assert POLL.tally(single, {}, [[0], [1], [0]]) == {"total": 3, "counts": [2, 1, 0]}
    multiple = poll_config(multiple=True)
    result = POLL.tally(multiple, {}, [[0, 1], [1, 2], [1]])
    assert result == {"total": 3, "counts": [1, 3, 1]}
    assert POLL.tally(single, {}, []) == {"total": 0, "counts": [0, 0, 0]}


# --- quiz -------------------------------------------------------------------------------------


def quiz_config():
    return QUIZ.clean_config({"choices": ["Le médecin", "La CPAM", "La mairie"], "correct": 1})


def test_quiz_config_needs_a_right_answer_among_the_choices():
    assert quiz_config() == {
        "choices": [
            {"label": "Le médecin", "icon": ""},
            {"label": "La CPAM", "icon": ""},
            {"label": "La mairie", "icon": ""},
        ],
        "correct": [1],
        "multiple": False,  # a quiz takes one answer
    }
    for correct in (None, [], [3], [-1], "1", [0.0]):
        refused("invalid", QUIZ.clean_config, {"choices": ["A", "B"], "correct": correct})


def test_quiz_answer_is_one_choice():
    config = quiz_config()
    assert QUIZ.clean_answer(config, {}, [2], None) == [2]
    refused("invalid", QUIZ.clean_answer, config, {}, [0, 1], None)
    refused("invalid", QUIZ.clean_answer, config, {}, [5], None)


def test_quiz_right_answer_is_in_the_results_only_once_revealed():
    config = quiz_config()
    answers = [[1], [0], [1]]
    hidden = QUIZ.tally(config, {}, answers)
    assert hidden == {"total": 3, "counts": [1, 2, 0]}
    assert "correct" not in hidden
    assert "correct" not in QUIZ.tally(config, {"answer_revealed": False}, answers)
    shown = QUIZ.tally(config, {"answer_revealed": True}, answers)
    assert shown["correct"] == [1]
    assert shown["counts"] == [1, 2, 0]


# --- scale ------------------------------------------------------------------------------------


def test_scale_config_styles():
    assert SCALE.clean_config({}) == {"style": "faces"}
    assert SCALE.clean_config({"style": "weather"}) == {"style": "weather"}
    refused("invalid", SCALE.clean_config, {"style": "stars"})


@pytest.mark.parametrize("value", [0, 6, -1, "3", 3.0, True, None, [3]])
def test_scale_refuses_points_outside_1_to_5(value):
    refused("invalid", SCALE.clean_answer, {"style": "faces"}, {}, value, None)


def test_scale_tally_counts_and_mean():
    assert SCALE.clean_answer({"style": "faces"}, {}, 5, None) == 5
    result = SCALE.tally({"style": "faces"}, {}, [1, 4, 4, 5])
    assert result == {"total": 4, "counts": [1, 0, 0, 2, 1], "mean": 3.5}
    assert SCALE.tally({"style": "faces"}, {}, [2, 3, 3])["mean"] == 2.7
    assert SCALE.tally({"style": "faces"}, {}, [])["mean"] is None


# --- word cloud -------------------------------------------------------------------------------


def test_word_cloud_config():
    assert CLOUD.clean_config({}) == {"max_words": 3}
    assert CLOUD.clean_config({"max_words": "1"}) == {"max_words": 1}
    for bad in (0, 4, "deux", True, None):
        refused("invalid", CLOUD.clean_config, {"max_words": bad})


def test_word_cloud_answer_keeps_up_to_max_words_without_repeats():
    config = {"max_words": 3}
    assert CLOUD.clean_answer(config, {}, "  santé  ", None) == ["santé"]
    # the empty boxes of the form are skipped; the same word twice counts once
    assert CLOUD.clean_answer(config, {}, ["Santé", "", "SANTÉ", "logement"], None) == [
        "Santé",
        "logement",
    ]
    refused("invalid", CLOUD.clean_answer, config, {}, ["a", "b", "c", "d"], None)
    refused("invalid", CLOUD.clean_answer, {"max_words": 1}, {}, ["a", "b"], None)
    refused("invalid", CLOUD.clean_answer, config, {}, ["", "  "], None)
    refused("invalid", CLOUD.clean_answer, config, {}, [42], None)
    refused("invalid", CLOUD.clean_answer, config, {}, {"word": "santé"}, None)
    refused("invalid", CLOUD.clean_answer, config, {}, None, None)
    refused("too_long", CLOUD.clean_answer, config, {}, ["x" * (kinds.MAX_WORD + 1)], None)


def test_word_cloud_merges_case_and_accents_under_the_most_common_spelling():
    answers = [["Santé"], ["sante", "logement"], ["SANTÉ"], ["Santé", "Logement"]]
    result = CLOUD.tally({"max_words": 3}, {}, answers)
    assert result["total"] == 4
    assert result["words"] == [
        {"key": "sante", "text": "Santé", "count": 4},
        {"key": "logement", "text": "logement", "count": 2},
    ]


def test_word_cloud_counts_three_spellings_as_one_word():
    result = CLOUD.tally({"max_words": 3}, {}, [["Santé"], ["sante"], ["SANTÉ"]])
    assert [(w["key"], w["count"]) for w in result["words"]] == [("sante", 3)]
    assert result["words"][0]["text"] in {"Santé", "sante", "SANTÉ"}


def test_word_cloud_hidden_words_are_left_out_whatever_their_spelling():
    answers = [["Santé", "idiot"], ["IDIOT"], ["Idiot", "logement"]]
    result = CLOUD.tally({"max_words": 3}, {"hidden_words": [kinds.fold("Idiot")]}, answers)
    assert [w["text"] for w in result["words"]] == ["logement", "Santé"]
    assert result["total"] == 3  # the people still answered


# --- ranking ----------------------------------------------------------------------------------


def ranking_config():
    return RANKING.clean_config({"items": ["Logement", "Santé", "Travail"]})


def test_ranking_config_takes_items_or_choices():
    assert ranking_config()["choices"][0] == {"label": "Logement", "icon": ""}
    assert RANKING.clean_config({"choices": ["A", "B"]}) == {
        "choices": [{"label": "A", "icon": ""}, {"label": "B", "icon": ""}]
    }
    refused("invalid", RANKING.clean_config, {"items": ["Seul"]})


@pytest.mark.parametrize(
    "value",
    [[0, 1], [0, 1, 1], [0, 1, 3], "0,1,2", None, [True, 0, 2], [0, 1, "2"], [0.0, 1.0, 2.0]],
)
def test_ranking_answer_puts_every_item_once(value):
    refused("invalid", RANKING.clean_answer, ranking_config(), {}, value, None)


def test_ranking_tally_is_a_borda_count():
    config = ranking_config()
    assert RANKING.clean_answer(config, {}, [1, 0, 2], None) == [1, 0, 2]
    # 3 points for the first place, 2 for the second, 1 for the third
    answers = [[1, 0, 2], [1, 2, 0], [0, 1, 2]]
    result = RANKING.tally(config, {}, answers)
    assert result["total"] == 3
    assert result["order"] == [
        {"index": 1, "score": 8, "mean_rank": 1.3},
        {"index": 0, "score": 6, "mean_rank": 2.0},
        {"index": 2, "score": 4, "mean_rank": 2.7},
    ]


def test_ranking_tally_ties_keep_the_plan_order_and_no_answer_has_no_mean():
    result = RANKING.tally(ranking_config(), {}, [])
    assert [row["index"] for row in result["order"]] == [0, 1, 2]
    assert {row["mean_rank"] for row in result["order"]} == {None}


# --- débat mouvant ----------------------------------------------------------------------------


def test_debate_config_has_two_ends_with_defaults():
    config = DEBATE.clean_config({"left": " Pas d'accord ", "right": "D'accord"})
    assert config == {"left": "Pas d'accord", "right": "D'accord"}
    defaults = DEBATE.clean_config({})
    assert defaults["left"] and defaults["right"]
    refused("too_long", DEBATE.clean_config, {"left": "x" * (kinds.MAX_LABEL + 1)})


def test_debate_first_phase_sets_both_positions_and_final_phase_keeps_the_first():
    config = DEBATE.clean_config({})
    first = DEBATE.clean_answer(config, {"phase": "first"}, 2, None)
    assert first == {"first": 2, "final": 2}
    changed_mind = DEBATE.clean_answer(config, {"phase": "first"}, 3, first)
    assert changed_mind == {"first": 3, "final": 3}  # still the first round
    moved = DEBATE.clean_answer(config, {"phase": "final"}, 5, changed_mind)
    assert moved == {"first": 3, "final": 5}
    late = DEBATE.clean_answer(config, {"phase": "final"}, 4, None)
    assert late == {"first": None, "final": 4}  # arrived after the first round
    for bad in (0, 6, "3", True, 2.0):
        refused("invalid", DEBATE.clean_answer, config, {"phase": "first"}, bad, None)


def test_debate_tally_compares_first_and_final_positions_and_counts_who_moved():
    config = DEBATE.clean_config({})
    answers = [
        {"first": 1, "final": 1},
        {"first": 1, "final": 4},
        {"first": 5, "final": 3},
        {"first": None, "final": 2},  # joined late: not counted as moved
    ]
    result = DEBATE.tally(config, {"phase": "final"}, answers)
    assert result == {
        "total": 4,
        "first": [2, 0, 0, 0, 1],
        "final": [1, 1, 1, 1, 0],
        "moved": 2,
        "phase": "final",
    }
    assert DEBATE.tally(config, {}, [])["phase"] == "first"


# --- idea wall --------------------------------------------------------------------------------


def test_ideas_config_dots():
    assert IDEAS.clean_config({}) == {"dots": 3}
    assert IDEAS.clean_config({"dots": "5"}) == {"dots": 5}
    for bad in (0, 11, True, "beaucoup"):
        refused("invalid", IDEAS.clean_config, {"dots": bad})


def test_ideas_voting_only_in_the_vote_phase():
    refused("closed", IDEAS.clean_answer, {"dots": 3}, {"phase": "collect"}, {"1": 1}, None, {1})
    refused("closed", IDEAS.clean_answer, {"dots": 3}, {}, {"1": 1}, None, {1})


def test_ideas_dots_go_on_visible_ideas_and_never_exceed_the_dots_given():
    vote = {"phase": "vote"}
    config = {"dots": 3}
    assert IDEAS.clean_answer(config, vote, {"1": 2, "2": 1, "3": 0}, None, {1, 2, 3}) == {
        "1": 2,
        "2": 1,
    }
    refused("invalid", IDEAS.clean_answer, config, vote, {"1": 2, "2": 2}, None, {1, 2})
    refused("invalid", IDEAS.clean_answer, config, vote, {"9": 1}, None, {1, 2})  # unknown idea
    refused("invalid", IDEAS.clean_answer, config, vote, {"x": 1}, None, {1, 2})
    refused("invalid", IDEAS.clean_answer, config, vote, {"1": True}, None, {1, 2})
    refused("invalid", IDEAS.clean_answer, config, vote, {"1": -1}, None, {1, 2})
    refused("invalid", IDEAS.clean_answer, config, vote, [1, 2], None, {1, 2})


def test_ideas_tally_sums_dots_leaves_hidden_ideas_out_and_sorts_when_voting():
    ideas = [
        {
            "id": 1,
            "text": "Un médecin qui parle arabe",
            "column": None,
            "hidden": False,
            "answered": False,
        },
        {"id": 2, "text": "Spam", "column": None, "hidden": True, "answered": False},
        {
            "id": 3,
            "text": "Des horaires le soir",
            "column": "Accès",
            "hidden": False,
            "answered": False,
        },
    ]
    answers = [{"3": 2, "1": 1}, {"3": 1}, {"2": 3}]
    collecting = IDEAS.tally({"dots": 3}, {"phase": "collect", "columns": ["Accès"]}, [], ideas)
    assert [i["id"] for i in collecting["ideas"]] == [1, 3]
    assert collecting["columns"] == ["Accès"] and collecting["count"] == 2
    voting = IDEAS.tally({"dots": 3}, {"phase": "vote"}, answers, ideas)
    assert [(i["id"], i["dots"]) for i in voting["ideas"]] == [(3, 3), (1, 1)]
    assert voting["phase"] == "vote" and voting["total"] == 3


# --- questions --------------------------------------------------------------------------------


def test_questions_upvotes_go_on_visible_questions():
    assert QUESTIONS.clean_config({"anything": 1}) == {}
    assert QUESTIONS.clean_answer({}, {}, [3, 1, 3], None, {1, 3}) == [1, 3]
    assert QUESTIONS.clean_answer({}, {}, [], None, {1}) == []
    refused("invalid", QUESTIONS.clean_answer, {}, {}, [2], None, {1, 3})
    refused("invalid", QUESTIONS.clean_answer, {}, {}, [True], None, {1})
    refused("invalid", QUESTIONS.clean_answer, {}, {}, ["1"], None, {1})
    refused("invalid", QUESTIONS.clean_answer, {}, {}, 1, None, {1})


def test_questions_tally_hides_moderated_and_puts_answered_last():
    questions = [
        {"id": 1, "text": "Q1", "column": None, "hidden": False, "answered": True},
        {"id": 2, "text": "Q2", "column": None, "hidden": False, "answered": False},
        {"id": 3, "text": "Q3", "column": None, "hidden": True, "answered": False},
        {"id": 4, "text": "Q4", "column": None, "hidden": False, "answered": False},
    ]
    answers = [[1, 4], [1], [1, 3], [4, 2], [4]]
    result = QUESTIONS.tally({}, {}, answers, questions)
    assert [(q["id"], q["votes"]) for q in result["questions"]] == [(4, 3), (2, 1), (1, 3)]
    assert result["count"] == 3 and result["total"] == 5


def test_kinds_without_answers_refuse_one():
    base = kinds.Kind()
    refused("invalid", base.clean_answer, {}, {}, 1, None)
