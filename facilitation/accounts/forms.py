"""Staff account forms. Error messages are French through Babel."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import Form
from .models import Role
from .passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field(label=None):
    return EmailField(
        label or _l("E-mail address"),
        render_kw={"autocomplete": "email", "inputmode": "email"},
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("This e-mail address does not look right."), check_deliverability=False),
            Length(max=254),
        ],
    )


def _new_password_fields():
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Confirm the password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are different.")),
        ],
    )
    return password, confirm


class LoginForm(Form):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(_l("Enter your password."))],
    )


class SetupForm(Form):
    organisation_name = StringField(
        _l("Name of your structure"),
        validators=[DataRequired(_l("Give the name of your structure.")), Length(max=120)],
    )
    display_name = StringField(
        _l("Your name"),
        render_kw={"autocomplete": "name"},
        validators=[
            DataRequired(_l("Give a name your colleagues will recognise.")),
            Length(max=80),
        ],
    )
    email = _email_field()
    password, confirm = _new_password_fields()


class AcceptInvitationForm(Form):
    display_name = StringField(
        _l("Your name"),
        render_kw={"autocomplete": "name"},
        validators=[
            DataRequired(_l("Give a name your colleagues will recognise.")),
            Length(max=80),
        ],
    )
    email = _email_field()
    password, confirm = _new_password_fields()


class InvitationForm(Form):
    label = StringField(
        _l("For whom (to recognise the link)"),
        validators=[Optional(), Length(max=120)],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.MEDIATOR.value, _l("Mediator")),
            SelectChoice(Role.COORDINATOR.value, _l("Coordinator")),
        ],
        default=Role.MEDIATOR.value,
    )
    spaces = MultiCheckboxField(_l("Spaces they will join"), coerce=int)


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(_l("Enter your current password."))],
    )
    password, confirm = _new_password_fields()


class CodeForm(Form):
    """The second step of a login, or the proof asked before turning 2FA off."""

    code = StringField(
        _l("Code"),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "text",
            "autocapitalize": "characters",
            "spellcheck": "false",
        },
        description=_l(
            "The 6 digits shown by your authenticator app, or one of your recovery codes."
        ),
        validators=[DataRequired(_l("Type the code.")), Length(max=20)],
    )


class EnrolForm(Form):
    code = StringField(
        _l("Code shown by the app"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
        description=_l("6 digits. A new code appears every 30 seconds."),
        validators=[DataRequired(_l("Type the code.")), Length(max=20)],
    )


class ConfirmPasswordForm(Form):
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "current-password"},
        validators=[DataRequired(_l("Enter your password."))],
    )


class RoleForm(Form):
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.MEDIATOR.value, _l("Mediator")),
            SelectChoice(Role.COORDINATOR.value, _l("Coordinator")),
        ],
    )


class TwoFactorRequirementForm(Form):
    required = BooleanField(_l("Require two-factor authentication of every member of staff"))
