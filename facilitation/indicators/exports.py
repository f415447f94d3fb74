"""The indicators view as tables (``reports.export``): the page, the PDFs and the
spreadsheets (ODS, XLSX, CSV) all show these same tables, so they hold the same figures,
definitions, period, scope and threshold. Grids, objectives and barriers are their own
sheets (and sections of the PDF)."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from ..reports import export
from ..reports.export import Table, Workbook
from . import definitions
from .evaluation import Shown
from .models import Barrier, BarrierState
from .suppression import primary
from .view import IndicatorsView


def state_label(state: BarrierState) -> str:
    return {
        BarrierState.REPORTED: _("Reported"),
        BarrierState.TRANSMITTED: _("Passed on"),
        BarrierState.ANSWERED: _("Answer received"),
        BarrierState.NO_ANSWER: _("No answer"),
    }[state]


def header_lines(view: IndicatorsView) -> list[str]:
    return [
        f"{view.organisation_name} · {view.scope.label}",
        _("Period: %(label)s (%(dates)s)", label=view.period.label, dates=view.period.dates),
        _("Small-cell threshold: %(n)d", n=view.threshold),
        view.suppression_note,
        _("Made on %(date)s", date=format_date(view.made_at, "long")),
    ]


def figure_tables(view: IndicatorsView) -> list[Table]:
    tables = []
    for group, lines in view.groups:
        table = Table(columns=[_("Indicator"), _("Value"), _("Definition")], caption=group)
        for line in lines:
            table.row(line.label, line.cell, line.definition)
        tables.append(table)
    return tables


def month_table(view: IndicatorsView) -> Table:
    table = Table(
        columns=[
            _("Month"),
            _("Sessions held"),
            _("Participations"),
            _("Distinct people"),
            _("New people"),
        ],
        caption=_("Month by month"),
    )
    for row in view.months:
        table.row(
            row.label, row.sessions.cell, row.participations.cell, row.people.cell, row.new.cell
        )
    table.notes.append(
        _(
            "A person who came in several months counts in each of them: the months of distinct "
            "people do not add up to the year's."
        )
    )
    return table


def space_table(view: IndicatorsView) -> Table | None:
    if not view.spaces:
        return None
    table = Table(
        columns=[
            _("Space"),
            _("Sessions held"),
            _("Participations"),
            _("Distinct people"),
            _("New people"),
        ],
        caption=_("By space"),
    )
    for row in view.spaces:
        table.row(
            row.name, row.sessions.cell, row.participations.cell, row.people.cell, row.new.cell
        )
    table.notes.append(
        _(
            "A person who came to several spaces counts in each: the spaces' distinct people do "
            "not add up to the structure's."
        )
    )
    return table


def log_table(view: IndicatorsView) -> Table | None:
    if view.log is None:
        return None
    table = Table(
        columns=[_("Kind of work"), _("Entries"), _("People concerned"), _("Definition")],
        caption=_("The activity log, by kind of work"),
    )
    for row in view.log:
        figure = definitions.FIGURES[f"log_{row.kind.value}"]
        table.row(row.label, row.entries.cell, row.people.cell, str(figure.definition))
    entries, people = view.log_total
    table.row(_("Total"), entries.cell, people.cell, "")
    table.notes.append(str(definitions.BREAKDOWNS["log_people"].definition))
    return table


def outcome_table(view: IndicatorsView) -> Table:
    table = Table(
        columns=[
            _("Statement"),
            _("T1 answers"),
            _("People with T0 and T1"),
            _("Went up"),
            _("Stayed the same"),
            _("Went down"),
            _("Median at T0"),
            _("Median at T1"),
        ],
        caption=_("Self-assessment of participants (T0 / T1)"),
    )
    for row in view.outcomes:
        table.row(
            row.text,
            row.t1_answers.cell,
            row.pairs.cell,
            row.up.cell,
            row.same.cell,
            row.down.cell,
            row.median_t0,
            row.median_t1,
        )
    t0, t1, unlinked = view.outcome_counts
    table.notes.append(str(definitions.FIGURES["t1_people_paired"].definition))
    table.notes.append(
        _(
            "Answers in the period: %(t0)s at T0, %(t1)s at T1, of which %(unlinked)s from phones "
            "not linked to a record (they cannot be paired).",
            t0=t0.text,
            t1=t1.text,
            unlinked=unlinked.text,
        )
    )
    table.notes.append(
        _(
            "Scale: 1 not at all … 5 completely. A median is hidden when fewer "
            "people than the threshold answered."
        )
    )
    return table


def professional_table(view: IndicatorsView) -> Table:
    table = Table(
        columns=[
            _("Statement"),
            _("Answers"),
            _("Agree (4–5)"),
            _("Neither (3)"),
            _("Disagree (1–2)"),
            _("Median"),
        ],
        caption=_("Partner professionals, T1 questionnaire"),
    )
    for row in view.professionals:
        table.row(
            row.text,
            row.answers.cell,
            row.agree.cell,
            row.neither.cell,
            row.disagree.cell,
            row.median,
        )
    table.notes.append(
        _(
            "Answers of partner professionals who took part as guests, from their phones "
            "(anonymous: each answer counts once)."
        )
    )
    return table


def objective_table(view: IndicatorsView) -> Table:
    table = Table(
        columns=[_("Objective"), _("Year"), _("Indicator"), _("Target"), _("Value"), _("Progress")],
        caption=_("SMART objectives"),
    )
    for item in view.objectives:
        value = item.value.cell if item.value is not None else export.text(item.pending or "")
        table.row(
            item.objective.title,
            item.objective.year,
            str(item.figure.label),
            item.objective.target,
            value,
            export.percent(item.share),
        )
    table.notes.append(
        _(
            "Progress: the indicator's value for the objective's year and scope, "
            "as a share of the target."
        )
    )
    return table


def grid_tables(view: IndicatorsView) -> list[Table]:
    """Each grid as the guide prints it: one table per part (axis), its date and source."""
    tables = []
    for grid_view in view.grids or []:
        grid, version = grid_view.grid, grid_view.version
        lines = {line.item.key: line for line in grid_view.lines}
        parts = grid.sections
        for number, section in enumerate(parts):
            caption = grid.title if len(parts) == 1 else f"{grid.title} — {section.title}"
            table = Table(columns=[_("Criterion"), _("Rating"), _("Comment")], caption=caption)
            for item in section.items:
                line = lines[item.key]
                table.row(item.title, line.rating_label or _("not rated"), line.comment)
            if number == len(parts) - 1:
                if version is not None:
                    table.notes.append(
                        _("Filled on %(date)s.", date=format_date(version.filled_on, "long"))
                    )
                else:
                    table.notes.append(_("Not filled yet for this scope."))
                table.notes.append(grid.source)
            tables.append(table)
    return tables


def barrier_summary_table(view: IndicatorsView) -> Table:
    table = Table(
        columns=[_("Category"), _("Barriers"), _("People concerned")],
        caption=_("Barriers by category"),
    )
    for row in view.barrier_rows:
        table.row(row.label, row.count.cell, row.people.cell)
    count, people = view.barrier_total
    table.row(_("Total"), count.cell, people.cell)
    return table


def _people_cell(people: int, threshold: int):
    """A barrier's people, hidden when small (the category totals are, the list must be)."""
    return Shown(people, primary(people, threshold), threshold).cell


