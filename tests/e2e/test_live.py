"""The live board in a real browser: a projector, a mediator's control page and phones.

A server of this module's own (``fresh_live_server``): these tests answer, open and
move the demo board, which nothing else touches. Each test brings the board to the
activity it needs and counts from what the screen showed before, so they do not
depend on their order.

The new strings may not be translated yet: nothing here checks wording, only
structure, roles, ids and numbers. The phone's own messages (received, offline) are
read from the page's ``data-t-*`` attributes.
"""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .test_journeys import assert_accessible, assert_no_horizontal_scroll, log_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SCREEN = {"viewport": {"width": 1920, "height": 1080}}
CONTROL = {"viewport": {"width": 1280, "height": 800}}

LIVE = 10_000  # ms: a broadcast reaching the other pages
RECONNECT = 20_000  # ms: Socket.IO's reconnection back-off after being offline
MAX_PHONE_JS_GZIP = 35 * 1024

# The demo board's activities, in order (facilitation/demo/services.py).
POLL = "Quand vous êtes malade, qui voyez-vous en premier ?"
SCALE = "Quelle est votre météo aujourd'hui ?"
WORDCLOUD = "Un mot pour dire « santé » ?"
QUIZ = "L'AME permet d'être soigné·e sans avancer les frais. Vrai ou faux ?"
DEBATE = "On peut toujours choisir son médecin."


def starts_with(number: int) -> re.Pattern:
    """Text that starts with this number (JavaScript regex: no Unicode word boundaries)."""
    return re.compile(rf"^\s*{number}(?!\d)")


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(fresh_live_server):
    return fresh_live_server


@pytest.fixture(scope="module")
def live(server) -> dict:
    return server.demo["live"]


@pytest.fixture(scope="module")
def mediator(server) -> dict:
    return server.demo["mediators"][0]


@pytest.fixture(scope="module")
def mediator_state(browser, server, mediator) -> dict:
    """The mediator's logged-in cookies, to open control pages without logging in again."""
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, server.demo["login_url"], mediator["email"], mediator["password"])
        page.wait_for_url(server.url("/tableau-de-bord"))
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def pages():
    """Every page a test opened, to check for JavaScript errors at the end."""
    opened: list[Page] = []
    yield opened
    errors = {page.url: page.js_errors for page in opened if page.js_errors}
    assert errors == {}, f"JavaScript errors: {errors}"


@pytest.fixture
def open_control(new_page, pages, live, mediator_state):
    def _open() -> Page:
        page = new_page(storage_state=mediator_state, **CONTROL)
        pages.append(page)
        page.goto(live["control_url"])
        wait_for_socket(page)
        return page

    return _open


@pytest.fixture
def open_screen(new_page, pages, live):
    def _open() -> Page:
        page = new_page(**SCREEN)
        pages.append(page)
        page.goto(live["screen_url"])
        wait_for_socket(page)
        return page

    return _open


@pytest.fixture
def join(new_page, pages, live):
    """``join(pseudonym=…, language=…, js=…)``: a phone that joined the board."""

    def _join(*, pseudonym: str | None = None, language: str | None = None, js: bool = True):
        page = new_page(java_script_enabled=js, **PHONE)
        pages.append(page)
        page.goto(live["join_url"])
        expect(page.locator("input[name=pseudonym]")).to_be_visible()
        if pseudonym:
            page.fill("input[name=pseudonym]", pseudonym)
        if language:
            page.locator(f"input[name=language][value={language}]").check()
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#activity")).to_be_attached()
        assert urlsplit(page.url).path == urlsplit(live["join_url"]).path
        if js:
            wait_for_socket(page)
        return page

    return _join


# --- helpers ------------------------------------------------------------------------


def wait_for_socket(page: Page, timeout: float = LIVE) -> None:
    expect(page.locator("[data-live-role]")).to_have_attribute(
        "data-live-socket", "connected", timeout=timeout
    )


def command(control: Page, action: str, **fields: str) -> None:
    """Press the control panel's button for this action (and these hidden fields)."""
    selector = f"#panel form:has(input[name=action][value={action}])"
    for name, value in fields.items():
        selector += f":has(input[name={name}][value={value}])"
    with control.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        control.locator(selector).locator("button[type=submit]").click()
    assert posted.value.status == 200, f"{action} answered {posted.value.status}"


