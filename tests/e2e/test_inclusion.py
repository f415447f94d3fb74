"""Inclusion in a real browser: the language first, right-to-left phones, pictograms as
images, the credits page — each with axe.

A server of this module's own (``fresh_live_server``): the phone joins the demo board.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import test_live
from .test_journeys import assert_accessible, assert_no_horizontal_scroll
from .test_live import PHONE, SCALE, open_answers, show

pytestmark = pytest.mark.browser

live = test_live.live
mediator = test_live.mediator
mediator_state = test_live.mediator_state
open_control = test_live.open_control
pages = test_live.pages
server = test_live.server


def test_a_phone_chooses_its_language_first_and_reads_dari_right_to_left(
    new_page, pages, live, server, screenshot
):
    phone = new_page(**PHONE)
    pages.append(phone)
    phone.goto(server.url("/j"))
    first = phone.locator(".language-first")
    expect(first).to_be_visible()
    # The language comes before the code box.
    box = phone.locator("input[name=code]")
    assert first.bounding_box()["y"] < box.bounding_box()["y"]
    for code, label in (("fr", "Français"), ("ar", "العربية"), ("fa", "دری"), ("ti", "ትግርኛ")):
        expect(first.locator(f"a[lang={code}]")).to_have_text(label)
    assert_accessible(phone, "the join page, language not chosen")
    screenshot(phone, "phone", "language-first")

    first.locator("a[lang=fa]").click()
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("html")).to_have_attribute("lang", "fa")
    expect(phone.locator(".language-first")).to_have_count(0)
    assert_accessible(phone, "the join page in Dari")
    assert_no_horizontal_scroll(phone, "the join page in Dari")

    # Remembered: the board's own join page is in Dari too, without asking again.
    phone.goto(live["join_url"])
    expect(phone.locator("html")).to_have_attribute("lang", "fa")
    expect(phone.locator(".language-first")).to_have_count(0)
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#activity")).to_be_attached()
    footer = phone.locator("footer a[lang=ti]")
    expect(footer).to_have_text("ትግርኛ")  # changeable on every page
    screenshot(phone, "phone", "dari")


def test_scales_show_pictograms_as_images_on_the_phone(
    open_control, new_page, pages, live, screenshot
):
    control = open_control()
    show(control, SCALE)
    open_answers(control)
    phone = new_page(**PHONE)
    pages.append(phone)
    phone.goto(live["join_url"])
    phone.locator("main form button[type=submit]").click()
    images = phone.locator("#activity .option-icon img.picto")
    expect(images).to_have_count(5)
    # Loaded (a real picture, whatever the phone's emoji font), decorative (alt="").
    for index in range(5):
        image = images.nth(index)
        expect(image).to_have_attribute("alt", "")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(phone, "a météo with pictograms")
    screenshot(phone, "phone", "scale-pictograms")


def test_the_credits_page_is_reachable_from_a_phone_and_accessible(new_page, pages, server):
    phone = new_page(**PHONE)
    pages.append(phone)
    phone.goto(server.url("/j"))
    phone.locator("footer a[href='/credits']").click()
    expect(phone.locator("main")).to_contain_text("CC BY-SA 4.0")
    assert_accessible(phone, "the credits page")


def test_the_pictogram_picker_searches_in_french_as_you_type(
    new_page, pages, server, mediator_state, screenshot
):
    page = new_page(storage_state=mediator_state, viewport={"width": 1280, "height": 800})
    pages.append(page)
    page.goto(server.url("/pictogrammes"))
    page.locator("#picto-q").fill("hopi")
    results = page.locator("#picto-results label")
    expect(results.filter(has_text="hôpital")).to_have_count(1)
    expect(results).to_have_count(2)  # "None" and hôpital
    results.filter(has_text="hôpital").click()
    expect(page.locator("input[name=icon][value='🏥']")).to_be_checked()
    expect(page.locator("#picto-results .picto-char")).to_have_count(1)  # to copy
    expect(page.locator("#picto-results .picto-char")).to_be_visible()
    assert_no_horizontal_scroll(page, "the pictogram picker")
    assert_accessible(page, "the pictogram picker")
    screenshot(page, "desktop", "picker")
