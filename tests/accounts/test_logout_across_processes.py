"""A logout on one server process closes the control socket held by another (Redis).

Two real servers share PostgreSQL and the Socket.IO message queue: the mediator's control
socket is connected to process A, the logout is sent to process B. The socket must be
closed all the same, and the cookie must not open a new one.
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
DATABASE = os.environ.get("TEST_DB_PREFIX", "facilitation") + "_accounts_mp"
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
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _flask(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


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


@pytest.fixture(scope="module")
def two_servers(database, tmp_path_factory):
    if not _redis_reachable():
        _unavailable("Redis is not reachable at 127.0.0.1:6379")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=database,
        REDIS_URL=REDIS_URL,
        SOCKETIO_CHANNEL=f"facilitation-test-{secrets.token_hex(4)}",
        SECRET_KEY=secrets.token_urlsafe(32),
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


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def _cookie_header(http, base: str) -> str:
    cookies = http.cookie_jar.filter_cookies(yarl.URL(base))
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())


async def _scenario(demo: dict, server_a: str, server_b: str) -> None:
    code = demo["live"]["join_code"]
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

        control = socketio_client.AsyncClient(reconnection=False)
        closed = asyncio.Event()
        control.on("disconnect", lambda *args: closed.set(), namespace="/live")
        await control.connect(
            server_a,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": staff_cookie},
            auth={"code": code, "role": "control"},
        )
        try:
            ack = await control.call("control", {"action": "next"}, namespace="/live", timeout=10)
            assert ack["ok"] is True, ack

            # Log out on process B: the socket held by process A closes.
            dashboard = await (await staff_http.get(f"{server_b}/tableau-de-bord")).text()
            out = await staff_http.post(
                f"{server_b}/deconnexion", data={"csrf_token": _csrf(dashboard)}
            )
            assert "/connexion" in str(out.url)
            await asyncio.wait_for(closed.wait(), 10)
        finally:
            if control.connected:
                await control.disconnect()

    # The old cookie cannot open a control socket again, on either process.
    for server in (server_a, server_b):
        replay = socketio_client.AsyncClient(reconnection=False)
        with pytest.raises(socketio_client.exceptions.ConnectionError):
            await replay.connect(
                server,
                namespaces=["/live"],
                transports=["websocket"],
                headers={"Cookie": staff_cookie},
                auth={"code": code, "role": "control"},
                wait_timeout=10,
            )
        if replay.connected:
            await replay.disconnect()


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


def test_logout_on_one_process_closes_the_control_socket_on_another(two_servers):
    demo, (server_a, server_b) = two_servers
    _run_in_own_loop(_scenario(demo, server_a, server_b))
