"""Every figure of the registry on the seeded history (conftest.py), counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from facilitation.indicators import definitions, queries, view
from facilitation.indicators.models import ScopeKind
from facilitation.indicators.scope import Period, of_cycle, of_space, structure

from .conftest import TODAY


def evaluate(scope, period=None, threshold=5):
    period = period or Period.of_year(2026)
    return view.evaluate(view.context(scope, period, TODAY), threshold)


def test_structure_figures_of_2026(history):
    ev = evaluate(structure(history.coordinator))
    values = ev.values
    assert values["sessions_held"] == 8  # s1–s5, s7, s8, s9 (not s0, s6, s10)
    assert values["participations"] == 17
    assert values["distinct_people"] == 7  # the erased P4 and the merged P5 count once
    assert values["new_people"] == 6
    assert values["returning_people"] == 1  # P1, who came in 2025
    assert ev.specs["attendance_distribution"].values == [2, 4, 1]
    assert values["co_animations"] == 4
    assert values["co_animators"] == 3
    assert values["went_on_to_co_animate"] == 2  # P1, P2 — not P8 (same session)
    assert values["brought_by_others"] == 1  # P2; P8's bringer was erased
    assert values["log_orientation"] == 4  # people oriented
    assert values["log_accompaniment"] == 1
    assert values["log_interview"] == 0  # the 2025 one is outside the period
    assert values["log_partner_meeting"] == 1  # meetings, not people
    assert values["log_outreach"] == 1
    assert values["barriers_recorded"] == 3
    assert values["barriers_passed_on"] == 2
    assert values["barrier_people"] == 12


def test_a_person_in_two_spaces_counts_in_each_and_once_in_the_structure(history):
    a = evaluate(of_space(history.coordinator, history.a.id))
    b = evaluate(of_space(history.coordinator, history.b.id))
    assert (a.values["distinct_people"], b.values["distinct_people"]) == (6, 2)
    assert a.values["distinct_people"] + b.values["distinct_people"] == 8  # P3 in both
    assert a.values["new_people"] == 4  # P2, P4, P5, P7 — P3 first came in B
    assert a.values["returning_people"] == 2  # P1, and P3 already known from B
    assert b.values["new_people"] == 2
    assert a.values["participations"] == 14
    assert b.values["participations"] == 3
    assert a.specs["attendance_distribution"].values == [2, 3, 1]
    assert a.values["sessions_held"] == 6
    assert a.values["barriers_recorded"] == 2
    assert b.values["log_outreach"] == 1 and a.values["log_outreach"] == 0


def test_cycle_scope_and_figures_that_do_not_apply_to_it(history):
    ev = evaluate(of_cycle(history.coordinator, history.a1.id))
    assert ev.values["sessions_held"] == 5
    assert ev.values["distinct_people"] == 5
    assert ev.values["participations"] == 13
    assert ev.values["new_people"] == 3
    assert "log_orientation" not in ev.values  # the activity log is kept per space
    assert "co_built_tools_added" not in ev.values


def test_a_quarter_and_custom_dates(history):
    q1 = evaluate(structure(history.coordinator), Period.of_quarter(2026, 1))
    assert q1.values["sessions_held"] == 5  # s1, s2, s3, s8, s9
    assert q1.values["distinct_people"] == 6  # all but P7
    custom = evaluate(
        structure(history.coordinator), Period("custom", date(2025, 11, 1), date(2026, 1, 31))
    )
    assert custom.values["sessions_held"] == 2  # s0, s1
    assert custom.values["new_people"] == 3  # P1 (in 2025), P2, P4


def test_outcomes_pair_by_person_across_positions_merge_and_erasure(history):
    ev = evaluate(structure(history.coordinator))
    assert ev.values["t1_people_paired"] == 3  # P1, P2, P5 (P4 erased, anonymous never)
    assert ev.specs["outcome_steps_alone"].values == [1, 1, 1]  # P1 up, P2 same, P5 down
    assert ev.specs["outcome_know_rights"].values == [1, 1, 0]
    assert ev.values["outcome_steps_alone_up"] == 1
    assert ev.values["outcome_know_rights_up"] == 1
    custom = [s for s in ev.specs.values() if s.key.startswith("outcome_custom_")]
    assert [s.values for s in custom] == [[1, 0, 0]]
    assert ev.specs["outcome_answers"].values == [5, 4, 3]  # T0, T1, unlinked
    assert ev.specs["professionals_know_public"].values == [2, 0, 1]
    assert ev.values["professionals_know_public"] == 2


def test_cycle_overview_agrees_with_the_registry(history):
    """The cycle overview (participants) and the indicators count the same people."""
    from facilitation.participants import services as participants

    overview = participants.cycle_overview(history.coordinator, history.a1)
    whole = Period("custom", date(2025, 1, 1), date(2026, 12, 31))
    ctx = view.context(of_cycle(history.coordinator, history.a1.id), whole, date(2026, 12, 31))
    assert overview.people == queries.distinct_people(ctx) == 5
    assert sum(line.came for line in overview.lines) == queries.participations(ctx) == 14
    assert sum(line.new for line in overview.lines) == queries.new_people(ctx) == 4
    assert overview.co_animators == queries.co_animators(ctx) == 2
    assert overview.moved_to_co_animating == queries.went_on_to_co_animate(ctx) == 2


@pytest.mark.parametrize("figure", definitions.FIGURE_LIST, ids=lambda f: f.key)
def test_every_figure_has_a_definition_a_query_or_a_missing_package(figure):
    assert str(figure.definition).strip()
    assert str(figure.label).strip()
    assert figure.query is not None or figure.needs is not None
    # Projects and bilans have landed: every figure is computed, none is "pending".
    assert figure.query is not None
    assert figure.available and figure.pending is None


def test_project_and_bilan_figures_are_numbers_not_pending_notes(history, app):
    with app.test_request_context():
        page = view.build(
            history.coordinator, structure(history.coordinator), Period.of_year(2026), TODAY
        )
    for key in ("bilans_finalised", "projects_active"):
        line = page.figures[key]
        assert line.pending is None
        assert line.shown is not None
    assert page.scope.kind is not ScopeKind.PROJECT
