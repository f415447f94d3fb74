"""Two-factor authentication (TOTP): enrolment, the login's second step, replay and time
window, single-use recovery codes, turning it off, and the structure's requirement."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from facilitation.accounts import two_factor
from facilitation.accounts.models import RecoveryCode, User
from facilitation.audit.models import AuditEntry
from facilitation.core.database import utcnow
from facilitation.core.exceptions import ValidationError
from facilitation.extensions import db, socketio
from facilitation.live import services as live

from ..conftest import PASSWORD, text_of
from .conftest import age_sessions


def enable_two_factor(user: User) -> tuple[pyotp.TOTP, list[str]]:
    """Turn it on as the enrolment page does, with the code of the previous time step (so
    that the code of the current step, typed at login, is a new one)."""
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)
    codes = two_factor.enable(user, secret, totp.at(utcnow() - timedelta(seconds=30)))
    return totp, codes


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _login(client, user):
    return client.post("/connexion", data={"email": user.email, "password": PASSWORD})


# --- enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_an_inline_qr_code_then_recovery_codes_once(client, auth, world):
    auth.login(world.mediator)
    page = client.get("/mon-compte/double-authentification")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "<img" not in html  # no image request
    with client.session_transaction() as session:
        secret = session["_totp_pending"]
    assert re.sub(r"\s", "", text_of(page)).count(secret) == 1  # typed by hand if needed
    wrong = client.post("/mon-compte/double-authentification", data={"code": "000000"})
    assert wrong.status_code == 422 and "ne correspond pas" in text_of(wrong)
    response = client.post(
        "/mon-compte/double-authentification", data={"code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200
    codes = re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", text_of(response))
    assert len(codes) == 10 and len(set(codes)) == 10
    user = db.session.get(User, world.mediator.id)
    assert user.has_two_factor and user.totp_secret == secret
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert "two_factor_enabled" in actions()
    # Shown once: the account page only says how many are left.
    account = text_of(client.get("/mon-compte"))
    assert "10 codes de secours restants" in account
    assert not any(code in account for code in codes)


def test_the_enrolment_secret_is_kept_only_after_a_right_code(client, auth, world):
    auth.login(world.mediator)
    client.get("/mon-compte/double-authentification")
    assert db.session.get(User, world.mediator.id).totp_secret is None


# --- logging in in two steps ------------------------------------------------------------------


def test_login_asks_for_the_code_and_is_not_logged_in_before_it(client, world):
    totp, _codes = enable_two_factor(world.mediator)
    response = _login(client, world.mediator)
    assert response.headers["Location"] == "/connexion/code"
    assert client.get("/tableau-de-bord").status_code == 302  # not logged in yet
    page = client.get("/connexion/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(True)
    wrong = client.post("/connexion/code", data={"code": "000000"})
    assert wrong.status_code == 422 and "n’est pas le bon" in text_of(wrong)
    assert client.post("/connexion/code", data={"code": totp.now()}).status_code == 302
    assert client.get("/tableau-de-bord").status_code == 200
    assert actions()[-2:] == ["login_failed", "login"]


def test_a_code_is_never_accepted_twice(app, client, world):
    totp, _codes = enable_two_factor(world.mediator)
    code = totp.now()
    _login(client, world.mediator)
    assert client.post("/connexion/code", data={"code": code}).status_code == 302
    other = app.test_client()  # someone who saw the code over the shoulder
    _login(other, world.mediator)
    replay = other.post("/connexion/code", data={"code": code})
    assert replay.status_code == 422
    assert other.get("/tableau-de-bord").status_code == 302


def test_codes_are_accepted_one_step_early_or_late_and_no_more(world):
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)
    now = utcnow()
    two_factor.enable(
        world.mediator,
        secret,
        totp.at(now - timedelta(minutes=10)),
        now=now - timedelta(minutes=10),
    )
    user = world.mediator
    assert not two_factor.verify_totp(user, totp.at(now - timedelta(seconds=60)), now=now)
    assert not two_factor.verify_totp(user, totp.at(now + timedelta(seconds=60)), now=now)
    assert two_factor.verify_totp(user, totp.at(now - timedelta(seconds=30)), now=now)
    assert two_factor.verify_totp(user, totp.at(now), now=now)
    assert two_factor.verify_totp(user, totp.at(now + timedelta(seconds=30)), now=now)
    # Once a later step was used, an earlier (still in the window) is a replay.
    assert not two_factor.verify_totp(user, totp.at(now), now=now)


def test_the_wait_for_the_code_is_limited(client, world):
    _totp, _codes = enable_two_factor(world.mediator)
    _login(client, world.mediator)
    with client.session_transaction() as session:
        pending = dict(session["_pending_login"])
        pending["at"] -= 6 * 60
        session["_pending_login"] = pending
    response = client.get("/connexion/code")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    assert client.get("/tableau-de-bord").status_code == 302


def test_a_recovery_code_works_once(app, client, world):
    _totp, codes = enable_two_factor(world.mediator)
    _login(client, world.mediator)
    response = client.post("/connexion/code", data={"code": codes[3].lower().replace("-", " ")})
    assert response.status_code == 302
    assert client.get("/tableau-de-bord").status_code == 200
    assert "recovery_code_used" in actions()
    again = app.test_client()
    _login(again, world.mediator)
    assert again.post("/connexion/code", data={"code": codes[3]}).status_code == 422
    assert two_factor.recovery_codes_left(world.mediator) == 9


def test_turning_it_off_asks_for_a_fresh_login_and_a_code(client, auth, world):
    totp, _codes = enable_two_factor(world.mediator)
    _login(client, world.mediator)
    client.post("/connexion/code", data={"code": totp.now()})
    age_sessions(world.mediator, authenticated_at=timedelta(minutes=11))
    stale = client.post("/mon-compte/double-authentification/desactiver", data={"code": "1"})
    assert "/confirmer-mot-de-passe" in stale.headers["Location"]
    client.post("/confirmer-mot-de-passe", data={"password": PASSWORD})
    wrong = client.post("/mon-compte/double-authentification/desactiver", data={"code": "000000"})
    assert wrong.status_code == 422
    assert db.session.get(User, world.mediator.id).has_two_factor
    code = totp.at(utcnow() + timedelta(seconds=30))  # a step not used yet
    response = client.post("/mon-compte/double-authentification/desactiver", data={"code": code})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, world.mediator.id).has_two_factor
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
    assert "two_factor_disabled" in actions()


def test_new_recovery_codes_replace_the_old_ones(client, world):
    totp, old = enable_two_factor(world.mediator)
    _login(client, world.mediator)
    client.post("/connexion/code", data={"code": totp.now()})
    response = client.post("/mon-compte/double-authentification/codes-de-secours")
    new = re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", text_of(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.use_recovery_code(world.mediator, old[0])
    assert two_factor.use_recovery_code(world.mediator, new[0])
    assert "recovery_codes_renewed" in actions()


# --- the structure's requirement ----------------------------------------------------------


def test_a_coordinator_turns_it_on_for_themself_before_requiring_it(client, auth, world):
    auth.login(world.coordinator)
    response = client.post("/equipe/securite", data={"required": "y"}, follow_redirects=True)
    assert "Activez d’abord la double authentification" in text_of(response)
    assert not world.org.require_two_factor
    enable_two_factor(world.coordinator)
    client.post("/equipe/securite", data={"required": "y"})
    db.session.expire_all()
    assert world.org.require_two_factor
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "two_factor_requirement")
    ).one()
    assert entry.details == {"required": True} and entry.actor_id == world.coordinator.id


def test_staff_without_it_enrol_at_their_next_login_before_anything_else(app, client, world):
    enable_two_factor(world.coordinator)
    two_factor.set_requirement(world.coordinator, True)
    response = _login(client, world.mediator)
    assert response.status_code == 302
    for path in ("/tableau-de-bord", "/espaces/", f"/seances/{world.session.id}/tableau"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"] == "/mon-compte/double-authentification"
    page = client.get("/mon-compte/double-authentification")
    assert page.status_code == 200
    assert "Votre structure demande" in text_of(page)
    # No live board either: the control socket is refused until enrolment.
    board = live.board_for_session(world.mediator, world.session)
    sio = socketio.test_client(
        app,
        namespace="/live",
        flask_test_client=client,
        auth={"code": board.join_code, "role": "control"},
    )
    assert not sio.is_connected("/live")
    with client.session_transaction() as session:
        secret = session["_totp_pending"]
    client.post("/mon-compte/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/tableau-de-bord").status_code == 200


def test_enrolment_is_not_forced_on_those_who_have_it(client, world):
    enable_two_factor(world.coordinator)
    totp, _codes = enable_two_factor(world.mediator)
    two_factor.set_requirement(world.coordinator, True)
    _login(client, world.mediator)
    client.post("/connexion/code", data={"code": totp.now()})
    assert client.get("/tableau-de-bord").status_code == 200


def test_only_coordinators_set_the_requirement(world):
    from facilitation.core.exceptions import Forbidden

    enable_two_factor(world.mediator)
    with pytest.raises(Forbidden):
        two_factor.set_requirement(world.mediator, True)


def test_enabling_twice_is_refused(world):
    enable_two_factor(world.mediator)
    with pytest.raises(ValidationError):
        enable_two_factor(world.mediator)
