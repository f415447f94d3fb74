from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form
from .models import CoAnimationKind


class NewcomerForm(Form):
    pseudonym = StringField(
        _l("Pseudonym of the newcomer"),
        validators=[DataRequired(_l("Choose a pseudonym.")), Length(max=40)],
        render_kw={"autocomplete": "off"},
    )
    brought_by = SelectField(_l("Brought by (optional)"), coerce=str, validate_choice=False)


class ParticipantForm(Form):
    pseudonym = StringField(
        _l("Pseudonym"), validators=[DataRequired(_l("Choose a pseudonym.")), Length(max=40)]
    )
    languages = StringField(
        _l("Languages spoken"),
        validators=[Length(max=80)],
        description=_l("For example: arabe, français, tigrinya"),
    )
    consent_journey = BooleanField(_l("Agrees that the team follows their journey"))
    consent_photos = BooleanField(_l("Agrees to be photographed during workshops"))
    consent_testimony = BooleanField(_l("Agrees that their words are quoted anonymously"))
    brought_by = SelectField(_l("Brought by"), coerce=str, validate_choice=False)
    notes = TextAreaField(
        _l("Notes for the team"),
        validators=[Length(max=2000)],
        description=_l(
            "Never write health information, diagnoses or treatments here. The person can "
            "read everything held on them."
        ),
    )


def co_animation_kinds():
    return [
        SelectChoice(
            CoAnimationKind.ANIMATED_TOOL.value, _l("Animated a tool or part of a session")
        ),
        SelectChoice(CoAnimationKind.REUSED_TOOL.value, _l("Reused a tool elsewhere")),
        SelectChoice(CoAnimationKind.PROPOSED_SPACE.value, _l("Proposed a new space")),
        SelectChoice(CoAnimationKind.LED_PROJECT.value, _l("Led a project group")),
    ]


class CoAnimationForm(Form):
    kind = SelectField(_l("What they did"), choices=co_animation_kinds)
    space = SelectField(_l("Space"), coerce=int, validate_choice=False)
    occurred_on = DateField(_l("Date"), validators=[DataRequired(_l("Choose a valid date."))])
    note = StringField(_l("In a few words (optional)"), validators=[Optional(), Length(max=300)])
