from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form
from .models import CoAnimationKind

# Next to every free-text field about a person: what must never be written there.
NO_HEALTH_DATA = _l("No health data, no family name: the person can read everything written here.")


class NewcomerForm(Form):
    pseudonym = StringField(
        _l("Pseudonym of the newcomer"),
        validators=[DataRequired(_l("Choose a pseudonym.")), Length(max=40)],
        description=_l("A first name or a nickname they chose, never a family name."),
        render_kw={"autocomplete": "off"},
    )
    brought_by = SelectField(_l("Brought by (optional)"), coerce=str, validate_choice=False)
    # Sent by the "it is someone else" button when someone of the space has that pseudonym.
    same_pseudonym = HiddenField(default="")


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

    def notes_fields(self) -> list[tuple[int, TextAreaField]]:
        """(space id, field) for each team's notes the reader may edit."""
        return [
            (int(name.removeprefix("notes_")), field)
            for name, field in self._fields.items()
            if name.startswith("notes_")
        ]


def participant_form_class(spaces) -> type[ParticipantForm]:
    """The record form with one notes field per space the reader sees the person in:
    each team writes and reads only its own notes."""
    fields = {
        f"notes_{space.id}": TextAreaField(
            _l("Notes of the team · %(space)s", space=space.name),
            validators=[Length(max=2000)],
            description=NO_HEALTH_DATA,
        )
        for space in spaces
    }
    return type("ParticipantFormForSpaces", (ParticipantForm,), fields)


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
    note = StringField(
        _l("In a few words (optional)"),
        validators=[Optional(), Length(max=300)],
        description=NO_HEALTH_DATA,
    )
