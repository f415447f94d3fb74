"""Attendance and journeys in a real browser, mostly on a 360 px phone.

One story, in order, on a server of this module's own (``fresh_live_server``): the
demo's data is changed here (roll call, a phone that checks in, a handover, an
erasure), and nothing else writes to it.

1. the mediator takes attendance on a phone: two regulars, one excused, a newcomer
   brought by a regular — in place (htmx), and still there after a reload;
2. a phone joins the live board with a pseudonym; the mediator confirms it in one tap;
   another phone joins as "colibri": the roll call proposes the existing Colibri ("C'est
   Colibri, … ?") and one tap binds it — while that phone never sees the proposal;
3. the mediator hands that person the controls, then takes them back: the person's
   journey (staff page) shows the co-animation;
4. "mon parcours": the demo's one-time link shows a button (a link preview must not spend
   it) that opens Soleil's journey (once only), and the checked-in phone sees its own
   journey and the phones linked to it;
5. that phone erases everything held on its person: the counts stay;
6. axe-core, no sideways scrolling at 360 px and ``lang=fr`` on those pages.

The tests build on each other (pytest runs them in file order): a step whose
prerequisite failed is skipped, so the first failure is the one to read.

Attendance must read as information, never a score: the screenshots in
``test-artifacts/`` are there to be looked at.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .test_journeys import PAGE_NOT_FOUND, assert_accessible, assert_french, french, log_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
CONTROL = {"viewport": {"width": 1280, "height": 800}}
LIVE = 10_000  # ms: a broadcast reaching the other pages

# Demo people (facilitation/demo/services.py): regulars of "Arnaud Bernard". Soleil is
# left alone: step 4 reads the demo's own journey of Soleil.
REGULARS = ("Atlas", "Baobab")
EXCUSED = "Colibri"
NEWCOMER = "Glycine"
BROUGHT_BY = "Atlas"
PHONE_PSEUDONYM = "Tilleul-2"  # not a demo pseudonym ("Tilleul" is)
PROPOSED = "Colibri"  # a demo regular: a phone joining as "colibri" is proposed as them

BOARD_CO_ANIMATION = "Animated the board during the session"
ERASED = "Everything held on you is erased. Thank you for taking part."
NOT_LINKED = (
    "This phone is not linked to a journey yet. Join a session with its code, and the "
    "mediator will confirm you are there — or ask them for a link for your phone."
)
GOODBYE = "Nothing is held on you any more. You are always welcome at the workshops."


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(fresh_live_server):
    return fresh_live_server


@pytest.fixture(scope="module")
def demo(server) -> dict:
    return server.demo


@pytest.fixture(scope="module")
def mediator(demo) -> dict:
    return demo["mediators"][0]


@pytest.fixture(scope="module")
def space_id(mediator) -> int:
    space = mediator["spaces"][0]
    assert space["name"] == "Arnaud Bernard"
    return space["id"]


@pytest.fixture(scope="module")
def session_id(demo) -> int:
    match = re.search(r"/seances/(\d+)/tableau$", urlsplit(demo["live"]["control_url"]).path)
    assert match, f"unexpected control_url: {demo['live']['control_url']}"
    return int(match.group(1))


@pytest.fixture(scope="module")
def roll_call_url(server, session_id) -> str:
    return server.url(f"/seances/{session_id}/presences")


@pytest.fixture(scope="module")
def mediator_state(browser, server, demo, mediator) -> dict:
    """The mediator's logged-in cookies, to open staff pages without logging in again."""
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        log_in(page, demo["login_url"], mediator["email"], mediator["password"])
        page.wait_for_url(server.url("/tableau-de-bord"))
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="module")
def story() -> dict:
    """What one step leaves for the next (ids, URLs, counts)."""
    return {}


