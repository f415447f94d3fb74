"""Forms of the indicators: they read the input; the rules are in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..accounts.forms import MultiCheckboxField
from ..core.forms import Form
from ..live import kinds
from . import definitions, grids
from .activity_log import PARTNER_MAX, PEOPLE_MAX, WEEK_LINES
from .barriers import ANSWER_MAX, DESCRIPTION_MAX, INSTITUTION_MAX
from .barriers import PEOPLE_MAX as BARRIER_PEOPLE_MAX
from .models import MAX_THRESHOLD, MIN_THRESHOLD, BarrierCategory, LogKind

NO_NAMES = _l(
    "No name, no e-mail address, no phone number, no health information: write what "
    "happened, not who it happened to."
)


class WholeNumberField(IntegerField):
    """A whole number; anything else gets one clear message instead of WTForms' own."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Give a whole number.")) from None


class DayField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Give a date (day, month, year).")) from None


def log_kind_choices():
    return [SelectChoice(k.value, definitions.LOG_LABELS[k]) for k in LogKind]


def barrier_category_choices():
    return [SelectChoice(c.value, definitions.BARRIER_LABELS[c]) for c in BarrierCategory]


class ThresholdForm(Form):
    threshold = WholeNumberField(
        _l("Small-cell threshold"),
        validators=[
            DataRequired(_l("Give a whole number.")),
            NumberRange(MIN_THRESHOLD, MAX_THRESHOLD, _l("Between %(min)d and %(max)d.")),
        ],
        description=_l(
            "Counts of people below this number are hidden on the indicators and in every "
            "export. 5 is the usual choice; a higher threshold hides more."
        ),
    )


