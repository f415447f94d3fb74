"""The indicators' pages over HTTP: scopes by role, refused input kept, charts with their
tables, the phone answering a self-assessment."""

from __future__ import annotations

import html
import re
import secrets

import pytest
import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.indicators.models import ActivityLogEntry, Barrier, GridVersion
from facilitation.live import services as live

from ..conftest import text_of
from .conftest import TODAY


@pytest.fixture(autouse=True)
def history_today(monkeypatch):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)


def page(response) -> str:
    return html.unescape(text_of(response))


def test_a_mediator_sees_their_space_not_the_structure_nor_another_space(client, auth, history):
    auth.login(history.mediator)
    response = client.get("/indicateurs?annee=2026")
    assert response.status_code == 200
    assert "Espace « Arnaud Bernard »" in page(response)  # their first space by default
    assert "Grilles qualité (guide de l'ARS)" not in page(response)  # the coordinator's
    assert client.get("/indicateurs?perimetre=structure").status_code == 403
    assert client.get(f"/indicateurs?perimetre=espace&espace={history.b.id}").status_code == 404
    assert client.get(f"/indicateurs?cible=cycle:{history.b1.id}").status_code == 404
    assert client.get(f"/indicateurs.ods?cible=espace:{history.b.id}").status_code == 404


def test_the_coordinator_picks_a_quarter_or_dates(client, auth, history):
    auth.login(history.coordinator)
    text = page(client.get("/indicateurs?periode=trimestre&annee=2026&trimestre=1"))
    assert "1er trimestre 2026" in text
    text = page(client.get("/indicateurs?periode=trimestre&annee=2026&trimestre=3"))
    assert "3e trimestre 2026" in text
    text = page(client.get("/indicateurs?periode=dates&du=2025-11-01&au=2026-01-31"))
    assert "Du 1 novembre 2025 au 31 janvier 2026" in text


@pytest.mark.parametrize(
    "query, message",
    [
        ("periode=dates&du=2026-05-01&au=2026-01-01", "La fin de la période est avant son début."),
        ("periode=dates&du=2010-01-01&au=2026-01-01", "Choisissez une période de dix ans au plus."),
        ("periode=trimestre&annee=2026&trimestre=7", "Choisissez un trimestre de 1 à 4."),
        ("annee=deux-mille", "Choisissez une année entre 2000 et 2100."),
    ],
)
def test_a_period_that_cannot_be_is_explained_and_kept(client, auth, history, query, message):
    auth.login(history.coordinator)
    response = client.get(f"/indicateurs?{query}")
    assert response.status_code == 422
    assert message in page(response)
    if "du=" in query:
        assert 'value="2026-01-01"' in response.get_data(as_text=True)  # what was typed
    assert client.get(f"/indicateurs.ods?{query}").status_code == 422  # no file, no crash


def test_charts_are_svg_with_a_text_alternative_and_their_table(client, auth, history):
    auth.login(history.coordinator)
    body = client.get("/indicateurs?annee=2026").get_data(as_text=True)
    charts = re.findall(r'<svg[^>]*class="chart"[^>]*>', body)
    assert len(charts) == 3  # distribution, months, T0/T1
    for chart in charts:
        assert 'role="img"' in chart and "aria-labelledby" in chart
    assert body.count("<desc ") == 3
    assert "<script>" not in body.replace('<script src="', "")  # no chart script
    assert "Séances suivies par personne" in html.unescape(body)  # the distribution's table
    assert "seront en place" not in html.unescape(body)  # projects and bilans: numbers now
    text = page(client.get("/indicateurs?annee=2026"))
    for pseudonym in ("Colibri", "Baobab", "Tilleul", "Atlas", "Nour", "Soleil"):
        assert pseudonym not in text  # counts, never a list of people


def test_quick_entry_keeps_what_was_typed_when_refused(client, auth, history):
    auth.login(history.mediator)
    form = {
        "kind": "orientation",
        "space_id": str(history.a.id),
        "occurred_on": "2026-05-04",
        "people": "2",
        "partner": "Dr Martin 06 12 34 56 78",
    }
    response = client.post("/activite-mediation/nouvelle", data=form)
    assert response.status_code == 422
    assert "Retirez le numéro de téléphone" in page(response)
    assert 'value="Dr Martin 06 12 34 56 78"' in response.get_data(as_text=True)
    form["partner"] = "PASS de l'hôpital"
    response = client.post("/activite-mediation/nouvelle", data=form, follow_redirects=True)
    assert "Enregistré ✓ Orientations : 2 personnes." in page(response)
    before = db.session.scalar(sa.select(sa.func.count(ActivityLogEntry.id)))
    assert before == 7  # six in the history, and this one