@pytest.fixture(scope="module")
def participant_phone(browser, demo):
    """The phone of step 2 (``Tilleul-2``), kept open from one step to the next.

    Created on first use; its JavaScript errors are collected in ``page.js_errors``.
    """
    contexts = []

    def _get() -> Page:
        if contexts:
            return contexts[0].pages[0]
        context = browser.new_context(locale="fr-FR", **PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.goto(demo["live"]["join_url"])
        page.fill("input[name=pseudonym]", PHONE_PSEUDONYM)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#activity")).to_be_attached()
        expect(page.locator(".phone-who")).to_contain_text(PHONE_PSEUDONYM)
        wait_for_socket(page)
        return page

    yield _get
    for context in contexts:
        context.close()


@pytest.fixture
def staff_page(new_page, mediator_state):
    """``staff_page(PHONE)``: a page of the logged-in mediator at that size."""
    return lambda size: new_page(storage_state=mediator_state, **size)


# --- helpers ------------------------------------------------------------------------


def assert_fits(page: Page, what: str) -> None:
    """No sideways scrolling: the content is no wider than the window the test asked for.

    With ``is_mobile``, Chromium widens the layout viewport (``window.innerWidth``) to
    fit content that overflows, so comparing with ``innerWidth`` alone misses it.
    """
    width = page.viewport_size["width"]
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth, "
        "document.documentElement.clientWidth]"
    )
    if max(sizes) > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .filter(e => !e.parentElement
                    || e.parentElement.getBoundingClientRect().right <= width + 0.5)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                    + ' → ' + Math.round(e.getBoundingClientRect().right) + ' px')""",
            width,
        )
        pytest.fail(
            f"{what} is wider than the {width} px window (scrollWidth, innerWidth, "
            f"clientWidth = {sizes}) at {page.url}; first elements too wide: {wide}",
            pytrace=False,
        )


def check_page(page: Page, size: str, step: str, screenshot, *, axe: bool = True) -> None:
    """Screenshot, French, nothing wider than the window, and (by default) axe-core."""
    screenshot(page, size, step)
    assert_french(page)
    assert_fits(page, f"The {step} page at {size} size")
    if axe:
        assert_accessible(page, f"the {step} page at {size} size")


def need(story: dict, *keys: str) -> None:
    missing = [key for key in keys if key not in story]
    if missing:
        pytest.skip(f"an earlier step did not finish (missing {', '.join(missing)})")


def wait_for_socket(page: Page, timeout: float = LIVE) -> None:
    expect(page.locator("[data-live-role]")).to_have_attribute(
        "data-live-socket", "connected", timeout=timeout
    )


def number_in(text: str) -> int:
    match = re.search(r"\d+", text)
    assert match, f"no number in {text!r}"
    return int(match.group())


def present_count(page: Page) -> int:
    return number_in(page.locator("#roll-call .roll-count").inner_text())


def count_text(number: int) -> re.Pattern:
    return re.compile(rf"^\s*{number}(?!\d)")


def roll_row(page: Page, pseudonym: str):
    """A regular's row in the roll call (by their exact pseudonym)."""
    return page.locator("#roll-call li.roll-row[id^=p-]").filter(
        has=page.locator(".roll-name", has_text=re.compile(rf"^{re.escape(pseudonym)}$"))
    )


def tap_in_place(page: Page, button, path_part: str) -> None:
    """Tap a roll-call button: one htmx POST, the roll call swapped, no page load."""
    with page.expect_response(
        lambda r: path_part in r.url and r.request.method == "POST"
    ) as posted:
        button.tap()
    response = posted.value
    assert response.status == 200, f"{response.url} answered {response.status}"
    assert response.request.all_headers().get("hx-request") == "true", "not sent by htmx"


def mark_same_page(page: Page) -> None:
    page.evaluate("() => { window.__e2eSamePage = true; }")


def assert_same_page(page: Page, url: str) -> None:
    assert page.url == url, f"the URL changed: {page.url}"
    assert page.evaluate("() => window.__e2eSamePage === true"), "the page was reloaded"


def overview_line(page: Page, session_id: int) -> dict[str, int]:
    """The cycle overview's numbers for one session: came, new, co-animated."""
    row = page.locator("table.data tbody tr").filter(
        has=page.locator(f"th a[href='/seances/{session_id}']")
    )
    expect(row).to_have_count(1)
    cells = [number_in(text) for text in row.locator("td").all_inner_texts()]
    assert len(cells) == 3, f"expected 3 numbers in the session's row: {cells}"
    return dict(zip(("came", "new", "co_animated"), cells, strict=True))


