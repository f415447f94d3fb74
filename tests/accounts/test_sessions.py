"""Staff sessions end when they should: logout, idle and absolute expiry, ended from another
session, password change, deactivation — over HTTP and on the live board's control socket.
Time is controlled by moving the stored timestamps, never by sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from facilitation.accounts import services
from facilitation.accounts.models import StaffSession, StaffSocket
from facilitation.audit.models import AuditEntry
from facilitation.core.database import utcnow
from facilitation.extensions import db, socketio
from facilitation.live import services as live

from ..conftest import PASSWORD, text_of
from .conftest import age_sessions, session_cookie, staff_sessions

NS = "/live"


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/connexion" in response.headers["Location"]


# --- logout -------------------------------------------------------------------------------------


def test_a_cookie_replayed_after_logout_opens_nothing(client, auth, world):
    auth.login(world.mediator)
    assert client.get("/tableau-de-bord").status_code == 200
    stolen = session_cookie(client)
    auth.logout()
    client.set_cookie("session", stolen)  # the old cookie, sent again
    assert _is_login_redirect(client.get("/tableau-de-bord"))
    assert _is_login_redirect(client.get("/mon-compte"))
    (record,) = staff_sessions(world.mediator)
    assert record.ended_at is not None and record.end_reason == "logout"


def test_a_cookie_copied_to_another_browser_dies_with_the_logout(app, client, auth, world):
    auth.login(world.mediator)
    other_browser = app.test_client()
    other_browser.set_cookie("session", session_cookie(client))
    assert other_browser.get("/tableau-de-bord").status_code == 200
    auth.logout()
    assert _is_login_redirect(other_browser.get("/tableau-de-bord"))


def test_each_login_opens_its_own_session_record(client, auth, world):
    auth.login(world.mediator)
    auth.logout()
    auth.login(world.mediator)
    records = staff_sessions(world.mediator)
    assert len(records) == 2
    assert records[0].ended_at is not None and records[1].ended_at is None
    assert records[0].token_hash != records[1].token_hash


def test_the_cookie_holds_a_random_token_whose_hash_only_is_stored(client, auth, world):
    auth.login(world.mediator)
    with client.session_transaction() as session:
        token = session["_staff_session"]
    (record,) = staff_sessions(world.mediator)
    assert token not in record.token_hash and len(token) >= 32


# --- idle timeout and absolute lifetime ---------------------------------------------------------


def test_a_session_idle_for_longer_than_the_limit_ends(client, auth, world, app):
    auth.login(world.mediator)
    idle = app.config["STAFF_SESSION_IDLE_MINUTES"]
    assert idle == 120  # the documented default
    age_sessions(world.mediator, last_seen_at=timedelta(minutes=idle - 5))
    assert client.get("/tableau-de-bord").status_code == 200  # still within the limit
    age_sessions(world.mediator, last_seen_at=timedelta(minutes=idle + 1))
    assert _is_login_redirect(client.get("/tableau-de-bord"))
    (record,) = staff_sessions(world.mediator)
    assert record.end_reason == "idle"


def test_activity_keeps_a_session_alive_by_moving_its_last_seen_time(client, auth, world):
    auth.login(world.mediator)
    age_sessions(world.mediator, last_seen_at=timedelta(minutes=90))
    client.get("/tableau-de-bord")
    (record,) = staff_sessions(world.mediator)
    assert utcnow() - record.last_seen_at < timedelta(minutes=5)


def test_a_session_older_than_its_lifetime_ends_even_when_active(client, auth, world, app):
    auth.login(world.mediator)
    hours = app.config["STAFF_SESSION_MAX_HOURS"]
    assert hours == 12
    age_sessions(world.mediator, created_at=timedelta(hours=hours - 1))
    assert client.get("/tableau-de-bord").status_code == 200
    age_sessions(world.mediator, created_at=timedelta(hours=hours, minutes=1))
    assert _is_login_redirect(client.get("/tableau-de-bord"))
    assert staff_sessions(world.mediator)[0].end_reason == "expired"


def test_the_limits_are_configurable(client, auth, world, app):
    app.config["STAFF_SESSION_IDLE_MINUTES"] = 5
    try:
        auth.login(world.mediator)
        age_sessions(world.mediator, last_seen_at=timedelta(minutes=6))
        assert _is_login_redirect(client.get("/tableau-de-bord"))
    finally:
        app.config["STAFF_SESSION_IDLE_MINUTES"] = 120


def test_the_session_cookie_expires_with_the_absolute_lifetime(client, auth, world, app):
    response = auth.login(world.mediator)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" in cookie
    assert app.permanent_session_lifetime == timedelta(hours=12)


# --- "Mes sessions ouvertes" ----------------------------------------------------------------


def _second_browser(app, user, user_agent: str):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    browser.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    response = browser.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"


def test_my_account_lists_my_open_sessions_and_marks_this_one(app, client, auth, world):
    _second_browser(app, world.mediator, ANDROID_FIREFOX)
    _second_browser(app, world.coordinator, ANDROID_FIREFOX)  # someone else's: not listed
    auth.login(world.mediator)
    text = text_of(client.get("/mon-compte"))
    assert "Mes sessions ouvertes" in text
    assert "Firefox · Android" in text
    assert "192.0.2.0/24" in text and "192.0.2.77" not in text  # the network, not the address
    assert "cette session" in text
    assert text.count("Ouverte le") == 2


def test_ending_another_session_logs_that_browser_out(app, client, auth, world):
    phone = _second_browser(app, world.mediator, ANDROID_FIREFOX)
    auth.login(world.mediator)
    other = staff_sessions(world.mediator)[0]
    response = client.post(f"/mon-compte/sessions/{other.id}/terminer")
    assert response.status_code == 302
    assert _is_login_redirect(phone.get("/tableau-de-bord"))
    assert client.get("/tableau-de-bord").status_code == 200  # this one stays
    assert "session_ended" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_one_cannot_end_this_session_nor_someone_elses_from_the_list(app, client, auth, world):
    _second_browser(app, world.coordinator, ANDROID_FIREFOX)
    auth.login(world.mediator)
    theirs = staff_sessions(world.coordinator)[0]
    mine = staff_sessions(world.mediator)[0]
    assert client.post(f"/mon-compte/sessions/{theirs.id}/terminer").status_code == 404
    assert client.post(f"/mon-compte/sessions/{mine.id}/terminer").status_code == 404
    assert all(r.ended_at is None for r in staff_sessions(world.coordinator))


def test_ending_all_other_sessions_keeps_only_this_one(app, client, auth, world):
    phones = [_second_browser(app, world.mediator, ANDROID_FIREFOX) for _ in range(2)]
    auth.login(world.mediator)
    assert client.post("/mon-compte/sessions/terminer-les-autres").status_code == 302
    for phone in phones:
        assert _is_login_redirect(phone.get("/tableau-de-bord"))
    assert client.get("/tableau-de-bord").status_code == 200
    assert [r.ended_at is None for r in staff_sessions(world.mediator)] == [False, False, True]


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client, auth, world):
    phone = _second_browser(app, world.mediator, ANDROID_FIREFOX)
    auth.login(world.mediator)
    new = "les-jours-de-pluie-42"
    response = client.post(
        "/mon-compte", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert _is_login_redirect(phone.get("/tableau-de-bord"))
    assert client.get("/tableau-de-bord").status_code == 200
    ended = [r.end_reason for r in staff_sessions(world.mediator)]
    assert ended == ["password", None]


def test_deactivation_ends_the_sessions_of_that_member(app, client, auth, world):
    phone = _second_browser(app, world.mediator, ANDROID_FIREFOX)
    services.set_active(world.coordinator, world.mediator.id, False)
    assert _is_login_redirect(phone.get("/tableau-de-bord"))
    assert [r.end_reason for r in staff_sessions(world.mediator)] == ["deactivated"]


# --- the live board's control socket --------------------------------------------------------


@pytest.fixture
def board(app, world):
    before = app.config.get("LIVE_BROADCAST_SYNC")
    app.config["LIVE_BROADCAST_SYNC"] = True
    board = live.board_for_session(world.mediator, world.session)
    live.add_activity(
        world.mediator,
        board,
        kind="poll",
        prompt="Qui a une mutuelle ?",
        config={"choices": ["Oui", "Non"]},
    )
    yield board
    app.config["LIVE_BROADCAST_SYNC"] = before


@pytest.fixture
def control(app, board, world):
    """The mediator's browser (HTTP client) and its control socket, sharing the cookie."""
    opened = []

    def _open(http):
        sio = socketio.test_client(
            app,
            namespace=NS,
            flask_test_client=http,
            auth={"code": board.join_code, "role": "control"},
        )
        opened.append(sio)
        return sio

    yield _open
    for sio in opened:
        if sio.is_connected(NS):
            sio.disconnect(namespace=NS)


