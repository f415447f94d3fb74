"""Deciding together: put a question on a meeting's live board, follow the vote on the
projector, close it, write the decision in one sentence (with a hand count if needed)."""

from __future__ import annotations

from datetime import datetime, time

from flask import flash, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import ValidationError
from ...core.web import attach_error, form_status, redirect_to
from ...live import kinds as live_kinds
from .. import bp, services
from ..forms import DecideForm, NoteDecisionForm, RecordDecisionForm, options
from .common import project_or_404, qr_svg, render, viewer

NEW_MEETING = "new"


def _decide_form(project, formdata=True) -> DecideForm:
    form = DecideForm() if formdata else DecideForm(formdata=None)
    form.kind.choices = options([(k.value, live_kinds.get(k).label) for k in services.VOTE_KINDS])
    today = services.today()
    upcoming = [s for s in services.meetings(viewer(), project) if s.starts_on >= today]
    form.meeting.choices = options(
        [(str(s.id), f"{s.starts_on.strftime('%d/%m/%Y')} — {s.theme}") for s in upcoming]
        + [(NEW_MEETING, _("A new meeting, now"))]
    )
    if not formdata:
        today_meeting = next((s for s in upcoming if s.starts_on == today), None)
        form.meeting.data = str(today_meeting.id) if today_meeting else NEW_MEETING
    return form


def _meeting_for(project, choice: str):
    if choice == NEW_MEETING:
        now = datetime.now(get_timezone())
        return services.create_meeting(
            current_user,
            project,
            starts_on=now.date(),
            starts_at=time(now.hour, now.minute - now.minute % 5),
        )
    if not choice.isdigit():
        raise ValidationError(_("Choose a meeting."), "meeting")
    return services.get_meeting(current_user, project, int(choice))


@bp.route("/projets/<int:project_id>/decider", methods=["GET", "POST"])
def decide(project_id: int):
    """ "Décider ensemble": the question goes on the board of a project meeting."""
    project = project_or_404(project_id)
    form = _decide_form(project, formdata=request.method == "POST")
    if form.validate_on_submit():
        try:
            session = _meeting_for(project, form.meeting.data)
            decision = services.start_vote(
                current_user,
                project,
                session,
                question=form.question.data,
                kind=form.kind.data,
                config=form.config(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            return redirect_to("projects.decision", project_id=project.id, decision_id=decision.id)
    return render(
        "projects/decide.html",
        form_status(form),
        form=form,
        project=project,
        space=project.space,
        note_form=NoteDecisionForm(formdata=None, data={"decided_on": services.today()}),
    )


@bp.post("/projets/<int:project_id>/decisions/noter")
def note_decision(project_id: int):
    """Note a decision taken without the board (agreed in the room)."""
    project = project_or_404(project_id)
    form = NoteDecisionForm()
    if form.validate_on_submit():
        try:
            services.note_decision(
                current_user,
                project,
                question=form.question.data,
                sentence=form.text.data,
                decided_on=form.decided_on.data,
                revisit_on=form.revisit_on.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The decision is recorded."), "success")
            return redirect_to("projects.detail", project_id=project.id, _anchor="decisions")
    return render(
        "projects/decide.html",
        422,
        form=_decide_form(project, formdata=False),
        note_form=form,
        project=project,
        space=project.space,
    )


def _decision_context(project, decision, form=None) -> dict:
    vote = services.vote(decision)
    board = vote["board"]
    join = url_for("live.board", code=board.join_code, _external=True) if board else None
    if form is None:
        form = RecordDecisionForm(formdata=None)
    kind = vote["activity"].kind if vote["activity"] is not None else None
    labels = (
        services.decisions_labels(kind, vote["activity"].config, vote["results"])
        if kind in services.HAND_KINDS
        else []
    )
    return {
        "project": project,
        "space": project.space,
        "decision": decision,
        "form": form,
        "hand_labels": labels,
        "join_url": join,
        "qr": qr_svg(join, _("QR code to vote: %(url)s", url=join)) if join else None,
        **vote,
    }


@bp.get("/projets/<int:project_id>/decisions/<int:decision_id>")
def decision(project_id: int, decision_id: int):
    """The vote on the projector: the question, the code to join, the count, then the
    results and the decision to write in one sentence."""
    project = project_or_404(project_id)
    decision = services.get_decision(viewer(), project, decision_id)
    return render("projects/decision.html", **_decision_context(project, decision))


@bp.post("/projets/<int:project_id>/decisions/<int:decision_id>/clore")
def close_vote(project_id: int, decision_id: int):
    """Close the answers and show the results."""
    project = project_or_404(project_id)
    decision = services.get_decision(viewer(), project, decision_id)
    try:
        services.close_vote(current_user, project, decision)
    except ValidationError as error:
        flash(error.message, "error")
    return redirect_to("projects.decision", project_id=project.id, decision_id=decision.id)


@bp.post("/projets/<int:project_id>/decisions/<int:decision_id>")
def record_decision(project_id: int, decision_id: int):
    """Write the decision; keep the result snapshot (counts only) and any hand count."""
    project = project_or_404(project_id)
    decision = services.get_decision(viewer(), project, decision_id)
    form = RecordDecisionForm()
    if form.validate_on_submit():
        try:
            services.record_decision(
                current_user,
                project,
                decision,
                sentence=form.text.data,
                hand_counts=[request.form.get(f"hand-{i}", "") for i in range(12)],
                revisit_on=form.revisit_on.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The decision is recorded."), "success")
            return redirect_to("projects.decision", project_id=project.id, decision_id=decision.id)
    return render("projects/decision.html", 422, **_decision_context(project, decision, form=form))


@bp.post("/projets/<int:project_id>/decisions/<int:decision_id>/annuler")
def cancel_vote(project_id: int, decision_id: int):
    """Give up this vote (the board keeps its activity)."""
    project = project_or_404(project_id)
    decision = services.get_decision(viewer(), project, decision_id)
    try:
        services.cancel_vote(current_user, project, decision)
    except ValidationError as error:
        flash(error.message, "error")
    return redirect_to("projects.detail", project_id=project.id, _anchor="decisions")