def open_participant(page: Page, server, space_id: int, pseudonym: str) -> str:
    """From the space's participants list, open this person's staff page; return its URL."""
    page.goto(server.url(f"/espaces/{space_id}/participants"))
    link = page.locator(
        "main ul.cards a.card-title", has_text=re.compile(rf"^{re.escape(pseudonym)}$")
    )
    expect(link).to_have_count(1)
    link.click()
    page.wait_for_url(re.compile(r"/participants/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(pseudonym)
    return page.url


def open_link(page: Page, url: str) -> None:
    """Open a one-time link: its page is a button (nothing spent yet); tap it."""
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert urlsplit(page.url).path.startswith("/moi/lien/")
    expect(page.locator("main .lead")).to_have_count(0)  # no name for a link preview
    page.locator("main form[method=post] button[type=submit]").tap()
    page.wait_for_url("**/moi/")


def assert_journey(page: Page, pseudonym: str) -> None:
    """A "mon parcours" page of this person: greeting, summary tiles, a timeline."""
    assert urlsplit(page.url).path == "/moi/"
    assert_french(page)
    expect(page.locator("main .lead")).to_contain_text(pseudonym)
    tiles = page.locator("main ul.summary-tiles > li")
    assert tiles.count() >= 1, "the summary tiles are missing"
    for text in tiles.all_inner_texts():
        number_in(text)  # each tile says how many, in words
    assert page.locator("main ol.timeline > li.timeline-item").count() > 0


# --- 1. roll call on a phone --------------------------------------------------------


def test_mediator_takes_attendance_in_place_on_a_phone(
    new_page, server, demo, mediator, space_id, session_id, roll_call_url, story, screenshot
):
    page = new_page(**PHONE)
    log_in(page, demo["login_url"], mediator["email"], mediator["password"])
    page.wait_for_url(server.url("/tableau-de-bord"))

    # The session's page leads to the roll call
    page.goto(server.url(f"/seances/{session_id}"))
    page.locator(f"main a[href='/seances/{session_id}/presences']").first.tap()
    page.wait_for_url(roll_call_url)
    page.wait_for_function("() => window.htmx !== undefined")
    assert_french(page)
    story["theme"] = page.locator("nav.breadcrumb a").nth(1).inner_text().strip()
    expect(page.locator("#roll-call")).to_be_visible()
    before = present_count(page)
    screenshot(page, "phone", "1-before")
    mark_same_page(page)

    # Two regulars, one tap each: the list and the count change in place
    for i, pseudonym in enumerate(REGULARS, start=1):
        row = roll_row(page, pseudonym)
        expect(row).to_have_count(1)
        button = row.locator("button.roll-name-button")
        expect(button).to_have_attribute("aria-pressed", "false")
        tap_in_place(page, button, "/presences/")
        expect(row).to_have_class(re.compile(r"\bstatus-present\b"))
        expect(row.locator("button.roll-name-button")).to_have_attribute("aria-pressed", "true")
        expect(row.locator(".roll-check")).to_have_text("✓")
        expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + i))
    assert_same_page(page, roll_call_url)

    # One excused
    excused = roll_row(page, EXCUSED)
    excused_button = excused.locator("button[name=status]:not(.roll-name-button)")
    expect(excused_button).to_have_attribute("value", "excused")
    tap_in_place(page, excused_button, "/presences/")
    expect(excused).to_have_class(re.compile(r"\bstatus-excused\b"))
    expect(excused_button).to_have_attribute("aria-pressed", "true")
    expect(excused_button).to_have_attribute("value", "clear")  # a second tap undoes it
    expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + 2))
    assert_same_page(page, roll_call_url)

    # A newcomer, brought by a regular
    form = page.locator("#roll-call form:has(input[name=pseudonym])")
    form.locator("input[name=pseudonym]").fill(NEWCOMER)
    form.locator("select[name=brought_by]").select_option(label=BROUGHT_BY)
    tap_in_place(page, form.locator("button[type=submit]"), "/presences/nouveau")
    newcomer = roll_row(page, NEWCOMER)
    expect(newcomer).to_have_class(re.compile(r"\bstatus-present\b"))
    expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + 3))
    expect(page.locator("#roll-call input[name=pseudonym]")).to_have_value("")
    assert_same_page(page, roll_call_url)
    screenshot(page, "phone", "2-marked")

    # All of it is saved: a reload shows the same
    page.reload()
    assert page.evaluate("() => window.__e2eSamePage") is None  # really reloaded
    for pseudonym in (*REGULARS, NEWCOMER):
        expect(roll_row(page, pseudonym)).to_have_class(re.compile(r"\bstatus-present\b"))
    expect(roll_row(page, EXCUSED)).to_have_class(re.compile(r"\bstatus-excused\b"))
    expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + 3))
    # Nobody else was marked: the other rows have no status
    marked = page.locator("#roll-call li.roll-row[id^=p-][class*=status-]")
    expect(marked).to_have_count(4)
    check_page(page, "phone", "3-reloaded", screenshot)

    # "Brought by" is saved on the newcomer's record
    open_participant(page, server, space_id, NEWCOMER)
    expect(page.locator("select[name=brought_by] option:checked")).to_have_text(BROUGHT_BY)
    assert page.js_errors == [], f"JavaScript errors: {page.js_errors}"
    story["present_after_step_1"] = before + 3


