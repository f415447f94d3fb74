"""Phone bindings: "this phone is this person" (issue 7, section 1, and the one-time link).

Found: the check-in form accepted a ``participant_id`` the page never offered, so staff
could bind their own phone to anyone and then read that person's whole journey on
``/moi/donnees``, with no audit entry — and kept that access after being deactivated.
Found too: the one-time link was spent by a plain GET, so a messaging app's link preview
could burn it.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from facilitation.accounts import services as accounts
from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.core.exceptions import NotFound
from facilitation.extensions import db
from facilitation.live.models import LiveParticipant
from facilitation.participants import services
from facilitation.participants.models import (
    Attendance,
    ParticipantDevice,
    ParticipantLink,
    SpaceParticipant,
)
from facilitation.spaces.models import SpaceMembership

from .. import factories
from ..conftest import text_of
from .helpers import board_of, count, phone

LINK_COOKIE = "fac_device"


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def device_client(app, key: str):
    """A phone whose ``fac_device`` cookie is ``key`` (as after joining a board)."""
    client = app.test_client()
    client.set_cookie(LINK_COOKIE, key)
    return client


# --- a binding targets only the people the page offered ---------------------------------------


def test_a_check_in_cannot_bind_a_phone_to_someone_the_page_never_offered(client, auth, world):
    """The coordinator sees everyone; the roll call of an Arnaud Bernard session still
    offers only Arnaud Bernard's people (or a new person)."""
    ailleurs = factories.participant(world.other_space, "Ailleurs")
    services.record_attendance(world.other_mediator, world.other_session, ailleurs, "present")
    staff_phone = phone(board_of(world, world.session), "staff-own-phone", "Camille")
    auth.login(world.coordinator)

    response = client.post(
        f"/seances/{world.session.id}/presences/telephone/{staff_phone.id}",
        data={"participant_id": str(ailleurs.id)},
    )

    assert response.status_code == 404
    assert count(ParticipantDevice) == 0
    assert count(Attendance, Attendance.session_id == world.session.id) == 0
    assert count(SpaceParticipant, SpaceParticipant.space_id == world.space.id) == 0
    assert entries(audit.BIND_PHONE) == []
    me = device_client(client.application, "staff-own-phone")
    assert "Ailleurs" not in me.get("/moi/donnees", follow_redirects=True).get_data(as_text=True)


def test_a_mediator_of_two_spaces_cannot_bind_across_them(world):
    db.session.add(SpaceMembership(space_id=world.other_space.id, user_id=world.mediator.id))
    db.session.commit()
    ailleurs = factories.participant(world.other_space, "Ailleurs")
    staff_phone = phone(board_of(world, world.session), "staff-own-phone", "Amina")
    with pytest.raises(NotFound):
        services.confirm_check_in(
            world.mediator, world.session, staff_phone.id, participant_id=ailleurs.id
        )
    assert count(ParticipantDevice) == 0 and count(Attendance) == 0


def test_a_phone_already_linked_cannot_be_bound_to_someone_else(world):
    nour = factories.participant(world.space, "Nour")
    colibri = factories.participant(world.space, "Colibri")
    first = phone(board_of(world, world.session), "nour-phone", "Nour")
    services.confirm_check_in(world.mediator, world.session, first.id, participant_id=nour.id)
    s2 = factories.session(world.cycle, theme="La suite")
    again = phone(board_of(world, s2), "nour-phone", "Nour")
    with pytest.raises(NotFound):
        services.confirm_check_in(world.mediator, s2, again.id, participant_id=colibri.id)
    assert services.participant_for_device("nour-phone") == nour


def test_every_binding_is_audited_with_who_did_it(world):
    nour = factories.participant(world.space, "Nour")
    on_board = phone(board_of(world, world.session), "nour-phone", "Nour B.")

    services.confirm_check_in(world.mediator, world.session, on_board.id, participant_id=nour.id)

    (entry,) = entries(audit.BIND_PHONE)
    device = db.session.scalar(sa.select(ParticipantDevice))
    assert (entry.actor_id, entry.participant_public_id, entry.details) == (
        world.mediator.id,
        nour.public_id,
        {"phone": device.id, "how": "roll_call", "session": world.session.id},
    )
    assert (device.origin.value, device.created_by_id, device.confirmed_at) == (
        "roll_call",
        world.mediator.id,
        None,
    )


# --- /moi: the person sees their phones, confirms one, removes any -----------------------------


def two_phones(app, world):
    """Nour: one phone confirmed at the roll call by Amina, another through a link."""
    nour = factories.participant(world.space, "Nour")
    on_board = phone(board_of(world, world.session), "nour-phone", "Nour")
    services.confirm_check_in(world.mediator, world.session, on_board.id, participant_id=nour.id)
    token = services.create_sign_in_link(world.mediator, nour)
    second = app.test_client()
    assert second.post(f"/moi/lien/{token}").status_code == 302
    return nour, device_client(app, "nour-phone"), second


def test_moi_lists_the_phones_linked_to_the_person(app, world):
    _nour, first, _second = two_phones(app, world)
    page = first.get("/moi/")
    text = text_of(page)
    assert page.status_code == 200
    assert "Ce téléphone, ajouté le" in text and "à l’appel (par Amina)" in text
    assert "Un autre téléphone, ajouté le" in text and "avec un lien (par Amina)" in text
    assert (
        len(re.findall(r'action="/moi/telephones/\d+/retirer"', page.get_data(as_text=True))) >= 2
    )
    # Linked by staff, not yet confirmed by the person: the phone asks.
    assert "Est-ce votre téléphone ?" in text