class LogEntryForm(Form):
    kind = RadioField(
        _l("What was done"),
        choices=log_kind_choices,
        validators=[DataRequired(_l("Choose the kind of work."))],
    )
    space_id = SelectField(_l("Space"), coerce=str, validate_choice=False)
    occurred_on = DayField(
        _l("Date"), validators=[DataRequired(_l("Give a date (day, month, year)."))]
    )
    people = WholeNumberField(
        _l("Number of people"),
        default=1,
        validators=[
            DataRequired(_l("Give a whole number.")),
            NumberRange(1, PEOPLE_MAX, _l("Between %(min)d and %(max)d.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": PEOPLE_MAX},
    )
    partner = StringField(
        _l("Partner or service (optional)"),
        validators=[Length(max=PARTNER_MAX)],
        description=_l("A service or a partner, never a person: « PASS de l'hôpital », « CPAM »."),
    )


DAY_CHOICES = [
    SelectChoice("", "—"),
    SelectChoice("0", _l("Monday")),
    SelectChoice("1", _l("Tuesday")),
    SelectChoice("2", _l("Wednesday")),
    SelectChoice("3", _l("Thursday")),
    SelectChoice("4", _l("Friday")),
    SelectChoice("5", _l("Saturday")),
    SelectChoice("6", _l("Sunday")),
]


class WeekForm(Form):
    space_id = SelectField(_l("Space"), coerce=str, validate_choice=False)
    monday = DayField(
        _l("Week of"),
        validators=[DataRequired(_l("Give a date (day, month, year)."))],
        description=_l("Any day of the week: the lines go to its Monday … Sunday."),
    )

    def line_fields(self, n: int):
        return tuple(getattr(self, f"{name}_{n}") for name in ("day", "kind", "people", "partner"))


for _n in range(WEEK_LINES):
    setattr(
        WeekForm,
        f"day_{_n}",
        SelectField(_l("Day"), choices=DAY_CHOICES, default="", validate_choice=False),
    )
    setattr(
        WeekForm,
        f"kind_{_n}",
        SelectField(
            _l("What was done"),
            choices=lambda: [SelectChoice("", "—"), *log_kind_choices()],
            default="",
            validate_choice=False,
        ),
    )
    setattr(
        WeekForm,
        f"people_{_n}",
        WholeNumberField(
            _l("People"),
            validators=[Optional(), NumberRange(1, PEOPLE_MAX, _l("Between %(min)d and %(max)d."))],
            render_kw={"inputmode": "numeric", "min": 1, "max": PEOPLE_MAX},
        ),
    )
    setattr(
        WeekForm,
        f"partner_{_n}",
        StringField(_l("Partner or service"), validators=[Length(max=PARTNER_MAX)]),
    )


def grid_form(grid: grids.Grid) -> type[Form]:
    """A form with, for each line of the grid, its rating and a comment."""

    class GridForm(Form):
        filled_on = DayField(
            _l("Filled on"), validators=[DataRequired(_l("Give a date (day, month, year)."))]
        )

    choices = [SelectChoice(value, label) for value, label in grid.scale] + [
        SelectChoice("", _l("Not rated"))
    ]
    for item in grid.items:
        setattr(
            GridForm,
            f"{item.key}-rating",
            RadioField(_l("Rating"), choices=choices, default="", validate_choice=True),
        )
        setattr(
            GridForm,
            f"{item.key}-comment",
            TextAreaField(_l("Comment"), validators=[Length(max=grids.COMMENT_MAX)]),
        )
    return GridForm


GRID_FORMS = {name: grid_form(grid) for name, grid in grids.GRIDS.items()}


class ObjectiveForm(Form):
    year = WholeNumberField(_l("Year"), validators=[DataRequired(_l("Give a whole number."))])
    scope = SelectField(_l("Scope"), coerce=str, validate_choice=False)
    indicator = SelectField(_l("Indicator"), coerce=str, validate_choice=False)
    target = WholeNumberField(
        _l("Target"),
        validators=[DataRequired(_l("Give a whole number.")), NumberRange(1, 1_000_000)],
        description=_l(
            "Specific, measurable, achievable, realistic, time-bound: a number to reach."
        ),
    )
    title = StringField(
        _l("The objective in a sentence (optional)"),
        validators=[Length(max=200)],
        description=_l("For example: « 30 distinct people in the tronc commun in 2027 »."),
    )


class BarrierForm(Form):
    category = SelectField(_l("Category"), choices=barrier_category_choices)
    space_id = SelectField(_l("Space"), coerce=str, validate_choice=False)
    occurred_on = DayField(
        _l("Date"), validators=[DataRequired(_l("Give a date (day, month, year)."))]
    )
    institution = StringField(
        _l("Service or institution concerned"),
        validators=[
            DataRequired(_l("Say which service or institution.")),
            Length(max=INSTITUTION_MAX),
        ],
        description=_l("For example: « Cabinet dentaire du quartier », « CPAM », « Préfecture »."),
    )
    description = TextAreaField(
        _l("What happened"),
        validators=[DataRequired(_l("Describe what happened.")), Length(max=DESCRIPTION_MAX)],
        description=NO_NAMES,
    )
    people = WholeNumberField(
        _l("People concerned"),
        default=1,
        validators=[
            DataRequired(_l("Give a whole number.")),
            NumberRange(1, BARRIER_PEOPLE_MAX, _l("Between %(min)d and %(max)d.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    contribution_id = HiddenField()


class TransmitForm(Form):
    to = StringField(
        _l("Passed on to"),
        validators=[DataRequired(_l("Say to whom.")), Length(max=INSTITUTION_MAX)],
        description=_l("A partner or an institution: « Délégation territoriale de l'ARS »."),
    )
    on = DayField(_l("On"), validators=[DataRequired(_l("Give a date (day, month, year)."))])


class CloseForm(Form):
    outcome = RadioField(
        _l("Outcome"),
        choices=[
            SelectChoice("answered", _l("An answer was received")),
            SelectChoice("no_answer", _l("No answer")),
        ],
        validators=[DataRequired(_l("Choose one."))],
    )
    on = DayField(_l("On"), validators=[DataRequired(_l("Give a date (day, month, year)."))])
    answer = TextAreaField(
        _l("What the answer said (optional)"),
        validators=[Length(max=ANSWER_MAX)],
        description=NO_NAMES,
    )


def statement_choices(catalogue: dict) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in catalogue.items()]


class SelfAssessmentForm(Form):
    moment = RadioField(
        _l("When"),
        choices=[
            SelectChoice("t0", _l("T0: start of the cycle")),
            SelectChoice("t1", _l("T1: end of the cycle")),
            SelectChoice("t1-professionals", _l("T1: partner professionals (guests)")),
        ],
        default="t0",
    )
    statements = MultiCheckboxField(
        _l("Statements for participants"),
        choices=lambda: statement_choices(kinds.STATEMENTS),
        validate_choice=False,
    )
    professional_statements = MultiCheckboxField(
        _l("Statements for partner professionals"),
        choices=lambda: statement_choices(kinds.PROFESSIONAL_STATEMENTS),
        validate_choice=False,
    )
    own = TextAreaField(
        _l("Your own statements (optional), one per line"),
        validators=[Length(max=800)],
        description=_l("Short first-person sentences: « Je sais prendre un rendez-vous »."),
    )
    prompt = StringField(
        _l("Title on the board"),
        validators=[DataRequired(_l("Write the question or the statement.")), Length(max=300)],
    )