# --- 2. a phone checks in -------------------------------------------------------------


def test_a_phone_that_joined_the_board_is_confirmed_present_in_one_tap(
    staff_page, participant_phone, roll_call_url, story, screenshot
):
    need(story, "present_after_step_1")
    phone = participant_phone()
    screenshot(phone, "phone", "1-joined")

    page = staff_page(PHONE)
    page.goto(roll_call_url)
    page.wait_for_function("() => window.htmx !== undefined")
    before = present_count(page)
    assert before == story["present_after_step_1"]
    check_ins = page.locator("#roll-call section.check-ins")
    expect(check_ins.locator("h2")).to_contain_text(french("Joined from their phone"))
    proposed = check_ins.locator("li.roll-row.proposed", has_text=PHONE_PSEUDONYM)
    expect(proposed).to_have_count(1)
    expect(roll_row(page, PHONE_PSEUDONYM)).to_have_count(0)  # not known in the space yet
    screenshot(page, "phone", "2-proposed")

    mark_same_page(page)
    tap_in_place(page, proposed.locator("button[type=submit]"), "/presences/telephone/")
    assert_same_page(page, roll_call_url)
    expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + 1))
    expect(check_ins.locator("li", has_text=PHONE_PSEUDONYM)).to_have_count(0)
    row = roll_row(page, PHONE_PSEUDONYM)
    expect(row).to_have_class(re.compile(r"\bstatus-present\b"))
    expect(row.locator("button.roll-name-button")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "phone", "3-confirmed")

    page.reload()
    expect(roll_row(page, PHONE_PSEUDONYM)).to_have_class(re.compile(r"\bstatus-present\b"))
    expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + 1))
    expect(page.locator("#roll-call li.proposed", has_text=PHONE_PSEUDONYM)).to_have_count(0)
    assert page.js_errors == [], f"JavaScript errors: {page.js_errors}"

    # The phone now offers its person's journey
    phone.reload()
    wait_for_socket(phone)
    expect(phone.locator("main a[href='/moi/']")).to_be_visible()
    story["checked_in"] = True
    story["present_after_step_2"] = before + 1


def test_the_roll_call_proposes_the_existing_person_for_a_phone(
    browser, staff_page, demo, roll_call_url, story, screenshot
):
    need(story, "present_after_step_2")
    context = browser.new_context(locale="fr-FR", **PHONE)
    try:
        phone = context.new_page()
        phone.goto(demo["live"]["join_url"])
        phone.fill("input[name=pseudonym]", PROPOSED.lower())
        phone.locator("main form button[type=submit]").click()
        expect(phone.locator("#activity")).to_be_attached()

        page = staff_page(PHONE)
        page.goto(roll_call_url)
        page.wait_for_function("() => window.htmx !== undefined")
        before = present_count(page)
        proposed = page.locator("#roll-call section.check-ins li.roll-row.proposed").filter(
            has_text=PROPOSED.lower()
        )
        expect(proposed).to_have_count(1)
        expect(proposed.locator(".proposal")).to_contain_text(f"C’est {PROPOSED}")
        expect(proposed.locator("button", has_text=french("No, a new person"))).to_be_visible()
        check_page(page, "phone", "1-proposed", screenshot)

        # Nothing of it on the phone: it sees its own pseudonym only
        phone.reload()
        expect(phone.locator("main")).not_to_contain_text(f"C’est {PROPOSED}")
        expect(phone.locator("main")).not_to_contain_text(PROPOSED)

        mark_same_page(page)
        yes = proposed.locator("button", has_text=f"Oui, c’est {PROPOSED}")
        tap_in_place(page, yes, "/presences/telephone/")
        assert_same_page(page, roll_call_url)
        expect(roll_row(page, PROPOSED)).to_have_class(re.compile(r"\bstatus-present\b"))
        expect(
            page.locator("#roll-call section.check-ins", has_text=PROPOSED.lower())
        ).to_have_count(0)
        expect(roll_row(page, PROPOSED.lower())).to_have_count(0)  # no second Colibri
        expect(page.locator("#roll-call .roll-count")).to_have_text(count_text(before + 1))
        assert page.js_errors == [], f"JavaScript errors: {page.js_errors}"
        story["present_after_step_2"] = before + 1
    finally:
        context.close()