def test_the_person_confirms_the_phone_in_their_hand(app, world):
    nour, first, _second = two_phones(app, world)
    assert first.post("/moi/confirmer").status_code == 302
    device = services.device_for_key("nour-phone")
    assert device.confirmed_at is not None
    assert "Est-ce votre téléphone ?" not in text_of(first.get("/moi/"))
    assert "confirmé par vous" in text_of(first.get("/moi/"))
    (entry,) = entries(audit.CONFIRM_PHONE)
    assert (entry.actor_id, entry.participant_public_id) == (None, nour.public_id)


def test_the_person_removes_another_phone_then_this_one(app, world):
    nour, first, second = two_phones(app, world)
    other_id = services.device_for_key(second.get_cookie(LINK_COOKIE).value).id

    assert first.post(f"/moi/telephones/{other_id}/retirer").status_code == 302

    assert count(ParticipantDevice, ParticipantDevice.participant_id == nour.id) == 1
    assert "aucun parcours" in text_of(second.get("/moi/"))  # that phone reads nothing now
    this_id = services.device_for_key("nour-phone").id
    assert first.post(f"/moi/telephones/{this_id}/retirer").status_code == 302
    assert services.participant_for_device("nour-phone") is None
    assert first.get("/moi/donnees").status_code == 302  # nothing held on it any more
    assert "Bonjour Nour" not in text_of(first.get("/moi/"))  # only what it sent itself
    unbound = entries(audit.UNBIND_PHONE)
    assert [(e.actor_id, e.participant_public_id, e.details["by"]) for e in unbound] == [
        (None, nour.public_id, "person"),
        (None, nour.public_id, "person"),
    ]
    # The board identity of that phone is no longer the person's.
    db.session.expire_all()
    assert count(LiveParticipant, LiveParticipant.participant_id == nour.id) == 0


def test_a_phone_cannot_remove_someone_elses_phone(app, world):
    _nour, first, _second = two_phones(app, world)
    baobab = factories.participant(world.space, "Baobab")
    theirs = phone(board_of(world, world.session), "baobab-phone", "Baobab")
    services.confirm_check_in(world.mediator, world.session, theirs.id, participant_id=baobab.id)
    their_device = services.device_for_key("baobab-phone").id
    assert first.post(f"/moi/telephones/{their_device}/retirer").status_code == 404
    assert services.participant_for_device("baobab-phone") == baobab


# --- deactivating a staff member ------------------------------------------------------------


def test_deactivating_staff_revokes_the_unconfirmed_phones_they_linked(app, world):
    """Amina bound her own phone to Nour; she is deactivated: her phone reads nothing."""
    nour = factories.participant(world.space, "Nour")
    baobab = factories.participant(world.space, "Baobab")
    hers = phone(board_of(world, world.session), "amina-own-phone", "Amina")
    services.confirm_check_in(world.mediator, world.session, hers.id, participant_id=nour.id)
    theirs = phone(board_of(world, world.session), "baobab-phone", "Baobab")
    services.confirm_check_in(world.mediator, world.session, theirs.id, participant_id=baobab.id)
    services.confirm_phone("baobab-phone")  # Baobab tapped "Oui, c'est moi"
    token = services.create_sign_in_link(world.mediator, nour)  # never used
    amina_phone = device_client(app, "amina-own-phone")
    assert "Nour" in text_of(amina_phone.get("/moi/donnees"))

    accounts.set_active(world.coordinator, world.mediator.id, False)

    assert services.participant_for_device("amina-own-phone") is None
    assert services.participant_for_device("baobab-phone") == baobab  # confirmed: kept
    assert amina_phone.get("/moi/donnees").status_code == 302
    assert "Nour" not in amina_phone.get("/moi/", follow_redirects=True).get_data(as_text=True)
    assert app.test_client().get(f"/moi/lien/{token}").status_code == 404
    assert count(ParticipantLink, ParticipantLink.used_at.is_(None)) == 0
    (entry,) = entries(audit.UNBIND_PHONE)
    assert (entry.actor_id, entry.participant_public_id, entry.details["by"]) == (
        world.coordinator.id,
        nour.public_id,
        "deactivation",
    )
    assert entry.details["staff"] == world.mediator.id


# --- the one-time link: a preview does not spend it ---------------------------------------------


def test_a_link_preview_does_not_spend_the_one_time_link(app, world):
    nour = factories.participant(world.space, "Nour")
    token = services.create_sign_in_link(world.mediator, nour)
    preview = app.test_client()  # a messaging app fetching the link to show a preview

    for _ in range(3):
        response = preview.get(f"/moi/lien/{token}")
        assert response.status_code == 200
        assert "Nour" not in response.get_data(as_text=True)  # nothing for the preview
        assert preview.get_cookie(LINK_COOKIE) is None
    assert db.session.scalar(sa.select(ParticipantLink.used_at)) is None
    assert count(ParticipantDevice) == 0

    me = app.test_client()
    page = me.get(f"/moi/lien/{token}")
    assert 'method="post"' in page.get_data(as_text=True)
    assert me.post(f"/moi/lien/{token}").status_code == 302
    assert services.participant_for_device(me.get_cookie(LINK_COOKIE).value) == nour
    (entry,) = entries(audit.BIND_PHONE)
    assert (entry.actor_id, entry.participant_public_id, entry.details["how"]) == (
        world.mediator.id,
        nour.public_id,
        "link",
    )
    assert preview.get(f"/moi/lien/{token}").status_code == 404  # spent now