def _control_event(sio, action="open"):
    return sio.emit("control", {"action": action}, namespace=NS, callback=True)


def test_logout_closes_the_control_socket_and_the_cookie_cannot_reopen_one(
    app, client, auth, world, board, control
):
    auth.login(world.mediator)
    sio = control(client)
    assert sio.is_connected(NS)
    ack = _control_event(sio)
    assert ack["ok"] is True, ack
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffSocket)) == 1
    stolen = session_cookie(client)
    auth.logout()
    assert not sio.is_connected(NS)  # the server closed it
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffSocket)) == 0
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not control(replay).is_connected(NS)  # refused at connection


def test_a_control_event_on_a_socket_whose_session_ended_is_refused(
    app, client, auth, world, board, control
):
    """As for a socket in another process that missed the disconnection."""
    auth.login(world.mediator)
    sio = control(client)
    version = db.session.get(type(board), board.id).version
    db.session.execute(sa.update(StaffSession).values(ended_at=utcnow(), end_reason="logout"))
    db.session.commit()
    ack = _control_event(sio)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    db.session.expire_all()
    assert db.session.get(type(board), board.id).version == version  # nothing happened


def test_an_idle_session_cannot_drive_the_board(app, client, auth, world, board, control):
    auth.login(world.mediator)
    sio = control(client)
    age_sessions(world.mediator, last_seen_at=timedelta(hours=3))
    assert _control_event(sio)["error"] == "forbidden"


def test_ending_a_session_from_another_browser_closes_its_control_socket(
    app, client, auth, world, board, control
):
    auth.login(world.mediator)
    sio = control(client)
    laptop = _second_browser(app, world.mediator, ANDROID_FIREFOX)
    first = staff_sessions(world.mediator)[0]
    assert laptop.post(f"/mon-compte/sessions/{first.id}/terminer").status_code == 302
    assert not sio.is_connected(NS)


def test_deactivation_closes_the_control_sockets_of_that_member(
    app, client, auth, world, board, control
):
    auth.login(world.mediator)
    sio = control(client)
    services.set_active(world.coordinator, world.mediator.id, False)
    assert not sio.is_connected(NS)