# --- 3. a handover is co-animation ------------------------------------------------------


def test_a_handover_shows_as_co_animation_in_the_journey(
    staff_page, participant_phone, server, demo, space_id, story, screenshot
):
    need(story, "checked_in")
    phone = participant_phone()
    if urlsplit(phone.url).path != urlsplit(demo["live"]["join_url"]).path:
        phone.goto(demo["live"]["join_url"])
    wait_for_socket(phone)

    control = staff_page(CONTROL)
    control.goto(demo["live"]["control_url"])
    wait_for_socket(control)
    person = control.locator("#connected .people li", has_text=PHONE_PSEUDONYM)
    expect(person).to_be_visible(timeout=LIVE)
    person.locator("select[name=scope]").select_option("session")
    with control.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        person.locator("form:has(input[name=action][value=handover]) button").click()
    assert posted.value.status == 200
    expect(control.locator("#connected .coanimator")).to_contain_text(PHONE_PSEUDONYM)
    expect(phone.locator("#activity .coanimation")).to_be_visible(timeout=LIVE)
    screenshot(phone, "phone", "1-co-animating")

    with control.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        control.locator(
            "#connected .coanimator form:has(input[name=action][value=take_back]) button"
        ).click()
    assert posted.value.status == 200
    expect(control.locator("#connected .coanimator")).to_have_count(0, timeout=LIVE)
    expect(phone.locator(".coanimation")).to_have_count(0, timeout=LIVE)
    assert control.js_errors == [], f"JavaScript errors: {control.js_errors}"

    # The person's journey (staff page) records it
    page = staff_page(PHONE)
    story["participant_url"] = open_participant(page, server, space_id, PHONE_PSEUDONYM)
    co = page.locator("ol.timeline > li.timeline-co_animation")
    expect(co).to_have_count(1)
    # The 🎙️ pictogram, as an OpenMoji image (the same on every phone).
    expect(co.locator("img.picto[src*='/pictograms/1F399.']")).to_be_visible()
    expect(co).to_contain_text(french(BOARD_CO_ANIMATION))
    attended = page.locator("ol.timeline > li.timeline-attended")
    expect(attended).to_have_count(1)
    expect(attended).to_contain_text(story["theme"])
    check_page(page, "phone", "2-staff-journey", screenshot)
    assert phone.js_errors == [], f"JavaScript errors: {phone.js_errors}"
    story["handed_over"] = True


# --- 4. mon parcours --------------------------------------------------------------------


