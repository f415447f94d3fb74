"""Every route × every role: who gets the page, who is refused, and refusals change nothing.

Roles: anonymous, mediator of the space, mediator of another space, coordinator.
A mediator outside a space gets 404 (the space's existence is private); a mediator
asking for a coordinator-only action inside their own space gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from facilitation.accounts import services as accounts
from facilitation.extensions import db

from .factories import World

ROLES = ("anonymous", "mediator", "other_mediator", "coordinator")
SESSION_FORM = {"theme": "Atelier", "starts_on": "2030-03-05", "starts_at": "14:00"}
SPACE_FORM = {"name": "Nouveau nom", "kind": "thematic", "description": ""}
CYCLE_FORM = {"title": "Cycle", "description": ""}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str  # formatted with the world's ids
    expect: dict  # role -> status
    data: dict = field(default_factory=dict)


def _staff(ok: int, *, other: int | None = None, mediator: int | None = None) -> dict:
    """Expected statuses for a staff page inside `world.space`."""
    return {
        "anonymous": 302,
        "mediator": ok if mediator is None else mediator,
        "other_mediator": ok if other is None else other,
        "coordinator": ok,
    }


IN_SPACE = {"other": 404}
COORDINATION = {"mediator": 403, "other": 403}
SPACE_COORDINATION = {"mediator": 403, "other": 404}

CASES = [
    Case("main.index", "GET", "/", {r: 302 for r in ROLES}),
    Case("main.dashboard", "GET", "/tableau-de-bord", _staff(200)),
    Case("main.set_language", "GET", "/langue/en", {r: 302 for r in ROLES}),
    Case("main.health", "GET", "/sante", {r: 200 for r in ROLES}),
    Case("static", "GET", "/static/css/app.css", {r: 200 for r in ROLES}),
    Case(
        "accounts.login",
        "GET",
        "/connexion",
        {"anonymous": 200, "mediator": 302, "other_mediator": 302, "coordinator": 302},
    ),
    Case("accounts.logout", "POST", "/deconnexion", _staff(302)),
    Case("accounts.setup", "GET", "/installation", {r: 404 for r in ROLES}),
    Case("accounts.accept_invitation", "GET", "/invitation/not-a-token", {r: 404 for r in ROLES}),
    Case("accounts.account", "GET", "/mon-compte", _staff(200)),
    Case("accounts.team", "GET", "/equipe", _staff(200, **COORDINATION)),
    Case(
        "accounts.team",
        "POST",
        "/equipe",
        _staff(200, **COORDINATION),
        {"label": "Sam", "role": "mediator"},
    ),
    Case(
        "accounts.revoke_invitation",
        "POST",
        "/equipe/invitations/{invitation}/revoquer",
        _staff(302, **COORDINATION),
    ),
    Case(
        "accounts.toggle_active",
        "POST",
        "/equipe/{other_mediator}/activer",
        _staff(302, **COORDINATION),
        {"active": "0"},
    ),
    Case("spaces.index", "GET", "/espaces/", _staff(200)),
    Case("spaces.create", "GET", "/espaces/nouveau", _staff(200, **COORDINATION)),
    Case(
        "spaces.create",
        "POST",
        "/espaces/nouveau",
        _staff(302, **COORDINATION),
        {"name": "Les Minimes", "kind": "territorial"},
    ),
    Case("spaces.detail", "GET", "/espaces/{space}", _staff(200, **IN_SPACE)),
    Case("spaces.edit", "GET", "/espaces/{space}/modifier", _staff(200, **SPACE_COORDINATION)),
    Case(
        "spaces.edit",
        "POST",
        "/espaces/{space}/modifier",
        _staff(302, **SPACE_COORDINATION),
        SPACE_FORM,
    ),
    Case("spaces.archive", "POST", "/espaces/{space}/archiver", _staff(302, **SPACE_COORDINATION)),
    Case("spaces.members", "GET", "/espaces/{space}/equipe", _staff(200, **SPACE_COORDINATION)),
    Case(
        "spaces.members",
        "POST",
        "/espaces/{space}/equipe",
        _staff(302, **SPACE_COORDINATION),
        {"members": ["{mediator}"]},
    ),
    Case(
        "workshops.create_cycle", "GET", "/espaces/{space}/cycles/nouveau", _staff(200, **IN_SPACE)
    ),
    Case(
        "workshops.create_cycle",
        "POST",
        "/espaces/{space}/cycles/nouveau",
        _staff(302, **IN_SPACE),
        CYCLE_FORM,
    ),
    Case("workshops.cycle", "GET", "/cycles/{cycle}", _staff(200, **IN_SPACE)),
    Case("workshops.edit_cycle", "GET", "/cycles/{cycle}/modifier", _staff(200, **IN_SPACE)),
    Case(
        "workshops.edit_cycle",
        "POST",
        "/cycles/{cycle}/modifier",
        _staff(302, **IN_SPACE),
        CYCLE_FORM,
    ),
    Case("workshops.archive_cycle", "POST", "/cycles/{cycle}/archiver", _staff(302, **IN_SPACE)),
    Case(
        "workshops.create_session",
        "GET",
        "/cycles/{cycle}/seances/nouvelle",
        _staff(200, **IN_SPACE),
    ),
    Case(
        "workshops.create_session",
        "POST",
        "/cycles/{cycle}/seances/nouvelle",
        _staff(302, **IN_SPACE),
        SESSION_FORM,
    ),
    Case("workshops.session", "GET", "/seances/{session}", _staff(200, **IN_SPACE)),
    Case("workshops.edit_session", "GET", "/seances/{session}/modifier", _staff(200, **IN_SPACE)),
    Case(
        "workshops.edit_session",
        "POST",
        "/seances/{session}/modifier",
        _staff(302, **IN_SPACE),
        SESSION_FORM,
    ),
    Case(
        "workshops.archive_session", "POST", "/seances/{session}/archiver", _staff(302, **IN_SPACE)
    ),
]


def _ids(world: World) -> dict:
    invitation = accounts.create_invitation(world.coordinator).invitation
    return {
        "space": world.space.id,
        "cycle": world.cycle.id,
        "session": world.session.id,
        "mediator": world.mediator.id,
        "other_mediator": world.other_mediator.id,
        "invitation": invitation.id,
    }


def _snapshot() -> dict:
    """Every row of every table: a refused request must leave this unchanged."""
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in db.metadata.sorted_tables
    }


def test_every_route_is_in_the_matrix(app):
    covered = {case.endpoint for case in CASES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routed - covered == set(), "add the new routes to the authorisation matrix"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_route_by_role(client, auth, world, case, role):
    ids = _ids(world)
    if role != "anonymous":
        response = auth.login(getattr(world, role))
        assert response.status_code == 302, "login failed in the test set-up"
    path = case.path.format(**ids)
    data = {
        key: [v.format(**ids) for v in value] if isinstance(value, list) else value
        for key, value in case.data.items()
    }
    db.session.expire_all()
    before = _snapshot() if case.method == "POST" else None
    response = client.open(path, method=case.method, data=data)
    expected = case.expect[role]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if (
        role == "anonymous"
        and expected == 302
        and case.endpoint not in {"main.index", "main.set_language"}
    ):
        assert "/connexion" in response.headers["Location"]
    if before is not None and (expected in (403, 404) or role == "anonymous"):
        db.session.expire_all()
        assert _snapshot() == before, "a refused request changed the database"
