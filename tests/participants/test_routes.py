"""Attendance and journey pages over HTTP: roll call with and without htmx, privacy between
spaces, the audit log, export and erasure, and the participant's own pages on their phone."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.core.database import utcnow
from facilitation.extensions import db
from facilitation.participants import services
from facilitation.participants.models import (
    Attendance,
    AttendanceStatus,
    Participant,
    ParticipantLink,
)

from .. import factories
from ..conftest import text_of
from .helpers import board_of, count, phone, sessions_in_a_row

HTMX = {"HX-Request": "true"}
JUDGEMENT = re.compile(r"\b(score|scores|rang|rangs|classement|ranking|rank)\b", re.I)


def attendance_of(participant) -> dict[int, AttendanceStatus]:
    db.session.expire_all()
    return {
        a.session_id: a.status
        for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.participant_id == participant.id)
        )
    }


def audit_actions() -> list[str]:
    db.session.expire_all()
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id))
    return [a for a in actions if a not in audit.STAFF_ACCOUNT_ACTIONS]  # logins: tests/accounts


def phone_client(app, token: str):
    """A participant's phone that opened its one-time link and tapped its button."""
    client = app.test_client()
    assert client.get(f"/moi/lien/{token}").status_code == 200
    response = client.post(f"/moi/lien/{token}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def journey_story(world) -> Participant:
    s1, s2 = sessions_in_a_row(world, 2)
    nour = factories.participant(world.space, "Nour")
    services.record_attendance(world.mediator, s1, nour, "present")
    services.record_attendance(world.mediator, s2, nour, "excused")
    services.add_co_animation(
        world.mediator, nour, kind="reused_tool", space=world.space, occurred_on=s2.starts_on
    )
    services.add_newcomer(world.mediator, s2, "Mimosa", brought_by_id=nour.id)
    return nour


# --- the roll call --------------------------------------------------------------------------------


def test_the_roll_call_page_and_its_htmx_fragment(client, auth, world):
    factories.participant(world.space, "Soleil")
    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}/presences")
    assert page.status_code == 200
    assert "<html" in page.get_data(as_text=True) and 'id="roll-call"' in page.get_data(
        as_text=True
    )

    fragment = client.get(f"/seances/{world.session.id}/presences", headers=HTMX)
    html = fragment.get_data(as_text=True).strip()
    assert fragment.status_code == 200
    assert html.startswith('<div id="roll-call"') and html.endswith("</div>")
    assert "<html" not in html and "<body" not in html
    assert "Soleil" in html


