"""The /projects Socket.IO namespace: who may follow a project, and what they hear."""

from __future__ import annotations

from datetime import date, time

import pytest

from facilitation.extensions import socketio
from facilitation.live import services as live
from facilitation.projects import services as projects

from .conftest import MEMBER_PHONE, OUTSIDER_PHONE, STRANGER_PHONE, login, phone_client


def connect(app, flask_client, project_id):
    return socketio.test_client(
        app, namespace="/projects", flask_test_client=flask_client, auth={"project": project_id}
    )


def changes(client) -> list[dict]:
    return [e["args"][0] for e in client.get_received("/projects") if e["name"] == "changed"]


def test_staff_and_members_follow_a_project_and_hear_its_changes(app, team):
    staff = connect(app, login(app.test_client(), team.world.mediator), team.project.id)
    phone = connect(app, phone_client(app, MEMBER_PHONE), team.project.id)
    assert staff.is_connected("/projects") and phone.is_connected("/projects")
    step = projects.add_step(team.phone(team.nour), team.project, projects.StepData("Écrire"))
    projects.move_step(team.staff, step, "done", step.version)
    seen = changes(phone)
    assert seen and seen[-1]["project"] == team.project.id
    assert seen[-1]["version"] == team.project.version  # the client compares versions
    assert "steps" in seen[-1]["what"]
    assert changes(staff)


@pytest.mark.parametrize("key", [STRANGER_PHONE, OUTSIDER_PHONE, "never-seen-phone"])
def test_a_phone_that_is_not_a_member_is_refused(app, team, key):
    client = connect(app, phone_client(app, key), team.project.id)
    assert not client.is_connected("/projects")


def test_staff_of_another_space_is_refused(app, team):
    client = connect(app, login(app.test_client(), team.world.other_mediator), team.project.id)
    assert not client.is_connected("/projects")


@pytest.mark.parametrize(
    "auth", [{"project": 999999}, {"project": 2**70}, {"project": "1; x"}, [], "1", None]
)
def test_odd_connections_are_refused_without_telling_anything(app, team, auth, caplog):
    client = socketio.test_client(
        app,
        namespace="/projects",
        flask_test_client=login(app.test_client(), team.world.mediator),
        auth=auth,
    )
    assert not client.is_connected("/projects")
    assert "Traceback" not in caplog.text


def test_answers_to_a_vote_reach_the_project_room(app, team):
    """A phone answering on the live board: the decision screen hears of it (counts)."""
    meeting = projects.create_meeting(
        team.world.mediator, team.project, starts_on=date(2030, 3, 5), starts_at=time(14, 0)
    )
    decision = projects.start_vote(
        team.world.mediator, team.project, meeting, question="On y va ?", kind="senscheck"
    )
    staff = connect(app, login(app.test_client(), team.world.mediator), team.project.id)
    staff.get_received("/projects")
    voter = live.join(
        live.board_for_session(team.world.mediator, meeting),
        "voter-x",
        pseudonym=None,
        language="fr",
    )
    live.submit_answer(voter, decision.activity_id, "vote-client-x", 0)
    assert any("vote" in change["what"] for change in changes(staff))


def test_sync_gives_the_current_version(app, team):
    phone = connect(app, phone_client(app, MEMBER_PHONE), team.project.id)
    ack = phone.emit("sync", {"project": team.project.id}, namespace="/projects", callback=True)
    assert ack == {"ok": True, "version": team.project.version}
    ack = phone.emit("sync", {"project": 424242}, namespace="/projects", callback=True)
    assert ack == {"ok": False, "error": "not_found"}
