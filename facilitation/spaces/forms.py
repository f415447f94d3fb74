from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..accounts.forms import MultiCheckboxField
from ..core.forms import Form
from .models import SpaceKind


class SpaceForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the space a name.")), Length(max=120)],
        description=_l('A neighbourhood ("Arnaud Bernard") or a theme ("douleurs chroniques").'),
    )
    kind = RadioField(
        _l("Kind of space"),
        choices=[
            SelectChoice(SpaceKind.TERRITORIAL.value, _l("Territorial (a neighbourhood)")),
            SelectChoice(SpaceKind.THEMATIC.value, _l("Thematic (a shared concern)")),
        ],
        default=SpaceKind.TERRITORIAL.value,
        validators=[DataRequired(_l("Choose the kind of space."))],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])


class MembersForm(Form):
    members = MultiCheckboxField(_l("Staff of this space"), coerce=int)
