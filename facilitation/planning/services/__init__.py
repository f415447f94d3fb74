"""Rules for preparing workshops: tools, session plans, templates, duplication, calendar.

Tools and templates belong to an organisation: any staff of that organisation may use
and change them; another organisation's are :class:`NotFound`. Plans, sheets, calendars
and duplications go through the session's, cycle's or space's visibility
(``workshops.services.get_session`` / ``get_cycle``, ``spaces.services.get_space``).

One module per capability, re-exported here (callers keep ``services.f(...)``):

- :mod:`.tools`      the library of animation tools (archived and restored, never deleted)
- :mod:`.plans`      a session's plan: steps, timings, order
- :mod:`.templates`  session templates (saved, edited, applied) and board activities
- :mod:`.cycles`     duplicating a cycle
- :mod:`.calendar`   a space's month calendar and list
"""

from .calendar import (
    CalendarDay,
    CalendarMonth,
    MonthGroup,
    calendar_list,
    calendar_month,
    month_grid,
    month_weeks,
    parse_month,
    space_sessions,
)
from .common import MAX_STEP_MINUTES, MAX_TOOL_MINUTES
from .cycles import duplicate_cycle
from .plans import (
    Plan,
    PlanStep,
    add_plan_item,
    compute_plan,
    get_plan_item,
    move_plan_item,
    plan_items,
    remove_plan_item,
    session_plan,
    update_plan_item,
)
from .templates import (
    Applied,
    TemplateStepEdit,
    apply_template,
    board_of,
    delete_template,
    get_template,
    list_templates,
    save_as_template,
    session_activities,
    update_template,
)
from .tools import ToolData, create_tool, get_tool, list_tools, set_tool_archived, update_tool

__all__ = [
    "MAX_STEP_MINUTES",
    "MAX_TOOL_MINUTES",
    "Applied",
    "CalendarDay",
    "CalendarMonth",
    "MonthGroup",
    "Plan",
    "PlanStep",
    "TemplateStepEdit",
    "ToolData",
    "add_plan_item",
    "apply_template",
    "board_of",
    "calendar_list",
    "calendar_month",
    "compute_plan",
    "create_tool",
    "delete_template",
    "duplicate_cycle",
    "get_plan_item",
    "get_template",
    "get_tool",
    "list_templates",
    "list_tools",
    "month_grid",
    "month_weeks",
    "move_plan_item",
    "parse_month",
    "plan_items",
    "remove_plan_item",
    "save_as_template",
    "session_activities",
    "session_plan",
    "set_tool_archived",
    "space_sessions",
    "update_plan_item",
    "update_template",
    "update_tool",
]
