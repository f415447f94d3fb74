"""Preparing workshops over HTTP: pages, htmx fragments, refused forms (422, input kept)."""

from __future__ import annotations

import re
from datetime import date, time

import sqlalchemy as sa

from facilitation.accounts.models import Role
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.planning import services
from facilitation.planning.models import PlanItem, SessionTemplate, Tool
from facilitation.planning.services import ToolData
from facilitation.workshops.models import Cycle

from .. import factories
from ..conftest import text_of

HTMX = {"HX-Request": "true"}
POLL = {"choices": [{"label": "Oui", "icon": ""}, {"label": "Non", "icon": ""}], "multiple": False}


def _tool(world, name="Débat mouvant", minutes=30, material="Ruban adhésif au sol"):
    return services.create_tool(
        world.mediator,
        ToolData(name=name, duration_minutes=minutes, material=material, activity_kinds=["debate"]),
    )


def _no_inline_style_or_script(html: str) -> None:
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# --- tools ------------------------------------------------------------------------------


def test_tools_page_lists_the_library_and_adds_a_tool_in_place(client, auth, world):
    _tool(world)
    auth.login(world.mediator)
    page = client.get("/outils")
    assert page.status_code == 200
    assert "Débat mouvant" in text_of(page) and "Ruban adhésif au sol" in text_of(page)
    _no_inline_style_or_script(page.get_data(as_text=True))

    response = client.post(
        "/outils/nouveau",
        data={
            "name": "Photolangage",
            "duration_minutes": "40",
            "description": "Choisir une photo",
            "material": "Photos",
            "activity_kinds": ["wordcloud"],
            "co_built": "y",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="tool-form"' in html and 'id="tools" hx-swap-oob="true"' in html
    assert "Photolangage" in html
    created = db.session.scalar(sa.select(Tool).where(Tool.name == "Photolangage"))
    assert created.co_built and created.activity_kinds == ["wordcloud"]
    assert created.organisation_id == world.org.id


def test_a_refused_tool_keeps_what_was_typed(client, auth, world):
    _tool(world)
    auth.login(world.mediator)
    for headers in (HTMX, {}):
        response = client.post(
            "/outils/nouveau",
            data={"name": "Débat mouvant", "duration_minutes": "25", "material": "Craies"},
            headers=headers,
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Un outil porte déjà ce nom" in text_of(response) or "already" in html
        assert 'value="25"' in html and "Craies" in html
    bad = client.post("/outils/nouveau", data={"name": "Météo", "duration_minutes": "0"})
    assert bad.status_code == 422 and 'value="Météo"' in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Tool.id))) == 1


def test_edit_a_tool_and_another_organisation_s_tool_is_404(client, auth, world):
    tool = _tool(world)
    auth.login(world.other_mediator)
    assert client.get(f"/outils/{tool.id}/modifier").status_code == 200
    response = client.post(
        f"/outils/{tool.id}/modifier",
        data={"name": "Débat mouvant", "duration_minutes": "35", "activity_kinds": ["debate"]},
    )
    assert response.status_code == 302
    db.session.refresh(tool)
    assert tool.duration_minutes == 35

    stranger = factories.user(factories.organisation("Autre"), Role.COORDINATOR)
    auth.logout()
    auth.login(stranger)
    assert client.get(f"/outils/{tool.id}/modifier").status_code == 404
    assert client.post(f"/outils/{tool.id}/modifier", data={"name": "x"}).status_code == 404
    assert "Ruban adhésif au sol" not in text_of(client.get("/outils"))


# --- the plan on the session page ----------------------------------------------------------


def test_session_page_shows_the_plan_with_start_times_and_total(client, auth, world):
    tool = _tool(world)
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=15)
    services.add_plan_item(world.mediator, world.session, tool_id=tool.id)
    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "14:00 , Accueil · 15 min" in text and "14:15 , Débat mouvant · 30 min" in text
    assert "45 min" in text and "14:45" in text
    html = page.get_data(as_text=True)
    assert 'id="plan"' in html and f'action="/seances/{world.session.id}/plan"' in html
    assert f'href="/seances/{world.session.id}/fiche"' in html
    _no_inline_style_or_script(html)


def test_add_a_step_plain_and_with_htmx(client, auth, world):
    tool = _tool(world)
    auth.login(world.mediator)
    url = f"/seances/{world.session.id}/plan"
    plain = client.post(url, data={"step-tool_id": str(tool.id), "step-title": ""})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("#plan")
    fragment = client.post(
        url,
        data={"step-tool_id": "0", "step-title": "Pause", "step-duration_minutes": "10"},
        headers=HTMX,
    )
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith("<section") or 'id="plan"' in html
    assert "<html" not in html
    assert "14:30" in text_of(fragment) and "Pause" in text_of(fragment)
    assert [(i.title, i.duration_minutes) for i in services.plan_items(world.session)] == [
        ("Débat mouvant", 30),
        ("Pause", 10),
    ]


