"""The collective-project figures and the project scope, on the seeded history (conftest.py:
every number counted by hand there)."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.core.exceptions import NotFound
from facilitation.extensions import db
from facilitation.indicators import view
from facilitation.indicators.models import ScopeKind
from facilitation.indicators.scope import Period, of_cycle, of_project, of_space, structure

from ..conftest import text_of
from ..reports.readers import csv_rows, find_row, ods_sheets, xlsx_rows
from .conftest import TODAY
from .test_exports import pdf_text

PROJECT_KEYS = (
    "projects_active",
    "projects_finished",
    "project_steps_done",
    "project_decisions",
    "project_actions",
    "project_tools_co_built",
    "project_participants",
    "project_porteurs",
)


def values(scope, period=None):
    period = period or Period.of_year(2026)
    ev = view.evaluate(view.context(scope, period, TODAY), 5)
    return ev, {k: ev.values.get(k) for k in PROJECT_KEYS}


def test_project_figures_of_the_structure_in_2026(history):
    _ev, got = values(structure(history.coordinator))
    assert got == {
        "projects_active": 3,  # PA1, PA3, PB1 — not PA2 (finished 2025), PA4, the proposal
        "projects_finished": 1,  # PA3 (PA2 finished the year before)
        "project_steps_done": 3,  # two of PA1 (one on 1 January in Paris), one of PB1
        "project_decisions": 2,
        "project_actions": 3,  # not after today, not unconfirmed, not in the bin
        "project_tools_co_built": 1,
        "project_participants": 5,  # P3 in two projects once; the erased P4 gone
        "project_porteurs": 3,  # P1, P7, P3
    }


def test_a_space_counts_its_own_projects_only(history):
    _ev, a = values(of_space(history.coordinator, history.a.id))
    _ev, b = values(of_space(history.coordinator, history.b.id))
    assert a == {
        "projects_active": 2,
        "projects_finished": 1,
        "project_steps_done": 2,
        "project_decisions": 1,
        "project_actions": 3,
        "project_tools_co_built": 1,
        "project_participants": 4,
        "project_porteurs": 2,
    }
    assert b == {
        "projects_active": 1,
        "projects_finished": 0,
        "project_steps_done": 1,
        "project_decisions": 1,
        "project_actions": 0,
        "project_tools_co_built": 0,
        "project_participants": 2,
        "project_porteurs": 1,
    }


def test_the_year_before_counts_what_happened_then(history):
    _ev, got = values(structure(history.coordinator), Period.of_year(2025))
    assert got["projects_active"] == 2  # PA1 (a decision, a step, a tool), PA2 (its step)
    assert got["projects_finished"] == 1  # PA2
    assert got["project_steps_done"] == 2  # PA1's of 15 December, PA2's
    assert got["project_decisions"] == 1
    assert got["project_tools_co_built"] == 1
    _ev, q1 = values(structure(history.coordinator), Period.of_quarter(2026, 1))
    assert q1["project_steps_done"] == 3  # 1 January in Paris, 1 February, 1 March
    assert q1["projects_active"] == 2  # PA1, PB1 (PA3 acted in June)


def test_the_project_scope_counts_the_project_and_its_meetings(history):
    ev, got = values(of_project(history.coordinator, history.projects["PA1"].id))
    assert got == {
        "projects_active": 1,
        "projects_finished": 0,
        "project_steps_done": 2,
        "project_decisions": 1,
        "project_actions": 2,
        "project_tools_co_built": 1,
        "project_participants": 3,  # P1, P2, P3
        "project_porteurs": 1,  # P1 (P4 was erased)
    }
    assert ev.values["sessions_held"] == 1  # its meeting s3
    assert ev.values["participations"] == 3  # P1, P3, P5 (P6 merged into P5)
    assert ev.values["co_animations"] == 1  # P1 animated a tool at s3
    assert ev.values["barriers_recorded"] == 0  # none recorded at its meeting
    assert "log_orientation" not in ev.values  # the activity log is per space


def test_a_cycle_counts_the_projects_that_meet_in_it(history):
    _ev, a1 = values(of_cycle(history.coordinator, history.a1.id))
    assert a1["projects_active"] == 1  # PA1 meets at s3
    _ev, a2 = values(of_cycle(history.coordinator, history.a2.id))
    assert a2["projects_active"] == 0


def test_a_mediator_reaches_the_projects_of_their_spaces_only(history):
    mine = of_project(history.mediator, history.projects["PA1"].id)
    assert mine.kind is ScopeKind.PROJECT and mine.space.id == history.a.id
    with pytest.raises(NotFound):
        of_project(history.mediator, history.projects["PB1"].id)
    with pytest.raises(NotFound):  # a proposal waiting for staff has no figures
        of_project(history.other_mediator, history.projects["PB2"].id)


def test_the_page_of_a_project(client, auth, history, monkeypatch):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    auth.login(history.mediator)
    pa1, pb1 = history.projects["PA1"].id, history.projects["PB1"].id
    page = client.get(f"/indicateurs?annee=2026&cible=projet:{pa1}")
    assert page.status_code == 200
    text = html.unescape(text_of(page))
    assert "Projet « Accès aux soins » (Arnaud Bernard)" in text
    assert "Étapes de projet réalisées" in text
    assert "disponible quand les projets seront en place" not in text
    body = html.unescape(client.get("/indicateurs?annee=2026").get_data(as_text=True))
    assert f'value="projet:{pa1}"' in body and f'value="projet:{pb1}"' not in body
    assert "Projets collectifs de Arnaud Bernard" in body
    project_page = client.get(f"/projets/{pa1}").get_data(as_text=True)
    assert f"/indicateurs?cible=projet:{pa1}" in project_page  # from the project's page
    # another space's project: 404 in French, on the page and for every file
    refused = client.get(f"/indicateurs?annee=2026&perimetre=projet&projet={pb1}")
    assert refused.status_code == 404
    assert "introuvable" in html.unescape(text_of(refused)).lower()
    assert client.get(f"/indicateurs.ods?annee=2026&cible=projet:{pb1}").status_code == 404
    too_big = "/indicateurs?annee=2026&cible=projet:99999999999999999999"
    assert client.get(too_big).status_code == 404


# --- exports, the annual report -------------------------------------------------------

LABELS = {
    "projects_active": "Projets collectifs actifs",
    "projects_finished": "Projets collectifs terminés",
    "project_steps_done": "Étapes de projet réalisées",
    "project_participants": "Participant·es aux projets collectifs",
    "project_porteurs": "Participant·es porteur·ses de projet",
}


def _value(rows, label):
    row = find_row(rows, label)
    return getattr(row[1], "value", row[1])


def test_every_export_holds_the_project_figures_small_cells_hidden(
    client, auth, history, monkeypatch
):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    auth.login(history.coordinator)
    query = "annee=2026&perimetre=structure"
    files = {fmt: client.get(f"/indicateurs.{fmt}?{query}") for fmt in ("csv", "ods", "xlsx")}
    assert all(r.status_code == 200 for r in files.values())
    sheets = (
        ods_sheets(files["ods"].data)["Indicateurs"],
        xlsx_rows(files["xlsx"].data)["Indicateurs"],
        csv_rows(files["csv"].data),
    )
    for rows in sheets:
        as_text = rows is sheets[2]
        assert _value(rows, LABELS["projects_active"]) == ("3" if as_text else 3)  # not people
        assert _value(rows, LABELS["projects_finished"]) == ("1" if as_text else 1)
        assert _value(rows, LABELS["project_steps_done"]) == ("3" if as_text else 3)
        assert _value(rows, LABELS["project_participants"]) == ("5" if as_text else 5)
        assert _value(rows, LABELS["project_porteurs"]) == "< 5"  # 3 people: hidden
        definition = find_row(rows, LABELS["projects_active"])[2]
        assert "propositions en attente ne comptent pas" in str(
            getattr(definition, "value", definition)
        )
    pdf = client.get(f"/indicateurs.pdf?{query}")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    for label in LABELS.values():
        assert label in text


def test_the_export_of_a_project_names_it_and_counts_it_alone(client, auth, history, monkeypatch):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    auth.login(history.mediator)
    pa1 = history.projects["PA1"].id
    ods = client.get(f"/indicateurs.ods?annee=2026&cible=projet:{pa1}")
    assert ods.status_code == 200
    rows = ods_sheets(ods.data)["Indicateurs"]
    assert any(
        "Projet « Accès aux soins » (Arnaud Bernard)" in str(c.value) for r in rows for c in r
    )
    assert _value(rows, LABELS["projects_active"]) == 1
    assert _value(rows, LABELS["project_steps_done"]) == 2
    assert _value(rows, "Séances tenues") == 1  # its meeting
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == audit.EXPORT_REPORT))
    assert entry.details["scope"] == f"project:{pa1}" and entry.actor_id == history.mediator.id


def test_the_annual_report_holds_the_project_figures(client, auth, history, monkeypatch):
    import facilitation.indicators.routes.common as common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    auth.login(history.coordinator)
    response = client.get("/indicateurs/rapport-d-activite.pdf?annee=2026")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Projets collectifs" in text
    for label in LABELS.values():
        assert label in text
    assert "disponible quand les projets seront en place" not in text
    assert "3Projets collectifs actifs" in text  # on the cover, next to the people


# --- SMART objectives of a project ---------------------------------------------------------


def test_an_objective_of_a_project_shows_its_progress_on_that_project_only(history, app):
    from facilitation.core.exceptions import ValidationError
    from facilitation.indicators import objectives
    from facilitation.indicators.objectives import ObjectiveData

    pa1, pb1 = history.projects["PA1"], history.projects["PB1"]
    objective = objectives.create_objective(
        history.coordinator,
        ObjectiveData(
            year=2026, scope=f"project:{pa1.id}", indicator="project_steps_done", target=4
        ),
    )
    assert "Accès aux soins" in objective.title
    assert objectives.scope_value(objective) == f"project:{pa1.id}"
    assert (f"project:{pa1.id}", "Projet « Accès aux soins » (Arnaud Bernard)") in (
        objectives.scope_choices(history.coordinator)
    )
    with app.test_request_context():
        page = view.build(
            history.mediator, of_project(history.mediator, pa1.id), Period.of_year(2026), TODAY
        )
        other = view.build(
            history.coordinator,
            of_project(history.coordinator, pb1.id),
            Period.of_year(2026),
            TODAY,
        )
    (progress,) = page.objectives
    assert progress.value.value == 2 and progress.share == 0.5
    assert other.objectives == []  # another project's page does not show it
    assert objectives.list_objectives(history.other_mediator) == []  # not their space
    with pytest.raises(ValidationError) as refused:  # the activity log has no project
        objectives.create_objective(
            history.coordinator,
            ObjectiveData(2026, f"project:{pa1.id}", "log_orientation", 5),
        )
    assert refused.value.field == "indicator"
    with pytest.raises(ValidationError) as refused:  # a proposal is not a scope
        objectives.create_objective(
            history.coordinator,
            ObjectiveData(2026, f"project:{history.projects['PB2'].id}", "projects_active", 1),
        )
    assert refused.value.field == "scope"
