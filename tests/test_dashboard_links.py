"""Dashboard: each upcoming session links to its live board, roll call and plan; the
session of the day has "Démarrer l'atelier" (control page + screen in one step)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from facilitation.extensions import db


def test_upcoming_sessions_link_to_board_roll_call_and_plan(client, auth, world):
    today = datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    world.session.starts_on = today + timedelta(days=3)
    db.session.commit()
    auth.login(world.mediator)
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    sid = world.session.id
    assert f'href="/seances/{sid}/tableau"' in page
    assert f'href="/seances/{sid}/presences"' in page
    assert f'href="/seances/{sid}#plan"' in page
    assert "Démarrer l’atelier" not in page and "Démarrer l'atelier" not in page  # not today


def test_the_session_of_the_day_starts_the_workshop_in_one_step(client, auth, world):
    today = datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    world.session.starts_on = today
    db.session.commit()
    auth.login(world.mediator)
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "Démarrer l" in page and "data-start-screen=" in page and "/ecran/" in page
    control = client.get(f"/seances/{world.session.id}/tableau?ecran=1").get_data(as_text=True)
    assert "start-banner" in control and "/ecran/" in control