def show(control: Page, prompt: str) -> None:
    """Put this activity on the board with its "Show on the board" button, if not there."""
    item = control.locator("#activities li[data-activity]", has_text=prompt)
    goto = item.locator("form.goto button[type=submit]")
    if goto.is_visible():
        with control.expect_response(
            lambda r: r.url.endswith("/commande") and r.request.method == "POST"
        ) as posted:
            goto.click()
        assert posted.value.status == 200
    expect(control.locator("#panel .panel-prompt")).to_contain_text(prompt)
    expect(item).to_have_class(re.compile(r"\bcurrent\b"))
    expect(goto).to_be_hidden()


def open_answers(control: Page) -> None:
    if control.locator("#panel form:has(input[name=action][value=open])").count():
        command(control, "open")
    expect(control.locator("#panel form:has(input[name=action][value=close])")).to_be_visible()


def reveal(control: Page) -> None:
    if control.locator("#panel form:has(input[name=action][value=reveal])").count():
        command(control, "reveal")
    expect(control.locator("#panel form:has(input[name=action][value=hide])")).to_be_visible()


def hide_results(control: Page) -> None:
    if control.locator("#panel form:has(input[name=action][value=hide])").count():
        command(control, "hide")
    expect(control.locator("#panel form:has(input[name=action][value=reveal])")).to_be_visible()


def screen_count(screen: Page):
    """The screen's "N answers" line."""
    return screen.locator("#screen-results .screen-status strong")


def read_count(screen: Page) -> int:
    text = screen_count(screen).inner_text()
    match = re.search(r"\d+", text)
    assert match, f"no number in the screen's answer count: {text!r}"
    return int(match.group())


def send(phone: Page) -> None:
    """Press Send; wait until the server acknowledged it (the receipt ✓)."""
    received = phone.locator("body").get_attribute("data-t-received")
    assert received and "✓" in received
    phone.locator("#activity form.answer-form button[type=submit]").click()
    receipt = phone.locator("[data-receipt]")
    expect(receipt).to_have_text(received, timeout=LIVE)
    expect(receipt).to_have_class(re.compile(r"\breceipt-ok\b"))


def choose(phone: Page, option_id: str) -> None:
    """Tap an option's label (as a finger would), then check it is the one chosen."""
    phone.locator(f"#activity label[for={option_id}]").click()
    expect(phone.locator(f"#activity input#{option_id}")).to_be_checked()


def outbox(phone: Page, code: str) -> dict:
    raw = phone.evaluate("(key) => localStorage.getItem(key)", f"fac-outbox-{code}")
    return json.loads(raw) if raw else {}


# --- 1. a workshop ---------------------------------------------------------------------


