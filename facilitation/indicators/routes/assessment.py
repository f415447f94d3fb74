"""Prepare a T0/T1 self-assessment on a session's live board."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.exceptions import ValidationError
from ...core.web import attach_error, form_status
from ...workshops import services as workshops
from .. import assessment, bp
from ..forms import SelfAssessmentForm


@bp.route("/seances/<int:session_id>/auto-evaluation", methods=["GET", "POST"])
def self_assessment(session_id: int):
    """Choose the statements (from the list, or your own) and whether it is T0 or T1."""
    session = workshops.get_session(current_user, session_id)
    form = SelfAssessmentForm()
    if request.method == "GET":
        moment = request.args.get("moment", "t0")
        form.moment.data = moment if moment in assessment.MOMENTS else "t0"
        form.prompt.data = assessment.default_prompt(form.moment.data)
        form.statements.data = ["know_where_care", "steps_alone", "talk_carer", "know_rights"]
        form.professional_statements.data = ["know_public", "changed_practice"]
    if form.validate_on_submit():
        professionals = form.moment.data == "t1-professionals"
        try:
            assessment.add(
                current_user,
                session.id,
                moment=form.moment.data,
                statements=(
                    form.professional_statements.data if professionals else form.statements.data
                )
                or [],
                own=form.own.data or "",
                prompt=form.prompt.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("The self-assessment is on the board: open it when the time comes."), "success")
            return redirect(url_for("live.control", session_id=session.id))
    return render_template(
        "indicators/self_assessment.html", form=form, session=session
    ), form_status(form)
