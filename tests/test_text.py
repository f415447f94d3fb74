"""The one text validation (core.text) and the base form that applies it everywhere."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm

import facilitation
from facilitation.core import text
from facilitation.core.forms import Form


def test_lone_surrogate_is_refused():
    with pytest.raises(text.TextRefused) as refused:
        text.clean("mot\ud800", limit=30)
    assert refused.value.code == "invalid"


def test_not_a_string_is_refused():
    for value in (12, ["a"], {"a": 1}, 1.5, True):
        with pytest.raises(text.TextRefused):
            text.clean(value, limit=30)


def test_bidi_overrides_and_controls_are_removed():
    assert text.clean("abc\u202edef\u2066g\u2069", limit=30) == "abcdefg"
    assert text.clean("a\x00b\x07c\x1bd", limit=30) == "abcd"
    assert text.clean("un\tdeux\nTrois", limit=30) == "un deux Trois"


def test_marks_needed_by_arabic_persian_and_emoji_are_kept():
    persian = "می\u200cخواهم"  # ZWNJ inside a Dari/Persian word
    family = "👨\u200d👩\u200d👧"
    assert text.clean(persian, limit=30) == persian
    assert text.clean(family, limit=30) == family
    assert text.clean("\u200fمرحبا", limit=30) == "\u200fمرحبا"


def test_nfc_then_length_in_characters():
    decomposed = "e\u0301" * 10  # ten « é » typed as e + combining accent
    assert text.clean(decomposed, limit=10) == "é" * 10
    with pytest.raises(text.TextRefused) as refused:
        text.clean("é" * 11, limit=10)
    assert refused.value.code == "too_long"


def test_multiline_keeps_lines_and_folds_blank_runs():
    assert text.clean("  a  b \r\n\r\n\r\n\r\nc\u2028d ", limit=50, multiline=True) == (
        "a b\n\nc\nd"
    )


def test_empty_after_cleaning_is_refused_unless_optional():
    with pytest.raises(text.TextRefused):
        text.clean(" \u202e\x00 ", limit=10)
    assert text.clean_optional(" \u202e ", limit=10) == ""
    assert text.clean_optional(None, limit=10) == ""


def _app_forms():
    for module in pkgutil.walk_packages(facilitation.__path__, "facilitation."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    seen, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("facilitation."):
                seen.append(sub)
    return seen


def test_every_form_of_the_app_goes_through_the_text_validation():
    forms = _app_forms()
    assert len(forms) > 10
    outside = [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, Form)]
    assert outside == []


def test_base_form_cleans_text_fields_but_not_passwords(app):
    from facilitation.accounts.forms import LoginForm
    from facilitation.participants.forms import participant_form_class
    from facilitation.spaces.models import Space

    with app.test_request_context(
        method="POST",
        data={"pseudonym": "Coli\u202ebri ", "notes_7": "ligne 1\r\n\x07ligne 2"},
    ):
        form = participant_form_class([Space(id=7, name="Arnaud Bernard")])()
        assert form.pseudonym.data == "Colibri"
        assert form.notes_7.data == "ligne 1\nligne 2"
    with app.test_request_context(method="POST", data={"password": " a\u202eb "}):
        assert LoginForm().password.data == " a\u202eb "