def test_marking_a_person_with_htmx_returns_the_updated_roll_call(client, auth, world):
    soleil = factories.participant(world.space, "Soleil")
    auth.login(world.mediator)
    url = f"/seances/{world.session.id}/presences/{soleil.id}"

    response = client.post(url, data={"status": "present"}, headers=HTMX)

    html = response.get_data(as_text=True).strip()
    assert response.status_code == 200
    assert html.startswith('<div id="roll-call"') and "<html" not in html
    row = re.search(rf'<li class="roll-row status-present" id="p-{soleil.id}">', html)
    assert row is not None
    assert attendance_of(soleil) == {world.session.id: AttendanceStatus.PRESENT}

    client.post(url, data={"status": "excused"}, headers=HTMX)
    assert attendance_of(soleil) == {world.session.id: AttendanceStatus.EXCUSED}
    response = client.post(url, data={"status": "clear"}, headers=HTMX)
    assert f'<li class="roll-row" id="p-{soleil.id}">' in response.get_data(as_text=True)
    assert attendance_of(soleil) == {}

    # Without JavaScript: the same form posts and comes back to the page.
    response = client.post(url, data={"status": "present"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/seances/{world.session.id}/presences")


def test_a_newcomer_added_with_htmx_is_marked_present(client, auth, world):
    soleil = factories.participant(world.space, "Soleil")
    auth.login(world.mediator)
    response = client.post(
        f"/seances/{world.session.id}/presences/nouveau",
        data={"pseudonym": "Mimosa", "brought_by": str(soleil.id)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Mimosa" in response.get_data(as_text=True)
    mimosa = db.session.scalar(sa.select(Participant).where(Participant.pseudonym == "Mimosa"))
    assert mimosa.brought_by_id == soleil.id
    assert attendance_of(mimosa) == {world.session.id: AttendanceStatus.PRESENT}


def test_without_javascript_a_newcomer_is_added_then_the_page_reloaded(client, auth, world):
    auth.login(world.mediator)
    url = f"/seances/{world.session.id}/presences"
    response = client.post(f"{url}/nouveau", data={"pseudonym": "Mimosa", "brought_by": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "Mimosa" in text_of(client.get(url))
    assert count(Participant) == 1

    refused = client.post(f"{url}/nouveau", data={"pseudonym": "", "brought_by": ""})
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)
    assert "Choisissez un pseudonyme." in text_of(refused)


def test_a_newcomer_without_a_pseudonym_is_refused_and_keeps_the_brought_by_choice(
    client, auth, world
):
    soleil = factories.participant(world.space, "Soleil")
    factories.participant(world.space, "Atlas")
    auth.login(world.mediator)
    response = client.post(
        f"/seances/{world.session.id}/presences/nouveau",
        data={"pseudonym": "   ", "brought_by": str(soleil.id)},
        headers=HTMX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.strip().startswith('<div id="roll-call"')
    assert "Choisissez un pseudonyme." in text_of(response)
    selected = re.findall(r"<option([^>]*\bselected\b[^>]*)>([^<]*)</option>", html)
    assert [(f'value="{soleil.id}"' in attrs, name) for attrs, name in selected] == [
        (True, "Soleil")
    ]
    assert count(Participant) == 2


def test_a_phone_check_in_is_confirmed_with_one_tap(client, auth, world):
    on_board = phone(board_of(world, world.session), "device-key-1", "Nour")
    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}/presences")
    assert "Nour" in text_of(page)

    response = client.post(
        f"/seances/{world.session.id}/presences/telephone/{on_board.id}", headers=HTMX
    )

    assert response.status_code == 200
    nour = db.session.scalar(sa.select(Participant))
    assert nour.pseudonym == "Nour"
    assert attendance_of(nour) == {world.session.id: AttendanceStatus.PRESENT}
    assert f'id="p-{nour.id}"' in response.get_data(as_text=True)


def test_a_check_in_of_a_phone_that_went_anonymous_is_refused_without_an_error_page(
    client, auth, world
):
    board = board_of(world, world.session)
    on_board = phone(board, "device-key-1", "Nour")
    auth.login(world.mediator)
    client.get(f"/seances/{world.session.id}/presences")
    phone(board, "device-key-1", None)  # the person re-joined without a pseudonym meanwhile

    response = client.post(f"/seances/{world.session.id}/presences/telephone/{on_board.id}")

    assert response.status_code == 302
    assert count(Participant) == 0 and count(Attendance) == 0


# --- privacy between spaces and the audit log -----------------------------------------------------


def test_staff_of_another_space_get_404_on_everything_about_a_participant(client, auth, world):
    nour = journey_story(world)
    ailleurs = factories.participant(world.other_space, "Ailleurs")
    auth.login(world.other_mediator)
    pages = [
        ("GET", f"/participants/{nour.id}", {}),
        ("POST", f"/participants/{nour.id}", {"pseudonym": "Piraté"}),
        ("GET", f"/participants/{nour.id}/export.json", {}),
        ("GET", f"/participants/{nour.id}/effacer", {}),
        ("POST", f"/participants/{nour.id}/effacer", {"confirm": "Nour"}),
        ("GET", f"/participants/{nour.id}/fusionner", {}),
        ("POST", f"/participants/{nour.id}/fusionner", {"avec": ailleurs.id, "confirm": "1"}),
        ("GET", f"/participants/{nour.id}/espaces/{world.space.id}/retirer", {}),
        ("POST", f"/participants/{nour.id}/espaces/{world.space.id}/retirer", {}),
        ("GET", f"/participants/{nour.id}/espaces/{world.other_space.id}/retirer", {}),
        ("POST", f"/participants/{nour.id}/lien", {}),
        (
            "POST",
            f"/participants/{nour.id}/co-animation",
            {"kind": "animated_tool", "space": world.other_space.id, "occurred_on": "2030-01-01"},
        ),
        ("GET", f"/espaces/{world.space.id}/participants", {}),
        ("GET", f"/seances/{world.session.id}/presences", {}),
        ("POST", f"/seances/{world.session.id}/presences/{nour.id}", {"status": "present"}),
        ("POST", f"/seances/{world.session.id}/presences/nouveau", {"pseudonym": "Intrus"}),
        ("GET", f"/cycles/{world.cycle.id}/vue-d-ensemble", {}),
    ]
    before = (count(Participant), count(Attendance), audit_actions())
    for method, path, data in pages:
        response = client.open(path, method=method, data=data)
        assert response.status_code == 404, f"{method} {path}"
        assert "Nour" not in response.get_data(as_text=True)
    # Merging is the coordinator's: refused before anything about the other is looked up.
    for method, path, data in (
        ("GET", f"/participants/{ailleurs.id}/fusionner?avec={nour.id}", {}),
        ("POST", f"/participants/{ailleurs.id}/fusionner", {"avec": nour.id, "confirm": "1"}),
    ):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, f"{method} {path}"
        assert "Nour" not in response.get_data(as_text=True)
    assert (count(Participant), count(Attendance), audit_actions()) == before


def test_a_mediator_gets_404_on_the_roll_call_of_another_space(client, auth, world):
    ailleurs = factories.participant(world.other_space, "Ailleurs")
    factories.participant(world.space, "Nour")
    auth.login(world.mediator)
    assert client.get(f"/seances/{world.other_session.id}/presences").status_code == 404
    response = client.post(
        f"/seances/{world.session.id}/presences/{ailleurs.id}", data={"status": "present"}
    )
    assert response.status_code == 404
    assert count(Attendance) == 0


def test_only_coordinators_read_the_audit_log(client, auth, world):
    nour = factories.participant(world.space, "Nour")
    auth.login(world.mediator)
    assert client.get(f"/participants/{nour.id}").status_code == 200
    assert client.get("/journal").status_code == 403
    auth.logout()

    auth.login(world.coordinator)
    response = client.get("/journal")
    assert response.status_code == 200
    text = text_of(response)
    assert "a consulté le parcours" in text
    assert world.mediator.display_name in text
    assert audit_actions() == ["view_journey"]


# --- a participant's record, export and erasure ---------------------------------------------------


def test_the_record_form_warns_against_health_information(client, auth, world):
    nour = factories.participant(world.space, "Nour")
    auth.login(world.mediator)
    response = client.get(f"/participants/{nour.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # Each free-text field about the person: the team's notes, the co-animation note.
    for field in (f"notes_{world.space.id}", "note"):
        assert f'aria-describedby="{field}-hint"' in html
        hint = re.search(rf'<p class="hint" id="{field}-hint">([^<]*)</p>', html).group(1)
        assert "Pas de données de santé, pas de nom de famille" in hint


@pytest.mark.parametrize("who", ["staff", "participant"])
def test_a_journey_page_is_information_never_a_score(app, client, auth, world, who):
    nour = journey_story(world)
    if who == "staff":
        auth.login(world.mediator)
        response = client.get(f"/participants/{nour.id}")
    else:
        me = phone_client(app, services.create_sign_in_link(world.mediator, nour))
        response = me.get("/moi/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Mimosa" in text  # the journey is there…
    assert "%" not in response.get_data(as_text=True)  # …without percentages
    assert JUDGEMENT.search(text) is None, JUDGEMENT.search(text)


def test_the_export_is_a_json_attachment_and_is_audited(client, auth, world):
    nour = journey_story(world)
    auth.login(world.mediator)
    response = client.get(f"/participants/{nour.id}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["pseudonym"] == "Nour"
    assert {e["kind"] for e in data["journey"]} == {
        "attended",
        "excused",
        "co_animation",
        "brought",
    }
    assert audit_actions()[-1] == "export"


def test_erasing_asks_for_the_pseudonym_then_erases(client, auth, world):
    nour = journey_story(world)
    auth.login(world.coordinator)
    assert client.get(f"/participants/{nour.id}/effacer").status_code == 200
    wrong = client.post(f"/participants/{nour.id}/effacer", data={"confirm": "nour"})
    assert wrong.status_code == 422 and db.session.get(Participant, nour.id) is not None

    response = client.post(f"/participants/{nour.id}/effacer", data={"confirm": "Nour"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/espaces/{world.space.id}/participants")
    db.session.expire_all()
    assert db.session.get(Participant, nour.id) is None
    assert count(Attendance, Attendance.participant_id.is_(None)) == 2
    assert audit_actions()[-1] == "erase"


def test_merging_over_http_previews_then_merges(client, auth, world):
    nour = factories.participant(world.space, "Nour")
    noor = factories.participant(world.space, "Noor")
    services.record_attendance(world.mediator, world.session, noor, "present")
    auth.login(world.coordinator)
    preview = client.get(f"/participants/{nour.id}/fusionner?avec={noor.id}")
    assert preview.status_code == 200 and count(Participant) == 2
    response = client.post(
        f"/participants/{nour.id}/fusionner", data={"avec": noor.id, "confirm": "1"}
    )
    assert response.status_code == 302
    assert count(Participant) == 1
    assert attendance_of(nour) == {world.session.id: AttendanceStatus.PRESENT}


# --- the participant's own pages ("mon parcours") -------------------------------------------------


def test_a_one_time_link_opens_the_journey_on_the_phone(app, world):
    nour = journey_story(world)
    token = services.create_sign_in_link(world.mediator, nour)
    me = app.test_client()
    assert me.get(f"/moi/lien/{token}").status_code == 200  # a page with a button

    response = me.post(f"/moi/lien/{token}")

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/moi/"
    cookie = me.get_cookie("fac_device")
    assert cookie is not None and cookie.http_only and cookie.value
    assert services.participant_for_device(cookie.value) == nour
    page = me.get("/moi/")
    assert page.status_code == 200
    assert "Nour" in text_of(page) and "Séance 1" in text_of(page)
    assert "Mimosa" in text_of(page)


def test_a_link_works_once(app, world):
    nour = factories.participant(world.space, "Nour")
    token = services.create_sign_in_link(world.mediator, nour)
    phone_client(app, token)
    other = app.test_client()
    assert other.get(f"/moi/lien/{token}").status_code == 404
    assert other.post(f"/moi/lien/{token}").status_code == 404
    assert other.get_cookie("fac_device") is None
    assert other.get("/moi/lien/not-a-token").status_code == 404
    assert other.post("/moi/lien/not-a-token").status_code == 404


def test_an_expired_link_is_refused(app, world):
    nour = factories.participant(world.space, "Nour")
    token = services.create_sign_in_link(world.mediator, nour)
    link = db.session.scalar(sa.select(ParticipantLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    me = app.test_client()
    assert me.get(f"/moi/lien/{token}").status_code == 404
    assert me.post(f"/moi/lien/{token}").status_code == 404
    assert "aucun parcours" in text_of(me.get("/moi/"))


def test_a_phone_not_linked_sees_how_to_be_linked(app, world):
    factories.participant(world.space, "Nour")
    me = app.test_client()
    response = me.get("/moi/")
    assert response.status_code == 200
    assert "Ce téléphone n’est encore lié à aucun parcours" in text_of(response)
    assert "Nour" not in text_of(response)
    me.set_cookie("fac_device", "a-key-nobody-knows")
    assert "aucun parcours" in text_of(me.get("/moi/"))
    for path in ("/moi/donnees", "/moi/effacer"):
        response = me.get(path)
        assert (
            response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/moi/"
        )
    assert me.post("/moi/effacer").status_code == 302


def test_a_phone_only_ever_shows_its_own_data(app, world):
    s1, s2 = sessions_in_a_row(world, 2)
    nour = factories.participant(world.space, "Nour")
    baobab = factories.participant(world.space, "Baobab")
    services.record_attendance(world.mediator, s1, nour, "present")
    services.record_attendance(world.mediator, s2, baobab, "present")
    services.update_participant(
        world.mediator,
        baobab,
        services.ParticipantData(pseudonym="Baobab", notes={world.space.id: "Note B"}),
    )
    phone_a = phone_client(app, services.create_sign_in_link(world.mediator, nour))
    phone_b = phone_client(app, services.create_sign_in_link(world.mediator, baobab))

    for me, mine, theirs in (
        (phone_a, ("Nour", "Séance 1"), ("Baobab", "Séance 2", "Note B")),
        (phone_b, ("Baobab", "Séance 2", "Note B"), ("Nour", "Séance 1")),
    ):
        for path in ("/moi/", "/moi/donnees", "/moi/donnees?format=json"):
            body = me.get(path).get_data(as_text=True)
            if path == "/moi/":
                assert mine[0] in body and mine[1] in body
            for word in theirs:
                assert word not in body, (path, word)
    data = json.loads(phone_b.get("/moi/donnees?format=json").get_data(as_text=True))
    assert (data["pseudonym"], data["notes"]) == ("Baobab", {"Arnaud Bernard": "Note B"})


def test_a_person_erases_everything_from_their_phone(app, world):
    nour = journey_story(world)
    nour_id = nour.id
    me = phone_client(app, services.create_sign_in_link(world.mediator, nour))
    assert me.get("/moi/effacer").status_code == 200

    response = me.post("/moi/effacer")

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/moi/"
    assert me.get_cookie("fac_device") is None  # the phone forgets its key
    db.session.expire_all()
    assert db.session.get(Participant, nour_id) is None
    assert audit_actions()[-1] == "self_erase"
    assert "aucun parcours" in text_of(me.get("/moi/"))


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_participant_link_opens_their_journey(app, runner):
    result = runner.invoke(args=["seed-demo", "--json", "--base-url", "http://127.0.0.1:5123"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.stdout)
    participant = demo["participant"]
    assert set(participant) == {"pseudonym", "journey_url"}
    url = urlsplit(participant["journey_url"])
    assert (url.scheme, url.netloc) == ("http", "127.0.0.1:5123")

    me = app.test_client()
    assert me.get(url.path).status_code == 200  # a page with a button
    response = me.post(url.path, follow_redirects=True)

    assert response.status_code == 200
    text = text_of(response)
    assert participant["pseudonym"] in text
    assert "aucun parcours" not in text


def test_saving_a_record_keeps_who_brought_them_when_known_only_in_another_space(
    client, auth, world
):
    ailleurs = factories.participant(world.other_space, "Ailleurs")
    nour = services.add_newcomer(
        world.other_mediator, world.other_session, "Nour", brought_by_id=ailleurs.id
    )
    services.record_attendance(world.coordinator, world.session, nour, "present")
    auth.login(world.mediator)
    page = client.get(f"/participants/{nour.id}").get_data(as_text=True)
    assert "Ailleurs" not in page  # the other space's people stay private
    select = re.search(r'<select[^>]*id="brought_by".*?</select>', page, re.S).group(0)
    assert f'value="{ailleurs.id}"' not in select  # the browser sends "" (nobody shown)

    response = client.post(
        f"/participants/{nour.id}",
        data={"pseudonym": "Nour", "languages": "tigrinya", "brought_by": ""},
    )

    assert response.status_code == 302
    db.session.expire_all()
    nour = db.session.get(Participant, nour.id)
    assert (nour.languages, nour.brought_by_id) == ("tigrinya", ailleurs.id)
