"""Preparing workshops: tools library, session plans, templates, duplication, calendar, sheet.

htmx-enhanced; every form also works as a plain POST that redirects (POST/redirect/GET).
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import get_day_names
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status, is_htmx, redirect_to
from ..live import kinds
from ..spaces import services as spaces
from ..workshops import services as workshops
from ..workshops.models import WorkshopSession
from . import bp, services
from .forms import (
    ApplyTemplateForm,
    DuplicateCycleForm,
    PlanItemForm,
    SaveTemplateForm,
    ToolForm,
)


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff."""


def _today() -> date:
    return datetime.now(get_timezone()).date()


def _session_url(session_id: int) -> str:
    return url_for("workshops.session", session_id=session_id, _anchor="plan")


@bp.app_template_global("kind_label")
def kind_label(kind) -> str:
    """The translated name of a live-board activity kind ("poll" → "Sondage")."""
    try:
        return str(kinds.get(kind).label)
    except (KeyError, ValueError):
        return str(kind)


@bp.app_template_global("planning_panel")
def planning_panel(
    session: WorkshopSession,
    *,
    step_form: PlanItemForm | None = None,
    apply_form: ApplyTemplateForm | None = None,
    template_form: SaveTemplateForm | None = None,
    message: str | None = None,
) -> dict:
    """What the plan section of a session page shows (also used by the session page)."""
    tools = services.list_tools(current_user)
    templates = services.list_templates(current_user)
    return {
        "plan": services.session_plan(current_user, session),
        "activities": services.session_activities(current_user, session),
        "tools": tools,
        "templates": templates,
        "step_form": step_form or PlanItemForm(formdata=None, tools=tools),
        "apply_form": apply_form or ApplyTemplateForm(formdata=None, templates=templates),
        "template_form": template_form or SaveTemplateForm(formdata=None),
        "message": message,
    }


def _plan_fragment(session: WorkshopSession, status: int = 200, **panel):
    return render_template(
        "planning/_session_plan.html", session=session, planning=planning_panel(session, **panel)
    ), status


# --- tools ------------------------------------------------------------------------------


@bp.get("/outils")
def tools():
    """The organisation's library of animation tools, with a form to add one in place."""
    return render_template(
        "planning/tools.html",
        tools=services.list_tools(current_user),
        archived=services.list_tools(current_user, archived=True),
        form=ToolForm(formdata=None),
    )


@bp.route("/outils/nouveau", methods=["GET", "POST"])
def create_tool():
    """Add a tool to the library. With htmx, the list updates in place."""
    form = ToolForm()
    created = None
    if form.validate_on_submit():
        try:
            created = services.create_tool(current_user, form.to_data())
        except ValidationError as error:
            attach_error(form, error)
        else:
            if not is_htmx():
                flash(_("The tool “%(name)s” is in the library.", name=created.name), "success")
                return redirect_to("planning.tools")
            form = ToolForm(formdata=None)
    if is_htmx():
        return render_template(
            "planning/_tool_form.html",
            form=form,
            created=created,
            tools=services.list_tools(current_user),
        ), form_status(form)
    return render_template("planning/tool_form.html", form=form, tool=None), form_status(form)


@bp.route("/outils/<int:tool_id>/modifier", methods=["GET", "POST"])
def edit_tool(tool_id: int):
    """Change a tool of the library."""
    tool = services.get_tool(current_user, tool_id)
    form = ToolForm(obj=tool)
    if form.validate_on_submit():
        try:
            services.update_tool(current_user, tool, form.to_data())
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("planning.tools", _anchor=f"tool-{tool.id}"))
    return render_template("planning/tool_form.html", form=form, tool=tool), form_status(form)


# --- the plan of a session ---------------------------------------------------------------


