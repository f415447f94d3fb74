"""Login, first-run setup, invitation links and the team page, over HTTP."""

from __future__ import annotations

import re

import sqlalchemy as sa

from facilitation.accounts import services
from facilitation.accounts.models import User
from facilitation.extensions import db

from ..conftest import text_of


def test_login_page_is_french_and_has_the_expected_fields(client):
    from .. import factories

    factories.user(factories.organisation())
    html = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert 'name="email"' in html and 'name="password"' in html
    assert "Se connecter" in html


def test_wrong_password_gives_a_french_message_and_keeps_the_email(client, world):
    response = client.post(
        "/connexion", data={"email": world.mediator.email, "password": "pas le bon"}
    )
    assert response.status_code == 422
    assert "ne correspondent à aucun compte" in text_of(response)
    assert f'value="{world.mediator.email}"' in response.get_data(as_text=True)


def test_login_rotates_the_session_and_logout_ends_it(client, auth, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    response = auth.login(world.mediator)
    assert response.headers["Location"].endswith("/tableau-de-bord")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == world.mediator.login_token
    assert client.get("/tableau-de-bord").status_code == 200
    auth.logout()
    assert client.get("/tableau-de-bord").status_code == 302


def test_login_redirects_only_to_local_pages(client, world):
    response = client.post(
        "/connexion?next=https://evil.example/",
        data={"email": world.mediator.email, "password": "un-mot-de-passe-solide"},
    )
    assert response.headers["Location"].endswith("/tableau-de-bord")


def test_deactivated_staff_are_logged_out_at_their_next_request(client, auth, world):
    auth.login(world.mediator)
    services.set_active(world.coordinator, world.mediator.id, False)
    assert client.get("/tableau-de-bord").status_code == 302


def test_setup_page_creates_the_first_coordinator_then_closes(client):
    assert client.get("/").headers["Location"].endswith("/installation")
    form = {
        "organisation_name": "Case de Santé",
        "display_name": "Camille",
        "email": "camille@example.org",
        "password": "un-mot-de-passe-solide",
        "confirm": "un-mot-de-passe-solide",
    }
    bad = client.post("/installation", data={**form, "confirm": "autre chose"})
    assert bad.status_code == 422
    assert "Case de Santé" in bad.get_data(as_text=True)  # what was typed is kept
    response = client.post("/installation", data=form)
    assert response.status_code == 302
    assert client.get("/espaces/").status_code == 200  # logged in as the coordinator
    assert client.get("/installation").status_code == 404


def test_coordinator_invites_a_mediator_who_creates_an_account(client, auth, world, app):
    auth.login(world.coordinator)
    response = client.post(
        "/equipe", data={"label": "Sam", "role": "mediator", "spaces": [str(world.space.id)]}
    )
    link = re.search(r'value="(https?://[^"]+/invitation/[^"]+)"', response.get_data(as_text=True))
    assert link, "the invitation link is shown to copy"
    auth.logout()
    path = link.group(1).split("localhost", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Arnaud Bernard" in text_of(page)
    response = client.post(
        path,
        data={
            "display_name": "Sam",
            "email": "sam@example.org",
            "password": "un-autre-mot-de-passe",
            "confirm": "un-autre-mot-de-passe",
        },
    )
    assert response.status_code == 302
    assert "Arnaud Bernard" in text_of(client.get("/espaces/"))
    auth.logout()
    assert client.get(path).status_code == 404  # single use


def test_team_invitation_with_htmx_returns_only_the_fragment(client, auth, world):
    auth.login(world.coordinator)
    response = client.post(
        "/equipe", data={"label": "Lou", "role": "mediator"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="invite"')
    assert "/invitation/" in html


def test_password_change_keeps_this_session(client, auth, world):
    auth.login(world.mediator)
    response = client.post(
        "/mon-compte",
        data={
            "current_password": "un-mot-de-passe-solide",
            "password": "les-jours-de-pluie-42",
            "confirm": "les-jours-de-pluie-42",
        },
    )
    assert response.status_code == 302
    assert client.get("/tableau-de-bord").status_code == 200
    user = db.session.scalar(sa.select(User).where(User.id == world.mediator.id))
    assert services.authenticate(user.email, "les-jours-de-pluie-42") is not None
