"""The journal's filters (a GET form: nothing is changed, so no CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..core.forms import Form
from . import actions
from .services import PERSON_QUERY_MAX


class JournalFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False

    personne = StringField(
        _l("Person"),
        validators=[Optional(), Length(max=PERSON_QUERY_MAX)],
        description=_l("A pseudonym (or part of it), or the public id of an erased person"),
        render_kw={"autocomplete": "off"},
    )
    # No Optional() here: it would clear the "not a valid choice" error of a blank value.
    membre = SelectField(_l("Staff member"), coerce=str, default="")
    action = SelectField(_l("Action"), coerce=str, default="")
    du = DateField(_l("From"), validators=[Optional()])
    au = DateField(_l("To"), validators=[Optional()])

    def set_choices(self, staff: list[tuple[int, str]]) -> None:
        self.membre.choices = [("", _l("Everyone")), *((str(i), name) for i, name in staff)]
        self.action.choices = [("", _l("Every action")), *actions.choices()]
