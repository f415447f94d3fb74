"""The demo's year of history: `seed-demo --json` names the indicators and their exports,
and what they show is filled — attendance, T0/T1, the activity log, grids, objectives,
barriers."""

from __future__ import annotations

import json

from ..reports.readers import find_row, ods_sheets

BASE = "http://127.0.0.1:5123"


def test_seed_demo_json_names_the_indicators_and_they_are_filled(runner, client):
    result = runner.invoke(args=["seed-demo", "--json", "--base-url", BASE])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.stdout)
    entry = demo["indicators"]
    assert {"url", "ods_url", "xlsx_url", "csv_url", "pdf_url", "report_pdf_url"} <= set(entry)
    year = entry["year"]
    assert entry["url"] == f"{BASE}/indicateurs?annee={year}"
    coordinator = demo["coordinator"]
    client.post(
        "/connexion", data={"email": coordinator["email"], "password": coordinator["password"]}
    )
    for key in ("url", "ods_url", "xlsx_url", "csv_url", "pdf_url", "report_pdf_url"):
        assert client.get(entry[key].removeprefix(BASE)).status_code == 200, key
    ods = ods_sheets(client.get(entry["ods_url"].removeprefix(BASE)).data)
    figures = ods["Indicateurs"]
    assert find_row(figures, "Séances tenues")[1].value >= 30
    assert find_row(figures, "Personnes distinctes")[1].value >= 40
    assert find_row(figures, "Personnes déjà venues")[1].value >= 5  # came the year before
    assert find_row(figures, "Personnes avec un T0 et un T1")[1].value >= 5
    assert find_row(figures, "Orientations")[1].value >= 20
    assert find_row(figures, "Dysfonctionnements signalés")[1].value >= 5
    # the collective projects: the Izards' one, a guide finished in Arnaud Bernard, a letter
    assert find_row(figures, "Projets collectifs actifs")[1].value >= 3
    assert find_row(figures, "Projets collectifs terminés")[1].value >= 1
    assert find_row(figures, "Étapes de projet réalisées")[1].value >= 5
    assert find_row(figures, "Décisions des projets")[1].value >= 3
    assert find_row(figures, "Actions des projets")[1].value >= 3
    assert find_row(figures, "Outils co-construits avec le public (projets)")[1].value >= 1
    assert find_row(figures, "Participant·es aux projets collectifs")[1].value >= 10
    assert any("Remplie le" in str(c.value) for row in ods["Grilles qualité"] for c in row)
    assert any("60 personnes distinctes" in str(c.value) for row in ods["Objectifs"] for c in row)
    mediator = demo["mediators"][0]
    client.post("/deconnexion")
    client.post("/connexion", data={"email": mediator["email"], "password": mediator["password"]})
    assert client.get(entry["url"].removeprefix(BASE)).status_code == 200  # their space
