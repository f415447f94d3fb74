"""The control page with the keyboard: focus stays on the command, the state is announced.

Before: after each command (close, reveal, next) focus fell to <body> and the next Tab
landed in the plan list; while the panel reloaded, its buttons faded to 3.7:1.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import test_live
from .test_journeys import assert_accessible
from .test_live import (
    SCALE,
    show,
)

pytestmark = pytest.mark.browser

# The live board's fixtures (this module gets its own server: fresh_live_server).
live = test_live.live
mediator = test_live.mediator
mediator_state = test_live.mediator_state
open_control = test_live.open_control
pages = test_live.pages
server = test_live.server

FOCUSED_ACTION = """() => {
  var a = document.activeElement;
  var form = a && a.closest("#panel form");
  var input = form && form.querySelector("input[name=action]");
  return input ? input.value : (a ? a.tagName : null);
}"""


def press(control, action: str) -> None:
    """Focus this command's button with the keyboard's focus and press Enter."""
    button = control.locator(f"#panel form:has(input[name=action][value={action}]) button")
    button.focus()
    with control.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        control.keyboard.press("Enter")
    assert posted.value.status == 200


def test_focus_stays_on_the_command_and_the_new_state_is_announced(open_control):
    control = open_control()
    show(control, SCALE)
    if control.locator("#panel form:has(input[name=action][value=close])").count():
        press(control, "close")
    expect(control.locator("#panel form:has(input[name=action][value=open])")).to_be_visible()

    press(control, "open")
    # Its replacement (close) has the focus, not <body>.
    expect(
        control.locator("#panel form:has(input[name=action][value=close]) button")
    ).to_be_focused()
    assert control.evaluate(FOCUSED_ACTION) == "close"
    region = control.locator("[data-panel-announce]")
    expect(region).to_have_attribute("aria-live", "polite")
    meta = control.locator("#panel .meta").inner_text().split("·")[0].strip()
    expect(region).to_contain_text(meta)

    press(control, "close")
    expect(
        control.locator("#panel form:has(input[name=action][value=open]) button")
    ).to_be_focused()

    press(control, "next")
    expect(
        control.locator("#panel form:has(input[name=action][value=next]) button")
    ).to_be_focused()
    # The next Tab goes on in the panel's commands, not into the plan list.
    control.keyboard.press("Tab")
    assert control.evaluate("() => !!document.activeElement.closest('#panel')")
    press(control, "previous")
    expect(control.locator("#panel .panel-prompt")).to_contain_text(SCALE)
    assert_accessible(control, "the control page after keyboard commands")


def test_buttons_keep_their_colours_while_the_panel_reloads(open_control):
    control = open_control()
    show(control, SCALE)
    button = control.locator("#panel .controls button").first
    normal = button.evaluate("b => getComputedStyle(b).opacity")
    control.evaluate("() => document.getElementById('panel').classList.add('htmx-request')")
    assert button.evaluate("b => getComputedStyle(b).opacity") == normal == "1"
