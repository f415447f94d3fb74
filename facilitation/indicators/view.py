"""An indicators view — one structure, one period, one scope — as the page, every export
and the annual report show it: the same figures, the same definitions, the same hidden
cells. Built once per request by :func:`build`; the templates and ``exports.py`` only read
it.

``evaluate`` is the public entry for other packages (a bilan's figures): it returns the
figures of a context, already protected by small-cell suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from ..accounts.models import User
from ..core.database import utcnow
from ..extensions import db
from ..reports import export
from . import barriers as barriers_service
from . import charts, definitions, grids, objectives, outcomes, settings
from . import queries as q
from .definitions import BARRIER_LABELS, LOG_LABELS, Breakdown, Figure
from .evaluation import Shown, Solved, Spec, plain, solve
from .models import Barrier, BarrierCategory, GridName, LogKind, Objective, ScopeKind
from .scope import Period, Scope
from .suppression import Protected, Status, is_small


def context(scope: Scope, period: Period, today: date) -> q.Context:
    return q.Context(
        organisation_id=scope.organisation_id,
        start=period.start,
        end=period.end,
        today=today,
        scope=scope.kind,
        space_id=scope.space_id,
        cycle_id=scope.cycle_id,
        project_id=scope.project_id,
    )


@dataclass
class Evaluated:
    """Raw values and their statuses for one context."""

    ctx: q.Context
    threshold: int
    values: dict[str, int]
    specs: dict[str, Spec]
    solved: Solved

    def shown(self, key: str) -> Shown | None:
        if key not in self.values:
            return None
        figure = definitions.FIGURES.get(key)
        if figure is not None and not figure.people:
            return plain(self.values[key], self.threshold)
        return Shown(self.values[key], self.solved.figures.get(key, Status.SHOWN), self.threshold)

    def cells(self, key: str) -> list[Shown]:
        spec, protected = self.specs[key], self.solved.breakdowns[key]
        return [
            Shown(v, s, self.threshold) for v, s in zip(spec.values, protected.cells, strict=True)
        ]

    def total(self, key: str) -> Shown:
        spec, protected = self.specs[key], self.solved.breakdowns[key]
        if spec.total_figure:
            return self.shown(spec.total_figure) or plain(self.solved.totals[key], self.threshold)
        value = self.solved.totals[key]
        return Shown(value, _total_status(value, protected, self.threshold), self.threshold)

    def protected(self, key: str) -> Protected:
        return self.solved.breakdowns[key]


def _total_status(value: int, protected: Protected, threshold: int) -> Status:
    if protected.withheld:
        return Status.WITHHELD
    if is_small(value, threshold):
        return Status.SMALL
    return Status.SECONDARY if protected.total_hidden else Status.SHOWN


def _dynamic_specs(ctx: q.Context) -> list[Spec]:
    """Breakdowns that depend on the data (months, spaces, staff's own statements)."""
    months = q.monthly(ctx)
    specs = [
        Spec(
            "month_participations", [m["participations"] for m in months.values()], "participations"
        ),
        Spec("month_people", [m["people"] for m in months.values()], additive=False),
        Spec("month_new", [m["new"] for m in months.values()], "new_people"),
    ]
    if ctx.scope is ScopeKind.STRUCTURE:
        rows = q.per_space(ctx)
        specs += [
            Spec("space_participations", [r["participations"] for r in rows], "participations"),
            Spec("space_people", [r["people"] for r in rows], additive=False),
            Spec("space_new", [r["new"] for r in rows], "new_people"),
        ]
    found = outcomes.compute(ctx)
    specs.append(
        Spec("outcome_t1_answers", [s.t1_answers for s in found.statements], additive=False)
    )
    for index, item in enumerate(found.statements):
        if not item.catalogue:
            specs.append(Spec(f"outcome_custom_{index}", [item.up, item.same, item.down]))
    for index, item in enumerate(found.professionals):
        if not item.catalogue:
            specs.append(Spec(f"professionals_custom_{index}", item.levels))
    specs.append(
        Spec(
            "outcome_answers",
            [found.t0_answers, found.t1_answers, found.unlinked_answers],
            additive=False,
        )
    )
    return specs


def evaluate(ctx: q.Context, threshold: int) -> Evaluated:
    values = {
        f.key: f.query(ctx) for f in definitions.FIGURE_LIST if f.available and f.applies(ctx.scope)
    }
    people = {k for k in values if definitions.FIGURES[k].people}
    specs = [
        Spec(b.key, b.cells(ctx), b.total, b.additive, b.cell_figures)
        for b in definitions.BREAKDOWN_LIST
        if ctx.scope in b.scopes
    ]
    specs += _dynamic_specs(ctx)
    solved = solve(values, people, specs, threshold)
    return Evaluated(ctx, threshold, values, {s.key: s for s in specs}, solved)


# --- what the page and the exports read ---------------------------------------------------


@dataclass(frozen=True)
class FigureLine:
    figure: Figure
    shown: Shown | None

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def label(self) -> str:
        return str(self.figure.label)

    @property
    def definition(self) -> str:
        return str(self.figure.definition)

    @property
    def pending(self) -> str | None:
        return str(self.figure.pending) if self.figure.pending else None

    @property
    def cell(self) -> export.Cell:
        if self.shown is None:
            return export.text(self.pending or "")
        return self.shown.cell


@dataclass(frozen=True)
class Row:
    label: str
    shown: Shown
    share: float | None


@dataclass
class BreakdownView:
    key: str
    label: str
    definition: str
    column: str  # the header of the labels' column
    rows: list[Row]
    total: Shown
    withheld: bool
    chart: Markup | None = None

    def table(self) -> export.Table:
        table = export.Table(columns=[self.column, _("Number"), _("Share")], caption=self.label)
        for row in self.rows:
            table.row(row.label, row.shown.cell, export.percent(row.share))
        table.row(
            _("Total"),
            self.total.cell,
            export.percent(1 if not self.total.hidden and self.total.value else None),
        )
        table.notes.append(self.definition)
        if self.withheld:
            table.notes.append(
                _("Too few people to detail this breakdown without revealing someone.")
            )
        return table


def breakdown_view(
    ev: Evaluated,
    b: Breakdown,
    column: str,
    chart_id: str | None = None,
    *,
    title: str | None = None,
) -> BreakdownView:
    cells, total = ev.cells(b.key), ev.total(b.key)
    rows = [
        Row(str(label), shown, shown.share_of(total))
        for label, shown in zip(b.cell_labels(), cells, strict=True)
    ]
    view = BreakdownView(
        key=b.key,
        label=title or str(b.label),
        definition=str(b.definition),
        column=column,
        rows=rows,
        total=total,
        withheld=ev.protected(b.key).withheld,
    )
    if chart_id:
        view.chart = charts.bars(chart_id, view.label, [(r.label, r.shown) for r in rows])
    return view


@dataclass(frozen=True)
class MonthRow:
    label: str
    sessions: Shown
    participations: Shown
    people: Shown
    new: Shown


@dataclass(frozen=True)
class SpaceRow:
    name: str
    sessions: Shown
    participations: Shown
    people: Shown
    new: Shown


@dataclass(frozen=True)
class LogRow:
    kind: LogKind
    label: str
    entries: Shown
    people: Shown
    by_people: bool


@dataclass(frozen=True)
class OutcomeRow:
    text: str
    t1_answers: Shown
    pairs: Shown
    up: Shown
    same: Shown
    down: Shown
    median_t0: str
    median_t1: str


@dataclass(frozen=True)
class ProfessionalRow:
    text: str
    answers: Shown
    agree: Shown
    neither: Shown
    disagree: Shown
    median: str


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    figure: Figure
    value: Shown | None
    share: float | None  # of the target, when the value is shown

    @property
    def reached(self) -> bool:
        return self.share is not None and self.share >= 1

    @property
    def pending(self) -> str | None:
        return str(self.figure.pending) if self.figure.pending else None


@dataclass(frozen=True)
class GridLineView:
    item: grids.Item
    rating: str
    rating_label: str
    comment: str


@dataclass(frozen=True)
class GridView:
    grid: grids.Grid
    version: object | None  # GridVersion
    lines: list[GridLineView]
    section_of: dict[str, str]


@dataclass(frozen=True)
class BarrierRow:
    category: BarrierCategory
    label: str
    count: Shown
    people: Shown


@dataclass
class IndicatorsView:
    organisation_name: str
    scope: Scope
    period: Period
    threshold: int
    today: date
    made_at: datetime
    groups: list[tuple[str, list[FigureLine]]]
    figures: dict[str, FigureLine]
    distribution: BreakdownView
    new_returning: BreakdownView
    months: list[MonthRow]
    month_chart: Markup
    spaces: list[SpaceRow]
    log: list[LogRow] | None
    log_total: tuple[Shown, Shown] | None
    outcomes: list[OutcomeRow]
    outcome_chart: Markup | None
    outcome_counts: tuple[Shown, Shown, Shown]  # T0 answers, T1 answers, unlinked
    professionals: list[ProfessionalRow]
    objectives: list[ObjectiveProgress]
    grids: list[GridView] | None  # None: not the reader's (a mediator)
    barrier_rows: list[BarrierRow]
    barrier_total: tuple[Shown, Shown]
    barriers: list[Barrier] = field(default_factory=list)

    @property
    def small_label(self) -> str:
        from .evaluation import small_label

        return small_label(self.threshold)

    @property
    def suppression_note(self) -> str:
        return _(
            "Small counts are hidden: a count of people from 1 to %(n)d is shown as « %(small)s »,"
            " and other cells are shown as « %(hidden)s » when a small count could be worked "
            "out from them (by difference with a total or a percentage). Zero stays zero. "
            "Counts of sessions and of activity-log entries are not hidden: they are not "
            "people.",
            n=self.threshold - 1,
            small=self.small_label,
            hidden=_("hidden"),
        )


def _median_text(value: float | None, pairs: Shown, threshold: int) -> str:
    if value is None:
        return "–"
    if pairs.hidden or (pairs.value or 0) < threshold:
        return _("hidden")
    from flask_babel import format_decimal

    return format_decimal(value, "#,##0.#")


def _months(ev: Evaluated) -> tuple[list[MonthRow], Markup]:
    months = q.monthly(ev.ctx)
    parts, people, new = (
        ev.cells("month_participations"),
        ev.cells("month_people"),
        ev.cells("month_new"),
    )
    rows = []
    labels = []
    for i, ((year, month), values) in enumerate(months.items()):
        label = format_date(date(year, month, 1), "MMM yyyy")
        labels.append(format_date(date(year, month, 1), "MMM yy"))
        rows.append(
            MonthRow(label, plain(values["sessions"], ev.threshold), parts[i], people[i], new[i])
        )
    chart = charts.line(
        "chart-months",
        _("Sessions held and participations, month by month"),
        labels,
        [
            (_("Sessions held"), [r.sessions for r in rows]),
            (_("Participations"), [r.participations for r in rows]),
        ],
    )
    return rows, chart


def _spaces(ev: Evaluated) -> list[SpaceRow]:
    if ev.ctx.scope is not ScopeKind.STRUCTURE:
        return []
    rows = q.per_space(ev.ctx)
    parts, people, new = (
        ev.cells("space_participations"),
        ev.cells("space_people"),
        ev.cells("space_new"),
    )
    return [
        SpaceRow(r["space"], plain(r["sessions"], ev.threshold), parts[i], people[i], new[i])
        for i, r in enumerate(rows)
    ]


def _log(ev: Evaluated) -> tuple[list[LogRow] | None, tuple[Shown, Shown] | None]:
    if ev.ctx.scope not in definitions.PLACE_SCOPES:
        return None, None
    data = q.activity_log(ev.ctx)
    people = ev.cells("log_people")
    rows = [
        LogRow(
            kind,
            str(LOG_LABELS[kind]),
            plain(data.get(kind.value, {}).get("entries", 0), ev.threshold),
            people[i],
            kind in definitions.LOG_BY_PEOPLE,
        )
        for i, kind in enumerate(LogKind)
    ]
    entries = sum(r.entries.value or 0 for r in rows)
    return rows, (plain(entries, ev.threshold), ev.total("log_people"))


def _outcomes(ev: Evaluated):
    found = outcomes.compute(ev.ctx)
    answers = ev.cells("outcome_t1_answers")
    rows, stacked_rows = [], []
    for index, item in enumerate(found.statements):
        key = f"outcome_{item.key}" if item.catalogue else f"outcome_custom_{index}"
        up, same, down = ev.cells(key)
        pairs = ev.total(key)
        rows.append(
            OutcomeRow(
                item.text,
                answers[index],
                pairs,
                up,
                same,
                down,
                _median_text(item.median_t0, pairs, ev.threshold),
                _median_text(item.median_t1, pairs, ev.threshold),
            )
        )
        stacked_rows.append(charts.StackedRow(item.text, (up, same, down), pairs))
    chart = None
    if stacked_rows:
        chart = charts.stacked(
            "chart-outcomes",
            _("Between T0 and T1, per statement"),
            [(_("went up"), "▲"), (_("stayed the same"), "="), (_("went down"), "▼")],
            stacked_rows,
        )
    pros = []
    for index, item in enumerate(found.professionals):
        key = f"professionals_{item.key}" if item.catalogue else f"professionals_custom_{index}"
        agree, neither, disagree = ev.cells(key)
        total = ev.total(key)
        pros.append(
            ProfessionalRow(
                item.text,
                total,
                agree,
                neither,
                disagree,
                _median_text(item.median, total, ev.threshold),
            )
        )
    counts = ev.cells("outcome_answers")
    return rows, chart, tuple(counts), pros


def _barriers(ev: Evaluated) -> tuple[list[BarrierRow], tuple[Shown, Shown]]:
    data = q.barrier_totals(ev.ctx)["by_category"]
    people = ev.cells("barrier_people_by_category")
    rows = [
        BarrierRow(
            category,
            str(BARRIER_LABELS[category]),
            plain(data.get(category.value, {}).get("count", 0), ev.threshold),
            people[i],
        )
        for i, category in enumerate(BarrierCategory)
    ]
    return rows, (ev.shown("barriers_recorded"), ev.shown("barrier_people"))


def _grids(actor: User, scope: Scope, period: Period) -> list[GridView] | None:
    if not actor.is_coordinator:
        return None
    out = []
    for name in (GridName.ANNEX5, GridName.ANNEX6):
        grid = grids.GRIDS[name]
        version = grids.latest(actor, name, scope.space_id, on=period.end)
        lines = grids.answers_of(version)
        section_of = {
            item.key: section.title for section in grid.sections for item in section.items
        }
        out.append(
            GridView(
                grid,
                version,
                [
                    GridLineView(
                        item,
                        lines[item.key].rating if item.key in lines else "",
                        grid.rating_label(lines[item.key].rating) if item.key in lines else "",
                        lines[item.key].comment if item.key in lines else "",
                    )
                    for item in grid.items
                ],
                section_of,
            )
        )
    return out


def _objectives(actor: User, scope: Scope, period: Period, ev: Evaluated, today: date):
    out = []
    cache: dict[int, Evaluated] = {}
    for objective in objectives.list_objectives(
        actor, years=(period.start.year, period.end.year), scope=scope
    ):
        figure = definitions.FIGURES[objective.indicator]
        if objective.year == period.year and period.kind == "year":
            evaluated = ev
        else:
            if objective.year not in cache:
                cache[objective.year] = evaluate(
                    context(scope, Period.of_year(objective.year), today), ev.threshold
                )
            evaluated = cache[objective.year]
        value = evaluated.shown(figure.key)
        share = (
            value.value / objective.target
            if value is not None and not value.hidden and value.value is not None
            else None
        )
        out.append(ObjectiveProgress(objective, figure, value, share))
    return out


def build(actor: User, scope: Scope, period: Period, today: date) -> IndicatorsView:
    """Everything the indicators page and its exports show (authorised by ``scope``)."""
    threshold = settings.threshold(actor.organisation_id)
    ev = evaluate(context(scope, period, today), threshold)
    figures = {
        f.key: FigureLine(f, ev.shown(f.key))
        for f in definitions.FIGURE_LIST
        if f.applies(scope.kind)
    }
    groups = []
    for group, label in definitions.GROUPS.items():
        lines = [line for line in figures.values() if line.figure.group == group]
        if lines:
            groups.append((str(label), lines))
    distribution = breakdown_view(
        ev,
        definitions.BREAKDOWNS["attendance_distribution"],
        _("Sessions attended"),
        "chart-distribution",
    )
    new_returning = breakdown_view(ev, definitions.BREAKDOWNS["new_and_returning"], _("People"))
    months, month_chart = _months(ev)
    log, log_total = _log(ev)
    outcome_rows, outcome_chart, outcome_counts, pros = _outcomes(ev)
    barrier_rows, barrier_total = _barriers(ev)
    barriers = barriers_service.list_barriers(
        actor,
        barriers_service.Filters(
            start=period.start,
            end=period.end,
            space_id=scope.space_id if scope.kind is ScopeKind.SPACE else None,
        ),
    )
    if scope.kind is ScopeKind.CYCLE:
        session_ids = {s.id for s in scope.cycle.sessions}
        barriers = [b for b in barriers if b.session_id in session_ids]
    if scope.kind is ScopeKind.PROJECT:
        session_ids = set(db.session.scalars(q.meeting_sessions(scope.project_id)))
        barriers = [b for b in barriers if b.session_id in session_ids]
    return IndicatorsView(
        organisation_name=scope.organisation_name,
        scope=scope,
        period=period,
        threshold=threshold,
        today=today,
        made_at=utcnow(),
        groups=groups,
        figures=figures,
        distribution=distribution,
        new_returning=new_returning,
        months=months,
        month_chart=month_chart,
        spaces=_spaces(ev),
        log=log,
        log_total=log_total,
        outcomes=outcome_rows,
        outcome_chart=outcome_chart,
        outcome_counts=outcome_counts,
        professionals=pros,
        objectives=_objectives(actor, scope, period, ev, today),
        grids=_grids(actor, scope, period),
        barrier_rows=barrier_rows,
        barrier_total=barrier_total,
        barriers=barriers,
    )


def finalised_bilans(actor: User, scope: Scope, period: Period) -> list | None:
    """The period's finalised bilans, summarised for the annual report, or None while the
    bilans package is not there. The bilans package is expected to offer
    ``services.finalised_for_report(actor, scope, start, end)`` returning objects with
    ``title``, ``finalised_on``, ``space_name`` and ``summary`` (the lead wires it)."""
    if not definitions.package_present(definitions.BILANS):
        return None
    import importlib

    module = importlib.import_module(definitions.BILANS + ".services")
    summaries = getattr(module, "finalised_for_report", None)
    if summaries is None:
        return None
    return list(summaries(actor, scope, period.start, period.end))
