"""Two 500s found by the outside review, fixed at their root: a calendar month out of the
calendar's range, and a ``next`` that would split the redirect's header (CR/LF). Plus the
redirect that browsers read as another site (``/\\host``)."""

from __future__ import annotations

from datetime import date

import pytest

from facilitation.planning import services as planning

from ..conftest import text_of

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "0000-05", "2026-13", "10000-01"])
def test_a_calendar_month_out_of_range_shows_the_current_month(client, auth, world, month):
    auth.login(world.mediator)
    response = client.get(f"/espaces/{world.space.id}/calendrier?mois={month}")
    assert response.status_code == 200
    assert "Calendrier" in text_of(response)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-03", date(2027, 3, 1)),
        ("2027-3", date(2027, 3, 1)),
        ("1900-01", date(1900, 1, 1)),
        ("2999-12", date(2999, 12, 1)),
        ("9999-12", TODAY),
        ("1899-12", TODAY),
        ("2027-00", TODAY),
        ("+2027-03", TODAY),
        ("٢٠٢٧-٠٣", TODAY),  # Arabic-Indic digits are not a month of ours
        ("2027-03-01", TODAY),
        ("9" * 5000, TODAY),
        (None, TODAY),
    ],
)
def test_parse_month(raw, expected):
    assert planning.parse_month(raw, TODAY) == expected


def test_the_edges_of_the_calendar_still_have_a_previous_and_next_month(world):
    for month in (planning.calendar.FIRST_MONTH, planning.calendar.LAST_MONTH):
        grid = planning.month_grid(month, TODAY, [])
        assert grid.previous < month < grid.next


@pytest.mark.parametrize(
    "next_",
    [
        "/%0D%0ASet-Cookie:%20pris=1",
        "/connexion%0D%0ALocation:%20https://evil.example",
        "/%0Aevil",
        "/%00",
        "/%09/evil.example",
    ],
)
def test_language_switch_refuses_a_next_with_control_characters(client, next_):
    response = client.get(f"/langue/fr?next={next_}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers.get("Location", "")
    assert all("pris=" not in c for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(
    "next_", ["/%5Cevil.example/", "/%5C%5Cevil.example", "https://evil.example"]
)
def test_language_switch_refuses_a_next_browsers_read_as_another_site(client, next_):
    response = client.get(f"/langue/fr?next={next_}")
    assert "evil.example" not in response.headers["Location"]


def test_language_switch_still_goes_back_to_the_page(client):
    response = client.get("/langue/ar?next=/espaces/3/calendrier%3Fmois%3D2027-03")
    assert response.headers["Location"] == "/espaces/3/calendrier?mois=2027-03"
