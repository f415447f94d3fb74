"""From raw counts to what the reader sees: small-cell suppression applied to every figure
and every breakdown together, so that a number hidden in one place is hidden everywhere.

A figure that is a cell of a breakdown (new people are a cell of "new and returning
people") takes the breakdown's status; a breakdown whose total had to be hidden hides
that figure, and the other breakdowns of the same total are protected again knowing it
is hidden. Statuses only ever go from shown to hidden, so this settles in a few rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from ..reports import export
from .suppression import Protected, Status, is_small, primary, protect


@dataclass(frozen=True)
class Shown:
    """A count as the reader sees it: the number, « < 5 », « masqué » or « non détaillé »."""

    value: int | None
    status: Status
    threshold: int

    @property
    def hidden(self) -> bool:
        return self.status is not Status.SHOWN

    @property
    def text(self) -> str:
        if self.status is Status.SMALL:
            return small_label(self.threshold)
        if self.status is Status.SECONDARY:
            return secondary_label()
        if self.status is Status.WITHHELD:
            return withheld_label()
        return "" if self.value is None else format_decimal(self.value)

    @property
    def cell(self) -> export.Cell:
        if self.hidden:
            return export.suppressed(self.text)
        return export.integer(self.value)

    def share_of(self, total: Shown) -> float | None:
        """This count as a share of ``total``, when both are shown (else hidden too)."""
        if self.hidden or total.hidden or not total.value or self.value is None:
            return None
        return self.value / total.value


def small_label(threshold: int) -> str:
    return _("< %(n)d", n=threshold)


def secondary_label() -> str:
    return _("hidden")


def withheld_label() -> str:
    return _("not detailed")


def percent_text(fraction: float | None) -> str:
    return "" if fraction is None else format_percent(fraction)


def plain(value: int | None, threshold: int) -> Shown:
    """A count that is not of people (sessions, entries): never hidden."""
    return Shown(value, Status.SHOWN, threshold)


@dataclass
class Spec:
    """A breakdown to protect: its cells, what they add up to, which figures they are."""

    key: str
    values: list[int]
    total_figure: str | None = None  # the figure the cells add up to
    additive: bool = True
    cell_figures: tuple[str | None, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Solved:
    figures: dict[str, Status]
    breakdowns: dict[str, Protected]
    totals: dict[str, int]


_ORDER = {Status.SHOWN: 0, Status.SMALL: 1, Status.SECONDARY: 1, Status.WITHHELD: 2}


def _hide(statuses: dict[str, Status], key: str, status: Status) -> bool:
    current = statuses.get(key, Status.SHOWN)
    if _ORDER[status] > _ORDER[current]:
        statuses[key] = status
        return True
    return False


def solve(
    values: dict[str, int | None], people: set[str], specs: list[Spec], threshold: int
) -> Solved:
    """Statuses of every figure and every breakdown's cells."""
    statuses = {
        key: primary(value, threshold) if key in people else Status.SHOWN
        for key, value in values.items()
    }
    results: dict[str, Protected] = {}
    totals = {s.key: values.get(s.total_figure) or 0 if s.total_figure else s.total for s in specs}
    for _round in range(20):
        changed = False
        for spec in specs:
            total_status = (
                statuses.get(spec.total_figure, Status.SHOWN) if spec.total_figure else None
            )
            hidden_cells = {
                i
                for i, key in enumerate(spec.cell_figures)
                if key and statuses.get(key, Status.SHOWN) is not Status.SHOWN
            }
            protected = protect(
                spec.values,
                threshold,
                total=totals[spec.key],
                additive=spec.additive,
                total_hidden=total_status not in (None, Status.SHOWN),
                hidden=hidden_cells,
            )
            results[spec.key] = protected
            if protected.total_hidden and spec.total_figure:
                total = totals[spec.key]
                status = (
                    Status.WITHHELD
                    if protected.withheld
                    else (Status.SMALL if is_small(total, threshold) else Status.SECONDARY)
                )
                changed |= _hide(statuses, spec.total_figure, status)
            for index, key in enumerate(spec.cell_figures):
                if key:
                    changed |= _hide(statuses, key, protected.cells[index])
        if not changed:
            break
    return Solved(statuses, results, totals)
