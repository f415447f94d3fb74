"""Inclusion on the phone: the language first, remembered, changeable; bidi isolation."""

from __future__ import annotations

import re

from .conftest import add
from .test_routes import join

LANGUAGE_LINKS = re.compile(
    r'<a href="/langue/(\w+)\?next=[^"]*" lang="\1" hreflang="\1" dir="(\w+)"'
)


ALL_LANGUAGES = {"fr": "ltr", "en": "ltr", "ar": "rtl", "ro": "ltr", "fa": "rtl", "ti": "ltr"}


def _first_step(html: str) -> str:
    match = re.search(r'<section class="language-first".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_join_pages_ask_the_language_first_each_in_its_own_script(client, board):
    for path in ("/j", f"/j/{board.join_code}"):
        html = client.get(path).get_data(as_text=True)
        step = _first_step(html)
        assert step, path
        # Before the code / the pseudonym.
        assert html.index("language-first") < html.index("<form")
        links = dict(LANGUAGE_LINKS.findall(step))
        assert links == ALL_LANGUAGES
        for label in ("Français", "English", "العربية", "Română", "دری", "ትግርኛ"):
            assert f">{label}</a>" in step, label
    # The code box does not take the focus from the language question.
    assert "autofocus" not in client.get("/j").get_data(as_text=True)


def test_the_choice_is_remembered_and_the_first_step_goes(client, board):
    response = client.get("/langue/ar?next=/j")
    assert response.status_code == 302 and response.headers["Location"].endswith("/j")
    cookie = client.get_cookie("lang")
    assert cookie.value == "ar" and cookie.expires is not None  # kept for a year
    html = client.get("/j").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert not _first_step(html)
    assert "autofocus" in html


def test_every_participant_page_can_change_the_language(app, client, world, board):
    assert join(client, board, "Nour", "fr").status_code == 302
    for path in (f"/j/{board.join_code}", "/j", "/credits"):
        html = client.get(path).get_data(as_text=True)
        footer = html.split('<footer class="site-footer">', 1)[1]
        found = dict(LANGUAGE_LINKS.findall(footer))
        assert found == ALL_LANGUAGES, path
        assert 'href="/credits"' in footer
    assert "next=/j/" + board.join_code in client.get(f"/j/{board.join_code}").get_data(
        as_text=True
    )


def test_user_content_is_isolated_on_the_projector_and_the_staff_plan(client, auth, world, board):
    add(
        world.mediator,
        board,
        prompt="ما رأيك؟ « santé »",
        config={"choices": ["طبيب", "Pharmacie"]},
    )  # the first activity: on the board
    screen = client.get(f"/ecran/{board.join_code}/{board.screen_key}").get_data(as_text=True)
    assert '<h1 class="screen-prompt" dir="auto">ما رأيك؟ « santé »</h1>' in screen
    assert "<bdi>طبيب</bdi>" in screen and "<bdi>Pharmacie</bdi>" in screen
    auth.login(world.mediator)
    control = client.get(f"/seances/{world.session.id}/tableau").get_data(as_text=True)
    assert "<bdi>ما رأيك؟ « santé »</bdi>" in control


def test_a_french_theme_in_an_arabic_sentence_on_moi_is_isolated(app):
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string(
            "{{ _('Came to “%(theme)s”', theme=label|bdi) }}", label="Santé <et> droits"
        )
    assert html == "Présence à «\xa0<bdi>Santé &lt;et&gt; droits</bdi>\xa0»"


def test_staff_pages_offer_only_the_staff_languages_and_stay_in_one(client, auth, world):
    client.get("/langue/ti?next=/j")
    assert '<html lang="ti" dir="ltr">' in client.get("/j").get_data(as_text=True)
    auth.login(world.mediator)
    html = client.get("/tableau-de-bord").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html  # not half-English, half-Tigrinya
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert dict(LANGUAGE_LINKS.findall(footer)) == {"fr": "ltr", "en": "ltr", "ar": "rtl"}


def test_a_phone_in_dari_reads_right_to_left_in_its_language(client, board):
    client.get("/langue/fa?next=/j")
    html = client.get("/j").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    assert "داخل یک جلسه شوید" in html  # "Join a session"
