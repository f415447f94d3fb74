"""What the audit log records of staff accounts: logins (success and failure), logouts,
role and activation changes. Never a password or a code."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation.audit.models import AuditEntry
from facilitation.extensions import db

from ..conftest import PASSWORD


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_logins_and_logouts_are_recorded(client, auth, world):
    auth.login(world.mediator)
    auth.logout()
    (login,) = entries("login")
    assert login.actor_id == world.mediator.id and login.organisation_id == world.org.id
    assert login.details == {"network": "127.0.0.0/24"}
    (logout,) = entries("logout")
    assert logout.actor_id == world.mediator.id


def test_a_failed_login_names_the_account_by_id_or_by_a_hash_never_the_password(client, world):
    client.post("/connexion", data={"email": world.mediator.email, "password": "secret-123"})
    client.post("/connexion", data={"email": "Inconnu@Example.org", "password": "secret-456"})
    known, unknown = entries("login_failed")
    assert known.details["user_id"] == world.mediator.id and known.actor_id is None
    assert known.details["step"] == "password"
    assert "email_hash" in unknown.details and "user_id" not in unknown.details
    for entry in (known, unknown):
        text = repr(entry.details)
        assert "secret" not in text and "inconnu" not in text.lower()
    # The same e-mail, typed differently, gives the same hash (failures can be grouped).
    client.post("/connexion", data={"email": " inconnu@example.org", "password": "x"})
    assert entries("login_failed")[2].details["email_hash"] == unknown.details["email_hash"]


def test_role_and_activation_changes_are_recorded(client, auth, world):
    auth.login(world.coordinator)
    assert (
        client.post(f"/equipe/{world.mediator.id}/role", data={"role": "coordinator"}).status_code
        == 302
    )
    client.post(f"/equipe/{world.other_mediator.id}/activer", data={"active": "0"})
    (role,) = entries("role_changed")
    assert role.actor_id == world.coordinator.id
    assert role.details == {
        "user_id": world.mediator.id,
        "before": "mediator",
        "after": "coordinator",
    }
    (active,) = entries("staff_active_changed")
    assert active.details == {"user_id": world.other_mediator.id, "active": False}


def test_the_role_changes_on_the_team_page_and_not_ones_own(client, auth, world):
    auth.login(world.coordinator)
    html = client.get("/equipe").get_data(as_text=True)
    assert f'action="/equipe/{world.mediator.id}/role"' in html
    assert f'action="/equipe/{world.coordinator.id}/role"' not in html
    response = client.post(
        f"/equipe/{world.coordinator.id}/role", data={"role": "mediator"}, follow_redirects=True
    )
    assert "propre rôle" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.coordinator.is_coordinator
    auth.logout()
    auth.login(world.mediator)
    assert (
        client.post(
            f"/equipe/{world.other_mediator.id}/role", data={"role": "coordinator"}
        ).status_code
        == 403
    )


def test_a_promoted_mediator_is_a_coordinator_at_their_next_request(app, client, auth, world):
    other = app.test_client()
    other.post("/connexion", data={"email": world.mediator.email, "password": PASSWORD})
    assert other.get("/equipe").status_code == 403
    auth.login(world.coordinator)
    client.post(f"/equipe/{world.mediator.id}/role", data={"role": "coordinator"})
    assert other.get("/equipe").status_code == 200
