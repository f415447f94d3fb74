"""Two-factor authentication on a phone, in a real browser: turn it on from *Mon compte*,
keep the recovery codes, log out, log in again with the app's code.

A server of this module's own (``fresh_live_server``): the account it changes must not
surprise the other browser tests, which log in with the demo's passwords only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from .test_journeys import check_page, french, log_in

pytestmark = pytest.mark.browser

VIEWPORT = "phone"


@pytest.fixture(scope="module")
def server(fresh_live_server):
    return fresh_live_server


def test_a_mediator_turns_on_two_factor_then_logs_in_with_a_code_on_a_phone(
    open_page, server, screenshot
):
    demo = server.demo
    mediator = demo["mediators"][0]
    page = open_page(VIEWPORT)

    log_in(page, demo["login_url"], mediator["email"], mediator["password"])
    page.wait_for_url(server.url("/tableau-de-bord"))

    # Mon compte → turn it on: the QR code is drawn in the page, the key is there to type.
    page.goto(server.url("/mon-compte"))
    expect(page.get_by_role("heading", name=french("My open sessions"))).to_be_visible()
    expect(page.get_by_text(french("this session"))).to_be_visible()
    check_page(page, VIEWPORT, "account", screenshot)
    page.get_by_role("link", name=french("Turn on two-factor authentication")).click()
    page.wait_for_url(server.url("/mon-compte/double-authentification"))
    expect(page.locator(".qr svg")).to_be_visible()
    check_page(page, VIEWPORT, "enrol", screenshot)
    secret = re.sub(r"\s", "", page.locator("#totp-secret").inner_text())
    totp = pyotp.TOTP(secret)
    # The code of the previous time step (accepted), so that the login below types a new one.
    page.fill("input[name=code]", totp.at(datetime.now(UTC) - timedelta(seconds=30)))
    page.get_by_role("button", name=french("Turn on"), exact=True).click()

    # The recovery codes, shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text(french("Your recovery codes"))
    codes = page.get_by_role("list", name=french("Recovery codes")).locator("li")
    expect(codes).to_have_count(10)
    check_page(page, VIEWPORT, "recovery-codes", screenshot)

    # Log out, then in again: the password, then the code.
    page.goto(server.url("/mon-compte"))
    page.get_by_role("button", name=french("Log out")).click()
    page.wait_for_url(re.compile(r".*/connexion$"))
    log_in(page, demo["login_url"], mediator["email"], mediator["password"])
    page.wait_for_url(server.url("/connexion/code"))
    expect(page.get_by_role("heading", level=1)).to_have_text(french("Your code"))
    check_page(page, VIEWPORT, "login-code", screenshot)

    page.fill("input[name=code]", "000000")
    page.get_by_role("button", name=french("Log in")).click()
    expect(page.locator(".form-errors, .error").first).to_contain_text(
        french("This code is not right, or was already used.")
    )
    check_page(page, VIEWPORT, "login-code-refused", screenshot)

    page.fill("input[name=code]", totp.now())
    page.get_by_role("button", name=french("Log in")).click()
    page.wait_for_url(server.url("/tableau-de-bord"))
    assert not page.js_errors, page.js_errors


def test_the_team_page_with_roles_and_the_structure_setting_is_accessible_on_a_phone(
    open_page, server, screenshot
):
    demo = server.demo
    coordinator = demo["coordinator"]
    page = open_page(VIEWPORT)
    log_in(page, demo["login_url"], coordinator["email"], coordinator["password"])
    page.wait_for_url(server.url("/tableau-de-bord"))
    page.goto(server.url("/equipe"))
    expect(page.get_by_role("heading", name=french("Security of the structure"))).to_be_visible()
    check_page(page, VIEWPORT, "team", screenshot)
    page.goto(server.url("/confirmer-mot-de-passe?next=/equipe"))
    check_page(page, VIEWPORT, "confirm-password", screenshot)
    page.fill("input[name=password]", coordinator["password"])
    page.get_by_role("button", name=french("Confirm")).click()
    page.wait_for_url(server.url("/equipe"))