def barrier_list_table(
    barriers: list[Barrier], threshold: int, caption: str | None = None
) -> Table:
    table = Table(
        columns=[
            _("Date"),
            _("Space"),
            _("Category"),
            _("Service or institution"),
            _("Description"),
            _("People concerned"),
            _("State"),
            _("Passed on to"),
            _("Passed on on"),
            _("Answer on"),
            _("Answer"),
        ],
        caption=caption or _("Barriers recorded"),
    )
    for b in barriers:
        table.row(
            b.occurred_on,
            b.space.name,
            str(definitions.BARRIER_LABELS[b.category]),
            b.institution,
            b.description,
            _people_cell(b.people, threshold),
            state_label(b.state),
            b.transmitted_to,
            b.transmitted_on,
            b.answered_on,
            b.answer,
        )
    table.notes.append(_("Descriptions hold no name, e-mail address or phone number."))
    table.notes.append(
        _("A number of people below the threshold (%(n)d) is shown as « < %(n)d ».", n=threshold)
    )
    return table


def follow_up(b: Barrier) -> str:
    """The follow-up of a barrier in one sentence (for the PDF's narrower table)."""
    parts = [state_label(b.state)]
    if b.transmitted_to:
        day = format_date(b.transmitted_on, "medium") if b.transmitted_on else ""
        parts.append(_("passed on to %(to)s %(day)s", to=b.transmitted_to, day=day).strip())
    if b.answered_on:
        parts.append(_("on %(day)s", day=format_date(b.answered_on, "medium")))
    if b.answer:
        parts.append(b.answer)
    return " · ".join(parts)


