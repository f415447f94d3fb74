"""The indicator « bilans finalisés » counts from the bilans' table, by scope and period;
``seed-demo --json`` names the demo's finalised cycle bilan, its PDF and its projector."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa

from facilitation.accounts.models import User
from facilitation.bilans import services as bilans
from facilitation.extensions import db
from facilitation.indicators import view
from facilitation.indicators.scope import Period, of_cycle, of_space, structure


def _finalised(cycle_bilan):
    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    section = bilan.sections[0]
    pen = bilans.staff_pen(w.mediator)
    bilans.take_pen(section, pen)
    bilans.save(section, pen, "Texte", 0)
    bilans.finalise(w.mediator, bilan)
    return bilan


def _count(scope, today):
    period = Period.of_year(today.year)
    return view.evaluate(view.context(scope, period, today), 1).values["bilans_finalised"]


def test_bilans_finalised_by_scope_and_period(cycle_bilan):
    w = cycle_bilan.world
    today = date.today()
    assert _count(structure(w.coordinator), today) == 0
    bilan = _finalised(cycle_bilan)
    assert _count(structure(w.coordinator), today) == 1
    assert _count(of_space(w.coordinator, w.space.id), today) == 1
    assert _count(of_space(w.coordinator, w.other_space.id), today) == 0
    assert _count(of_cycle(w.coordinator, w.cycle.id), today) == 1
    assert _count(of_cycle(w.coordinator, w.other_cycle.id), today) == 0
    last_year = today.replace(year=today.year - 1) - timedelta(days=1)
    assert _count(structure(w.coordinator), last_year) == 0  # another period
    bilans.reopen(w.mediator, bilan, "Oubli")
    assert _count(structure(w.coordinator), today) == 0  # reopened: not finalised
    summaries = bilans.finalised_for_report(w.coordinator, None, today, today)
    assert summaries == []


def test_seed_demo_json_names_a_finalised_cycle_bilan(runner, client):
    result = runner.invoke(args=["seed-demo", "--json", "--base-url", "http://127.0.0.1:5123"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.stdout)
    entry = demo["bilan"]
    assert {"url", "pdf_url", "screen_url"} <= set(entry)
    assert {"url", "csv_url", "ods_url", "pdf_url"} <= set(demo["session_report"])
    base = "http://127.0.0.1:5123"
    amina = demo["mediators"][0]
    client.post("/connexion", data={"email": amina["email"], "password": amina["password"]})
    page = client.get(entry["url"].removeprefix(base))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Tronc commun" in text and "Finalisé le" in text
    assert client.get(entry["pdf_url"].removeprefix(base)).data.startswith(b"%PDF")
    screen = client.get(entry["screen_url"].removeprefix(base))
    assert screen.status_code == 200 and "Étape 5 sur 5" in screen.get_data(as_text=True)
    # The compte rendu of the demo's session links its bilan.
    report = client.get(demo["session_report"]["url"].removeprefix(base))
    assert entry["url"].removeprefix(base) in report.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == amina["email"]))
    bilan_id = int(entry["url"].rsplit("/", 1)[1])
    bilan = bilans.get_bilan(user, bilan_id)
    assert bilan.finalised and bilan.contributor_count > 0 and len(bilan.actions) == 2
    assert all(s.text for s in bilan.sections)


def test_the_annual_report_lists_the_years_finalised_bilans(cycle_bilan):
    w = cycle_bilan.world
    _finalised(cycle_bilan)
    today = date.today()
    summaries = bilans.finalised_for_report(w.coordinator, structure(w.coordinator), today, today)
    assert [(s.title, s.space_name, s.summary) for s in summaries] == [
        ("Bilan du cycle « Tronc commun »", "Arnaud Bernard", "Texte")
    ]
    other = bilans.finalised_for_report(
        w.other_mediator, of_space(w.other_mediator, w.other_space.id), today, today
    )
    assert other == []