def test_workshop_poll_word_cloud_and_debate_with_three_phones(
    new_page, pages, server, live, mediator, open_screen, join, screenshot
):
    # The mediator logs in and opens the board of a session of their space
    control = new_page(**CONTROL)
    pages.append(control)
    log_in(control, server.demo["login_url"], mediator["email"], mediator["password"])
    control.wait_for_url(server.url("/tableau-de-bord"))
    response = control.goto(live["control_url"])
    assert response is not None and response.status == 200
    space_link = control.locator("nav.breadcrumb a").first
    expect(space_link).to_have_text("Arnaud Bernard")
    spaces = {urlsplit(s["url"]).path: s["name"] for s in mediator["spaces"]}
    assert spaces.get(space_link.get_attribute("href")) == "Arnaud Bernard"
    expect(control.locator(".join-line .code")).to_have_text(live["join_code"])
    wait_for_socket(control)
    show(control, POLL)
    open_answers(control)
    hide_results(control)  # another test may have shown them

    screen = open_screen()
    expect(screen.locator(".screen-code")).to_have_text(live["join_code"])
    expect(screen.locator(".screen-prompt")).to_have_text(POLL)
    expect(screen_count(screen)).to_have_text(starts_with(0))
    screenshot(screen, "screen", "1-poll-open")

    # Three phones: a pseudonym, anonymous, Arabic
    samia = join(pseudonym="Samia")
    anonymous = join()
    arabic = join(language="ar")
    expect(samia.locator(".phone-who")).to_contain_text("Samia")
    expect(samia.locator("html")).to_have_attribute("lang", "fr")
    expect(arabic.locator("html")).to_have_attribute("lang", "ar")
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    expect(screen.locator("[data-connected]")).to_have_text("3", timeout=LIVE)
    expect(control.locator("#connected .people li")).to_have_count(3, timeout=LIVE)
    screenshot(samia, "phone", "2-poll-form")
    screenshot(arabic, "phone-ar", "2-poll-form")

    # They answer the poll: a doctor, the pharmacy, a doctor
    for phone, option in ((samia, "c0"), (anonymous, "c1"), (arabic, "c0")):
        expect(phone.locator("#activity .prompt")).to_have_text(POLL)
        choose(phone, option)
        send(phone)
    screenshot(samia, "phone", "3-poll-received")
    screenshot(arabic, "phone-ar", "3-poll-received")
    expect(screen_count(screen)).to_have_text(starts_with(3), timeout=LIVE)
    expect(screen.locator("#screen-results .bar")).to_have_count(0)  # not shown yet
    expect(control.locator("#panel .meta strong")).to_have_text(starts_with(3), timeout=LIVE)

    # Reveal: bars with numbers on the screen
    reveal(control)
    bars = screen.locator("#screen-results .bar-value")
    expect(bars).to_have_text([starts_with(n) for n in (2, 1, 0, 0, 0)], timeout=LIVE)
    expect(screen.locator("#screen-results .results-total")).to_have_text(starts_with(3))
    screenshot(screen, "screen", "4-poll-results")
    screenshot(control, "control", "4-poll-results")
    # The phones see the results too (their page follows the board)
    expect(samia.locator("#activity .bar-value")).to_have_text(
        [starts_with(n) for n in (2, 1, 0, 0, 0)], timeout=LIVE
    )
    screenshot(samia, "phone", "4-poll-results")

    # The word cloud: « Santé » and « sante » are one word
    show(control, WORDCLOUD)
    expect(screen.locator(".screen-prompt")).to_have_text(WORDCLOUD, timeout=LIVE)
    for phone in (samia, anonymous, arabic):
        expect(phone.locator("#activity .prompt")).to_have_text(WORDCLOUD, timeout=LIVE)
        expect(phone.locator("#activity form.answer-form")).to_have_count(0)  # not open yet
    open_answers(control)
    words = {samia: ["Santé", "accès"], anonymous: ["sante", "écoute"], arabic: ["soins"]}
    for phone, typed in words.items():
        expect(phone.locator("#activity input[name=word]").first).to_be_visible(timeout=LIVE)
        for i, word in enumerate(typed):
            phone.fill(f"#activity input#w{i}", word)
        send(phone)
    screenshot(arabic, "phone-ar", "5-words-received")
    expect(screen_count(screen)).to_have_text(starts_with(3), timeout=LIVE)
    reveal(control)
    cloud = screen.locator("#screen-results .cloud-word")
    expect(cloud).to_have_count(4, timeout=LIVE)
    sante = cloud.filter(has_text=re.compile(r"^\s*sant[ée]\s", re.IGNORECASE))
    expect(sante).to_have_count(1)
    expect(sante.locator(".cloud-count")).to_have_text("2")
    for word in ("accès", "écoute", "soins"):
        expect(cloud.filter(has_text=word).locator(".cloud-count")).to_have_text("1")
    screenshot(screen, "screen", "5-word-cloud")

    # The débat mouvant: first positions, then one person moves
    show(control, DEBATE)
    open_answers(control)
    positions = {samia: "v1", anonymous: "v5", arabic: "v4"}
    for phone, option in positions.items():
        expect(phone.locator("#activity input[name=value]").first).to_be_attached(timeout=LIVE)
        expect(phone.locator("#activity .prompt")).to_have_text(DEBATE)
        choose(phone, option)
        send(phone)
    screenshot(samia, "phone", "6-debate-first")
    expect(screen_count(screen)).to_have_text(starts_with(3), timeout=LIVE)
    before = arabic.locator("#activity").get_attribute("data-version")
    command(control, "phase", phase="final")
    # The phone's form comes back for the second round, with its first place checked
    expect(arabic.locator("#activity")).not_to_have_attribute("data-version", before, timeout=LIVE)
    expect(arabic.locator("#activity input#v4")).to_be_checked()
    choose(arabic, "v5")
    send(arabic)
    reveal(control)
    compare = screen.locator("#screen-results .debate-compare > section")
    expect(compare).to_have_count(2, timeout=LIVE)
    expect(compare.nth(0).locator(".bar-value")).to_have_text(
        [starts_with(n) for n in (1, 0, 0, 1, 1)]
    )
    expect(compare.nth(1).locator(".bar-value")).to_have_text(
        [starts_with(n) for n in (1, 0, 0, 0, 2)], timeout=LIVE
    )
    expect(screen.locator("#screen-results .results-total")).to_have_text(starts_with(1))
    screenshot(screen, "screen", "7-debate-moved")
    screenshot(control, "control", "7-debate-moved")
    screenshot(arabic, "phone-ar", "7-debate-results")
    for phone in (samia, anonymous, arabic):
        assert_no_horizontal_scroll(phone, "The phone page")


