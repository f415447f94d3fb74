"""A weak network: the socket is not up yet when the participant taps Send.

On 3G the Socket.IO connection takes a second or more after the page loads. A tap in that
time is sent over HTTP (the plain form's route), stored once, and the phone says
"connexion en cours" / "reçu", never "hors ligne". Here the socket cannot connect at all
until the test lets it (its requests are refused), which is the slow case made certain.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from . import test_live
from .test_journeys import assert_accessible
from .test_live import (
    LIVE,
    PHONE,
    RECONNECT,
    SCALE,
    choose,
    open_answers,
    outbox,
    read_count,
    screen_count,
    show,
    starts_with,
    wait_for_socket,
)

pytestmark = pytest.mark.browser

# The live board's fixtures (this module gets its own server: fresh_live_server).
live = test_live.live
mediator = test_live.mediator
mediator_state = test_live.mediator_state
open_control = test_live.open_control
open_screen = test_live.open_screen
pages = test_live.pages
server = test_live.server

# Every text the receipt and the connection line show, in order (read at the end).
RECORD_TEXTS = """
window.__seen = [];
document.addEventListener("DOMContentLoaded", function () {
  var note = function () {
    document.querySelectorAll("[data-receipt], [data-connection]").forEach(function (el) {
      var text = el.hidden ? "" : el.textContent.trim();
      if (text && window.__seen[window.__seen.length - 1] !== text) window.__seen.push(text);
    });
  };
  new MutationObserver(note).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true
  });
});
"""


def test_a_tap_before_the_socket_connects_is_stored_once_over_http(
    open_control, open_screen, new_page, pages, live, screenshot
):
    control = open_control()
    show(control, SCALE)
    open_answers(control)
    screen = open_screen()
    before = read_count(screen)

    phone = new_page(**PHONE)
    pages.append(phone)
    phone.add_init_script(RECORD_TEXTS)
    phone.route("**/socket.io/**", lambda route: route.abort())  # not connected yet
    phone.goto(live["join_url"])
    phone.fill("input[name=pseudonym]", "Réseau lent")
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#activity input[name=value]").first).to_be_attached()
    assert urlsplit(phone.url).path == urlsplit(live["join_url"]).path
    root = phone.locator("[data-live-role]")
    expect(root).to_have_attribute("data-live-socket", "connecting")

    choose(phone, "v2")
    with phone.expect_response(
        lambda r: r.url.endswith("/repondre") and r.request.method == "POST"
    ) as posted:
        phone.locator("#activity form.answer-form button[type=submit]").click()
    assert posted.value.status == 200
    received = phone.locator("body").get_attribute("data-t-received")
    expect(phone.locator("[data-receipt]")).to_have_text(received)
    expect(phone.locator("#activity input#v2")).to_be_checked()
    assert outbox(phone, live["join_code"]) == {}
    expect(screen_count(screen)).to_have_text(starts_with(before + 1), timeout=LIVE)
    screenshot(phone, "phone-slow-network", "received-over-http")
    assert_accessible(phone, "the phone after an answer sent over HTTP")

    # The socket connects at last: nothing is sent again, the count stays.
    phone.unroute("**/socket.io/**")
    wait_for_socket(phone, timeout=RECONNECT)
    expect(phone.locator("[data-connection]")).to_be_hidden()
    assert outbox(phone, live["join_code"]) == {}
    expect(screen_count(screen)).to_have_text(starts_with(before + 1))

    offline = phone.locator("body").get_attribute("data-t-offline")
    seen = phone.evaluate("() => window.__seen")
    assert offline not in seen, seen
    assert received in seen, seen
