"""Participant-facing strings are translated in every supported language.

"Participant-facing" is what a person sees on their phone, on the projector or on /moi:
the templates and modules listed below (keep the list in step when such a page is added;
docs/languages.md says how). French, Arabic and the languages of the publics (Romanian,
Dari, Tigrinya: machine translations to be reviewed) must have every one of these strings;
English is the source language. Staff pages are not checked here (French-first).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "facilitation" / "templates"
TRANSLATIONS = ROOT / "facilitation" / "translations"

PARTICIPANT_TEMPLATES = (
    "_flashes.html",
    "_language_links.html",
    "_macros.html",
    "live/phone_base.html",
    "live/join.html",
    "live/join_code.html",
    "live/_language_first.html",
    "live/phone.html",
    "live/_phone_activity.html",
    "live/_macros.html",
    "live/_results.html",
    "live/kinds/_form.html",
    "live/kinds/_self_assessment_form.html",
    "live/kinds/_self_assessment_results.html",
    "live/kinds/_senscheck_form.html",
    "live/kinds/_senscheck_results.html",
    # The projector
    "live/screen.html",
    "live/_screen_activity.html",
    "live/_screen_results.html",
    "live/_connected.html",
    # A co-animating phone drives the board (and the timer) with these buttons
    "live/_control_buttons.html",
    # Bilans: the phone page, the projector and "Nos bilans" in /moi
    "bilans/phone.html",
    "bilans/_phone.html",
    "bilans/screen.html",
    "bilans/_screen.html",
    "bilans/me_index.html",
    "bilans/me_bilan.html",
    # /moi and "Mes projets"
    "participants/me.html",
    "participants/me_data.html",
    "participants/me_erase.html",
    "participants/me_link.html",
    "participants/me_phone.html",
    "participants/me_unknown.html",
    "participants/_journey.html",
    "participants/_phones.html",
    "projects/phone_base.html",
    "projects/me_index.html",
    "projects/me_project.html",
    "projects/me_action.html",
    "projects/me_propose.html",
    "projects/_me_project.html",
)
PARTICIPANT_MODULES = (
    "facilitation/live/routes/phones.py",
    "facilitation/live/phone_forms.py",
    "facilitation/bilans/routes/phones.py",
    # step labels, figures and titles shown on the phones, the projector and /moi
    "facilitation/bilans/services/bilans.py",
)
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
SOURCE_LANGUAGE = "en"


def participant_strings() -> set[str]:
    found: set[str] = set()
    sources = [("jinja2", TEMPLATES / name) for name in PARTICIPANT_TEMPLATES]
    sources += [("python", ROOT / name) for name in PARTICIPANT_MODULES]
    for method, path in sources:
        assert path.is_file(), f"{path} is listed as participant-facing but does not exist"
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


SUPPORTED = ("fr", "ar", "ro", "fa", "ti")  # with the source language: config LANGUAGES


def test_the_checked_languages_are_the_supported_ones(app):
    assert set(app.config["LANGUAGES"]) == {SOURCE_LANGUAGE, *SUPPORTED}


def test_the_list_covers_the_pages_people_see():
    strings = participant_strings()
    assert len(strings) > 150
    for expected in ("Join a session", "Send", "Received", "Connecting…", "Join with your phone"):
        assert expected in strings


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_participant_string_is_translated(language):
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"no catalogue for {language}"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    missing = []
    for msgid in sorted(participant_strings()):
        message = catalog.get(msgid)
        strings = () if message is None else message.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or "fuzzy" in message.flags or not all(strings):
            missing.append(msgid)
    assert missing == [], f"{language}: {len(missing)} participant strings untranslated"


@pytest.mark.parametrize("language", ["ro", "fa", "ti"])
def test_machine_translations_say_they_await_a_speaker(language):
    header = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    assert "à relire par un·e locuteur·rice" in header.split('msgid ""', 1)[0]
    assert f"`{language}`" in (ROOT / "docs" / "languages.md").read_text("utf-8")


# Wording on phone pages (FALC): no point médian, and none of these words.
FALC_AVOIDED = ("·", "facultatif", "gommette", "définitivement")


def test_french_participant_strings_follow_easy_to_read_rules():
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    found = {}
    for msgid in participant_strings():
        strings = catalog.get(msgid).string
        for text in strings if isinstance(strings, tuple) else (strings,):
            words = [word for word in FALC_AVOIDED if word in text]
            if words:
                found[msgid] = (text, words)
    assert found == {}
