"""The library kept over time: tools archived and restored; templates edited in place."""

from __future__ import annotations

import pytest

from facilitation.core.exceptions import ValidationError
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.planning import services
from facilitation.planning.services import TemplateStepEdit, ToolData

POLL = {"choices": [{"label": "Oui", "icon": ""}, {"label": "Non", "icon": ""}], "multiple": False}


def tool(actor, name="Photolangage", minutes=30):
    return services.create_tool(actor, ToolData(name=name, duration_minutes=minutes))


def a_template(world):
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=15)
    services.add_plan_item(world.mediator, world.session, title="Débat", duration_minutes=30)
    board = live.board_for_session(world.mediator, world.session)
    live.add_activity(world.mediator, board, kind="poll", prompt="Qui voyez-vous ?", config=POLL)
    return services.save_as_template(world.mediator, world.session, name="Atelier droits")


def test_an_archived_tool_leaves_the_library_and_can_be_restored(world):
    photos = tool(world.mediator)
    item = services.add_plan_item(world.mediator, world.session, tool_id=photos.id)
    services.set_tool_archived(world.mediator, photos, True)
    assert services.list_tools(world.mediator) == []
    assert services.list_tools(world.mediator, archived=True) == [photos]
    assert item.tool_id == photos.id  # the plan that used it keeps it
    services.set_tool_archived(world.mediator, photos, False)
    assert services.list_tools(world.mediator) == [photos]


def test_the_tools_page_archives_and_restores(client, auth, world):
    photos = tool(world.mediator)
    auth.login(world.mediator)
    assert client.post(f"/outils/{photos.id}/archiver").status_code == 302
    page = client.get("/outils").get_data(as_text=True)
    assert "Outils archivés" in page and "Restaurer" in page
    assert client.post(f"/outils/{photos.id}/restaurer").status_code == 302
    db.session.expire_all()
    assert photos.archived_at is None


def test_a_template_is_edited_in_place(world):
    template = a_template(world)
    services.update_template(
        world.mediator,
        template,
        name="Atelier droits (v2)",
        description="Revu",
        steps=[
            TemplateStepEdit(title="Accueil café", duration_minutes="20"),
            TemplateStepEdit(title="Débat", duration_minutes="30", remove=True),
        ],
        remove_activities={0},
    )
    db.session.expire_all()
    assert template.name == "Atelier droits (v2)" and template.description == "Revu"
    assert [(s["title"], s["duration_minutes"]) for s in template.steps] == [("Accueil café", 20)]
    assert template.activities == []


def test_a_template_edit_keeps_something_and_sensible_durations(world):
    template = a_template(world)
    with pytest.raises(ValidationError):
        services.update_template(
            world.mediator,
            template,
            name="X",
            steps=[TemplateStepEdit("A", "0"), TemplateStepEdit("B", "30")],
        )
    with pytest.raises(ValidationError):
        services.update_template(
            world.mediator,
            template,
            name="X",
            steps=[
                TemplateStepEdit("A", "5", remove=True),
                TemplateStepEdit("B", "5", remove=True),
            ],
            remove_activities={0},
        )


def test_the_template_page_edits_and_keeps_input_on_error(client, auth, world):
    template = a_template(world)
    auth.login(world.mediator)
    page = client.get(f"/modeles/{template.id}/modifier").get_data(as_text=True)
    assert "Accueil" in page and "Qui voyez-vous ?" in page
    refused = client.post(
        f"/modeles/{template.id}/modifier",
        data={
            "name": "Nouveau nom",
            "step-0-title": "Accueil",
            "step-0-minutes": "abc",
            "step-1-title": "Débat",
            "step-1-minutes": "30",
        },
    )
    assert refused.status_code == 422 and "Nouveau nom" in refused.get_data(as_text=True)
    done = client.post(
        f"/modeles/{template.id}/modifier",
        data={
            "name": "Nouveau nom",
            "step-0-title": "Accueil",
            "step-0-minutes": "10",
            "step-1-title": "Débat",
            "step-1-minutes": "30",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert template.name == "Nouveau nom" and template.steps[0]["duration_minutes"] == 10
