"""Collective projects in a real browser: a mediator starts a project with two porteurs;
on the projector a sense check is voted from three phones and the decision written; a
member's phone (360 px) moves a step to "fait" and the projector follows live; axe finds
nothing on the phone, projector and staff pages; "Où en est-on ?" fits a projector.

A server of this module's own (``fresh_live_server``): these tests change the demo.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .test_journeys import assert_accessible, assert_no_horizontal_scroll, french, log_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PROJECTORS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
LIVE = 10_000  # ms


@pytest.fixture(scope="module")
def server(fresh_live_server):
    return fresh_live_server


@pytest.fixture(scope="module")
def staff_state(browser, server) -> dict:
    """Julien (Les Izards) logged in, to open staff pages without logging in again."""
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        julien = server.demo["mediators"][1]
        log_in(page, server.demo["login_url"], julien["email"], julien["password"])
        page.wait_for_url(server.url("/tableau-de-bord"))
        return context.storage_state()
    finally:
        context.close()


def staff_page(new_page, staff_state, **size) -> Page:
    return new_page(storage_state=staff_state, **(size or LAPTOP))


def wait_for_project_socket(page: Page) -> None:
    expect(page.locator("[data-project-live]")).to_have_attribute(
        "data-project-socket", "connected", timeout=LIVE
    )


def open_member_phone(new_page, url: str) -> Page:
    """The one-time link opens /moi as the member's phone (a GET, or a button to press)."""
    phone = new_page(**PHONE)
    phone.goto(url)
    if "/moi/lien/" in phone.url:
        phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/moi/?$"))
    return phone


def test_a_mediator_starts_a_project_with_two_porteurs(new_page, staff_state, server, screenshot):
    izards = server.demo["mediators"][1]["spaces"][0]
    page = staff_page(new_page, staff_state)
    page.goto(izards["url"].rstrip("/") + "/projets/nouveau")
    page.fill("input[name=title]", "Santé et alimentation")
    page.fill("input[name=aim]", "Un marché solidaire au pied des immeubles.")
    page.locator("li", has=page.locator("input[name=determinants][value=food]")).locator(
        "input"
    ).check()
    for pseudonym in ("Cèdre", "Jasmin"):
        page.locator("li", has=page.locator("input[name=porteurs]")).filter(
            has_text=pseudonym
        ).locator("input").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/projets/\d+$"))
    expect(page.locator("h1")).to_have_text("Santé et alimentation")
    expect(page.locator(".project-links")).to_contain_text("Cèdre")
    expect(page.locator(".project-links")).to_contain_text("Jasmin")
    screenshot(page, "laptop", "new-project")
    assert_accessible(page, "a new project's page")
    page.locator(".project-links a", has_text=french("History")).wait_for()


