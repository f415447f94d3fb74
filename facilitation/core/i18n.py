"""Language choice: French first, English complete, Arabic right-to-left ready."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale
from markupsafe import Markup

LANG_COOKIE = "lang"


def select_locale() -> str:
    """The language the person chose (cookie), else French."""
    languages = current_app.config["LANGUAGES"]
    chosen = getattr(g, "forced_locale", None)
    if chosen is None and has_request_context():
        chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
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
            "languages": app.config["LANGUAGES"],
            # The phone chose its language (the join pages ask it first otherwise).
            "language_chosen": request.cookies.get(LANG_COOKIE) in app.config["LANGUAGES"],
        }