# --- 2. handing the controls over ---------------------------------------------------------


def test_mediator_hands_the_controls_to_a_phone_and_takes_them_back(
    open_control, open_screen, join, screenshot
):
    control = open_control()
    show(control, POLL)
    screen = open_screen()
    expect(screen.locator(".screen-prompt")).to_have_text(POLL)
    lea = join(pseudonym="Léa")
    anonymous = join()
    expect(lea.locator(".coanimation")).to_have_count(0)

    person = control.locator("#connected .people li", has_text="Léa")
    expect(person).to_be_visible(timeout=LIVE)
    # Only people with a pseudonym can be handed the controls
    expect(control.locator("#connected .people li:not(:has(form))")).not_to_have_count(0)
    person.locator("select[name=scope]").select_option("session")
    with control.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        person.locator("form:has(input[name=action][value=handover]) button").click()
    assert posted.value.status == 200
    expect(control.locator("#connected .coanimator")).to_contain_text("Léa", timeout=LIVE)
    screenshot(control, "control", "handed-over")

    # Léa's phone shows the controls, the other phone does not
    coanimation = lea.locator("#activity .coanimation")
    expect(coanimation).to_be_visible(timeout=LIVE)
    expect(coanimation.locator(".controls[role=group]")).to_be_visible()
    # …and the timer's buttons: a co-animating phone can start it too
    expect(coanimation.locator(".timer-controls[role=group]")).to_be_visible()
    expect(anonymous.locator(".coanimation")).to_have_count(0)
    screenshot(lea, "phone", "coanimating")
    assert_no_horizontal_scroll(lea, "The co-animating phone")

    with lea.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        coanimation.locator("form:has(input[name=action][value=next]) button").click()
    assert posted.value.status == 200
    expect(screen.locator(".screen-prompt")).to_have_text(SCALE, timeout=LIVE)
    expect(control.locator("#panel .panel-prompt")).to_contain_text(SCALE, timeout=LIVE)
    expect(anonymous.locator("#activity .prompt")).to_have_text(SCALE, timeout=LIVE)
    expect(lea.locator("#activity .coanimation")).to_be_visible()
    screenshot(screen, "screen", "next-by-phone")

    # The mediator takes the controls back
    command(control, "take_back")
    expect(control.locator("#connected .coanimator")).to_have_count(0, timeout=LIVE)
    expect(lea.locator(".coanimation")).to_have_count(0, timeout=LIVE)
    expect(lea.locator("#activity .prompt")).to_have_text(SCALE)
    screenshot(lea, "phone", "taken-back")


# --- 3. nothing lost offline --------------------------------------------------------------


