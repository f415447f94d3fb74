"""Cross-cutting web behaviour: security headers, CSRF, errors, language, rate limit, htmx."""

from __future__ import annotations

import re

import pytest

from facilitation import create_app
from facilitation.extensions import db

from .conftest import make_test_config, text_of


def test_security_headers_and_csp_without_inline_scripts(client, world):
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_load_no_third_party_asset(client, auth, world):
    auth.login(world.mediator)
    html = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "")
    assert "https://" not in html
    assert re.search(r"/static/vendor/htmx-2\.0\.8\.min\.[0-9a-f]{12}\.js", html)


def test_session_cookie_flags(client, auth, world):
    response = auth.login(world.mediator)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response)


@pytest.fixture(scope="module")
def strict_app(database_url, tmp_path_factory):
    """The app as in production: CSRF checked, login rate-limited, errors not propagated."""
    app = create_app(
        make_test_config(
            database_url,
            tmp_path_factory.mktemp("strict"),
            TESTING=False,
            WTF_CSRF_ENABLED=True,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="3 per minute",
        )
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return app


def test_post_without_csrf_token_is_refused(strict_app, world):
    client = strict_app.test_client()
    response = client.post(
        "/connexion", data={"email": world.mediator.email, "password": "un-mot-de-passe-solide"}
    )
    assert response.status_code == 400
    assert "recharger la page" in text_of(response).lower() or "expiré" in text_of(response)


def test_htmx_request_with_csrf_header_is_accepted(strict_app, world):
    client = strict_app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post(
        "/connexion",
        data={"email": world.mediator.email, "password": "un-mot-de-passe-solide"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 302


def test_login_is_rate_limited_with_a_french_message(strict_app, world):
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    page = client.get("/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    statuses = [
        client.post(
            "/connexion",
            data={"email": world.mediator.email, "password": "faux", "csrf_token": token},
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    last = client.post("/connexion", data={"email": "x", "password": "y", "csrf_token": token})
    assert "Trop de tentatives" in text_of(last)


def test_unexpected_error_shows_a_french_page_without_stack_trace(strict_app):
    response = strict_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "Un problème" in text_of(response) or "problème" in text_of(response)


def test_language_choice_is_remembered_and_arabic_is_right_to_left(client):
    from . import factories

    factories.user(factories.organisation())
    response = client.get("/langue/ar?next=/connexion")
    assert response.headers["Location"].endswith("/connexion")
    html = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    client.get("/langue/en")
    assert "Log in" in client.get("/connexion").get_data(as_text=True)


def test_language_switch_refuses_external_redirects(client):
    response = client.get("/langue/fr?next=//evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_health_check_reaches_the_database(client):
    assert client.get("/sante").get_json()["database"] == "ok"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-specific pragmas; this pass runs on " + db.engine.dialect.name)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