def barrier_compact_table(barriers: list[Barrier], threshold: int) -> Table:
    table = Table(
        columns=[_("Date"), _("Barrier"), _("Description"), _("People concerned"), _("Follow-up")],
        caption=_("Barriers recorded"),
    )
    for b in barriers:
        table.row(
            b.occurred_on,
            f"{definitions.BARRIER_LABELS[b.category]} — {b.institution} ({b.space.name})",
            b.description,
            _people_cell(b.people, threshold),
            follow_up(b),
        )
    table.notes.append(_("Descriptions hold no name, e-mail address or phone number."))
    table.notes.append(
        _("A number of people below the threshold (%(n)d) is shown as « < %(n)d ».", n=threshold)
    )
    return table


def workbook(view: IndicatorsView) -> Workbook:
    title = _(
        "Indicators — %(scope)s — %(period)s", scope=view.scope.label, period=view.period.label
    )
    book = Workbook(title)
    lines = header_lines(view)
    sheet = book.sheet(_("Indicators"), title, lines)
    sheet.tables.extend(figure_tables(view))
    sheet = book.sheet(_("Attendance"), _("Attendance"), lines)
    sheet.tables.extend([view.distribution.table(), view.new_returning.table(), month_table(view)])
    if (spaces := space_table(view)) is not None:
        sheet.tables.append(spaces)
    if (log := log_table(view)) is not None:
        book.sheet(_("Activity log"), _("Mediation work (activity log)"), lines).tables.append(log)
    sheet = book.sheet(_("T0-T1"), _("Outcomes (T0 / T1)"), lines)
    sheet.tables.extend([outcome_table(view), professional_table(view)])
    book.sheet(_("Objectives"), _("SMART objectives"), lines).tables.append(objective_table(view))
    if view.grids is not None:
        book.sheet(_("Quality grids"), _("Quality grids (ARS guide)"), lines).tables.extend(
            grid_tables(view)
        )
    sheet = book.sheet(_("Veille"), _("Veille: barriers passed on"), lines)
    sheet.tables.extend(
        [barrier_summary_table(view), barrier_list_table(view.barriers, view.threshold)]
    )
    return book


def barriers_workbook(barriers: list[Barrier], lines: list[str], threshold: int) -> Workbook:
    title = _("Veille: barriers passed on")
    book = Workbook(title)
    book.sheet(_("Veille"), title, lines).tables.append(barrier_list_table(barriers, threshold))
    return book


def page_tables(view: IndicatorsView) -> dict:
    """The tables the page and the PDFs show (the spreadsheets hold the same ones)."""
    return {
        "figures": figure_tables(view),
        "distribution": view.distribution.table(),
        "new_returning": view.new_returning.table(),
        "months": month_table(view),
        "spaces": space_table(view),
        "log": log_table(view),
        "outcomes": outcome_table(view),
        "professionals": professional_table(view),
        "objectives": objective_table(view),
        "grids": grid_tables(view),
        "barrier_summary": barrier_summary_table(view),
        "barrier_list": barrier_compact_table(view.barriers, view.threshold),
    }