def test_a_refused_step_is_422_and_keeps_the_input(client, auth, world):
    auth.login(world.mediator)
    url = f"/seances/{world.session.id}/plan"
    data = {"step-title": "Jeu de rôle", "step-duration_minutes": "0", "step-notes": "Scénario 2"}
    for headers in (HTMX, {}):
        response = client.post(url, data=data, headers=headers)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert 'value="Jeu de rôle"' in html and "Scénario 2" in html
        assert 'aria-invalid="true"' in html
    no_title = client.post(url, data={"step-duration_minutes": "10"}, headers=HTMX)
    assert no_title.status_code == 422
    assert "choisissez un outil" in text_of(no_title).lower() or "tool" in text_of(no_title)
    assert services.plan_items(world.session) == []


def test_choosing_a_tool_prefills_title_and_duration(client, auth, world):
    tool = _tool(world, minutes=35)
    auth.login(world.mediator)
    url = f"/seances/{world.session.id}/plan/etape"
    fragment = client.get(
        url,
        query_string={"step-tool_id": tool.id, "step-title": "", "step-duration_minutes": ""},
        headers=HTMX,
    )
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert 'value="Débat mouvant"' in html and 'value="35"' in html
    # a title typed by hand is kept
    kept = client.get(
        url, query_string={"step-tool_id": tool.id, "step-title": "Mon débat"}, headers=HTMX
    )
    assert 'value="Mon débat"' in kept.get_data(as_text=True)
    assert "<html" in client.get(url).get_data(as_text=True)  # a plain page without htmx


def test_move_edit_and_remove_steps(client, auth, world):
    a = services.add_plan_item(world.mediator, world.session, title="A", duration_minutes=10)
    b = services.add_plan_item(world.mediator, world.session, title="B", duration_minutes=20)
    auth.login(world.mediator)
    moved = client.post(f"/etapes/{b.id}/deplacer", data={"to": "up"}, headers=HTMX)
    assert moved.status_code == 200 and 'id="plan"' in moved.get_data(as_text=True)
    assert [i.title for i in services.plan_items(world.session)] == ["B", "A"]
    assert client.post(f"/etapes/{b.id}/deplacer", data={"to": "down"}).status_code == 302
    assert client.get(f"/etapes/{a.id}/modifier").status_code == 200
    refused = client.post(
        f"/etapes/{a.id}/modifier", data={"step-title": "A bis", "step-duration_minutes": "999"}
    )
    assert refused.status_code == 422 and 'value="A bis"' in refused.get_data(as_text=True)
    saved = client.post(
        f"/etapes/{a.id}/modifier", data={"step-title": "A bis", "step-duration_minutes": "12"}
    )
    assert saved.status_code == 302
    removed = client.post(f"/etapes/{b.id}/supprimer", headers=HTMX)
    assert removed.status_code == 200
    assert [(i.title, i.duration_minutes) for i in services.plan_items(world.session)] == [
        ("A bis", 12)
    ]


def test_another_space_s_session_plan_is_404(client, auth, world):
    item = services.add_plan_item(world.mediator, world.session, title="A", duration_minutes=10)
    auth.login(world.other_mediator)
    assert (
        client.post(f"/seances/{world.session.id}/plan", data={"step-title": "x"}).status_code
        == 404
    )
    assert client.post(f"/etapes/{item.id}/supprimer").status_code == 404
    assert client.get(f"/seances/{world.session.id}/fiche").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(PlanItem.id))) == 1


# --- templates ------------------------------------------------------------------------------


def test_save_and_apply_a_template_over_http(client, auth, world):
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=15)
    board = live.board_for_session(world.mediator, world.session)
    live.add_activity(world.mediator, board, kind="poll", prompt="Qui ?", config=POLL)
    auth.login(world.mediator)
    saved = client.post(
        f"/seances/{world.session.id}/modele",
        data={"template-name": "Atelier type", "template-description": ""},
        headers=HTMX,
    )
    assert saved.status_code == 200 and "Atelier type" in text_of(saved)
    template = db.session.scalar(sa.select(SessionTemplate))
    assert len(template.steps) == 1 and len(template.activities) == 1

    duplicate = client.post(
        f"/seances/{world.session.id}/modele", data={"template-name": "Atelier type"}
    )
    assert duplicate.status_code == 422 and 'value="Atelier type"' in duplicate.get_data(
        as_text=True
    )

    page = client.get("/modeles")
    assert page.status_code == 200 and "Atelier type" in text_of(page) and "Qui ?" in text_of(page)

    target = factories.session(world.cycle, theme="Suite")
    missing = client.post(f"/seances/{target.id}/appliquer-modele", data={"apply-template_id": "0"})
    assert missing.status_code == 422
    applied = client.post(
        f"/seances/{target.id}/appliquer-modele",
        data={"apply-template_id": str(template.id)},
        headers=HTMX,
    )
    assert applied.status_code == 200
    assert "Accueil" in text_of(applied) and "Qui ?" in text_of(applied)
    assert [i.title for i in services.plan_items(target)] == ["Accueil"]
    assert [a.prompt for a in services.session_activities(world.mediator, target)] == ["Qui ?"]


