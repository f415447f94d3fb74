"""Each activity kind's results as a table, next to its tally (``live/kinds/``).

``table(kind, config, state, results)`` turns a tally — the same dictionary the projector
shows — into a :class:`~.export.Table` of typed cells. The compte rendu page, its PDF and
its spreadsheets all render that one table, so they cannot disagree. Pure functions: no
database, no request (only the translations of the labels).

Hidden contributions are already left out by the tallies (moderation hides a note
everywhere); nothing here knows who answered what.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ..live.models import ActivityKind
from .export import Table, integer, share, text

SCALE_ICONS = {
    "weather": ("⛈️", "🌧️", "☁️", "🌤️", "☀️"),
    "faces": ("😞", "🙁", "😐", "🙂", "😄"),
    "numbers": ("", "", "", "", ""),
}


def _scale_labels() -> list[str]:
    return [_("very bad"), _("bad"), _("so-so"), _("good"), _("very good")]


def _with_icon(label: str, icon: str = "") -> str:
    return f"{icon} {label}" if icon else label


def _people(total: int) -> str:
    return ngettext("%(num)d person answered", "%(num)d people answered", total)


def _hand(results: dict) -> list[str]:
    """The note "including N by a show of hands", when the animator added counts by hand."""
    n = results.get("hand") or 0
    if not n:
        return []
    return [
        ngettext("including %(num)d by a show of hands", "including %(num)d by a show of hands", n)
    ]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def poll(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Choice"), _("Answers"), _("Share of people")])
    total = results["total"]
    for choice, count in zip(config["choices"], results["counts"], strict=True):
        table.row(_with_icon(choice["label"], choice.get("icon", "")), count, share(count, total))
    table.notes.append(_people(total))
    table.notes.extend(_hand(results))
    if config.get("multiple"):
        table.notes.append(_("Several choices were possible: the shares add up to more than 100%."))
    return table


def sense_check(config: dict, state: dict, results: dict) -> Table:
    from ..live.kinds import SenseCheck

    table = Table([_("Answer"), _("Answers"), _("Share of people")])
    total = results["total"]
    for (icon, label), count in zip(SenseCheck.CHOICES, results["counts"], strict=True):
        table.row(_with_icon(str(label), icon), count, share(count, total))
    table.notes.append(_people(total))
    return table


def quiz(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Choice"), _("Right answer"), _("Answers"), _("Share of people")])
    total = results["total"]
    correct = set(config.get("correct", ()))
    for index, (choice, count) in enumerate(zip(config["choices"], results["counts"], strict=True)):
        table.row(
            _with_icon(choice["label"], choice.get("icon", "")),
            text(_yes_no(index in correct)),
            count,
            share(count, total),
        )
    table.notes.append(_people(total))
    table.notes.extend(_hand(results))
    table.notes.append(
        _("The right answer was shown on the screen.")
        if state.get("answer_revealed")
        else _("The right answer was not shown on the screen.")
    )
    return table


def scale(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Point"), _("Answers"), _("Share of people")])
    total = results["total"]
    icons = SCALE_ICONS.get(config.get("style"), SCALE_ICONS["numbers"])
    for point, (label, icon, count) in enumerate(
        zip(_scale_labels(), icons, results["counts"], strict=True), start=1
    ):
        table.row(f"{point} · {_with_icon(label, icon)}", count, share(count, total))
    table.notes.append(_people(total))
    table.notes.extend(_hand(results))
    if results.get("mean") is not None:
        table.notes.append(
            _("Average: %(mean)s out of 5", mean=format_decimal(results["mean"], "0.0"))
        )
    return table


def wordcloud(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Word"), _("Times given")])
    for word in results["words"]:
        table.row(word["text"], word["count"])
    table.notes.append(_people(results["total"]))
    if state.get("hidden_words"):
        n = len(state["hidden_words"])
        table.notes.append(
            ngettext(
                "%(num)d word hidden by the animator.", "%(num)d words hidden by the animator.", n
            )
        )
    return table


def ideas(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Column"), _("Note"), _("Dots")])
    voting = results.get("phase") == "vote" or results["total"] > 0
    columns = [None, *results.get("columns", [])]
    # A note whose column is no longer on the wall is still listed, under its column's name.
    columns += sorted({i["column"] for i in results["ideas"] if i["column"] not in columns})
    for column in columns:
        for idea in results["ideas"]:
            if idea["column"] == column:
                table.row(
                    column or _("Not in a column"),
                    idea["text"],
                    integer(idea["dots"]) if voting else text(""),
                )
    table.notes.append(ngettext("%(num)d note", "%(num)d notes", results["count"]))
    if voting:
        table.notes.append(
            ngettext("%(num)d person placed dots", "%(num)d people placed dots", results["total"])
        )
    else:
        table.notes.append(_("Dot voting did not take place."))
    return table


def ranking(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Place"), _("Item"), _("Points"), _("Average place")])
    for place, row in enumerate(results["order"], start=1):
        item = config["choices"][row["index"]]
        table.row(
            place,
            _with_icon(item["label"], item.get("icon", "")),
            row["score"],
            row["mean_rank"],
        )
    table.notes.append(_people(results["total"]))
    table.notes.append(
        _(
            "Points: in each answer, the first item gets as many points as there are items, "
            "the last one 1 point."
        )
    )
    return table


def debate(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Position"), _("First positions"), _("After the discussion")])
    labels = [config["left"], _("rather disagree"), _("not sure"), _("rather agree")]
    labels.append(config["right"])
    for point, (label, first, final) in enumerate(
        zip(labels, results["first"], results["final"], strict=True), start=1
    ):
        table.row(f"{point} · {label}", first, final)
    table.notes.append(_people(results["total"]))
    table.notes.extend(_hand(results))
    if results.get("phase") == "final":
        table.notes.append(
            ngettext(
                "%(num)d person changed place", "%(num)d people changed place", results["moved"]
            )
        )
    else:
        table.notes.append(_("The group did not place itself a second time."))
    return table


def questions(config: dict, state: dict, results: dict) -> Table:
    table = Table([_("Question"), _("Votes"), _("Answered")])
    for question in results["questions"]:
        table.row(question["text"], question["votes"], text(_yes_no(question["answered"])))
    table.notes.append(ngettext("%(num)d question", "%(num)d questions", results["count"]))
    table.notes.append(ngettext("%(num)d person voted", "%(num)d people voted", results["total"]))
    return table


def photolangage(config: dict, state: dict, results: dict) -> Table:
    """Photos chosen (by their number in the library), how many chose each, their words."""
    table = Table([_("Photo"), _("Chosen by"), _("Words")])
    for photo in results["photos"]:
        table.row(_("Photo %(n)d", n=photo["id"]), photo["count"], ", ".join(photo["words"]))
    table.notes.append(_people(results["total"]))
    return table


def self_assessment(config: dict, state: dict, results: dict) -> Table:
    """T0/T1 statements: how many chose each point, and the median (counts only)."""
    from ..live import kinds

    points = [f"{i} · {label}" for i, label in enumerate(kinds.AGREEMENT, start=1)]
    table = Table([_("Statement"), *points, _("Median")])
    for statement, row in zip(config["statements"], results["statements"], strict=True):
        median = row["median"]
        table.row(
            kinds.statement_text(statement),
            *row["counts"],
            format_decimal(median, "#,##0.#") if median is not None else "–",
        )
    table.notes.append(_people(results["total"]))
    return table


TABLES: dict[ActivityKind, Callable[[dict, dict, dict], Table]] = {
    ActivityKind.POLL: poll,
    ActivityKind.QUIZ: quiz,
    ActivityKind.SCALE: scale,
    ActivityKind.WORDCLOUD: wordcloud,
    ActivityKind.IDEAS: ideas,
    ActivityKind.RANKING: ranking,
    ActivityKind.DEBATE: debate,
    ActivityKind.QUESTIONS: questions,
    ActivityKind.SENSECHECK: sense_check,
    ActivityKind.SELF_ASSESSMENT: self_assessment,
    ActivityKind.PHOTOLANGAGE: photolangage,
}


def table(kind: ActivityKind | str, config: dict, state: dict, results: dict) -> Table:
    """The results of an activity of this kind as a table of typed cells."""
    return TABLES[ActivityKind(kind)](config, state, results)