@bp.get("/seances/<int:session_id>/plan/etape")
def plan_item_form(session_id: int):
    """The add-a-step form; with htmx, refreshed when a tool is chosen (title, duration)."""
    session = workshops.get_session(current_user, session_id)
    tools = services.list_tools(current_user)
    form = PlanItemForm(formdata=request.args or None, tools=tools)
    chosen = next((t for t in tools if t.id == form.tool_id.data), None)
    if chosen is not None:
        title = (form.title.data or "").strip()
        if not title or title in {t.name for t in tools}:
            form.title.data = chosen.name
            form.title.raw_data = None
        form.duration_minutes.data = chosen.duration_minutes
        form.duration_minutes.raw_data = None  # show the tool's, not what was typed
    if is_htmx():
        return render_template("planning/_plan_item_form.html", form=form, session=session)
    return render_template("planning/plan_item_form.html", form=form, session=session, item=None)


@bp.post("/seances/<int:session_id>/plan")
def add_plan_item(session_id: int):
    """Add a step at the end of the plan. With htmx, the plan section updates in place."""
    session = workshops.get_session(current_user, session_id)
    form = PlanItemForm(tools=services.list_tools(current_user))
    if form.validate_on_submit():
        try:
            item = services.add_plan_item(current_user, session, **form.values())
        except ValidationError as error:
            attach_error(form, error)
        else:
            message = _("The step “%(title)s” is added to the plan.", title=item.title)
            if not is_htmx():
                flash(message, "success")
                return redirect(_session_url(session.id))
            return _plan_fragment(session, message=message)
    if is_htmx():
        return _plan_fragment(session, form_status(form), step_form=form)
    return render_template(
        "planning/plan_item_form.html", form=form, session=session, item=None
    ), form_status(form)


@bp.route("/etapes/<int:item_id>/modifier", methods=["GET", "POST"])
def edit_plan_item(item_id: int):
    """Change a step: title, tool, duration, notes."""
    item = services.get_plan_item(current_user, item_id)
    session = workshops.get_session(current_user, item.session_id)
    tools = services.list_tools(current_user)
    if item.tool is not None and item.tool.archived_at is not None:
        tools.append(item.tool)  # an archived tool stays on the steps that used it
    form = PlanItemForm(obj=item, tools=tools)
    if request.method == "GET":
        form.tool_id.data = item.tool_id or 0
    if form.validate_on_submit():
        try:
            services.update_plan_item(current_user, item, **form.values())
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(_session_url(session.id))
    return render_template(
        "planning/plan_item_form.html", form=form, session=session, item=item
    ), form_status(form)


@bp.post("/etapes/<int:item_id>/deplacer")
def move_plan_item(item_id: int):
    """Move a step up or down the plan."""
    item = services.get_plan_item(current_user, item_id)
    session = services.move_plan_item(
        current_user, item, -1 if request.form.get("to") == "up" else 1
    )
    if is_htmx():
        return _plan_fragment(session)
    return redirect(_session_url(session.id))


@bp.post("/etapes/<int:item_id>/supprimer")
def remove_plan_item(item_id: int):
    """Remove a step from the plan."""
    item = services.get_plan_item(current_user, item_id)
    title = item.title
    session = services.remove_plan_item(current_user, item)
    message = _("The step “%(title)s” is removed from the plan.", title=title)
    if is_htmx():
        return _plan_fragment(session, message=message)
    flash(message, "info")
    return redirect(_session_url(session.id))


# --- templates ----------------------------------------------------------------------------


@bp.get("/modeles")
def templates():
    """The organisation's session templates."""
    return render_template(
        "planning/templates.html",
        templates=services.list_templates(current_user),
        tools={
            t.id: t
            for t in services.list_tools(current_user)
            + services.list_tools(current_user, archived=True)
        },
    )