def test_another_organisation_s_template_is_404(client, auth, world):
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=15)
    template = services.save_as_template(world.mediator, world.session, name="Atelier type")
    org = factories.organisation("Autre")
    stranger = factories.user(org, Role.COORDINATOR)
    space = factories.space(org, "Ailleurs")
    session = factories.session(factories.cycle(space))
    auth.login(stranger)
    response = client.post(
        f"/seances/{session.id}/appliquer-modele", data={"apply-template_id": str(template.id)}
    )
    assert response.status_code == 404
    assert client.post(f"/modeles/{template.id}/supprimer").status_code == 404
    assert "Atelier type" not in text_of(client.get("/modeles"))
    assert services.plan_items(session) == []


# --- duplicate, calendar, sheet --------------------------------------------------------------


def test_duplicate_a_cycle_over_http(client, auth, world):
    auth.login(world.mediator)
    page = client.get(f"/cycles/{world.cycle.id}/dupliquer")
    assert page.status_code == 200 and 'value="Tronc commun"' in page.get_data(as_text=True)
    refused = client.post(
        f"/cycles/{world.cycle.id}/dupliquer", data={"title": "Saison 2", "first_session_on": ""}
    )
    assert refused.status_code == 422 and 'value="Saison 2"' in refused.get_data(as_text=True)
    done = client.post(
        f"/cycles/{world.cycle.id}/dupliquer",
        data={"title": "Saison 2", "first_session_on": "2027-09-07"},
    )
    assert done.status_code == 302
    copy = db.session.scalar(sa.select(Cycle).where(Cycle.title == "Saison 2"))
    assert done.headers["Location"].endswith(f"/cycles/{copy.id}")
    assert [s.starts_on for s in copy.sessions] == [date(2027, 9, 7)]
    assert "Dupliquer" in text_of(client.get(f"/cycles/{world.cycle.id}"))


def test_calendar_month_view_is_an_accessible_table(client, auth, world):
    world.session.starts_on = date(2026, 11, 10)
    world.session.starts_at = time(9, 30)
    db.session.commit()
    auth.login(world.mediator)
    page = client.get(f"/espaces/{world.space.id}/calendrier?mois=2026-11")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<caption>novembre 2026" in html
    assert html.count('<th scope="col">') == 7 and '<th scope="col">lundi</th>' in html
    assert f'href="/seances/{world.session.id}"' in html and "09:30" in html
    assert "?mois=2026-10" in html and "?mois=2026-12" in html
    assert html.count("<tr>") == 1 + 6  # header row and six weeks
    _no_inline_style_or_script(html)
    space_page = client.get(f"/espaces/{world.space.id}").get_data(as_text=True)
    assert f'href="/espaces/{world.space.id}/calendrier"' in space_page


def test_calendar_highlights_today_and_survives_a_bad_month(client, auth, world):
    auth.login(world.mediator)
    html = client.get(f"/espaces/{world.space.id}/calendrier?mois=n'importe").get_data(as_text=True)
    assert html.count('aria-current="date"') == 1 and "cal-today" in html


def test_calendar_list_view(client, auth, world):
    factories.session(world.cycle, theme="Il y a longtemps", starts_on=date(2020, 3, 3))
    auth.login(world.mediator)
    page = client.get(f"/espaces/{world.space.id}/calendrier?vue=liste")
    assert page.status_code == 200
    text = text_of(page)
    assert "mars 2020" in text and "Il y a longtemps" in text and world.session.theme in text
    assert text.index(world.session.theme) < text.index("Il y a longtemps")  # upcoming first
    auth.logout()
    auth.login(world.other_mediator)
    assert client.get(f"/espaces/{world.space.id}/calendrier?vue=liste").status_code == 404


def test_printable_sheet(client, auth, world):
    tool = _tool(world)
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=15)
    services.add_plan_item(world.mediator, world.session, tool_id=tool.id, notes="4 affirmations")
    board = live.board_for_session(world.mediator, world.session)
    live.add_activity(world.mediator, board, kind="poll", prompt="Qui voyez-vous ?", config=POLL)
    world.session.notes = "Inviter la pharmacienne"
    db.session.commit()
    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}/fiche")
    assert page.status_code == 200
    text = text_of(page)
    for expected in (
        world.session.theme,
        "Salle commune",
        "Arnaud Bernard",
        "Tronc commun",
        "14:15 – 14:45",
        "Débat mouvant",
        "4 affirmations",
        "Ruban adhésif au sol",
        "Qui voyez-vous ?",
        board.join_code,
        "Inviter la pharmacienne",
        "45 min",
    ):
        assert expected in text, expected
    html = page.get_data(as_text=True)
    assert re.search(r'<script src="/static/js/print\.[0-9a-f]{12}\.js" defer></script>', html)
    assert "data-print" in html
    _no_inline_style_or_script(html)
    assert client.get("/static/js/print.js").status_code == 200