def test_mon_parcours_opens_once_from_the_link_and_on_the_checked_in_phone(
    new_page, participant_phone, demo, story, screenshot
):
    soleil = demo["participant"]
    preview = new_page(**PHONE)  # a messaging app's preview: reading the link spends nothing
    response = preview.goto(soleil["journey_url"])
    assert response is not None and response.status == 200
    page = new_page(**PHONE)
    open_link(page, soleil["journey_url"])
    assert_journey(page, soleil["pseudonym"])
    # The demo's Soleil: came to sessions, co-animated twice, brought Mimosa
    expect(page.locator("ol.timeline > li.timeline-attended").first).to_be_visible()
    expect(page.locator("ol.timeline > li.timeline-co_animation")).to_have_count(2)
    expect(page.locator("ol.timeline > li.timeline-brought")).to_contain_text("Mimosa")
    check_page(page, "phone", "1-soleil", screenshot)

    # Everything held on me
    page.locator("main a[href='/moi/donnees']").tap()
    page.wait_for_url("**/moi/donnees")
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text(soleil["pseudonym"])
    expect(facts).to_contain_text("Arnaud Bernard")
    expect(facts.locator("dt")).to_have_count(8)
    expect(page.locator("main a[href='/moi/donnees?format=json']")).to_be_visible()
    expect(page.locator("main a[href='/moi/effacer']")).to_be_visible()
    check_page(page, "phone", "2-soleil-data", screenshot)
    with page.expect_download() as download:
        page.locator("main a[href='/moi/donnees?format=json']").click()
    assert download.value.suggested_filename == "mes-donnees.json"

    # The link works once
    again = new_page(**PHONE)
    response = again.goto(soleil["journey_url"])
    assert response is not None and response.status == 404
    expect(again.get_by_role("heading", level=1)).to_have_text(french(PAGE_NOT_FOUND))
    assert_french(again)
    screenshot(again, "phone", "3-link-used")
    for opened in (page, again):
        assert opened.js_errors == [], f"JavaScript errors: {opened.js_errors}"

    # The phone that checked in at step 2: same pseudonymous identity as on the board
    need(story, "checked_in")
    phone = participant_phone()
    phone.goto(demo["live"]["join_url"])
    phone.locator("main a[href='/moi/']").tap()
    phone.wait_for_url("**/moi/")
    assert_journey(phone, PHONE_PSEUDONYM)
    attended = phone.locator("ol.timeline > li.timeline-attended")
    expect(attended).to_have_count(1)
    expect(attended).to_contain_text(story["theme"])
    expect(attended.locator(".tag")).to_be_visible()  # first time
    # The phone sees it is linked to the journey, and may say "yes, it is me"
    expect(phone.locator("main")).to_contain_text("Ce téléphone, ajouté le")
    expect(phone.locator("main")).to_contain_text("à l’appel")
    if story.get("handed_over"):
        expect(phone.locator("ol.timeline > li.timeline-co_animation")).to_contain_text(
            french(BOARD_CO_ANIMATION)
        )
    check_page(phone, "phone", "4-checked-in-phone", screenshot)


# --- 5. erasure from the phone ------------------------------------------------------------


def test_erasing_from_the_phone_keeps_the_anonymous_counts(
    staff_page, participant_phone, server, space_id, session_id, roll_call_url, story, screenshot
):
    need(story, "checked_in", "participant_url")
    staff = staff_page(PHONE)
    staff.goto(server.url(f"/seances/{session_id}"))
    cycle_link = staff.locator("nav.breadcrumb a[href^='/cycles/']")
    cycle_id = int(re.search(r"/cycles/(\d+)", cycle_link.get_attribute("href")).group(1))
    overview_url = server.url(f"/cycles/{cycle_id}/vue-d-ensemble")
    staff.goto(overview_url)
    before = overview_line(staff, session_id)
    assert before["came"] == story["present_after_step_2"], before
    assert before["co_animated"] >= 1, before
    check_page(staff, "phone", "1-overview-before", screenshot)

    phone = participant_phone()
    phone.goto(server.url("/moi/"))
    assert_journey(phone, PHONE_PSEUDONYM)
    phone.locator("main a[href='/moi/donnees']").tap()
    phone.wait_for_url("**/moi/donnees")
    phone.locator("main a[href='/moi/effacer']").tap()
    phone.wait_for_url("**/moi/effacer")
    check_page(phone, "phone", "2-erase-confirm", screenshot)
    phone.locator("main form button[type=submit]").tap()
    phone.wait_for_url("**/moi/?efface=1")
    expect(phone.locator("main .flashes")).to_contain_text(french(ERASED))
    expect(phone.locator("main")).to_contain_text(french(GOODBYE))
    expect(phone.locator("main ol.timeline")).to_have_count(0)
    check_page(phone, "phone", "3-erased", screenshot)
    phone.goto(server.url("/moi/"))
    expect(phone.locator("main")).to_contain_text(french(NOT_LINKED))
    expect(phone.locator("main .flashes")).to_have_count(0)
    phone.goto(server.url("/moi/donnees"))
    assert urlsplit(phone.url).path == "/moi/"  # nothing held any more
    assert phone.js_errors == [], f"JavaScript errors: {phone.js_errors}"

    # The person is gone from the staff pages…
    response = staff.goto(story["participant_url"])
    assert response is not None and response.status == 404
    staff.goto(server.url(f"/espaces/{space_id}/participants"))
    expect(staff.locator("main", has_text=PHONE_PSEUDONYM)).to_have_count(0)
    staff.goto(roll_call_url)
    expect(staff.locator("#roll-call", has_text=PHONE_PSEUDONYM)).to_have_count(0)
    screenshot(staff, "phone", "4-roll-call-after")
    story["roll_call_after_erasure"] = present_count(staff)

    # …but the session's counts are the same
    staff.goto(overview_url)
    assert overview_line(staff, session_id) == before
    screenshot(staff, "phone", "5-overview-after")
    assert staff.js_errors == [], f"JavaScript errors: {staff.js_errors}"


