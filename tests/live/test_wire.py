"""The live board against a real server, with clients the project did not write.

``flask serve`` (gunicorn, gevent, gevent-websocket, as in production) in a subprocess
on a free port, on its own SQLite file with the demo seed; python-socketio's asyncio
client for well-formed sessions, and raw WebSocket frames through aiohttp for what no
Socket.IO client would send: malformed frames, replayed ``connect``/``disconnect``
packets, a page of another site opening a socket. Afterwards the server's log holds
warnings and no traceback, and presence counts the sockets that are really open —
also once a server process was killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import yarl

from facilitation.core.database import utcnow
from facilitation.live.models import LiveConnection

aiohttp = pytest.importorskip("aiohttp")
socketio_client = pytest.importorskip("socketio")

ROOT = Path(__file__).resolve().parents[2]
TTL = 4  # seconds a connection row lives without its process's heartbeat


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


class Server:
    def __init__(self, env: dict, log_path: Path):
        """Its own process group: a crash takes gunicorn's master and worker at once."""
        self.env, self.log_path = env, log_path
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            _flask("serve", "--port", str(self.port)),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{self.output()}")
                time.sleep(0.2)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            if sig == signal.SIGKILL:  # master and worker at once, as in a crash
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A database with the demo seed, the environment of its servers, and one server."""
    folder = tmp_path_factory.mktemp("wire")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "LIVE_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'live.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(32),
        PYTHONUNBUFFERED="1",
        TRUSTED_PROXIES="1",  # as behind the usual reverse proxy
        LIVE_HEARTBEAT="0.5",
        LIVE_CONNECTION_TTL=str(TTL),
    )
    env.pop("REDIS_URL", None)
    subprocess.run(_flask("db", "upgrade"), cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        _flask("seed-demo", "--json"), cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    demo = json.loads(seeded.stdout)
    server = Server(env, folder / "server.log")
    engine = sa.create_engine(env["DATABASE_URL"])
    yield {"demo": demo, "env": env, "server": server, "engine": engine, "folder": folder}
    engine.dispose()
    server.stop()


@pytest.fixture
def server(deployment):
    return deployment["server"]


def run(coroutine):
    """Run in a thread of its own: the browser tests' sync Playwright keeps a loop running."""
    errors: list[BaseException] = []
    result: list = []

    def target():
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the scenario did not finish in 120 s"
    if errors:
        raise errors[0]
    return result[0] if result else None


def connected(deployment, process: str | None = None) -> int:
    """Phones with a live connection row (as services.connected_count counts them)."""
    cutoff = utcnow() - timedelta(seconds=TTL)
    query = sa.select(sa.func.count(sa.distinct(LiveConnection.participant_id))).where(
        LiveConnection.participant_id.is_not(None), LiveConnection.seen_at > cutoff
    )
    with deployment["engine"].connect() as conn:
        return conn.scalar(query)


def rows_of(deployment, process_like: str) -> int:
    with deployment["engine"].connect() as conn:
        return conn.scalar(
            sa.select(sa.func.count(LiveConnection.id)).where(
                LiveConnection.process.like(process_like)
            )
        )


def wait_until(condition, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not true after {timeout} s: {what}"
        time.sleep(0.2)


def code_of(deployment) -> str:
    return deployment["demo"]["live"]["join_code"]


async def join_phone(http, base: str, code: str) -> str:
    """Join over HTTP as a phone does; the Cookie header of that phone."""
    page = await (await http.get(f"{base}/j/{code}")).text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, page[:500]
    joined = await http.post(
        f"{base}/j/{code}",
        data={"csrf_token": token.group(1), "pseudonym": "", "language": "fr"},
    )
    assert joined.status == 200, await joined.text()
    cookies = http.cookie_jar.filter_cookies(yarl.URL(base))
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())


class Raw:
    """A WebSocket speaking Engine.IO/Socket.IO frames by hand."""

    def __init__(self, ws):
        self.ws = ws

    async def send(self, frame: str) -> None:
        await self.ws.send_str(frame)

    async def receive(self, timeout: float = 5) -> str:
        while True:
            message = await self.ws.receive(timeout=timeout)
            assert message.type == aiohttp.WSMsgType.TEXT, message
            if message.data == "2":  # ping
                await self.ws.send_str("3")
                continue
            return message.data

    async def until(self, prefix: str, timeout: float = 5) -> str:
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.receive(max(0.1, deadline - time.monotonic()))
            if frame.startswith(prefix):
                return frame


