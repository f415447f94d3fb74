"""Forms of the bilans (every text field through core.text, via core.forms.Form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import Form
from .models import BilanScope


class StartForm(Form):
    template_id = SelectField(_l("Template"), coerce=int)
    scope = RadioField(
        _l("The bilan is about"),
        choices=[
            SelectChoice(BilanScope.SESSION.value, _l("this workshop session")),
            SelectChoice(BilanScope.CYCLE.value, _l("the whole cycle")),
            SelectChoice(BilanScope.PROJECT.value, _l("a collective project")),
            SelectChoice(BilanScope.SPACE_YEAR.value, _l("the space's year")),
        ],
        default=BilanScope.CYCLE.value,
    )
    project_id = SelectField(_l("Project"), coerce=int, validators=[Optional()])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])


class TemplateForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    questions = TextAreaField(
        _l("Questions, one per line"), validators=[DataRequired(), Length(max=2500)]
    )
    with_meteo = BooleanField(_l("Start with a météo (how do you feel?)"))


class ReopenForm(Form):
    reason = StringField(
        _l("Why reopen it?"),
        validators=[DataRequired(_l("Say why the bilan is reopened.")), Length(max=300)],
    )
