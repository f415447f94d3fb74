"""A bilan partagé in a real browser: a mediator runs a *Bilan de cycle* on the projector
with three phones — collect, reveal, group, vote, one action — writes a section while a
phone proposes a sentence that is accepted, finalises and downloads the PDF. axe finds
no violation on the projector, phone and staff pages; screenshots at phone (390×844),
laptop (1366×768) and projector (1920×1080) sizes.

A server of this module's own (``fresh_live_server``): the test changes the demo.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_journeys import assert_accessible, assert_no_horizontal_scroll, log_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
LIVE = 10_000  # ms
NOTES = ("Le café et le temps de parler", "On est bien reçus", "Les papiers, c'est dur")


@pytest.fixture(scope="module")
def server(fresh_live_server):
    return fresh_live_server


def join(new_page, url: str) -> Page:
    phone = new_page(**PHONE)
    phone.goto(url)
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#activity")).to_be_attached()
    expect(phone.locator("[data-live-role]")).to_have_attribute(
        "data-live-socket", "connected", timeout=LIVE
    )
    return phone


def press(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).first.click()
    page.wait_for_load_state()


def send(phone: Page) -> None:
    received = phone.locator("body").get_attribute("data-t-received")
    phone.locator("#activity form.answer-form button[type=submit]").click()
    expect(phone.locator("[data-receipt]")).to_have_text(received, timeout=LIVE)


def test_a_group_writes_its_cycle_bilan_from_phones_to_pdf(new_page, server, screenshot):
    demo = server.demo
    amina = demo["mediators"][0]
    session_id = int(re.search(r"/seances/(\d+)/", demo["live"]["control_url"]).group(1))

    staff = new_page(**LAPTOP)
    log_in(staff, demo["login_url"], amina["email"], amina["password"])
    staff.wait_for_url(server.url("/tableau-de-bord"))

    # 1. Prepare: a Bilan de cycle on the session's board.
    staff.goto(server.url(f"/seances/{session_id}/bilan/nouveau"))
    staff.select_option("select[name=template_id]", label="Bilan de cycle")
    staff.locator("input[name=scope][value=cycle]").check()
    assert_accessible(staff, "the start of a bilan")
    press(staff, "Commencer le bilan")
    expect(staff.locator("h1")).to_contain_text("Bilan du cycle")
    bilan_url = staff.url
    screen_href = staff.get_by_role("link", name="Ouvrir la vue pour l'écran").get_attribute("href")
    screen = new_page(**PROJECTOR)
    screen.goto(server.url(screen_href))
    expect(screen.locator(".projector-step")).to_contain_text("Étape 1 sur 5")
    screenshot(screen, "projector", "prepare")

    # 2. Collect from three phones; hidden on the projector until revealed.
    phones = [join(new_page, demo["live"]["join_url"]) for _ in range(3)]
    first = staff.locator("section.bilan-section").first
    first.get_by_role("button", name="Ouvrir aux téléphones").click()
    staff.wait_for_load_state()
    for n, (phone, note) in enumerate(zip(phones, NOTES, strict=True), start=1):
        expect(phone.locator("#activity textarea#text")).to_be_visible(timeout=LIVE)
        phone.fill("#activity textarea#text", note)
        phone.locator("#activity form.answer-form button[type=submit]").click()
        expect(phone.locator("#activity textarea#text")).to_have_value("", timeout=LIVE)
        expect(screen.locator(".projector-count")).to_contain_text(str(n), timeout=LIVE)
    screenshot(phones[0], "phone", "note-sent")
    expect(screen.locator(".projector-count")).to_contain_text("3 notes reçues", timeout=LIVE)
    expect(screen.locator("body")).not_to_contain_text(NOTES[0])
    first = staff.locator("section.bilan-section").first
    first.get_by_role("button", name="Montrer les notes sur l'écran").click()
    staff.wait_for_load_state()
    expect(screen.locator(".projector-notes")).to_contain_text(NOTES[0], timeout=LIVE)

    # 3. Group two notes into a theme, then dot voting from a phone.
    first = staff.locator("section.bilan-section").first
    first.get_by_label("Nouveau thème").fill("L'accueil")
    first.get_by_role("button", name="Ajouter le thème").click()
    staff.wait_for_load_state()
    for note in NOTES[:2]:
        item = staff.locator("section.bilan-section").first.locator("li", has_text=note)
        item.locator("select[name=theme_id]").select_option(label="L'accueil")
        item.get_by_role("button", name="Déplacer").click()
        staff.wait_for_load_state()
    first = staff.locator("section.bilan-section").first
    first.get_by_role("button", name="Lancer le vote aux gommettes").click()
    staff.wait_for_load_state()
    voter = phones[0]
    expect(voter.locator("#activity .dot-vote")).to_be_visible(timeout=LIVE)
    voter.locator("#activity .dot-vote li", has_text=NOTES[0]).locator("select").select_option("2")
    voter.locator("#activity .dot-vote li", has_text=NOTES[1]).locator("select").select_option("1")
    send(voter)
    expect(screen.locator(".projector-themes")).to_contain_text("L'accueil", timeout=LIVE)
    expect(screen.locator(".projector-themes li", has_text="L'accueil")).to_contain_text(
        "3 points", timeout=LIVE
    )
    screenshot(screen, "projector", "themes")
    assert_accessible(screen, "the projector (themes)")

    # 4. One action (a proposal for the next cycle).
    staff.fill("#action-what", "Demander un interprète en arabe")
    staff.fill("#action-who", "Amina")
    staff.fill("#action-due", "avant le prochain cycle")
    press(staff, "Ajouter l'action")
    expect(staff.locator("#actions")).to_contain_text("proposition pour le prochain cycle")

    # 5. Write together: the projector shows the section; a phone proposes a sentence.
    staff.select_option("#step-choice", "5")
    staff.select_option("#position-choice", "0")
    press(staff, "Afficher")
    first = staff.locator("section.bilan-section").first
    first.get_by_role("button", name="Prendre le stylo pour cette partie").click()
    staff.wait_for_load_state()
    textarea = staff.locator("section.bilan-section").first.locator("textarea[name=text]")
    textarea.fill("On s'est sentis accueillis.")
    expect(staff.locator(".save-status").first).to_contain_text("Enregistré ✓", timeout=LIVE)
    expect(screen.locator(".projector-text")).to_contain_text(
        "On s'est sentis accueillis.", timeout=LIVE
    )
    screenshot(screen, "projector", "writing")
    assert_accessible(screen, "the projector (writing)")
    assert_no_horizontal_scroll(screen, "the projector")

    proposer = phones[1]
    proposer.goto(demo["live"]["join_url"].rstrip("/") + "/bilan")
    expect(proposer.locator(".phone-step")).to_contain_text("Étape 5 sur 5")
    expect(proposer.locator(".phone-text")).to_contain_text("On s'est sentis accueillis.")
    proposer.fill("#proposal", "On a appris à s'écouter.")
    press(proposer, "Envoyer")
    expect(proposer.locator(".phone-sent")).to_contain_text("Envoyé ✓")
    screenshot(proposer, "phone", "proposal")
    assert_accessible(proposer, "the phone's bilan page")
    assert_no_horizontal_scroll(proposer, "the phone's bilan page")

    staff.goto(bilan_url)
    first = staff.locator("section.bilan-section").first
    expect(first.locator(".proposals input[name=text]")).to_have_value("On a appris à s'écouter.")
    first.get_by_role("button", name="Accepter").click()
    staff.wait_for_load_state()
    expect(staff.locator(".flash")).to_contain_text("Phrase ajoutée au texte.")
    expect(screen.locator(".projector-text")).to_contain_text(
        "On a appris à s'écouter.", timeout=LIVE
    )
    screenshot(staff, "laptop", "written")
    assert_accessible(staff, "the bilan's staff page")

    # 6. Finalise; 7. the PDF.
    press(staff, "Finaliser le bilan")
    expect(staff.locator(".bilan-locked")).to_contain_text("3 contributeur·rices")
    expect(screen.locator(".projector-final")).to_contain_text("3 personnes", timeout=LIVE)
    with staff.expect_download() as download:
        staff.get_by_role("link", name="PDF à imprimer").click()
    data = Path(download.value.path()).read_bytes()
    from pypdf import PdfReader

    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )
    for expected in (
        "Bilan du cycle",
        "Ce qui a marché",
        "On s'est sentis accueillis. On a appris à s'écouter.",
        "Ce qu'on fait ensuite",
        "Demander un interprète en arabe",
        "L'accueil",
    ):
        assert expected in text, expected
    for page in [staff, screen, *phones]:
        assert not page.js_errors, page.js_errors
