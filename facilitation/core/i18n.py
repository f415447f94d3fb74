"""Language choice: French first, English complete, Arabic right-to-left ready.

Participant pages (phones, the projector, /moi, credits) offer every language of
``LANGUAGES``; staff pages only ``STAFF_LANGUAGES`` (a phone's Tigrinya choice does not
turn a staff page into half-English: it is shown in French).
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale
from markupsafe import Markup

LANG_COOKIE = "lang"
# Pages a participant sees (see tests/test_i18n_participants.py for their strings).
PARTICIPANT_PREFIXES = ("/j/", "/ecran/", "/moi/", "/langue/")
PARTICIPANT_PATHS = {"/j", "/moi", "/credits"}


def participant_page() -> bool:
    if not has_request_context():
        return True
    path = request.path
    return path in PARTICIPANT_PATHS or path.startswith(PARTICIPANT_PREFIXES)


def page_languages() -> dict[str, str]:
    languages = current_app.config["LANGUAGES"]
    if participant_page():
        return languages
    staff = current_app.config.get("STAFF_LANGUAGES", tuple(languages))
    return {code: label for code, label in languages.items() if code in staff}


def select_locale() -> str:
    """The language the person chose (cookie), else French."""
    chosen = getattr(g, "forced_locale", None)
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    if has_request_context():
        chosen = request.cookies.get(LANG_COOKIE)
    if chosen in page_languages():
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction() -> str:
    return "rtl" if str(get_locale()) in current_app.config["RTL_LANGUAGES"] else "ltr"


def bdi(value) -> Markup:
    """User content isolated from the text around it (``<bdi>``): an Arabic pseudonym or a
    French theme inside a sentence of the other direction keeps its own order."""
    return Markup("<bdi>{}</bdi>").format(value)


def init_app(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)

    app.add_template_filter(bdi, "bdi")

    @app.context_processor
    def _i18n_context():
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "languages": page_languages(),
            # The phone chose its language (the join pages ask it first otherwise).
            "language_chosen": request.cookies.get(LANG_COOKIE) in app.config["LANGUAGES"],
        }
