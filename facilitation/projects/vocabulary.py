"""The words and pictograms of projects: determinants of health (a fixed list, plus the
coordinator's own additions, ``CustomDeterminant`` keyed ``c<id>``), step states, project
statuses, kinds of action. Pure values, no database."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .models import ActionKind, ProjectStatus, StepState


@dataclass(frozen=True)
class Determinant:
    key: str
    icon: str
    label: object  # a lazy string for the built-in ones, plain text for custom ones


BUILT_IN = (
    Determinant("housing", "🏠", _l("Housing")),
    Determinant("discrimination", "✊", _l("Discrimination")),
    Determinant("carers", "🩺", _l("Relation with carers")),
    Determinant("rights", "📄", _l("Access to rights")),
    Determinant("food", "🍎", _l("Food")),
    Determinant("environment", "🌳", _l("Environment")),
    Determinant("other", "➕", _l("Other")),
)
BUILT_IN_KEYS = frozenset(d.key for d in BUILT_IN)
# Pictograms the coordinator can give a new determinant.
ICONS = "🏠 ✊ 🩺 📄 🍎 🌳 ➕ 💶 🚌 🧠 👶 🧓 💼 🗣️ 🤝 ♿".split(" ")  # noqa: SIM905 (one line)

# Steps: pictogram, colour class and word — never colour alone. Shown as OpenMoji images
# (``pictogram()`` in templates), so they look the same on every phone.
STEP_STATES = (
    (StepState.TODO, "⚪", _l("To do")),
    (StepState.DOING, "🚧", _l("In progress")),
    (StepState.DONE, "✅", _l("Done")),
)
STEP_ICONS = {state: icon for state, icon, _label in STEP_STATES}
STEP_LABELS = {state: label for state, _icon, label in STEP_STATES}

STATUS_LABELS = {
    ProjectStatus.IDEA: ("💡", _l("Idea")),
    ProjectStatus.RUNNING: ("▶", _l("Running")),
    ProjectStatus.PAUSED: ("⏸", _l("Paused")),
    ProjectStatus.FINISHED: ("🏁", _l("Finished")),
}

ACTION_KINDS = {
    ActionKind.LETTER: ("✉️", _l("Letter")),
    ActionKind.EVENT: ("📣", _l("Event")),
    ActionKind.MEETING: ("🤝", _l("Meeting with a partner or an institution")),
    ActionKind.TOOL: ("🧰", _l("Tool co-built with the public")),
    ActionKind.TESTIMONY: ("🗣️", _l("Testimony")),
    ActionKind.OTHER: ("➕", _l("Other")),
}
