"""The compte rendu de séance in a real browser: reached from the session, read at laptop and
phone size (axe-core, French, no sideways scrolling), its PDF and ODS downloaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .test_journeys import VIEWPORT_NAMES, check_page, french, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_mediator_opens_the_compte_rendu_of_a_past_session_and_downloads_it(
    open_page, live_server, screenshot, viewport
):
    demo = live_server.demo
    mediator = demo["mediators"][0]
    report_url = demo["session_report"]["url"]
    page = open_page(viewport)
    log_in(page, demo["login_url"], mediator["email"], mediator["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))

    # From the session page, the "Compte rendu de séance" button.
    page.goto(report_url.removesuffix("/compte-rendu"))
    page.get_by_role("link", name=french("Session report")).click()
    page.wait_for_url(report_url)
    expect(page.locator(".kicker")).to_have_text(french("Session report"))
    check_page(page, viewport, "compte-rendu", screenshot)

    prompts = [
        " ".join(text.split()[1:])  # "1. Comment arrivez-vous…" without its number
        for text in page.locator(".report-activity h3").all_inner_texts()
    ]
    # The demo's eight activities, then the four questions of its cycle bilan (idea walls
    # on the same board), and the compte rendu links that bilan.
    assert len(prompts) == 12
    assert prompts[8:] == [
        "Ce qui a marché",
        "Ce qui a moins marché",
        "Ce qu'on a appris",
        "Et maintenant ?",
    ]
    expect(page.locator("#bilan-title + p a")).to_have_attribute(
        "href", demo["bilan"]["url"].removeprefix(live_server.base_url)
    )

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=french("PDF to print")).click()
    download = pdf_download.value
    assert download.suggested_filename.startswith("compte-rendu-")
    assert download.suggested_filename.endswith(".pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    for prompt in prompts:
        assert prompt in text, prompt

    with page.expect_download() as ods_download:
        page.get_by_role("link", name=french("Spreadsheet (ODS)")).click()
    assert ods_download.value.suggested_filename.endswith(".ods")
    with open(ods_download.value.path(), "rb") as ods:
        assert ods.read(2) == b"PK"  # a zip container, as every OpenDocument file
