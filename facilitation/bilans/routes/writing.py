"""Writing together, for staff: the pen, the autosave, proposals, history and restore."""

from __future__ import annotations

from flask import make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.exceptions import ValidationError
from ...core.web import is_htmx, parse_id
from .. import bp, services
from .common import back, refused, staff_bilan


def _section(bilan_id: int, section_id: int):
    bilan = staff_bilan(bilan_id)
    return bilan, services.get_section(bilan, section_id)


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/stylo")
@login_required
def pen(bilan_id: int, section_id: int):
    """Take the pen of a section (or give it back)."""
    bilan, section = _section(bilan_id, section_id)
    me = services.staff_pen(current_user)
    try:
        if request.form.get("release"):
            services.release_pen(section, me)
        else:
            services.take_pen(section, me)
    except ValidationError as error:
        return refused(bilan, error, f"ecrire-{section.id}")
    return back(bilan, anchor=f"ecrire-{section.id}")


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/texte")
@login_required
def save(bilan_id: int, section_id: int):
    """Save the section's text (every change, at once). A save that lost the race keeps
    the writer's text and says why."""
    bilan, section = _section(bilan_id, section_id)
    body = request.form.get("text", "")
    conflict = error = None
    try:
        services.save(
            section,
            services.staff_pen(current_user),
            body,
            request.form.get("version"),
            user=current_user,
        )
    except services.SectionConflict as clash:
        conflict = clash
    except ValidationError as refusal:
        error = refusal.message
    if is_htmx():
        response = make_response(
            render_template("bilans/_saved.html", section=section, conflict=conflict, error=error)
        )
        response.status_code = 422 if conflict or error else 200
        return response
    if conflict is not None:
        response = make_response(
            render_template("bilans/conflict.html", bilan=bilan, section=section, conflict=conflict)
        )
        response.status_code = 409
        return response
    if error:
        return back(bilan, error=error, anchor=f"ecrire-{section.id}")
    return back(bilan, _("Saved."), anchor=f"ecrire-{section.id}")


@bp.post("/bilans/<int:bilan_id>/propositions/<int:proposal_id>")
@login_required
def proposal(bilan_id: int, proposal_id: int):
    """Accept a proposed sentence (as is, or edited), or set it aside."""
    bilan = staff_bilan(bilan_id)
    proposal = services.get_proposal(bilan, proposal_id)
    section = services.get_section(bilan, proposal.section_id)
    me = services.staff_pen(current_user)
    try:
        if request.form.get("set_aside"):
            services.set_aside(section, proposal, me)
            message = _("Sentence set aside.")
        else:
            services.accept(
                section,
                proposal,
                me,
                request.form.get("version"),
                edited=request.form.get("text"),
                user=current_user,
            )
            message = _("Sentence added to the text.")
    except ValidationError as error:
        return refused(bilan, error, f"ecrire-{section.id}")
    return back(bilan, message, anchor=f"ecrire-{section.id}")


@bp.get("/bilans/<int:bilan_id>/sections/<int:section_id>/historique")
@login_required
def history(bilan_id: int, section_id: int):
    """Every saved version of a section, newest first, each can be restored."""
    bilan, section = _section(bilan_id, section_id)
    return render_template(
        "bilans/history.html", bilan=bilan, section=section, revisions=services.history(section)
    )


@bp.post("/bilans/<int:bilan_id>/sections/<int:section_id>/restaurer")
@login_required
def restore(bilan_id: int, section_id: int):
    """Bring back an earlier version (saved as a new one: nothing is lost)."""
    bilan, section = _section(bilan_id, section_id)
    version = parse_id(request.form.get("version"))
    if version is None:
        return back(bilan, error=_("Choose a version."))
    try:
        services.restore(current_user, section, version)
    except ValidationError as error:
        return refused(bilan, error, f"ecrire-{section.id}")
    return back(bilan, _("Earlier version restored."), anchor=f"ecrire-{section.id}")