def test_an_answer_sent_offline_waits_and_is_counted_when_back_online(
    open_control, open_screen, join, live, screenshot
):
    control = open_control()
    show(control, SCALE)
    open_answers(control)
    screen = open_screen()
    expect(screen.locator(".screen-prompt")).to_have_text(SCALE)
    phone = join(pseudonym="Hors ligne")
    expect(phone.locator("#activity input[name=value]").first).to_be_attached()
    before = read_count(screen)

    phone.context.set_offline(True)
    expect(phone.locator("[data-live-role]")).to_have_attribute(
        "data-live-socket", "disconnected", timeout=RECONNECT
    )
    expect(phone.locator("[data-connection]")).to_be_visible()
    choose(phone, "v4")
    phone.locator("#activity form.answer-form button[type=submit]").click()
    offline = phone.locator("body").get_attribute("data-t-offline")
    expect(phone.locator("[data-receipt]")).to_have_text(offline)
    kept = outbox(phone, live["join_code"])
    assert len(kept) == 1, f"the outbox should hold the answer: {kept}"
    (item,) = kept.values()
    assert item["event"] == "answer" and item["payload"]["fields"]["value"] == ["4"]
    screenshot(phone, "phone", "offline")
    expect(screen_count(screen)).to_have_text(starts_with(before))

    phone.context.set_offline(False)
    received = phone.locator("body").get_attribute("data-t-received")
    expect(phone.locator("[data-receipt]")).to_have_text(received, timeout=RECONNECT)
    expect(phone.locator("[data-connection]")).to_be_hidden()
    assert outbox(phone, live["join_code"]) == {}
    expect(screen_count(screen)).to_have_text(starts_with(before + 1), timeout=LIVE)
    screenshot(phone, "phone", "back-online")


# --- 4. without JavaScript ----------------------------------------------------------------


def test_a_phone_without_javascript_answers_with_the_plain_form(
    open_control, open_screen, join, screenshot
):
    control = open_control()
    show(control, QUIZ)
    open_answers(control)
    screen = open_screen()
    expect(screen.locator(".screen-prompt")).to_have_text(QUIZ)
    before = read_count(screen)

    phone = join(js=False)
    expect(phone.locator("#activity .prompt")).to_have_text(QUIZ)
    expect(phone.locator("[data-live-role]")).not_to_have_attribute(
        "data-live-socket", re.compile(".*")
    )  # live.js did not run
    choose(phone, "c0")
    with phone.expect_navigation():
        phone.locator("#activity form.answer-form button[type=submit]").click()
    receipt = phone.locator("#activity .receipt-ok[role=status]")
    expect(receipt).to_contain_text("✓")
    expect(phone.locator("#activity input#c0")).to_be_checked()
    screenshot(phone, "phone-nojs", "received")
    expect(screen_count(screen)).to_have_text(starts_with(before + 1), timeout=LIVE)


# --- 5. accessibility, sizes and weight --------------------------------------------------------


def test_live_pages_are_accessible_fit_a_phone_and_stay_light(
    open_control, open_screen, new_page, pages, join, live, screenshot
):
    control = open_control()
    show(control, POLL)
    open_answers(control)
    reveal(control)
    screen = open_screen()
    expect(screen.locator("#screen-results .bar")).to_have_count(5)
    screenshot(screen, "screen", "axe")
    assert_accessible(screen, "the screen at 1920×1080")
    screenshot(control, "control", "axe")
    assert_accessible(control, "the control page at 1280×800")

    # The join form, then an activity's form, on a phone
    phone = new_page(**PHONE)
    pages.append(phone)
    phone.goto(live["join_url"])
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    screenshot(phone, "phone", "join-form")
    assert_no_horizontal_scroll(phone, "The join form")
    assert_accessible(phone, "the join form at 360 px")
    phone.fill("input[name=pseudonym]", "Axe")
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#activity form.answer-form")).to_be_visible()
    wait_for_socket(phone)
    screenshot(phone, "phone", "poll-form")
    assert_no_horizontal_scroll(phone, "The phone's poll")
    assert_accessible(phone, "the phone's poll at 360 px")

    # In Arabic: right to left
    arabic = join(language="ar")
    expect(arabic.locator("html")).to_have_attribute("lang", "ar")
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    expect(arabic.locator("#activity form.answer-form")).to_be_visible()
    screenshot(arabic, "phone-ar", "poll-form")
    assert_no_horizontal_scroll(arabic, "The Arabic phone page")
    assert_accessible(arabic, "the Arabic phone page at 360 px")

    # The phone's JavaScript, gzipped, stays under 35 KB
    scripts = phone.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert scripts, "the phone page loads no script"
    sizes = {}
    for url in scripts:
        response = phone.request.get(url)
        assert response.ok, f"{url} answered {response.status}"
        sizes[urlsplit(url).path] = len(gzip.compress(response.body()))
    total = sum(sizes.values())
    assert total < MAX_PHONE_JS_GZIP, f"phone JavaScript is {total} bytes gzipped: {sizes}"
