# ruff: noqa: F811  (pytest fixtures imported from test_live, used as arguments)
"""A mediator's week in a real browser: a timer on the projector and the phones, a
photolangage answered by three phones, and a question upvoted by a second phone without
reloading (it reaches every phone live)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_journeys import assert_accessible
from .test_live import (  # noqa: F401  (fixtures of the live board's browser tests)
    LIVE,
    join,
    live,
    mediator,
    mediator_state,
    open_answers,
    open_control,
    open_screen,
    pages,
    reveal,
    send,
    server,
    show,
)

pytestmark = pytest.mark.browser

PHOTOLANGAGE = "Choisissez une photo qui vous fait penser à l'accès aux soins"
QUESTIONS = "Vos questions pour la pharmacienne invitée"


def press(control, action: str, **fields: str) -> None:
    """Like test_live.command, with quoted values (numbers are not CSS identifiers)."""
    selector = f"#panel form:has(input[name=action][value={action}])"
    for name, value in fields.items():
        selector += f':has(input[name={name}][value="{value}"])'
    with control.expect_response(
        lambda r: r.url.endswith("/commande") and r.request.method == "POST"
    ) as posted:
        control.locator(selector).locator("button[type=submit]").click()
    assert posted.value.status == 200, f"{action} answered {posted.value.status}"


def test_timer_photolangage_and_live_questions(open_control, open_screen, join, screenshot):
    control = open_control()
    show(control, PHOTOLANGAGE)
    open_answers(control)
    screen = open_screen()
    expect(screen.locator(".screen-prompt")).to_have_text(PHOTOLANGAGE)
    expect(screen.locator(".photo-grid img")).to_have_count(6)

    phones = [join(pseudonym="Samia"), join(pseudonym="Karim"), join()]

    # The timer: two minutes from the control page, counting down everywhere.
    press(control, "timer", seconds="120")
    for page in (screen, phones[0]):
        timer = page.locator("[role=timer] [data-timer-text]")
        expect(timer).to_have_text(re.compile(r"^[12]:\d\d$"), timeout=LIVE)
        expect(timer).not_to_have_text("2:00", timeout=LIVE)  # it counts down by itself
    screenshot(screen, "screen", "week-1-timer-photos")

    # Each phone picks a photo (two pick the same one), with a word for the first.
    ids = [i.get_attribute("value") for i in phones[0].locator("input[name=photo]").all()]
    assert len(ids) == 6
    for page, photo in zip(phones, (ids[2], ids[2], ids[4]), strict=True):
        expect(page.locator(f"#activity label[for=p{photo}] img")).to_have_attribute(
            "alt", re.compile(r"\w")
        )
        page.locator(f"#activity label[for=p{photo}]").click()
        if page is phones[0]:
            page.fill("#photo-word", "attente")
        send(page)
    screenshot(phones[0], "phone", "week-2-photolangage")
    assert_accessible(phones[0], "a phone's photolangage")

    reveal(control)
    results = screen.locator(".photo-results li")
    expect(results).to_have_count(2, timeout=LIVE)
    expect(results.first).to_contain_text("2")
    expect(results.first).to_contain_text("attente")
    press(control, "spotlight", image_id=ids[2])
    expect(screen.locator(".photo-spotlight img")).to_be_visible(timeout=LIVE)
    screenshot(screen, "screen", "week-3-photo-large")
    assert_accessible(screen, "the screen showing a photo large")

    # Questions: one phone asks, another sees it arrive and upvotes it, no reload.
    show(control, QUESTIONS)
    open_answers(control)
    asker, voter = phones[0], phones[1]
    for page in (asker, voter):
        expect(page.locator("#activity .prompt")).to_have_text(QUESTIONS, timeout=LIVE)
    voter_url = voter.url
    asker.fill("#activity textarea[name=text]", "Faut-il une ordonnance pour un vaccin ?")
    # Not send(): the question list refreshes on the asker's phone too as the question
    # arrives, and may redraw the receipt between its text and its class; the voter's
    # phone showing the question (below) is what proves it was stored.
    asker.locator("#activity form.answer-form button[type=submit]").click()
    group = voter.locator("#group-questions")
    expect(group).to_contain_text("Faut-il une ordonnance", timeout=LIVE)
    assert voter.url == voter_url
    group.locator("label", has_text="Faut-il une ordonnance").click()
    group.locator("button[type=submit]").click()
    expect(voter.locator("[data-receipt]")).to_contain_text("✓", timeout=LIVE)
    expect(control.locator("#panel .questions .votes").first).to_have_text("▲ 1", timeout=LIVE)
    screenshot(voter, "phone", "week-4-question-upvoted")
