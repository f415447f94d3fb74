"""The forms of a participant's phone (joining a board): participant-facing strings only,
so that tests/test_i18n_participants.py holds them to every participant language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from ..core.forms import Form


class JoinCodeForm(Form):
    code = StringField(
        _l("Code shown on the screen"),
        validators=[DataRequired(_l("Type the code shown on the screen.")), Length(max=12)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class JoinForm(Form):
    pseudonym = StringField(
        _l("Your pseudonym (optional)"),
        validators=[Length(max=40, message=_l("At most 40 characters."))],
        description=_l("No real name needed. Leave empty to stay anonymous."),
        render_kw={"autocomplete": "off"},
    )
    language = RadioField(_l("Language"), default="fr")
