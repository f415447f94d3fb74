"""The demo's compte rendu: `seed-demo --json` names it, and it has results of every kind."""

from __future__ import annotations

import json

import sqlalchemy as sa

from facilitation.accounts.models import User
from facilitation.extensions import db
from facilitation.reports import services as reports

from .readers import csv_rows, find_row


def test_seed_demo_json_names_the_session_report_and_its_exports(runner, client, auth):
    result = runner.invoke(args=["seed-demo", "--json", "--base-url", "http://127.0.0.1:5123"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.stdout)
    entry = demo["session_report"]
    assert {"url", "csv_url", "ods_url", "pdf_url"} <= set(entry)
    base = "http://127.0.0.1:5123"
    assert entry["url"].startswith(base + "/seances/") and entry["url"].endswith("/compte-rendu")
    for fmt in ("csv", "ods", "pdf"):
        assert entry[f"{fmt}_url"] == f"{entry['url']}.{fmt}"

    mediator = demo["mediators"][0]  # Arnaud Bernard: the tronc commun
    client.post("/connexion", data={"email": mediator["email"], "password": mediator["password"]})
    for key in ("url", "csv_url", "ods_url", "xlsx_url", "pdf_url"):
        assert client.get(entry[key].removeprefix(base)).status_code == 200, key

    session_id = int(entry["url"].split("/")[-2])
    amina = db.session.scalar(sa.select(User).where(User.email == mediator["email"]))
    report = reports.session_report(amina, session_id)
    assert report.session.starts_on < report.made_at.date()  # a session already held
    answered = {a.kind.value for a in report.activities if a.people}
    assert answered == {
        "poll",
        "scale",
        "wordcloud",
        "ideas",
        "ranking",
        "quiz",
        "debate",
        "questions",
    }
    assert any(not a.revealed for a in report.activities)  # one was never shown
    assert sum(a.hidden for a in report.activities) == 2  # a note and a question moderated
    assert report.figures.present > 0 and report.figures.phones == 9

    rows = csv_rows(client.get(entry["csv_url"].removeprefix(base)).data)
    assert find_row(rows, "Téléphones qui ont rejoint le tableau en direct")[1] == "9"