def test_the_roll_call_still_counts_a_person_who_erased_themselves(story):
    need(story, "roll_call_after_erasure")
    assert story["roll_call_after_erasure"] == story["present_after_step_2"], (
        "the roll call's present count dropped after a self-erasure "
        f"({story['present_after_step_2']} → {story['roll_call_after_erasure']}), while the "
        "cycle overview still counts the person anonymously"
    )


# --- 6. accessibility and size -------------------------------------------------------------


def test_attendance_and_journey_pages_are_accessible_and_fit_a_phone(
    staff_page, new_page, server, space_id, session_id, roll_call_url, screenshot
):
    page = staff_page(PHONE)
    page.goto(roll_call_url)
    expect(page.locator("#roll-call")).to_be_visible()
    check_page(page, "phone", "roll-call", screenshot)

    page.goto(server.url(f"/seances/{session_id}"))
    cycle_href = page.locator("nav.breadcrumb a[href^='/cycles/']").get_attribute("href")
    page.goto(server.url(f"{cycle_href}/vue-d-ensemble"))
    expect(page.locator("table.data")).to_be_visible()
    check_page(page, "phone", "cycle-overview", screenshot)

    # A participant's staff page; its "link for their phone" opens /moi on a new phone
    open_participant(page, server, space_id, BROUGHT_BY)
    expect(page.locator("ol.timeline > li.timeline-brought")).to_contain_text(NEWCOMER)
    check_page(page, "phone", "participant", screenshot)
    page.locator("main form[action$='/lien'] button[type=submit]").tap()
    link = page.locator("input#link")
    expect(link).to_have_value(re.compile(r"/moi/lien/"))
    check_page(page, "phone", "participant-link", screenshot)

    phone = new_page(**PHONE)
    open_link(phone, link.input_value())
    assert_journey(phone, BROUGHT_BY)
    expect(phone.locator("ol.timeline > li.timeline-brought")).to_contain_text(NEWCOMER)
    check_page(phone, "phone", "moi", screenshot)
    phone.goto(server.url("/moi/donnees"))
    expect(phone.locator("main dl.facts")).to_contain_text(BROUGHT_BY)
    check_page(phone, "phone", "moi-donnees", screenshot)

    # A phone that nothing links to a journey
    stranger = new_page(**PHONE)
    stranger.goto(server.url("/moi/"))
    expect(stranger.locator("main")).to_contain_text(french(NOT_LINKED))
    check_page(stranger, "phone", "moi-not-linked", screenshot)

    # The staff pages at desktop size too
    desktop = staff_page(CONTROL)
    desktop.goto(roll_call_url)
    assert_accessible(desktop, "the roll call at 1280 px")
    assert_fits(desktop, "The roll call at 1280 px")
    for opened in (page, phone, stranger, desktop):
        assert opened.js_errors == [], f"JavaScript errors: {opened.js_errors}"


def test_the_phone_link_qr_code_is_shown_whole(staff_page, server, space_id):
    page = staff_page(PHONE)
    open_participant(page, server, space_id, "Baobab")
    page.locator("main form[action$='/lien'] button[type=submit]").tap()
    svg = page.locator(".qr-page svg")
    expect(svg).to_be_visible()
    natural, shown = page.evaluate(
        """(svg) => [svg.viewBox.baseVal && svg.viewBox.baseVal.width
                        ? svg.viewBox.baseVal.width : svg.width.baseVal.value,
                     svg.getBoundingClientRect().width]""",
        svg.element_handle(),
    )
    has_view_box = svg.get_attribute("viewBox") is not None
    assert has_view_box or shown >= natural, (
        f"the QR code is {natural:.0f} px wide, shown in {shown:.0f} px without a viewBox: "
        "its right edge is cut off"
    )