async def raw_socket(http, base: str, cookie: str | None = None, **kwargs) -> Raw:
    headers = {"Cookie": cookie} if cookie else {}
    headers.update(kwargs.pop("headers", {}))
    ws = await http.ws_connect(
        base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        headers=headers,
        **kwargs,
    )
    raw = Raw(ws)
    assert (await raw.receive()).startswith("0{")  # Engine.IO open
    return raw


async def connect_phone(http, base: str, code: str) -> Raw:
    raw = await raw_socket(http, base, await join_phone(http, base, code))
    await raw.send("40/live," + json.dumps({"code": code}))
    await raw.until("40/live,")  # the CONNECT ack (the state may come first)
    return raw


def ack_of(frame: str) -> dict:
    return json.loads(frame.split("[", 1)[1][:-1])


# --- malformed frames ---------------------------------------------------------------------------

MALFORMED = [
    # (frame, what the server answers: an ack id, or None)
    ('42/live,["answer",' + "[" * 3000 + "]" * 3000 + "]", None),  # nested too deep
    ('42/live,1["answer",{"activity_id":1' + "0" * 5000 + "}]", 1),  # a 5 001-digit number
    ('42/live,2["answer",{"activity_id":', 2),  # truncated JSON
    ('42/live,3["answer",{"activity_id":NaN}]', 3),  # not JSON
    ('42/live,{"answer":1}', None),  # an event that is not a list
    ("42/live,[]", None),
    ("42/live,[7]", None),
    ('451-/live,["answer",{"_placeholder":true,"num":0}]', None),  # binary attachment
    ("4x", None),  # not a Socket.IO packet
    ("hello", None),  # not an Engine.IO packet
    ("9", None),  # unknown Engine.IO packet type
]


def test_malformed_frames_are_dropped_with_one_warning_each_and_the_socket_lives_on(
    deployment, server
):
    code = code_of(deployment)

    async def scenario():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            raw = await connect_phone(http, server.base, code)
            for frame, ack_id in MALFORMED:
                await raw.send(frame)
                if ack_id is not None:
                    reply = await raw.until(f"43/live,{ack_id}[")
                    assert ack_of(reply)["error"] == "invalid", reply
            await raw.send('42/live,9["sync"]')
            reply = ack_of(await raw.until("43/live,9["))
            assert reply["ok"] is True and reply["state"]["code"] == code
            await raw.ws.close()

    before = server.output()
    run(scenario())
    log = server.output()[len(before) :]
    dropped = [line for line in log.splitlines() if line.startswith("live: dropped")]
    assert len(dropped) == len(MALFORMED), log
    assert "Traceback" not in log and "[ERROR]" not in log, log


# --- replayed packets, presence -------------------------------------------------------------------


def test_replayed_connect_and_disconnect_packets_change_nothing(deployment, server):
    code, key = code_of(deployment), deployment["demo"]["live"]["screen_url"].rsplit("/", 1)[1]
    screen_auth = json.dumps({"code": code, "role": "screen", "key": key})

    async def scenario():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            phones = []
            for _ in range(4):
                http.cookie_jar.clear()  # four phones, not one joining four times
                phones.append(await connect_phone(http, server.base, code))
            for raw in phones:
                await raw.send("40/live," + screen_auth)  # CONNECT again, on an open namespace
                assert (await raw.until("44/live,")).startswith("44/live,")
                await raw.send(f'42/live,1["connect","x",{screen_auth}]')  # as an event
                assert ack_of(await raw.until("43/live,1["))["error"] == "invalid"
                await raw.send('42/live,2["disconnect"]')
                assert ack_of(await raw.until("43/live,2["))["error"] == "invalid"
                await raw.send('42/live,3["sync"]')
                state = ack_of(await raw.until("43/live,3["))["state"]
                assert "control" in state and "connected" not in state  # still a phone
            await asyncio.to_thread(wait_until, lambda: connected(deployment) == 4, "4 phones")
            # A real DISCONNECT, twice: the second one finds nothing to do.
            await phones[0].send("41/live,")
            await phones[0].send("41/live,")
            await asyncio.to_thread(wait_until, lambda: connected(deployment) == 3, "3 phones")
            for raw in phones:
                await raw.ws.close()

    before = server.output()
    run(scenario())
    wait_until(lambda: connected(deployment) == 0, "no phone connected after every socket closed")
    assert rows_of(deployment, "%") == 0
    assert "Traceback" not in server.output()[len(before) :]