def test_a_sense_check_on_the_projector_from_three_phones(
    new_page, staff_state, server, screenshot
):
    project = server.demo["project"]
    projector = staff_page(new_page, staff_state, viewport=PROJECTORS[0])
    projector.goto(project["url"] + "/decider")
    projector.fill("input[name=question]", "On organise une réunion publique ?")
    projector.locator("input[name=kind][value=senscheck]").check()
    projector.locator("select[name=meeting]").select_option("new")
    projector.locator("main form button[type=submit]").first.click()
    expect(projector).to_have_url(re.compile(r"/decisions/\d+$"))
    wait_for_project_socket(projector)
    code = projector.locator(".screen-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    assert_accessible(projector, "the vote on the projector")

    for i in range(3):
        phone = new_page(**PHONE)
        phone.goto(server.url(f"/j/{code}"))
        phone.locator("main form button[type=submit]").click()
        expect(phone.locator(".senscheck-options")).to_be_visible()
        phone.locator("label[for=s0]").click()
        phone.locator(".answer-form button[type=submit]").click()
        expect(phone.locator("[data-receipt], .receipt-ok").first).to_contain_text("✓")
        if i == 0:
            screenshot(phone, "phone", "sense-check")
            assert_accessible(phone, "the sense check on a phone")
    # The projector counted them, live.
    expect(projector.locator("[data-vote-count]")).to_contain_text("3", timeout=LIVE)

    projector.locator("#vote form button[type=submit]").click()
    expect(projector.locator(".results .bar").first).to_contain_text("3")
    projector.fill("input[name=text]", "On organise une réunion publique en mars.")
    projector.locator("#record form button[type=submit]").first.click()
    expect(projector.locator(".decision-made")).to_contain_text(
        "On organise une réunion publique en mars."
    )
    expect(projector.locator(".screen-status")).to_contain_text("3")
    screenshot(projector, "projector", "decision")
    assert_accessible(projector, "the recorded decision on the projector")


def test_a_member_phone_moves_a_step_and_the_projector_follows(
    new_page, staff_state, server, screenshot
):
    project = server.demo["project"]
    projector = staff_page(new_page, staff_state, viewport=PROJECTORS[1])
    projector.goto(project["screen_url"])
    wait_for_project_socket(projector)
    words = projector.locator(".overview-big")
    before = int(re.match(r"\s*(\d+)", words.inner_text()).group(1))

    phone = open_member_phone(new_page, project["member_journey_url"])
    phone.locator("main a", has_text=french("My projects")).click()
    phone.locator(".phone-project-link", has_text=project["title"]).click()
    wait_for_project_socket(phone)
    assert_no_horizontal_scroll(phone, "The project on a phone")
    screenshot(phone, "phone", "project")
    assert_accessible(phone, "the project on a member's phone")
    step = phone.locator(".phone-step.step-doing").first
    title = step.locator(".step-title strong").inner_text()
    button = step.locator("form[data-move=done] button")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, "a large target on the phone"
    button.click()
    expect(phone.locator(".done-steps")).to_contain_text(title)

    # The projector, never reloaded, shows one more step done.
    expect(words).to_contain_text(str(before + 1), timeout=LIVE)
    expect(projector.locator(".overview-steps")).not_to_contain_text(title)
    screenshot(projector, "projector", "overview")
    assert_accessible(projector, "Où en est-on ? on the projector")


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s['width']}x{s['height']}")
def test_where_are_we_is_readable_from_the_back_of_the_room(new_page, staff_state, server, size):
    page = staff_page(new_page, staff_state, viewport=size)
    page.goto(server.demo["project"]["screen_url"])
    sizes = page.evaluate(
        """() => {
          const px = (el) => parseFloat(getComputedStyle(el).fontSize);
          const all = (sel) => [...document.querySelectorAll(sel)];
          const off = all('.overview *').filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1);
          }).map((el) => el.className || el.tagName);
          return {
            height: innerHeight,
            scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
            body: Math.min(...all('.overview-step-title, .overview-big, .overview-next, '
                                  + '.overview-decisions li, .overview-aim').map(px)),
            labels: Math.min(...all('.overview-label, .overview-when, .step-state').map(px)),
            off,
          };
        }"""
    )
    assert sizes["body"] >= size["height"] / 30, sizes
    assert sizes["labels"] >= size["height"] / 40, sizes
    assert sizes["scroll"] == [size["width"], size["height"]], sizes
    assert sizes["off"] == [], f"off-screen: {sizes['off']}"


def test_staff_project_page_and_members_page_are_accessible(
    new_page, staff_state, server, screenshot
):
    page = staff_page(new_page, staff_state)
    page.goto(server.demo["project"]["url"])
    wait_for_project_socket(page)
    screenshot(page, "laptop", "project")
    assert_accessible(page, "the staff project page")
    page.goto(server.demo["project"]["url"] + "/membres")
    assert_accessible(page, "the members page")


def test_drag_and_drop_or_keyboard_move_a_step_on_a_laptop(new_page, staff_state, server):
    page = staff_page(new_page, staff_state)
    page.goto(server.demo["project"]["url"])
    wait_for_project_socket(page)
    card = page.locator(".step-column-todo .step-card").first
    title = card.locator(".step-title strong").inner_text()
    card.drag_to(page.locator(".step-column-doing"))
    expect(page.locator(".step-column-doing")).to_contain_text(title)
    # The keyboard way: the card's own button, reached and pressed without a mouse.
    moved = page.locator(".step-column-doing .step-card", has_text=title)
    moved.locator("form[data-move=todo] button").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".step-column-todo")).to_contain_text(title)
