"""The base of every form: each text field goes through :mod:`.text` before validation.

``Form`` adds :func:`text.normalise` as the first filter of every ``StringField`` and
``TextAreaField`` (e-mail and search fields included, passwords excluded), so that the
``Length`` validators count characters after normalisation and the value the service
receives — and the value shown back on an error — is the cleaned one.
``tests/test_text.py`` fails when a form of the app does not inherit from it.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from . import text


def _single_line(value):
    return text.normalise(value) if isinstance(value, str) else value


def _multi_line(value):
    return text.normalise(value, multiline=True) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                cleaner = _multi_line if issubclass(field_class, TextAreaField) else _single_line
                filters = options.get("filters") or unbound_field.kwargs.get("filters") or ()
                options["filters"] = (cleaner, *filters)
            return super().bind_field(form, unbound_field, options)