def test_presence_forgets_the_sockets_of_a_server_process_that_died(deployment, server):
    """Kill -9 a second server: its phones stop counting once its heartbeat is missed."""
    other = Server(deployment["env"], deployment["folder"] / "other.log")
    code = code_of(deployment)

    async def scenario():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            # A socket on the living server: its heartbeat runs from then on.
            await (await connect_phone(http, server.base, code)).ws.close()
            await asyncio.to_thread(wait_until, lambda: connected(deployment) == 0, "closed")
            phones = []
            for _ in range(3):
                http.cookie_jar.clear()
                phones.append(await connect_phone(http, other.base, code))
            await asyncio.to_thread(wait_until, lambda: connected(deployment) == 3, "3 phones")
            await asyncio.to_thread(other.stop, signal.SIGKILL)  # no disconnect is ever handled
            for raw in phones:
                await raw.ws.close()

    try:
        run(scenario())
    finally:
        other.stop(signal.SIGKILL)
    wait_until(lambda: connected(deployment) == 0, "the dead process's phones no longer count")
    # … and the living server's heartbeat deletes the rows nobody refreshes.
    wait_until(lambda: rows_of(deployment, "%") == 0, "stale rows deleted")


# --- origins -------------------------------------------------------------------------------------


def test_a_foreign_origin_is_refused_at_the_websocket_handshake_with_400(deployment, server):
    code = code_of(deployment)

    async def scenario():
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await raw_socket(http, server.base, origin="http://evil.example")
            assert refused.value.status == 400
            polling = await http.get(
                f"{server.base}/socket.io/?EIO=4&transport=polling",
                headers={"Origin": "http://evil.example"},
            )
            assert polling.status == 400
            # This site's own pages connect, directly …
            raw = await raw_socket(http, server.base, origin=server.base)
            await raw.send("40/live," + json.dumps({"code": code}))
            assert (await raw.until("44/live,")) == '44/live,{"message":"not_joined"}'
            await raw.ws.close()
            # … and behind the reverse proxy (TRUSTED_PROXIES=1): the public address counts.
            proxied = {"X-Forwarded-Host": "tableau.example.org", "X-Forwarded-Proto": "https"}
            raw = await raw_socket(
                http, server.base, origin="https://tableau.example.org", headers=proxied
            )
            await raw.ws.close()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await raw_socket(http, server.base, origin=server.base, headers=proxied)
            assert refused.value.status == 400

    run(scenario())


# --- a Socket.IO client the project did not write ----------------------------------------------


def test_python_socketio_gets_documented_refusals_and_answers_are_stored(deployment, server):
    code = code_of(deployment)

    async def scenario():
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            cookie = await join_phone(http, server.base, code)
        phone = socketio_client.AsyncClient(reconnection=False)
        states: asyncio.Queue = asyncio.Queue()
        phone.on("state", states.put, namespace="/live")
        await phone.connect(
            server.base,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": cookie},
            auth={"code": code},
        )
        try:
            state = await asyncio.wait_for(states.get(), 10)
            poll = state["activity"]["id"]

            async def call(event, *args):
                return await phone.call(event, *args, namespace="/live", timeout=10)

            assert (await call("answer", {"activity_id": 2**63, "client_id": "x" * 12}))[
                "error"
            ] == "invalid"
            assert (await call("answer", "not an object"))["error"] == "invalid"
            assert (await call("answer"))["error"] == "invalid"
            assert (await call("answer", ({}, {})))["error"] == "invalid"  # two arguments
            assert (await call("bonjour", {}))["error"] == "invalid"
            ack = await call(
                "answer", {"activity_id": poll, "client_id": "outside-1", "value": [1]}
            )
            assert ack == {
                "ok": True,
                "client_id": "outside-1",
                "activity_id": poll,
                "duplicate": False,
            }
        finally:
            await phone.disconnect()

        stranger = socketio_client.AsyncClient(reconnection=False)
        refusals: list = []
        stranger.on("connect_error", refusals.append, namespace="/live")
        with pytest.raises(socketio_client.exceptions.ConnectionError):
            await stranger.connect(
                server.base, namespaces=["/live"], transports=["websocket"], auth={"code": code}
            )
        assert refusals == [{"message": "not_joined"}]

    run(scenario())
