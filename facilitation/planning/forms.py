"""Forms for preparing workshops. Rules live in ``services``; these only read the input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..accounts.forms import MultiCheckboxField
from ..core.forms import Form
from ..live import kinds
from ..live.models import ActivityKind
from .services import MAX_STEP_MINUTES, MAX_TOOL_MINUTES, ToolData


def kind_choices():
    return [SelectChoice(k.value, kinds.get(k).label) for k in ActivityKind]


class MinutesField(IntegerField):
    """A number of minutes; anything that is not a whole number gets one clear message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Give a duration in minutes.")) from None


def _minutes_field(label, maximum: int, *, required: bool, description=None):
    validators = [
        NumberRange(1, maximum, _l("Between 1 and %(max)d minutes.", max=maximum)),
    ]
    validators.insert(
        0, DataRequired(_l("Give a duration in minutes.")) if required else Optional()
    )
    return MinutesField(
        label,
        validators=validators,
        description=description,
        render_kw={"inputmode": "numeric", "min": 1, "max": maximum},
    )


class ToolForm(Form):
    name = StringField(
        _l("Name of the tool"),
        validators=[DataRequired(_l("Give the tool a name.")), Length(max=120)],
        description=_l("For example: Débat mouvant, Photolangage, Météo d'arrivée"),
    )
    description = TextAreaField(
        _l("How it works"),
        validators=[Length(max=4000)],
        description=_l("The steps, the questions to ask, what to watch for."),
    )
    duration_minutes = _minutes_field(
        _l("Usual duration (minutes)"), MAX_TOOL_MINUTES, required=True
    )
    material = TextAreaField(
        _l("Material"),
        validators=[Length(max=2000)],
        description=_l("What to bring: cards, post-its, a board game, a projector…"),
    )
    activity_kinds = MultiCheckboxField(
        _l("Live-board activities it uses"), choices=kind_choices, validate_choice=False
    )
    co_built = BooleanField(_l("Co-built with the participants"))

    def to_data(self) -> ToolData:
        return ToolData(
            name=self.name.data or "",
            description=self.description.data or "",
            duration_minutes=self.duration_minutes.data,
            material=self.material.data or "",
            activity_kinds=list(self.activity_kinds.data or []),
            co_built=bool(self.co_built.data),
        )


class PlanItemForm(Form):
    """One step of a session's plan. Title and duration may come from the chosen tool."""

    tool_id = SelectField(_l("Animation tool"), coerce=int, validate_choice=False, default=0)
    title = StringField(
        _l("Title of the step"),
        validators=[Length(max=160)],
        description=_l("Leave the title or the duration empty to take the tool's."),
    )
    duration_minutes = _minutes_field(_l("Duration (minutes)"), MAX_STEP_MINUTES, required=False)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])

    def __init__(self, *args, tools=(), **kwargs):
        kwargs.setdefault("prefix", "step")
        super().__init__(*args, **kwargs)
        self.tool_id.choices = [
            SelectChoice(0, _l("— No tool (welcome, break, a moment…)")),
            *(SelectChoice(t.id, f"{t.name} · {t.duration_minutes} min") for t in tools),
        ]

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "tool_id": self.tool_id.data or None,
            "duration_minutes": self.duration_minutes.data,
            "notes": self.notes.data,
        }


class SaveTemplateForm(Form):
    name = StringField(
        _l("Name of the template"),
        validators=[DataRequired(_l("Give the template a name.")), Length(max=160)],
        description=_l("For example: Discovering the health system"),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "template")
        super().__init__(*args, **kwargs)


class ApplyTemplateForm(Form):
    template_id = SelectField(
        _l("Template"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Choose a template."))],
    )

    def __init__(self, *args, templates=(), **kwargs):
        kwargs.setdefault("prefix", "apply")
        super().__init__(*args, **kwargs)
        self.template_id.choices = [
            SelectChoice(0, _l("— Choose a template")),
            *(SelectChoice(t.id, t.name) for t in templates),
        ]


class DuplicateCycleForm(Form):
    title = StringField(
        _l("Title of the new cycle"),
        validators=[DataRequired(_l("Give the cycle a title.")), Length(max=160)],
    )
    first_session_on = DateField(
        _l("Date of the first session"),
        validators=[DataRequired(_l("Choose a valid date."))],
        description=_l("The other sessions move by the same number of days."),
    )
