"""A project in the world's first space, with members whose phones are known."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import g, request_started

from facilitation.extensions import db
from facilitation.participants.models import Participant, ParticipantDevice
from facilitation.participants.services import hash_token
from facilitation.projects import services as projects
from facilitation.projects.models import Project, ProjectMember

from .. import factories

MEMBER_PHONE = "member-phone-key-0001"
PORTEUR_PHONE = "porteur-phone-key-0001"
STRANGER_PHONE = "stranger-phone-key-01"  # a person of the same space, not a member
OUTSIDER_PHONE = "outsider-phone-key-01"  # a person of another space


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Each request starts without the user and locale a previous request cached in ``g``
    (the test's app context is shared by every client; see tests/live/conftest.py)."""

    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


def login(client, user):
    from .. import factories

    response = client.post("/connexion", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def phone_client(app, key: str):
    client = app.test_client()
    client.set_cookie("fac_device", key)
    return client


def link_phone(participant: Participant, key: str) -> None:
    db.session.add(ParticipantDevice(device_hash=hash_token(key), participant_id=participant.id))
    db.session.commit()


@dataclass
class Team:
    world: object
    project: Project
    colibri: Participant  # porteur
    nour: Participant  # member
    mimosa: Participant  # of the space, not a member
    outsider: Participant  # of the other space

    @property
    def staff(self):
        return projects.Viewer(user=self.world.mediator)

    def member(self, participant: Participant) -> ProjectMember:
        return projects.member_for(participant, self.project.id)

    def phone(self, participant: Participant) -> projects.Viewer:
        return projects.Viewer(member=self.member(participant))


@pytest.fixture
def team(world) -> Team:
    colibri = factories.participant(world.space, "Colibri")
    nour = factories.participant(world.space, "Nour")
    mimosa = factories.participant(world.space, "Mimosa")
    outsider = factories.participant(world.other_space, "Atlas")
    project = projects.create_project(
        world.mediator,
        world.space,
        projects.ProjectData(
            title="Logement et santé",
            aim="Des logements sans humidité.",
            determinants=["housing"],
            status="running",
        ),
        porteurs=[colibri.id],
        participants=[nour.id],
    )
    link_phone(colibri, PORTEUR_PHONE)
    link_phone(nour, MEMBER_PHONE)
    link_phone(mimosa, STRANGER_PHONE)
    link_phone(outsider, OUTSIDER_PHONE)
    return Team(world, project, colibri, nour, mimosa, outsider)
