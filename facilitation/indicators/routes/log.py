"""The activity log of the mediation work: the list, quick entry (phone), a week at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...core.exceptions import ValidationError
from ...core.web import attach_error, form_status
from .. import activity_log, bp, definitions
from ..activity_log import EntryData, WeekLine
from ..forms import LogEntryForm, WeekForm
from ..models import LogKind
from .common import int_arg, space_choices, today


@bp.get("/activite-mediation")
def log():
    """The work logged in the actor's spaces, newest first, with filters."""
    space_id = int_arg(request.args.get("espace"))
    kind = request.args.get("type")
    kind = LogKind(kind) if kind in {k.value for k in LogKind} else None
    entries = activity_log.list_entries(current_user, space_id=space_id, kind=kind)
    return render_template(
        "indicators/log.html",
        entries=entries,
        labels=definitions.LOG_LABELS,
        spaces=space_choices(include_archived=True),
        chosen={"espace": space_id, "type": kind.value if kind else ""},
    )


@bp.route("/activite-mediation/nouvelle", methods=["GET", "POST"])
def log_new():
    """One entry in a few seconds, from a phone: what, where, when, how many people."""
    form = LogEntryForm()
    form.space_id.choices = space_choices()
    if request.method == "GET":
        form.occurred_on.data = today()
        if len(form.space_id.choices) == 1:
            form.space_id.data = form.space_id.choices[0][0]
        elif request.args.get("espace"):
            form.space_id.data = request.args["espace"]
    if form.validate_on_submit():
        try:
            entry = activity_log.create_entry(
                current_user,
                EntryData(
                    space_id=form.space_id.data,
                    occurred_on=form.occurred_on.data,
                    kind=form.kind.data,
                    people=form.people.data,
                    partner=form.partner.data or "",
                ),
                today=today(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(
                ngettext(
                    "Saved ✓ %(kind)s: %(num)d person.",
                    "Saved ✓ %(kind)s: %(num)d people.",
                    entry.people,
                    kind=definitions.LOG_LABELS[entry.kind],
                ),
                "success",
            )
            return redirect(url_for("indicators.log_new", espace=entry.space_id))
    return render_template("indicators/log_new.html", form=form), form_status(form)


@bp.route("/activite-mediation/semaine", methods=["GET", "POST"])
def log_week():
    """A week of work at once: one line per entry (day, kind, people, partner)."""
    form = WeekForm()
    form.space_id.choices = space_choices()
    if request.method == "GET":
        form.monday.data = activity_log.week_of(today())
        if len(form.space_id.choices) == 1:
            form.space_id.data = form.space_id.choices[0][0]
    if form.validate_on_submit():
        lines = []
        for n in range(activity_log.WEEK_LINES):
            day, kind, people, partner = form.line_fields(n)
            lines.append(
                WeekLine(
                    day=int(day.data) if day.data not in (None, "") else None,
                    kind=kind.data or None,
                    people=people.data,
                    partner=partner.data or "",
                )
            )
        try:
            entries = activity_log.create_week(
                current_user,
                space_id=form.space_id.data,
                monday=form.monday.data,
                lines=lines,
                today=today(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(
                ngettext("%(num)d entry saved.", "%(num)d entries saved.", len(entries)),
                "success",
            )
            return redirect(url_for("indicators.log"))
    return render_template(
        "indicators/log_week.html", form=form, lines=range(activity_log.WEEK_LINES)
    ), form_status(form)


@bp.post("/activite-mediation/<int:entry_id>/supprimer")
def log_delete(entry_id: int):
    """Remove an entry logged by mistake."""
    activity_log.delete_entry(current_user, entry_id)
    flash(_("The entry is removed."), "info")
    return redirect(url_for("indicators.log"))
