"""Small-cell suppression: the rules, and a brute-force check that what is published never
pins a hidden cell down (every table a reader could be shown, every completion tried)."""

from __future__ import annotations

import itertools

import pytest

from facilitation.indicators.evaluation import Spec, solve
from facilitation.indicators.suppression import Status, protect

SMALL, SECONDARY, SHOWN, WITHHELD = Status.SMALL, Status.SECONDARY, Status.SHOWN, Status.WITHHELD


def test_a_small_count_is_hidden_and_zero_stays_zero():
    assert protect([0, 12, 30], 5).cells == (SHOWN, SHOWN, SHOWN)
    assert protect([3], 5, additive=False).cells == (SMALL,)
    assert protect([0, 3, 4], 5, additive=False).cells == (SHOWN, SMALL, SMALL)


def test_one_hidden_cell_would_be_total_minus_the_others_so_another_is_hidden():
    result = protect([3, 10, 20], 5)  # total 33 shown: 33 − 10 − 20 would give 3 back
    assert result.cells == (SMALL, SECONDARY, SHOWN)  # the smallest other cell goes too
    assert not result.total_hidden


def test_two_small_cells_adding_up_to_a_small_sum_are_not_enough():
    # 1 and 2 hidden, 40 shown, total 43: the two hidden add up to 3, each at least 1 —
    # « 1 and 2 » or « 2 and 1 » is close to knowing; the rule wants a hidden sum ≥ 5.
    assert protect([1, 2, 40], 5).cells == (SMALL, SMALL, SECONDARY)


def test_when_no_other_cell_can_be_hidden_the_total_is_hidden():
    result = protect([1, 1], 5)  # total 2: both would be 1
    assert result.cells == (SMALL, SMALL) and result.total_hidden
    assert protect([4, 4], 5).total_hidden  # both at the largest small value


def test_a_breakdown_that_cannot_be_protected_is_withheld():
    result = protect([1, 1], 3)  # threshold 3, total « < 3 »: both are still 1
    assert result.cells == (WITHHELD, WITHHELD)


def test_the_threshold_is_the_structures():
    assert protect([3, 10, 20], 3).cells == (SHOWN, SHOWN, SHOWN)
    assert protect([3, 10, 20], 11).cells == (SMALL, SMALL, SHOWN)  # 13 hidden together


def _published(values, statuses, threshold):
    """What a reader sees of one cell: its value, or the interval its label stands for."""
    out = []
    for value, status in zip(values, statuses, strict=True):
        if status is SHOWN:
            out.append((value, value))
        elif status is SMALL:
            out.append((1, threshold - 1))
        else:  # « masqué »: a count that would otherwise have been shown
            out.append((threshold, 60))
    return out


CASES = [
    values
    for n in (2, 3, 4)
    for values in itertools.product([0, 1, 2, 3, 4, 5, 6, 9, 14], repeat=n)
    if any(1 <= v < 5 for v in values)
]


@pytest.mark.parametrize("threshold", [3, 5])
def test_no_hidden_cell_is_recovered_from_the_total_by_brute_force(threshold):
    """For every small table: enumerate all the tables a reader would find consistent with
    what is published (the shown cells, the intervals, the total when it is shown) — each
    hidden cell must have at least two possible values."""
    for values in CASES:
        result = protect(list(values), threshold)
        if result.withheld:
            continue
        hidden = [i for i, s in enumerate(result.cells) if s is not SHOWN]
        if not hidden:
            continue
        ranges = _published(values, result.cells, threshold)
        total = sum(values)
        totals = range(1, 400) if result.total_hidden else [total]
        if result.total_hidden:
            totals = range(1, threshold) if total < threshold else range(threshold, 400)
        seen = {i: set() for i in hidden}
        for candidate in itertools.product(*(range(lo, hi + 1) for lo, hi in ranges)):
            if sum(candidate) in totals:
                for i in hidden:
                    seen[i].add(candidate[i])
        for i in hidden:
            assert len(seen[i]) >= 2, (values, result, i, seen[i])


def test_percentages_follow_the_cells():
    from facilitation.indicators.evaluation import Shown

    total = Shown(33, SHOWN, 5)
    assert Shown(20, SHOWN, 5).share_of(total) == pytest.approx(20 / 33)
    assert Shown(3, SMALL, 5).share_of(total) is None
    assert Shown(20, SHOWN, 5).share_of(Shown(33, SECONDARY, 5)) is None  # total hidden


def test_a_figure_shared_by_two_breakdowns_is_hidden_in_both():
    """New people are a cell of « new and returning » and the total of « new by month »:
    hidden by the first, the second is protected knowing its total is hidden."""
    values = {"people": 13, "new": 6, "returning": 7}
    specs = [
        Spec("split", [6, 7], "people", cell_figures=("new", "returning")),
        Spec("months", [2, 4, 0], "new"),
    ]
    solved = solve(values, {"people", "new", "returning"}, specs, 5)
    assert solved.figures["new"] is SHOWN
    assert solved.breakdowns["months"].cells == (SMALL, SMALL, SHOWN)  # 2 + 4 = 6 shown…
    values["new"], specs[0].values, specs[1].values = 3, [3, 10], [1, 2, 0]
    values["returning"] = 10
    solved = solve(values, {"people", "new", "returning"}, specs, 5)
    assert solved.figures["new"] is SMALL
    assert solved.figures["returning"] is SECONDARY  # else 13 − 10 gives 3 back
    assert solved.breakdowns["months"].total_hidden


def test_on_the_history_returning_people_hide_the_new_ones(history):
    from facilitation.indicators import view
    from facilitation.indicators.scope import Period, structure

    from .conftest import TODAY

    ev = view.evaluate(view.context(structure(history.coordinator), Period.of_year(2026), TODAY), 5)
    assert ev.shown("distinct_people").text == "7"
    assert ev.shown("returning_people").status is SMALL  # 1
    assert ev.shown("new_people").status is SECONDARY  # 6, else 7 − 6 = 1
    assert [c.status for c in ev.cells("attendance_distribution")] == [SMALL, SMALL, SMALL]
    assert ev.shown("sessions_held").status is SHOWN  # not people: never hidden
    assert ev.shown("co_animations").status is SHOWN
    low = view.evaluate(
        view.context(structure(history.coordinator), Period.of_year(2026), TODAY), 3
    )
    assert [c.text for c in low.cells("attendance_distribution")] == ["< 3", "4", "< 3"]
