"""Two real server processes share one live session through Redis and PostgreSQL.

A phone connected to process A answers; the screen connected to process B sees the
result. A mediator driving the board from B moves the phone on A to the next activity.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import yarl

from facilitation.config import normalise_database_url

aiohttp = pytest.importorskip("aiohttp")
socketio_client = pytest.importorskip("socketio")

ROOT = Path(__file__).resolve().parents[2]
DATABASE = os.environ.get("TEST_DB_PREFIX", "facilitation") + "_multiprocess"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_reachable() -> bool:
    host, port = "127.0.0.1", 6379
    try:
        with socket.create_connection((host, port), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def database(request):
    base = request.config.getoption("--database-url") or os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    base = normalise_database_url(base)
    if not base.startswith("postgresql"):
        base = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        _unavailable(f"PostgreSQL is not reachable at {base}: {error.orig}")
    url = sa.engine.make_url(base).set(database=DATABASE).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
    admin.dispose()


def _flask(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


@pytest.fixture(scope="module")
def two_servers(database, tmp_path_factory):
    if not _redis_reachable():
        _unavailable("Redis is not reachable at 127.0.0.1:6379")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=database,
        REDIS_URL=REDIS_URL,
        # Its own pub/sub channel: another run on this Redis never reaches these servers.
        SOCKETIO_CHANNEL=f"facilitation-test-{secrets.token_hex(4)}",
        SECRET_KEY=secrets.token_urlsafe(32),  # shared: a login on A is valid on B
        PYTHONUNBUFFERED="1",
    )
    ports = [_free_port(), _free_port()]
    subprocess.run(_flask("db", "upgrade"), cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        _flask("seed-demo", "--json", "--base-url", f"http://127.0.0.1:{ports[0]}"),
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    demo = json.loads(seeded.stdout)
    logs, processes = [], []
    for port in ports:
        log = (tmp_path_factory.mktemp("server") / "server.log").open("wb")
        logs.append(log)
        processes.append(
            subprocess.Popen(
                _flask("serve", "--port", str(port)),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        )
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_up(port, process)
        yield demo, [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"server on port {port} did not start")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def _cookie_header(http: aiohttp.ClientSession, base: str) -> str:
    cookies = http.cookie_jar.filter_cookies(yarl.URL(base))
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())


async def _scenario(demo: dict, server_a: str, server_b: str) -> None:
    code = demo["live"]["join_code"]
    screen_key = demo["live"]["screen_url"].rsplit("/", 1)[1]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as phone_http:
        page = await (await phone_http.get(f"{server_a}/j/{code}")).text()
        joined = await phone_http.post(
            f"{server_a}/j/{code}",
            data={"csrf_token": _csrf(page), "pseudonym": "Colibri", "language": "fr"},
        )
        assert joined.status == 200, await joined.text()
        phone_cookie = _cookie_header(phone_http, server_a)

    mediator = demo["mediators"][0]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as staff_http:
        page = await (await staff_http.get(f"{server_b}/connexion")).text()
        logged = await staff_http.post(
            f"{server_b}/connexion",
            data={
                "csrf_token": _csrf(page),
                "email": mediator["email"],
                "password": mediator["password"],
            },
        )
        assert logged.status == 200 and "/tableau-de-bord" in str(logged.url)
        staff_cookie = _cookie_header(staff_http, server_b)

    phone = socketio_client.AsyncClient(reconnection=False)
    screen = socketio_client.AsyncClient(reconnection=False)
    control = socketio_client.AsyncClient(reconnection=False)
    results, phone_states = asyncio.Queue(), asyncio.Queue()
    screen.on("results", results.put, namespace="/live")
    phone.on("state", phone_states.put, namespace="/live")
    try:
        await phone.connect(
            server_a,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": phone_cookie},
            auth={"code": code},
        )
        await screen.connect(
            server_b,
            namespaces=["/live"],
            transports=["websocket"],
            auth={"code": code, "role": "screen", "key": screen_key},
        )
        await control.connect(
            server_b,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": staff_cookie},
            auth={"code": code, "role": "control"},
        )
        first_state = await asyncio.wait_for(phone_states.get(), 10)
        poll_id = first_state["activity"]["id"]

        # A phone on process A answers; the screen on process B sees it counted.
        ack = await phone.call(
            "answer",
            {"activity_id": poll_id, "client_id": "mp-answer-1", "value": [2]},
            namespace="/live",
            timeout=10,
        )
        assert ack["ok"] is True and ack["duplicate"] is False
        deadline = time.monotonic() + 10
        count = 0
        while count < 1:
            payload = await asyncio.wait_for(results.get(), max(0.1, deadline - time.monotonic()))
            count = payload["count"]
        assert count == 1

        # The mediator on process B moves the board; the phone on process A follows.
        ack = await control.call("control", {"action": "next"}, namespace="/live", timeout=10)
        assert ack["ok"] is True, ack
        deadline = time.monotonic() + 10
        while True:
            state = await asyncio.wait_for(
                phone_states.get(), max(0.1, deadline - time.monotonic())
            )
            if state["activity"] and state["activity"]["id"] != poll_id:
                break
        assert state["activity"]["kind"] == "scale"
    finally:
        for client in (phone, screen, control):
            if client.connected:
                await client.disconnect()


def _run_in_own_loop(coroutine) -> None:
    """Run in a thread of its own: the browser tests' sync Playwright keeps a loop running."""
    errors: list[BaseException] = []

    def target():
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the two-process scenario did not finish in 120 s"
    if errors:
        raise errors[0]


def test_two_processes_share_a_session_through_redis(two_servers):
    demo, (server_a, server_b) = two_servers
    _run_in_own_loop(_scenario(demo, server_a, server_b))
