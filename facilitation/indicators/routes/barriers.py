"""Veille: barriers recorded and passed on — the list, a new one (or from a session's
notes), the follow-up, and the export for the remontée to partners and the ARS."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import NotFound, ValidationError
from ...core.web import attach_error, form_status
from ...reports import download
from .. import barriers, bp, definitions, exports, settings
from ..barriers import BarrierData, Filters
from ..forms import BarrierForm, CloseForm, TransmitForm
from ..models import BarrierCategory, BarrierState
from .common import int_arg, space_choices, today


def _filters() -> tuple[Filters, dict, str | None]:
    """The list's filters from the query string (bad dates are ignored, with a message)."""
    args = request.args
    category = args.get("categorie")
    state = args.get("etat")
    error = None
    dates = {}
    for name in ("du", "au"):
        raw = args.get(name)
        if raw:
            try:
                from datetime import date

                dates[name] = date.fromisoformat(raw)
            except ValueError:
                error = _("Give a date (day, month, year).")
    filters = Filters(
        category=BarrierCategory(category)
        if category in {c.value for c in BarrierCategory}
        else None,
        state=BarrierState(state) if state in {s.value for s in BarrierState} else None,
        start=dates.get("du"),
        end=dates.get("au"),
        space_id=int_arg(args.get("espace")),
    )
    chosen = {
        "categorie": filters.category.value if filters.category else "",
        "etat": filters.state.value if filters.state else "",
        "du": args.get("du", ""),
        "au": args.get("au", ""),
        "espace": filters.space_id or "",
    }
    return filters, chosen, error


@bp.get("/veille")
def barriers_index():
    """Barriers of the actor's spaces, filtered by category, period and state."""
    filters, chosen, error = _filters()
    items = barriers.list_barriers(current_user, filters)
    return render_template(
        "indicators/barriers.html",
        barriers=items,
        chosen=chosen,
        error=error,
        categories=definitions.BARRIER_LABELS,
        states={s: exports.state_label(s) for s in BarrierState},
        spaces=space_choices(include_archived=True),
        sessions=barriers.sessions_with_notes(current_user, since=today() - timedelta(days=120)),
        query={k: v for k, v in chosen.items() if v},
    ), (422 if error else 200)


@bp.get("/veille.<any(csv, ods, xlsx):fmt>")
def barriers_export(fmt: str):
    """The filtered list as a file, for the remontée to partners and the ARS (audited)."""
    filters, _chosen, _error = _filters()
    items = barriers.list_barriers(current_user, filters, limit=5000)
    lines = [
        current_user.organisation.name,
        _("Made on %(date)s", date=format_date(today(), "long")),
    ]
    if filters.start or filters.end:
        lines.append(
            _(
                "Period: %(label)s (%(dates)s)",
                label=_("dates"),
                dates=" – ".join(
                    format_date(d, "long") if d else "…" for d in (filters.start, filters.end)
                ),
            )
        )
    if filters.category:
        lines.append(str(definitions.BARRIER_LABELS[filters.category]))
    if filters.state:
        lines.append(exports.state_label(filters.state))
    return download.send_workbook(
        current_user,
        exports.barriers_workbook(items, lines, settings.threshold(current_user.organisation_id)),
        fmt,
        name=["veille", today().isoformat()],
        report="barriers",
        count=len(items),
    )


@bp.route("/veille/nouveau", methods=["GET", "POST"])
def barrier_new():
    """Record a barrier (from the field, or from a note of a session's board)."""
    form = BarrierForm()
    form.space_id.choices = space_choices()
    note = None
    contribution_id = int_arg(request.values.get("note") or form.contribution_id.data)
    if contribution_id:
        try:
            note, session = barriers.session_note(current_user, contribution_id)
        except NotFound:
            contribution_id = None
    if request.method == "GET":
        form.occurred_on.data = today()
        if len(form.space_id.choices) == 1:
            form.space_id.data = form.space_id.choices[0][0]
        if note is not None:
            form.contribution_id.data = str(note.id)
            form.description.data = note.text
            form.space_id.data = str(session.cycle.space_id)
            form.occurred_on.data = session.starts_on
    if form.validate_on_submit():
        try:
            barrier = barriers.create_barrier(
                current_user,
                BarrierData(
                    space_id=form.space_id.data,
                    occurred_on=form.occurred_on.data,
                    category=form.category.data,
                    institution=form.institution.data or "",
                    description=form.description.data or "",
                    people=form.people.data,
                    contribution_id=contribution_id,
                ),
                today=today(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The barrier is recorded. Say to whom it is passed on when it is."), "success")
            return redirect(url_for("indicators.barrier", barrier_id=barrier.id))
    return render_template("indicators/barrier_new.html", form=form, note=note), form_status(form)


def _detail(barrier, transmit=None, close=None, status=200):
    transmit = transmit or TransmitForm(formdata=None, data={"on": today()})
    close = close or CloseForm(formdata=None, data={"on": today()})
    return render_template(
        "indicators/barrier.html",
        barrier=barrier,
        transmit=transmit,
        close=close,
        category=definitions.BARRIER_LABELS[barrier.category],
        state=exports.state_label(barrier.state),
    ), status


@bp.get("/veille/<int:barrier_id>")
def barrier(barrier_id: int):
    """One barrier and its follow-up."""
    return _detail(barriers.get_barrier(current_user, barrier_id))


@bp.post("/veille/<int:barrier_id>/transmis")
def barrier_transmit(barrier_id: int):
    """Passed on to a partner or an institution."""
    item = barriers.get_barrier(current_user, barrier_id)
    form = TransmitForm()
    if form.validate_on_submit():
        try:
            barriers.transmit(
                current_user, item.id, to=form.to.data, on=form.on.data, today=today()
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Saved ✓"), "success")
            return redirect(url_for("indicators.barrier", barrier_id=item.id))
    return _detail(item, transmit=form, status=422)


@bp.post("/veille/<int:barrier_id>/suite")
def barrier_close(barrier_id: int):
    """An answer received, or none."""
    item = barriers.get_barrier(current_user, barrier_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            barriers.close(
                current_user,
                item.id,
                answered=form.outcome.data == "answered",
                on=form.on.data,
                answer=form.answer.data or "",
                today=today(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Saved ✓"), "success")
            return redirect(url_for("indicators.barrier", barrier_id=item.id))
    return _detail(item, close=form, status=422)


@bp.get("/seances/<int:session_id>/ce-qui-bloque")
def session_notes(session_id: int):
    """The notes of a session's board (« Ce qui bloque »…), to turn into barriers."""
    session, notes = barriers.notes_of_session(current_user, session_id)
    return render_template("indicators/session_notes.html", session=session, notes=notes)