def test_a_barrier_with_a_phone_number_is_refused_and_kept(client, auth, history):
    auth.login(history.mediator)
    form = {
        "category": "refusal_of_care",
        "space_id": str(history.a.id),
        "occurred_on": "2026-06-01",
        "institution": "Cabinet dentaire",
        "description": "Mme K. refusée, rappeler au 0612345678",
        "people": "1",
    }
    response = client.post("/veille/nouveau", data=form)
    assert response.status_code == 422
    assert "Retirez le numéro de téléphone" in page(response)
    assert "Mme K. refusée, rappeler au 0612345678" in page(response)
    form["description"] = "Refus de rendez-vous à une personne bénéficiaire de l'AME."
    response = client.post("/veille/nouveau", data=form)
    assert response.status_code == 302
    barrier = db.session.scalar(sa.select(Barrier).order_by(Barrier.id.desc()))
    response = client.post(f"/veille/{barrier.id}/transmis", data={"to": "", "on": "2026-06-02"})
    assert response.status_code == 422 and "Indiquez à qui." in page(response)


def test_filling_a_grid_starts_from_the_last_version(client, auth, history):
    auth.login(history.coordinator)
    data = {
        "filled_on": "2026-03-01",
        "diagnostic-rating": "in_progress",
        "diagnostic-comment": "Diagnostic en cours avec le CLS",
    }
    assert client.post("/grilles/annexe-5/remplir", data=data).status_code == 302
    form = client.get("/grilles/annexe-5/remplir").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="in_progress"', form)
    assert "Diagnostic en cours avec le CLS" in form
    data.update({"filled_on": "2026-09-01", "diagnostic-rating": "met"})
    client.post("/grilles/annexe-5/remplir", data=data)
    first, second = db.session.scalars(sa.select(GridVersion).order_by(GridVersion.filled_on))
    text = page(client.get(f"/grilles/annexe-5/comparer?a={first.id}&b={second.id}"))
    assert "1 ligne a bougé." in text and "▲ mieux" in text
    assert client.get("/grilles/annexe-7/remplir").status_code == 404
    response = client.get("/grilles/annexe-5/comparer?a=x", follow_redirects=True)
    assert "Choisissez deux versions à comparer." in page(response)


def test_the_phone_answers_a_self_assessment_by_a_plain_form(client, app, history):
    board = live.board_for_session(history.mediator, history.sessions["s6"])
    activity = live.add_activity(
        history.mediator,
        board,
        kind="self_assessment",
        prompt="Où j'en suis",
        config={"statements": [{"key": "steps_alone"}, {"key": "know_rights"}], "moment": "t0"},
    )
    live.control(live.Actor(user=history.mediator), board, "open")
    live.reopen_joining(history.mediator, board, 24)  # a past session: staff reopen it
    phone = app.test_client()
    phone.post(f"/j/{board.join_code}", data={"pseudonym": "", "language": "fr"})
    form = page(phone.get(f"/j/{board.join_code}"))
    assert "Je fais mes démarches de santé seul·e" in form and "tout à fait" in form
    response = phone.post(
        f"/j/{board.join_code}/repondre",
        data={"activity_id": activity.id, "client_id": secrets.token_hex(8), "s-0": "4"},
    )
    assert response.status_code == 200 and "Reçu" in page(response)
    assert live.results(activity)["statements"][0]["counts"] == [0, 0, 0, 1, 0]
    response = phone.post(
        f"/j/{board.join_code}/repondre",
        data={"activity_id": activity.id, "client_id": secrets.token_hex(8), "s-1": "9"},
    )
    assert response.status_code == 422


def test_the_dashboard_leads_to_the_indicators(client, auth, history):
    auth.login(history.mediator)
    body = client.get("/tableau-de-bord").get_data(as_text=True)
    assert 'href="/indicateurs"' in body and 'href="/activite-mediation/nouvelle"' in body
