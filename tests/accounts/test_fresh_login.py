"""A fresh login (the password typed within the last 10 minutes) before erasing, merging or
exporting a person, managing staff and changing one's security settings."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from facilitation.accounts import services
from facilitation.accounts.models import Role, User
from facilitation.audit.models import AuditEntry
from facilitation.extensions import db
from facilitation.participants.models import Participant

from .. import factories
from ..conftest import PASSWORD, text_of
from .conftest import age_sessions

STALE = timedelta(minutes=11)


def _confirm_target(response) -> str:
    """The ``next`` of a redirect to the confirmation page."""
    assert response.status_code in (302, 303), response.status_code
    location = urlsplit(response.headers["Location"])
    assert location.path == "/confirmer-mot-de-passe"
    return parse_qs(location.query)["next"][0]


@pytest.fixture
def colibri(world):
    return factories.participant(world.space, "Colibri")


def test_a_login_is_fresh_for_ten_minutes_then_the_password_is_asked_again(
    client, auth, world, colibri, app
):
    assert app.config["FRESH_LOGIN_MINUTES"] == 10
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=timedelta(minutes=9))
    assert client.get(f"/participants/{colibri.id}/export.json").status_code == 200
    age_sessions(world.coordinator, authenticated_at=STALE)
    response = client.get(f"/participants/{colibri.id}/export.json")
    assert _confirm_target(response) == f"/participants/{colibri.id}/export.json"


@pytest.mark.parametrize(
    "path",
    [
        "/participants/{id}/export.json",
        "/participants/{id}/effacer",
        "/participants/{id}/fusionner",
        "/mon-compte/double-authentification",
    ],
)
def test_a_stale_get_goes_through_the_confirmation_and_comes_back(
    client, auth, world, colibri, path
):
    path = path.format(id=colibri.id)
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=STALE)
    target = _confirm_target(client.get(path))
    assert target == path
    page = client.get(f"/confirmer-mot-de-passe?next={target}")
    assert page.status_code == 200 and "Confirmez votre mot de passe" in text_of(page)
    response = client.post(f"/confirmer-mot-de-passe?next={target}", data={"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == path
    assert client.get(path).status_code == 200


def test_a_stale_erasure_is_not_carried_out_and_the_form_is_shown_again(
    client, auth, world, colibri
):
    auth.login(world.coordinator)
    form_page = f"/participants/{colibri.id}/effacer"
    age_sessions(world.coordinator, authenticated_at=STALE)
    response = client.post(
        form_page, data={"confirm": "Colibri"}, headers={"Referer": f"http://localhost{form_page}"}
    )
    assert _confirm_target(response) == form_page
    assert db.session.get(Participant, colibri.id) is not None  # not erased
    back = client.post(f"/confirmer-mot-de-passe?next={form_page}", data={"password": PASSWORD})
    assert back.headers["Location"] == form_page
    assert client.post(form_page, data={"confirm": "Colibri"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, colibri.id) is None


def test_a_stale_merge_is_not_carried_out(client, auth, world, colibri):
    duplicate = factories.participant(world.space, "Colibri bis")
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=STALE)
    response = client.post(
        f"/participants/{colibri.id}/fusionner", data={"avec": duplicate.id, "confirm": "1"}
    )
    assert _confirm_target(response) == f"/participants/{colibri.id}/fusionner"
    assert db.session.get(Participant, duplicate.id) is not None


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/equipe", {"label": "Sam", "role": "mediator"}),
        ("/equipe/invitations/{invitation}/revoquer", {}),
        ("/equipe/{mediator}/activer", {"active": "0"}),
        ("/equipe/{mediator}/role", {"role": "coordinator"}),
        ("/equipe/securite", {"required": "y"}),
    ],
)
def test_managing_staff_asks_a_stale_session_for_the_password(client, auth, world, path, data):
    invitation = services.create_invitation(world.coordinator).invitation
    path = path.format(invitation=invitation.id, mediator=world.mediator.id)
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=STALE)
    db.session.expire_all()
    response = client.post(path, data=data)
    assert _confirm_target(response) == "/equipe"  # back to the team page, then the form
    db.session.expire_all()
    mediator = db.session.get(User, world.mediator.id)
    assert mediator.active and mediator.role is Role.MEDIATOR
    assert invitation.revoked_at is None
    assert services.list_invitations(world.coordinator) == [invitation]


@pytest.mark.parametrize(
    "path",
    [
        "/mon-compte/sessions/terminer-les-autres",
        "/mon-compte/double-authentification/desactiver",
        "/mon-compte/double-authentification/codes-de-secours",
    ],
)
def test_security_settings_ask_a_stale_session_for_the_password(client, auth, world, path):
    auth.login(world.mediator)
    age_sessions(world.mediator, authenticated_at=STALE)
    assert _confirm_target(client.post(path, data={"code": "123456"})) == "/mon-compte"


def test_htmx_is_told_to_open_the_confirmation_page(client, auth, world):
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=STALE)
    response = client.post(
        "/equipe", data={"label": "Lou", "role": "mediator"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/confirmer-mot-de-passe?next=")


def test_the_team_page_itself_stays_readable_without_a_fresh_login(client, auth, world):
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=STALE)
    assert client.get("/equipe").status_code == 200


def test_a_wrong_password_on_the_confirmation_is_refused_in_french_and_audited(client, auth, world):
    auth.login(world.coordinator)
    age_sessions(world.coordinator, authenticated_at=STALE)
    response = client.post("/confirmer-mot-de-passe?next=/equipe", data={"password": "pas ça"})
    assert response.status_code == 422
    assert "Ce mot de passe est incorrect" in text_of(response)
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "login_failed")
    ).one()
    assert entry.details["step"] == "confirm" and "pas ça" not in str(entry.details)
    assert _confirm_target(client.post("/equipe", data={"label": "X", "role": "mediator"}))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_the_confirmation_only_returns_to_pages_of_this_site(client, auth, world, target):
    auth.login(world.mediator)
    response = client.post(f"/confirmer-mot-de-passe?next={target}", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"


def test_a_stale_post_with_a_foreign_referrer_goes_back_to_a_page_of_this_site(client, auth, world):
    auth.login(world.mediator)
    age_sessions(world.mediator, authenticated_at=STALE)
    response = client.post(
        "/mon-compte/sessions/terminer-les-autres",
        headers={"Referer": "https://evil.example/mon-compte"},
    )
    assert _confirm_target(response) == "/mon-compte"
