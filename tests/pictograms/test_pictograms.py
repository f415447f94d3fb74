"""Pictograms: the vendored OpenMoji subset, the Jinja helper, the French picker, credits."""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template_string

from facilitation.pictograms import helpers
from facilitation.pictograms.catalogue import ENTRIES
from facilitation.projects import vocabulary

from ..conftest import text_of


def _static(app) -> Path:
    return Path(app.static_folder)


def test_every_pictogram_has_its_svg_and_the_set_stays_small(app):
    folder = _static(app) / "pictograms"
    for item in helpers.catalogue():
        path = folder / f"{item.hexcode}.svg"
        assert path.is_file(), f"{item.emoji} {item.name}: no {path.name}"
        assert path.read_text(encoding="utf-8").lstrip().startswith("<svg")
    svgs = list(folder.glob("*.svg"))
    assert len(svgs) <= 300
    assert len(svgs) == len({i.hexcode for i in helpers.catalogue()})  # none unused
    assert "Attribution-ShareAlike 4.0" in (folder / "LICENSE.txt").read_text(encoding="utf-8")


def test_french_names_are_unique_and_cover_what_the_app_shows(app):
    names = [name for _e, name, _k in ENTRIES]
    assert len(names) == len(set(names))
    for emoji in ["😞", "🙁", "😐", "🙂", "😄", "⛈️", "🌧️", "☁️", "🌤️", "☀️", "👍", "🤔", "👎"]:
        assert helpers.lookup(emoji), emoji
    for _state, icon, _label in vocabulary.STEP_STATES:
        assert helpers.lookup(icon), icon
    for icon in vocabulary.ICONS:
        assert helpers.lookup(icon), icon


def test_search_by_french_words_ignores_accents_and_case():
    assert helpers.search("hopital")[0].name == "hôpital"
    assert helpers.search("HÔPITAL")[0].name == "hôpital"
    assert "santé mentale" in [p.name for p in helpers.search("sante ment")]
    assert "bus" in [p.name for p in helpers.search("transport")]
    assert helpers.search("météo")  # by keyword
    assert helpers.search("zzzz") == []
    assert len(helpers.search("")) == 48


def test_the_helper_renders_an_image_with_a_hashed_url_and_alt(app):
    with app.test_request_context():
        html = str(helpers.pictogram("🩺", alt=None))
        assert re.search(r'src="/static/pictograms/1FA7A\.[0-9a-f]{12}\.svg"', html)
        assert 'alt="soins"' in html and "<img" in html
        assert 'alt=""' in str(helpers.pictogram("🩺"))  # decorative by default
        assert 'alt="Médecin"' in str(helpers.pictogram("🩺", alt="Médecin"))
        # Not in the catalogue: the emoji as text, hidden when decorative.
        assert str(helpers.pictogram("🦩")) == '<span class="picto" aria-hidden="true">🦩</span>'
        labelled = str(helpers.pictogram("🦩", alt="flamant <rose>"))
        assert 'role="img" aria-label="flamant &lt;rose&gt;"' in labelled
        assert str(helpers.pictogram("")) == ""


def test_scales_and_step_states_use_the_images(app):
    with app.test_request_context():
        weather = render_template_string(
            '{% from "live/_macros.html" import scale_icon %}{{ scale_icon("weather", 5) }}'
        )
        faces = render_template_string(
            '{% from "live/_macros.html" import scale_icon %}{{ scale_icon("faces", 1) }}'
        )
        step = render_template_string(
            '{% from "projects/_macros.html" import state_badge %}'
            "{{ state_badge(state, vocabulary) }}",
            state=vocabulary.StepState.DOING,
            vocabulary=vocabulary,
        )
    assert "/static/pictograms/2600." in weather and "☀" not in weather
    assert "/static/pictograms/1F61E." in faces
    assert "/static/pictograms/1F6A7." in step and 'alt=""' in step


def test_credits_page_shows_the_licence_and_is_linked_from_the_footer(client):
    response = client.get("/credits")
    assert response.status_code == 200
    text = text_of(response)
    assert "OpenMoji" in text and "CC BY-SA 4.0" in text
    assert 'href="/credits"' in client.get("/connexion").get_data(as_text=True)


def test_the_picker_is_for_staff_and_searches_in_french(client, auth, world):
    assert client.get("/pictogrammes?q=bus").status_code == 302  # to the login page
    auth.login(world.mediator)
    page = client.get("/pictogrammes?q=bus")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="icon" value="🚌"' in html and "<h1" in html
    fragment = client.get("/pictogrammes?q=hopital&icon=🏥", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<h1" not in body and 'id="picto-results"' in body
    assert re.search(r'value="🏥" id="picto-1F3E5" checked', body)


def test_the_picker_never_fails_on_odd_input(client, auth, world):
    auth.login(world.mediator)
    for query in ["%ED%A0%80", "x" * 5000, "%3Cscript%3E", "%25", "'", "%FF"]:
        response = client.get(f"/pictogrammes?q={query}&icon={query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_the_picker_page_gives_the_emoji_to_copy_into_a_choice(client, auth, world):
    auth.login(world.mediator)
    html = client.get("/pictogrammes?q=bus").get_data(as_text=True)
    assert 'class="picto-char" readonly value="🚌"' in html
    fragment = client.get("/pictogrammes?q=bus&copy=1", headers={"HX-Request": "true"})
    assert 'value="🚌" aria-label=' in fragment.get_data(as_text=True)
    plain = client.get("/pictogrammes?q=bus", headers={"HX-Request": "true"})
    assert "picto-char" not in plain.get_data(as_text=True)


def test_the_activity_form_links_to_the_picker(client, auth, world):
    auth.login(world.mediator)
    html = client.get(f"/seances/{world.session.id}/tableau").get_data(as_text=True)
    assert 'href="/pictogrammes" target="_blank"' in html
