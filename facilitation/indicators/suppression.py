"""Small-cell suppression: counts of people between 1 and the threshold are hidden.

Pure functions, no database (tests/indicators/test_suppression.py).

- **Primary**: a count from 1 to ``threshold - 1`` is shown as « < 5 » (the threshold is
  the structure's, 5 by default). Zero stays zero: it reveals nobody.
- **Secondary**: in a breakdown whose cells add up to a total that is shown, one hidden
  cell could be found again by subtraction (total − the others), and two hidden cells
  could be pinned down by their bounds (two cells of « < 5 » adding up to 2 are both 1).
  So more cells are hidden — the smallest visible ones first, shown as « masqué » —
  until no hidden cell has only one possible value and the hidden cells together are not
  a small count themselves. When that cannot be reached, the total is hidden as well;
  when even that is not enough, the breakdown is withheld (not detailed).
- **Percentages** of hidden cells are hidden; when the total is hidden, every
  percentage of the breakdown is (a share and its count give the total back).

An attacker is assumed to know the rule: a « < 5 » cell is between 1 and 4, a
« masqué » cell is at least 5 (it would be « < 5 » otherwise), a zero is zero.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

INF = float("inf")


class Status(enum.StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # primary: 1 .. threshold-1
    SECONDARY = "secondary"  # hidden so that a small cell cannot be recomputed
    WITHHELD = "withheld"  # the whole breakdown could not be protected


@dataclass(frozen=True)
class Protected:
    """The outcome for one breakdown: each cell's status, and whether its total is hidden."""

    cells: tuple[Status, ...]
    total_hidden: bool = False

    @property
    def withheld(self) -> bool:
        return any(s is Status.WITHHELD for s in self.cells)

    def shows(self, index: int) -> bool:
        return self.cells[index] is Status.SHOWN


def is_small(value: int | None, threshold: int) -> bool:
    return value is not None and 1 <= value < threshold


def primary(value: int | None, threshold: int) -> Status:
    return Status.SMALL if is_small(value, threshold) else Status.SHOWN


def _bounds(status: Status, threshold: int) -> tuple[float, float]:
    if status is Status.SMALL:
        return 1, threshold - 1
    return threshold, INF  # secondary: a visible count, so not a small one


def recoverable(
    values: list[int],
    statuses: list[Status],
    threshold: int,
    total_range: tuple[float, float] | None,
) -> bool:
    """Could someone who sees the visible cells and the total pin down a hidden cell?

    ``total_range``: the total as the reader knows it — exactly (``(t, t)``), as an
    interval when it is itself hidden, or ``None`` when the cells add up to nothing shown.
    With one equation and a box for each hidden cell, each cell's feasible interval is
    exact: [max(lo, S_lo − Σ others' hi), min(hi, S_hi − Σ others' lo)].
    """
    hidden = [i for i, s in enumerate(statuses) if s in (Status.SMALL, Status.SECONDARY)]
    if not hidden or total_range is None:
        return False
    visible = sum(v for v, s in zip(values, statuses, strict=True) if s is Status.SHOWN)
    s_lo, s_hi = total_range[0] - visible, total_range[1] - visible
    bounds = {i: _bounds(statuses[i], threshold) for i in hidden}
    for i in hidden:
        lo_i, hi_i = bounds[i]
        others_hi = sum(bounds[j][1] for j in hidden if j != i)
        others_lo = sum(bounds[j][0] for j in hidden if j != i)
        low = max(lo_i, s_lo - others_hi)
        high = min(hi_i, s_hi - others_lo)
        if high <= low:
            return True
    exact = total_range[0] == total_range[1]
    hidden_sum = sum(values[i] for i in hidden)
    return exact and hidden_sum < threshold  # the hidden cells together: a small count


def protect(
    values: list[int],
    threshold: int,
    *,
    total: int | None = None,
    additive: bool = True,
    total_hidden: bool = False,
    hidden: frozenset[int] | set[int] = frozenset(),
) -> Protected:
    """Statuses for a breakdown's cells.

    - ``total``: what the cells add up to (default: their sum), shown next to them;
    - ``additive=False``: the cells add up to nothing shown (people counted in each month:
      one person is in several), so only primary suppression applies;
    - ``total_hidden``: the total is hidden elsewhere (another breakdown of the same people
      needed it), so the reader knows it only as an interval;
    - ``hidden``: cells already hidden elsewhere (a figure shared with another breakdown).
    """
    statuses = [primary(v, threshold) for v in values]
    for i in hidden:
        if statuses[i] is Status.SHOWN and values[i] > 0:
            statuses[i] = Status.SECONDARY
    if not additive or all(s is Status.SHOWN for s in statuses):
        return Protected(tuple(statuses), total_hidden)
    total = sum(values) if total is None else total
    interval = (1, threshold - 1) if is_small(total, threshold) else (threshold, INF)
    known = interval if total_hidden else (total, total)
    while recoverable(values, statuses, threshold, known):
        candidates = [i for i, s in enumerate(statuses) if s is Status.SHOWN and values[i] > 0]
        if not candidates:
            break
        smallest = min(candidates, key=lambda i: (values[i], i))
        statuses[smallest] = Status.SECONDARY
    else:
        return Protected(tuple(statuses), total_hidden)
    # Hiding cells was not enough: hide the total too, known then only as an interval.
    if not total_hidden and not recoverable(values, statuses, threshold, interval):
        return Protected(tuple(statuses), total_hidden=True)
    return Protected(tuple(Status.WITHHELD for _ in values), total_hidden=True)
