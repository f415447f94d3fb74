"""A coordinator in a real browser: opens the indicators of the demo year from the
dashboard, fills annex 5 of the ARS guide, records a barrier (a phone number is refused
first), and downloads the ODS, whose figures are the page's — at laptop and phone size,
French, no sideways scrolling, axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..reports.readers import find_row, ods_sheets
from .conftest import VIEWPORTS
from .test_journeys import VIEWPORT_NAMES, check_page, french, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(fresh_live_server):
    """A server of this module's own: these tests write (a grid, barriers, a board's
    activity) and log in several times (the login rate limit is per server)."""
    return fresh_live_server


@pytest.fixture
def open_page(new_page, live_server):
    return lambda viewport: new_page(**VIEWPORTS[viewport])


def figure_value(page, key: str) -> str:
    return " ".join(page.locator(f"#figure-{key} .figure-value").inner_text().split())


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_coordinator_opens_the_indicators_fills_annex_5_records_a_barrier_and_downloads(
    open_page, live_server, screenshot, viewport
):
    demo = live_server.demo
    year = demo["indicators"]["year"]
    page = open_page(viewport)
    log_in(page, demo["login_url"], demo["coordinator"]["email"], demo["coordinator"]["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))

    # From the dashboard, the indicators; the year chosen in the form.
    page.get_by_role("link", name=re.compile(french("Indicators of the year"))).click()
    page.wait_for_url("**/indicateurs")
    page.select_option("select[name=annee]", str(year))
    page.check("input[name=periode][value=annee]")
    page.select_option("select[name=cible]", "structure")
    page.get_by_role("button", name=french("Show")).click()
    page.wait_for_url(re.compile(rf"/indicateurs\?.*annee={year}"))
    expect(page.locator("h1")).to_contain_text(french("The whole structure"))
    expect(page.locator("h1")).to_contain_text(str(year))
    people = page.locator("#figure-distinct_people")
    expect(people).to_contain_text(french("Distinct people"))
    expect(people).to_contain_text("comptées une fois même si elles sont venues")  # definition
    expect(page.locator("svg.chart")).to_have_count(3)
    check_page(page, viewport, "indicateurs", screenshot)
    distinct = figure_value(page, "distinct_people")
    sessions = figure_value(page, "sessions_held")

    # Annex 5, filled for the structure.
    page.get_by_role("link", name=french("Quality grids"), exact=True).click()
    page.wait_for_url("**/grilles")
    check_page(page, viewport, "grilles", screenshot)
    page.get_by_role("link", name=french("Fill in for the structure")).first.click()
    page.wait_for_url("**/grilles/annexe-5/remplir")
    expect(page.locator("h1")).to_have_text("Annexe 5 | Critères qualité de la médiation en santé")
    check_page(page, viewport, "annexe-5", screenshot)
    page.check("input[name=participation-rating][value=met]")
    page.fill("textarea[name=participation-comment]", "Ateliers co-animés par des participant·es.")
    page.get_by_role("button", name=french("Save this version")).click()
    page.wait_for_url("**/grilles/versions/*")
    expect(page.locator("main")).to_contain_text("Ateliers co-animés par des participant·es.")
    check_page(page, viewport, "annexe-5-version", screenshot)

    # A barrier: the phone number is refused, what was typed stays; then recorded.
    page.goto(live_server.url("/veille/nouveau"))
    page.select_option("select[name=category]", "no_interpreter")
    page.fill("input[name=institution]", "Service des urgences")
    page.fill("textarea[name=description]", "Pas d'interprète. Rappeler au 06 12 34 56 78.")
    page.fill("input[name=people]", "2")
    page.get_by_role("button", name=french("Record")).click()
    expect(page.locator(".error")).to_contain_text("Retirez le numéro de téléphone")
    expect(page.locator("textarea[name=description]")).to_have_value(
        "Pas d'interprète. Rappeler au 06 12 34 56 78."
    )
    check_page(page, viewport, "veille-refus", screenshot)
    page.fill("textarea[name=description]", "Consultation sans interprète professionnel.")
    page.get_by_role("button", name=french("Record")).click()
    page.wait_for_url("**/veille/*")
    expect(page.locator(".barrier-state")).to_have_text(french("Reported"))
    check_page(page, viewport, "veille-signale", screenshot)

    # The ODS of the same view holds the page's figures.
    page.goto(demo["indicators"]["url"])
    with page.expect_download() as download:
        page.get_by_role("link", name=french("Spreadsheet (ODS)")).click()
    assert download.value.suggested_filename.endswith(".ods")
    with open(download.value.path(), "rb") as ods:
        sheets = ods_sheets(ods.read())
    figures = sheets[french("Indicators")]
    assert str(int(find_row(figures, french("Distinct people"))[1].value)) == distinct.replace(
        "\u202f", ""
    ).replace(" ", "")
    assert str(int(find_row(figures, french("Sessions held"))[1].value)) == sessions
    assert french("Quality grids") in sheets
    assert page.js_errors == [], f"JavaScript errors: {page.js_errors}"


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_the_other_indicator_pages_are_french_fit_the_screen_and_pass_axe(
    open_page, live_server, screenshot, viewport
):
    demo = live_server.demo
    page = open_page(viewport)
    log_in(page, demo["login_url"], demo["coordinator"]["email"], demo["coordinator"]["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))
    for step, path in [
        ("journal", "/activite-mediation"),
        ("journal-saisie", "/activite-mediation/nouvelle"),
        ("journal-semaine", "/activite-mediation/semaine"),
        ("objectifs", "/objectifs"),
        ("veille", "/veille"),
        ("seuil", "/indicateurs/seuil"),
        ("annexe-6", "/grilles/annexe-6/remplir"),
    ]:
        response = page.goto(live_server.url(path))
        assert response is not None and response.status == 200, path
        check_page(page, viewport, step, screenshot)
    page.goto(live_server.url("/grilles"))
    page.get_by_role("button", name=french("Compare the two dates")).first.click()
    page.wait_for_url("**/comparer?*")
    expect(page.locator(".compare-table .movement")).to_have_count(9)  # every criterion
    check_page(page, viewport, "annexe-5-comparaison", screenshot)
    page.goto(live_server.url("/veille"))
    page.locator("section[aria-labelledby=notes-title] a").first.click()
    page.wait_for_url("**/ce-qui-bloque")
    check_page(page, viewport, "ce-qui-bloque", screenshot)
    page.get_by_role("link", name=re.compile(french("Make it a barrier"))).first.click()
    page.wait_for_url("**/veille/nouveau?note=*")
    expect(page.locator("textarea[name=description]")).not_to_have_value("")
    check_page(page, viewport, "veille-depuis-une-note", screenshot)


def test_a_mediator_puts_a_t0_on_the_board_and_a_phone_answers_it(
    open_page, live_server, screenshot
):
    demo = live_server.demo
    julien = demo["mediators"][1]  # Les Izards
    page = open_page("desktop")
    log_in(page, demo["login_url"], julien["email"], julien["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))
    page.goto(live_server.url("/indicateurs"))
    page.locator(".upcoming-assessments a", has_text=french("T0 here")).first.click()
    page.wait_for_url("**/auto-evaluation?moment=t0")
    check_page(page, "desktop", "auto-evaluation", screenshot)
    page.get_by_role("button", name=french("Add to the board")).click()
    page.wait_for_url("**/tableau")
    page.get_by_role("button", name=re.compile(french("Open answers"))).first.click()
    # The session is in a few days: the board takes new phones only around its date, so
    # the mediator lets them in now (the control page says when phones can join).
    page.get_by_role("button", name=french("Let them join"), exact=True).click()
    page.wait_for_url("**/tableau")
    join = page.locator(".join-line .nowrap").first.inner_text().strip()

    phone = open_page("phone")
    phone.goto(join)
    phone.get_by_role("button", name=french("Join")).click()
    expect(phone.locator("fieldset.self-assessment-statement")).to_have_count(4)
    expect(phone.locator("main")).to_contain_text("Je sais où aller pour me soigner")
    check_page(phone, "phone", "auto-evaluation-telephone", screenshot)
    phone.locator("label[for=s0-4]").click()
    phone.locator("label[for=s1-3]").click()
    phone.get_by_role("button", name=french("Send")).click()
    expect(phone.locator(".receipt")).to_contain_text("✓")
    assert phone.js_errors == [], phone.js_errors


@pytest.mark.parametrize("viewport", VIEWPORT_NAMES)
def test_a_mediator_opens_the_indicators_of_their_project_not_another_spaces(
    open_page, live_server, screenshot, viewport
):
    """Julien picks the Izards' project « Logement et santé » in the scope select; Amina,
    of other spaces, does not find it (404)."""
    demo = live_server.demo
    year = demo["indicators"]["year"]
    project_id = demo["project"]["id"]
    julien, amina = demo["mediators"][1], demo["mediators"][0]
    page = open_page(viewport)
    log_in(page, demo["login_url"], julien["email"], julien["password"])
    page.wait_for_url(live_server.url("/tableau-de-bord"))
    page.goto(live_server.url(f"/indicateurs?annee={year}"))
    page.select_option("select[name=cible]", f"projet:{project_id}")
    page.get_by_role("button", name=french("Show")).click()
    page.wait_for_url(re.compile(rf"/indicateurs\?.*cible=projet%3A{project_id}"))
    expect(page.locator("h1")).to_contain_text("Projet « Logement et santé » (Les Izards)")
    expect(page.locator("#figure-projects_active")).to_contain_text(
        "les propositions en attente ne comptent pas"  # its definition, next to it
    )
    assert figure_value(page, "projects_active") == "1"
    assert int(figure_value(page, "project_steps_done")) >= 3
    assert figure_value(page, "project_decisions") == "2"
    check_page(page, viewport, "indicateurs-projet", screenshot)
    page.context.clear_cookies()

    other = open_page(viewport)
    log_in(other, demo["login_url"], amina["email"], amina["password"])
    other.wait_for_url(live_server.url("/tableau-de-bord"))
    response = other.goto(live_server.url(f"/indicateurs?annee={year}&cible=projet:{project_id}"))
    assert response.status == 404
    expect(other.locator("main")).to_contain_text("introuvable")
    other.goto(live_server.url(f"/indicateurs?annee={year}"))
    assert other.locator("select[name=cible] option[value^='projet:']").count() >= 1  # hers
    assert other.locator(f"select[name=cible] option[value='projet:{project_id}']").count() == 0
