"""A mediator's journeys in a real browser, at desktop and phone size, in French.

These tests do not depend on the exact French wording: they find fields by name,
check ``<html lang="fr">``, and compare messages with the French catalog itself.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from functools import cache
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.support import NullTranslations, Translations
from playwright.sync_api import expect

from .conftest import REPO_ROOT, VIEWPORTS

pytestmark = pytest.mark.browser

VIEWPORT_NAMES = list(VIEWPORTS)
WRONG_LOGIN = "This e-mail address and password do not match an account."
PAGE_NOT_FOUND = "Page not found"
NOT_FOUND_MESSAGE = "This page does not exist, or you do not have access to it."


# --- helpers ------------------------------------------------------------------


@cache
def _french_catalog() -> Translations | NullTranslations:
    catalog = Translations.load(str(REPO_ROOT / "facilitation" / "translations"), ["fr"])
    if not isinstance(catalog, Translations):
        warnings.warn(
            "The French catalog is not compiled (make translations): French "
            "wording is not checked, only <html lang=fr>.",
            stacklevel=2,
        )
    return catalog


def french(message: str) -> str:
    """What the app shows in French for this source message (itself, if not translated)."""
    return _french_catalog().gettext(message)


def assert_french(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def assert_accessible(page, what: str) -> None:
    """axe-core: zero violations, else say which rule, how serious, and where."""
    violations = Axe().run(page).response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {what} ({page.url}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    target {node['target']}: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      {summary[:300]}")
    pytest.fail("\n".join(lines), pytrace=False)


def assert_no_horizontal_scroll(page, what: str) -> None:
    # Compare with the requested width: on phone-emulated pages Chromium widens
    # innerWidth to fit overflowing content, which would hide the overflow.
    width = page.viewport_size["width"]
    fits = page.evaluate(
        "(w) => Math.max(document.documentElement.scrollWidth, window.innerWidth) <= w", width
    )
    if not fits:
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        pytest.fail(
            f"{what} scrolls sideways: content {widths[0]} px wide in a "
            f"{widths[1]} px window ({page.url}).",
            pytrace=False,
        )


def check_page(page, viewport: str, step: str, screenshot, *, axe: bool = True) -> None:
    """Screenshot, French, no sideways scrolling, and (by default) axe-core."""
    screenshot(page, viewport, step)
    assert_french(page)
    assert_no_horizontal_scroll(page, f"The {step} page at {viewport} size")
    if axe:
        assert_accessible(page, f"the {step} page at {viewport} size")


def log_in(page, login_url: str, email: str, password: str) -> None:
    page.goto(login_url)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()


# --- journeys -----------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_mediator_plans_a_session_in_place_and_finds_it_on_the_dashboard(
    open_page, live_server, screenshot, viewport
):
    demo = live_server.demo
    mediator = demo["mediators"][0]
    space = mediator["spaces"][0]
    theme = f"Atelier test {viewport}"
    day = date.today() + timedelta(days=5)
    page = open_page(viewport)

    # Login page
    page.goto(demo["login_url"])
    check_page(page, viewport, "login", screenshot)

    # Log in → dashboard
    log_in(page, demo["login_url"], mediator["email"], mediator["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))
    assert_french(page)

    # The mediator's first space
    response = page.goto(space["url"])
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(space["name"])
    check_page(page, viewport, "space", screenshot)

    # Its first cycle: the tronc commun
    first_cycle = page.locator("section[aria-labelledby=cycles-title] a.card-title").first
    expect(first_cycle).to_contain_text("Tronc commun")
    first_cycle.click()
    page.wait_for_url("**/cycles/*")
    cycle_url = page.url
    assert urlsplit(cycle_url).path.startswith("/cycles/")
    page.wait_for_function("() => window.htmx !== undefined")
    check_page(page, viewport, "cycle", screenshot)

    # Plan a session with the in-place (htmx) form
    form = page.locator("#session-form")
    form.locator("input[name=theme]").fill(theme)
    form.locator("input[name=starts_on]").fill(day.isoformat())
    form.locator("input[name=starts_at]").fill("14:00")
    form.locator("input[name=ends_at]").fill("16:00")
    form.locator("input[name=place]").fill("Salle test")
    page.evaluate("() => { window.__e2eSamePage = true; }")
    with page.expect_response(
        lambda r: "/seances/nouvelle" in r.url and r.request.method == "POST"
    ) as posted:
        form.locator("button[type=submit]").click()
    response = posted.value
    assert response.status == 200, f"adding the session answered {response.status}"
    assert response.request.all_headers().get("hx-request") == "true", "not sent by htmx"

    sessions = page.locator("#sessions")
    expect(sessions.get_by_role("link", name=theme, exact=True)).to_be_visible()
    new_form = page.locator("#session-form")
    expect(new_form.get_by_role("status")).to_contain_text(theme)
    expect(new_form.locator("input[name=theme]")).to_have_value("")
    assert page.url == cycle_url
    assert page.evaluate("() => window.__e2eSamePage === true"), "the page was reloaded"
    check_page(page, viewport, "cycle-after-adding", screenshot)

    # The dashboard lists it among the upcoming sessions
    page.get_by_role("navigation", name=french("Main menu")).locator(
        "a[href='/tableau-de-bord']"
    ).click()
    page.wait_for_url(live_server.url("/tableau-de-bord"))
    upcoming = page.locator("section[aria-labelledby=upcoming-title]")
    expect(upcoming.get_by_role("link", name=theme, exact=True)).to_be_visible()
    card = upcoming.locator("li", has=page.get_by_role("link", name=theme, exact=True))
    expect(card.locator("time")).to_have_attribute("datetime", f"{day.isoformat()}T14:00")
    check_page(page, viewport, "dashboard", screenshot)

    assert page.js_errors == [], f"JavaScript errors: {page.js_errors}"


def test_mediator_gets_a_french_404_for_a_space_of_someone_else(open_page, live_server, screenshot):
    demo = live_server.demo
    mediator = demo["mediators"][0]
    member_of = {s["url"] for s in mediator["spaces"]}
    assert demo["other_space_url"] not in member_of
    page = open_page("desktop")
    log_in(page, demo["login_url"], mediator["email"], mediator["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))

    response = page.goto(demo["other_space_url"])
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(french(PAGE_NOT_FOUND))
    expect(page.locator("main")).to_contain_text(french(NOT_FOUND_MESSAGE))
    check_page(page, "desktop", "not-found", screenshot)


def test_wrong_password_on_a_phone_shows_a_french_error_and_keeps_the_email(
    open_page, live_server, screenshot
):
    demo = live_server.demo
    email = demo["mediators"][0]["email"]
    page = open_page("phone")
    page.goto(demo["login_url"])
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "not-the-right-password")
    with page.expect_response(
        lambda r: urlsplit(r.url).path == "/connexion" and r.request.method == "POST"
    ) as posted:
        page.locator("main form button[type=submit]").click()
    assert posted.value.status == 422

    alert = page.locator("main form .form-errors[role=alert]")
    expect(alert).to_have_text(french(WRONG_LOGIN))
    expect(page.locator("input[name=email]")).to_have_value(email)
    expect(page.locator("input[name=password]")).to_have_value("")
    assert urlsplit(page.url).path == "/connexion"
    check_page(page, "phone", "login-error", screenshot)
