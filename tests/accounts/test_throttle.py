"""Login throttling by address, by account and by known browser: wrong guesses from one
address do not lock the real coordinator out, and many addresses cannot brute-force one
account. Only failures are counted."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD, text_of

pytestmark = pytest.mark.usefixtures("throttling")


def _from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client, user, password: str):
    return client.post("/connexion", data={"email": user.email, "password": password})


def test_ten_wrong_guesses_from_one_address_do_not_stop_the_right_password_from_another(app, world):
    wifi = _from(app, "198.51.100.10")
    for _ in range(10):
        assert _try(wifi, world.coordinator, "mauvais-mot-de-passe").status_code == 422
    blocked = _try(wifi, world.coordinator, "encore-un-essai")
    assert blocked.status_code == 429
    assert "Trop de tentatives depuis ce réseau" in text_of(blocked)
    office = _from(app, "203.0.113.5")
    assert _try(office, world.coordinator, PASSWORD).status_code == 302
    assert office.get("/tableau-de-bord").status_code == 200


def test_the_real_user_on_the_attacked_network_gets_in_from_a_browser_they_used_before(app, world):
    laptop = _from(app, "198.51.100.10")
    assert _try(laptop, world.coordinator, PASSWORD).status_code == 302  # a known browser
    laptop.post("/deconnexion")
    attacker = _from(app, "198.51.100.10")  # the same shared Wi-Fi
    for _ in range(12):
        _try(attacker, world.coordinator, "mauvais-mot-de-passe")
    assert _try(attacker, world.coordinator, PASSWORD).status_code == 429
    assert _try(laptop, world.coordinator, PASSWORD).status_code == 302


def test_thirty_addresses_cannot_share_out_the_guesses_on_one_account(app, world):
    statuses = [
        _try(_from(app, f"192.0.2.{n}"), world.coordinator, f"essai-numero-{n}").status_code
        for n in range(1, 31)
    ]
    assert statuses[:20] == [422] * 20  # checked and refused
    assert set(statuses[20:]) == {429}  # no longer even checked
    newcomer = _try(_from(app, "192.0.2.200"), world.coordinator, PASSWORD)
    assert newcomer.status_code == 429  # even the right password, from an unknown browser
    text = text_of(newcomer)
    assert "Trop de tentatives erronées sur ce compte" in text
    assert "Réessayez dans une heure" in text
    # Other accounts are not affected, from the same addresses.
    assert _try(_from(app, "192.0.2.7"), world.mediator, PASSWORD).status_code == 302


def test_the_account_lock_does_not_reveal_whether_an_account_exists(app, world):
    for n in range(1, 22):
        _from(app, f"192.0.2.{n}").post(
            "/connexion", data={"email": "personne@example.org", "password": "x"}
        )
    response = _from(app, "192.0.2.100").post(
        "/connexion", data={"email": "personne@example.org", "password": "x"}
    )
    assert response.status_code == 429
    assert "Trop de tentatives erronées sur ce compte" in text_of(response)


def test_successful_logins_are_not_counted(app, world):
    client = _from(app, "198.51.100.20")
    for _ in range(15):
        assert _try(client, world.mediator, PASSWORD).status_code == 302
        client.post("/deconnexion")
    assert _try(client, world.mediator, "pas-le-bon").status_code == 422  # not throttled


def test_wrong_codes_are_counted_like_wrong_passwords(app, world):
    from .test_two_factor import enable_two_factor

    enable_two_factor(world.mediator)
    client = _from(app, "198.51.100.30")
    assert _try(client, world.mediator, PASSWORD).status_code == 302
    for _ in range(10):
        assert client.post("/connexion/code", data={"code": "000000"}).status_code == 422
    response = client.post("/connexion/code", data={"code": "111111"})
    assert response.status_code == 429
    assert "Trop de tentatives" in text_of(response)


def test_the_known_browser_cookie_is_http_only_and_names_no_account(app, world):
    client = _from(app, "198.51.100.40")
    response = _try(client, world.mediator, PASSWORD)
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("fac_staff_device=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert world.mediator.email not in cookie
