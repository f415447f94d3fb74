"""Staff pages: roll call, participants of a space, a participant's journey and record,
merging duplicates, export and erasure, the cycle overview (the audit log is in ``audit``)."""

from __future__ import annotations

import json
from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.fresh_login import require_fresh_login
from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status, is_htmx, parse_id
from ..extensions import db
from ..spaces import services as spaces
from ..workshops import services as workshops
from . import bp, services
from .forms import CoAnimationForm, NewcomerForm, ParticipantForm, participant_form_class
from .models import CONSENTS, AttendanceStatus


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff."""


def _brought_by_choices(space) -> list[tuple[str, str]]:
    people = services.list_space_participants(current_user, space)
    return [("", _("Nobody / I don't know"))] + [(str(p.id), p.pseudonym) for p in people]


def _int_or_none(value) -> int | None:
    return parse_id(value)


# --- roll call --------------------------------------------------------------------------


def _roll_call_context(
    session, newcomer: NewcomerForm | None = None, *, roll=None, duplicate=None
) -> dict:
    roll = roll or services.roll_call(current_user, session)
    form = newcomer or NewcomerForm(formdata=None)
    form.brought_by.choices = _brought_by_choices(session.cycle.space)
    return {"roll": roll, "session": session, "newcomer": form, "duplicate": duplicate}


def _roll_call_page(session, status: int = 200, **context):
    template = "participants/_roll_call.html" if is_htmx() else "participants/roll_call.html"
    return render_template(template, **_roll_call_context(session, **context)), status


@bp.get("/seances/<int:session_id>/presences")
def roll_call(session_id: int):
    """Roll call on the phone: tap to mark present, excused; add a newcomer; confirm phones.
    Each view is audited (the session, no one's name)."""
    session = workshops.get_session(current_user, session_id)
    return _roll_call_page(session, roll=services.view_roll_call(current_user, session))


@bp.post("/seances/<int:session_id>/presences/<int:participant_id>")
def mark(session_id: int, participant_id: int):
    """Mark one person (htmx: only their row changes)."""
    session = workshops.get_session(current_user, session_id)
    participant = services.get_participant(current_user, participant_id)
    status = request.form.get("status", "")
    if status == "clear":
        services.clear_attendance(current_user, session, participant)
    elif status in {s.value for s in AttendanceStatus}:
        services.record_attendance(current_user, session, participant, status)
    if is_htmx():
        return _roll_call_page(session)
    return redirect(url_for("participants.roll_call", session_id=session.id))


@bp.post("/seances/<int:session_id>/presences/nouveau")
def newcomer(session_id: int):
    """Add a newcomer inline, marked present (with who brought them, if known). When
    someone of the space goes by that pseudonym, ask first: the same person, or another?"""
    session = workshops.get_session(current_user, session_id)
    form = NewcomerForm()
    form.brought_by.choices = _brought_by_choices(session.cycle.space)
    duplicate = None
    if form.validate_on_submit():
        try:
            services.add_newcomer(
                current_user,
                session,
                form.pseudonym.data,
                brought_by_id=_int_or_none(form.brought_by.data),
                same_pseudonym_confirmed=form.same_pseudonym.data == "1",
            )
        except services.DuplicatePseudonym as error:
            duplicate = error.matches  # a confirmation, not a refusal: nothing is shown as wrong
        except ValidationError as error:
            attach_error(form, error)
        else:
            if not is_htmx():  # POST/redirect/GET: reloading must not add them twice
                return redirect(url_for("participants.roll_call", session_id=session.id))
            form = None
    status = 422 if duplicate or (form is not None and form.errors) else 200
    return _roll_call_page(session, status, newcomer=form, duplicate=duplicate)


@bp.post("/seances/<int:session_id>/presences/telephone/<int:live_participant_id>")
def confirm_check_in(session_id: int, live_participant_id: int):
    """One tap: the person who joined from their phone is present (and the phone theirs):
    "yes, it is <the person proposed>", "no, a new person", or the person already linked."""
    session = workshops.get_session(current_user, session_id)
    try:
        services.confirm_check_in(
            current_user,
            session,
            live_participant_id,
            participant_id=_int_or_none(request.form.get("participant_id")),
            new=request.form.get("new") == "1",
        )
    except ValidationError as error:  # e.g. the phone re-joined without a pseudonym meanwhile
        flash(error.message, "error")
    if is_htmx():
        return _roll_call_page(session)
    return redirect(url_for("participants.roll_call", session_id=session.id))


# --- participants ----------------------------------------------------------------------------


@bp.get("/espaces/<int:space_id>/participants")
def space_participants(space_id: int):
    """The participants known in a space, by pseudonym."""
    space = spaces.get_space(current_user, space_id)
    return render_template(
        "participants/index.html",
        space=space,
        participants=services.list_space_participants(current_user, space),
    )


def _participant_form(view, formdata=None) -> ParticipantForm:
    """The record as this reader may see it: their spaces' notes, their spaces' people."""
    participant = view.participant
    form = participant_form_class(view.spaces)(
        formdata=formdata, obj=participant if formdata is None else None
    )
    if formdata is None:
        for key in CONSENTS:
            getattr(form, f"consent_{key}").data = bool((participant.consents or {}).get(key))
        form.brought_by.data = str(view.brought_by.id) if view.brought_by else ""
        for membership in view.memberships:
            getattr(form, f"notes_{membership.space.id}").data = membership.notes
    choices = [("", _("Nobody / I don't know"))]
    for space in view.spaces:
        for p in services.list_space_participants(current_user, space):
            if p.id != participant.id and (str(p.id), p.pseudonym) not in choices:
                choices.append((str(p.id), p.pseudonym))
    form.brought_by.choices = choices
    return form


def _participant_context(view, form=None, co_form=None) -> dict:
    co_form = co_form or CoAnimationForm(formdata=None, occurred_on=date.today())
    co_form.space.choices = [(s.id, s.name) for s in view.spaces]
    return {
        "participant": view.participant,
        "view": view,
        "journey": services.staff_journey(current_user, view.participant),
        "form": form or _participant_form(view),
        "co_form": co_form,
    }


@bp.route("/participants/<int:participant_id>", methods=["GET", "POST"])
def participant(participant_id: int):
    """A participant's journey in the reader's spaces (timeline, not a score) and record.
    Reads are audited."""
    view = services.person_view(current_user, participant_id)
    form = _participant_form(view, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_participant(
                current_user,
                view.participant,
                services.ParticipantData(
                    pseudonym=form.pseudonym.data,
                    languages=form.languages.data,
                    consents={key: getattr(form, f"consent_{key}").data for key in CONSENTS},
                    notes={space_id: field.data for space_id, field in form.notes_fields()},
                    brought_by_id=_int_or_none(form.brought_by.data),
                ),
            )
        except ValidationError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("participants.participant", participant_id=participant_id))
    return render_template(
        "participants/participant.html", **_participant_context(view, form)
    ), form_status(form)


@bp.post("/participants/<int:participant_id>/co-animation")
def add_co_animation(participant_id: int):
    """Record co-animation done off the app, in one of the reader's spaces."""
    view = services.person_view(current_user, participant_id)
    form = CoAnimationForm()
    form.space.choices = [(s.id, s.name) for s in view.spaces]
    if form.validate_on_submit():
        try:
            services.add_co_animation(
                current_user,
                view.participant,
                kind=form.kind.data,
                space=spaces.get_space(current_user, form.space.data),
                occurred_on=form.occurred_on.data,
                note=form.note.data or "",
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Co-animation recorded. Thank you for noting it!"), "success")
            return redirect(url_for("participants.participant", participant_id=participant_id))
    return render_template(
        "participants/participant.html", **_participant_context(view, co_form=form)
    ), form_status(form)


@bp.get("/participants/<int:participant_id>/export.json")
@require_fresh_login
def export(participant_id: int):
    """What the reader may see of a participant, as a JSON file (audited)."""
    person = services.get_participant(current_user, participant_id)
    data = services.staff_export(current_user, person)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="participant-{person.id}.json"'},
    )


@bp.route(
    "/participants/<int:participant_id>/espaces/<int:space_id>/retirer", methods=["GET", "POST"]
)
def remove_from_space(participant_id: int, space_id: int):
    """Remove a person from one of the reader's spaces (after a confirmation page); the
    space's counts stay."""
    preview = services.removal_preview(current_user, participant_id, space_id)
    if request.method == "POST":
        services.remove_from_space(current_user, preview.participant, preview.space)
        flash(
            _(
                "%(name)s is no longer known in %(space)s. The session counts stay the same.",
                name=preview.participant.pseudonym,
                space=preview.space.name,
            ),
            "success",
        )
        return redirect(url_for("participants.space_participants", space_id=space_id))
    return render_template("participants/remove.html", preview=preview)


@bp.route("/participants/<int:participant_id>/effacer", methods=["GET", "POST"])
@require_fresh_login
def erase(participant_id: int):
    """Coordinator: erase a participant for the whole structure, at their request (after a
    confirmation page)."""
    person = services.erasable(current_user, participant_id)
    if request.method == "POST" and request.form.get("confirm") == person.pseudonym:
        space = next(iter(services.person_view(current_user, person.id).spaces), None)
        services.staff_erase(current_user, person)
        flash(_("The person's data is erased. Anonymous counts are kept."), "success")
        if space is not None:
            return redirect(url_for("participants.space_participants", space_id=space.id))
        return redirect(url_for("main.dashboard"))
    error = request.method == "POST"
    return render_template("participants/erase.html", participant=person, error=error), (
        422 if error else 200
    )


@bp.route("/participants/<int:participant_id>/fusionner", methods=["GET", "POST"])
@require_fresh_login
def merge(participant_id: int):
    """Coordinator: merge a duplicate into this participant: preview, then confirm."""
    keep = services.get_participant(current_user, participant_id)
    candidates = services.merge_candidates(current_user, keep)
    other_id = _int_or_none(request.values.get("avec"))
    preview = None
    if other_id is not None:
        other = services.get_participant(current_user, other_id)
        try:
            preview = services.merge_preview(current_user, keep, other)
        except ValidationError as error:
            flash(error.message, "error")
        else:
            if request.method == "POST" and request.form.get("confirm") == "1":
                services.merge(current_user, keep, other)
                flash(
                    _("%(a)s and %(b)s are now one person.", a=keep.pseudonym, b=other.pseudonym),
                    "success",
                )
                return redirect(url_for("participants.participant", participant_id=keep.id))
    return render_template(
        "participants/merge.html", keep=keep, candidates=candidates, preview=preview
    )


@bp.post("/participants/<int:participant_id>/lien")
def sign_in_link(participant_id: int):
    """A one-time link (and its QR code) that opens "mon parcours" on the person's phone."""
    from ..live.routes import qr_svg

    person = services.get_participant(current_user, participant_id)
    token = services.create_sign_in_link(current_user, person)
    url = url_for("me.sign_in", token=token, _external=True)
    return render_template("participants/link.html", participant=person, url=url, qr=qr_svg(url))


# --- overviews ---------------------------------------------------------------------------------


@bp.get("/cycles/<int:cycle_id>/vue-d-ensemble")
def cycle_overview(cycle_id: int):
    """Per session: how many came, were new, co-animated — and who moved to co-animating."""
    cycle = workshops.get_cycle(current_user, cycle_id)
    return render_template(
        "participants/cycle_overview.html", overview=services.cycle_overview(current_user, cycle)
    )
