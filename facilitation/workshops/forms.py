from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form
from .services import SessionData


class CycleForm(Form):
    title = StringField(
        _l("Title of the cycle"),
        validators=[DataRequired(_l("Give the cycle a title.")), Length(max=160)],
        description=_l("For example: Tronc commun — reclaiming one's health"),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])


class SessionForm(Form):
    theme = StringField(
        _l("Theme"),
        validators=[DataRequired(_l("Give the session a theme.")), Length(max=160)],
    )
    starts_on = DateField(
        _l("Date"),
        validators=[DataRequired(_l("Choose a valid date."))],
    )
    starts_at = TimeField(
        _l("Start time"), validators=[DataRequired(_l("Choose a valid start time."))]
    )
    ends_at = TimeField(_l("End time"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Length(max=160)])
    notes = TextAreaField(
        _l("Notes for the team"),
        validators=[Length(max=4000)],
        description=_l(
            "Material, invited partners… Do not write any health information about anyone."
        ),
    )

    def to_data(self) -> SessionData:
        return SessionData(
            theme=self.theme.data,
            starts_on=self.starts_on.data,
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            place=self.place.data or "",
            notes=self.notes.data or "",
        )
