"""Cookies behind HTTPS (Secure by default, the __Host- prefix) and no caching of what is
private: staff pages, a participant's own pages, downloads. Public pages keep caching."""

from __future__ import annotations

import pytest

from facilitation.config import from_environment
from facilitation.live import services as live

from .. import factories
from ..conftest import PASSWORD


def test_secure_cookies_default_to_on_with_https(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    monkeypatch.setenv("FORCE_HTTPS", "1")
    config = from_environment(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
    monkeypatch.setenv("FORCE_HTTPS", "0")
    config = from_environment(str(tmp_path))
    assert not config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_NAME"] == "session"
    monkeypatch.setenv("SECURE_COOKIES", "1")  # HTTPS handled by a proxy
    assert from_environment(str(tmp_path))["SESSION_COOKIE_NAME"] == "__Host-session"


@pytest.fixture
def https_cookies(app, tmp_path, monkeypatch):
    """The cookie settings of a deployment behind HTTPS, on the test app."""
    monkeypatch.setenv("FORCE_HTTPS", "1")
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    names = (
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "STAFF_DEVICE_COOKIE_NAME",
        "STAFF_DEVICE_COOKIE_SECURE",
    )
    before = {name: app.config[name] for name in names}
    deployed = from_environment(str(tmp_path))
    app.config.update({name: deployed[name] for name in names})
    yield
    app.config.update(before)


def test_behind_https_the_session_cookie_is_a_host_cookie(client, world, https_cookies):
    https = {"base_url": "https://localhost"}
    response = client.post(
        "/connexion", data={"email": world.mediator.email, "password": PASSWORD}, **https
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("__Host-session="))
    assert "Secure" in session and "Path=/" in session and "Domain" not in session
    device = next(c for c in cookies if c.startswith("__Host-fac_staff_device="))
    assert "Secure" in device and "Path=/" in device and "Domain" not in device
    assert client.get("/tableau-de-bord", **https).status_code == 200


def test_staff_pages_and_downloads_are_never_stored(client, auth, world):
    person = factories.participant(world.space, "Colibri")
    assert client.get("/connexion").headers["Cache-Control"] == "no-store"
    auth.login(world.coordinator)
    for path in (
        "/tableau-de-bord",
        "/espaces/",
        f"/participants/{person.id}",
        f"/participants/{person.id}/export.json",
        "/journal",
        "/mon-compte",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path


def test_a_participants_own_pages_are_never_stored(client):
    for path in ("/moi/", "/moi/donnees", "/moi/effacer"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path


def test_static_files_and_public_phone_pages_keep_normal_caching(client, world):
    board = live.board_for_session(world.mediator, world.session)
    live.reopen_joining(world.mediator, board, 24)  # the session is in 3 days
    for path in (
        "/static/css/app.css",
        "/j",
        f"/j/{board.join_code}",
        f"/ecran/{board.join_code}/{board.screen_key}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