@bp.route("/seances/<int:session_id>/modele", methods=["GET", "POST"])
def save_template(session_id: int):
    """Save this session's plan and live-board activities as a template."""
    session = workshops.get_session(current_user, session_id)
    form = SaveTemplateForm()
    if form.validate_on_submit():
        try:
            template = services.save_as_template(
                current_user, session, name=form.name.data, description=form.description.data
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            message = _("The template “%(name)s” is saved.", name=template.name)
            if not is_htmx():
                flash(message, "success")
                return redirect(_session_url(session.id))
            return _plan_fragment(session, message=message)
    if is_htmx():
        return _plan_fragment(session, form_status(form), template_form=form)
    return render_template(
        "planning/save_template.html",
        form=form,
        session=session,
        plan=services.session_plan(current_user, session),
    ), form_status(form)


@bp.route("/seances/<int:session_id>/appliquer-modele", methods=["GET", "POST"])
def apply_template(session_id: int):
    """Append a template's steps to the plan and its activities to the live board."""
    session = workshops.get_session(current_user, session_id)
    templates = services.list_templates(current_user)
    form = ApplyTemplateForm(templates=templates)
    if form.validate_on_submit():
        template = services.get_template(current_user, form.template_id.data)
        try:
            applied = services.apply_template(current_user, template, session)
        except ValidationError as error:
            attach_error(form, error)
        else:
            message = _(
                "Template applied: %(steps)s, %(activities)s.",
                steps=ngettext(
                    "%(num)d step added to the plan",
                    "%(num)d steps added to the plan",
                    applied.steps,
                ),
                activities=ngettext(
                    "%(num)d activity added to the live board",
                    "%(num)d activities added to the live board",
                    applied.activities,
                ),
            )
            if not is_htmx():
                flash(message, "success")
                return redirect(_session_url(session.id))
            return _plan_fragment(session, message=message)
    if is_htmx():
        return _plan_fragment(session, form_status(form), apply_form=form)
    return render_template(
        "planning/apply_template.html", form=form, session=session, templates=templates
    ), form_status(form)


@bp.post("/modeles/<int:template_id>/supprimer")
def delete_template(template_id: int):
    """Delete a template (the sessions it was applied to keep their plan)."""
    template = services.get_template(current_user, template_id)
    name = template.name
    services.delete_template(current_user, template)
    flash(_("The template “%(name)s” is deleted.", name=name), "info")
    return redirect_to("planning.templates")


# --- cycles, calendar, printable sheet ---------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/dupliquer", methods=["GET", "POST"])
def duplicate_cycle(cycle_id: int):
    """Copy a cycle (sessions, plans, live-board activities) to new dates."""
    cycle = workshops.get_cycle(current_user, cycle_id)
    form = DuplicateCycleForm()
    if request.method == "GET":
        form.title.data = cycle.title
    if form.validate_on_submit():
        try:
            copy = services.duplicate_cycle(
                current_user,
                cycle,
                title=form.title.data,
                first_session_on=form.first_session_on.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(
                ngettext(
                    "The cycle “%(title)s” is created with %(num)d session.",
                    "The cycle “%(title)s” is created with %(num)d sessions.",
                    len(copy.sessions),
                    title=copy.title,
                ),
                "success",
            )
            return redirect_to("workshops.cycle", cycle_id=copy.id)
    return render_template(
        "planning/duplicate_cycle.html",
        form=form,
        cycle=cycle,
        space=cycle.space,
        sessions=[s for s in cycle.sessions if not s.is_archived],
    ), form_status(form)


@bp.get("/espaces/<int:space_id>/calendrier")
def calendar(space_id: int):
    """A space's sessions: a month grid (?mois=YYYY-MM) or a list (?vue=liste)."""
    space = spaces.get_space(current_user, space_id)
    today = _today()
    if request.args.get("vue") == "liste":
        upcoming, past = services.calendar_list(current_user, space, today)
        return render_template(
            "planning/calendar_list.html", space=space, upcoming=upcoming, past=past, today=today
        )
    month = services.parse_month(request.args.get("mois"), today)
    names = get_day_names("wide", locale=get_locale())
    return render_template(
        "planning/calendar.html",
        space=space,
        grid=services.calendar_month(current_user, space, month, today),
        today=today,
        day_names=[names[i] for i in range(7)],  # Monday first
    )


@bp.get("/seances/<int:session_id>/fiche")
def sheet(session_id: int):
    """The printable sheet of a session: plan with times, material, activities, notes."""
    session = workshops.get_session(current_user, session_id)
    return render_template(
        "planning/sheet.html",
        session=session,
        cycle=session.cycle,
        space=session.cycle.space,
        plan=services.session_plan(current_user, session),
        activities=services.session_activities(current_user, session),
        board=services.board_of(session),
    )
