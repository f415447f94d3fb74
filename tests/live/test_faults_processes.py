"""Faults provoked under load, on real processes (loopback only, bounded).

- ``kill -9`` of one app process during a burst of answers: the phones that lose their
  socket reconnect to the other process and resend what was not acknowledged (same
  ``client_id``, as the phone's outbox does); every acknowledged answer is stored exactly
  once, none is doubled, and the screen (on the surviving process) shows the true tally.
- Redis restarted mid-session (a redis-server of this test, on a free port — never the
  machine's): live updates between the processes resume within 5 s, nothing acknowledged
  is lost.

CI runs the short form (``FAULTS_PHONES``, default 40); ``bench/faults.py`` runs the
same scenarios with 1,000 phones and prints what every phone saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import processes

aiohttp = pytest.importorskip("aiohttp")
socketio_client = pytest.importorskip("socketio")
psutil = pytest.importorskip("psutil")

PHONES = int(os.environ.get("FAULTS_PHONES", "40"))
REPORT = os.environ.get("FAULTS_REPORT")  # a file: bench/faults.py reads the figures


def report(name: str, figures: dict) -> None:
    if REPORT:
        import json

        with open(REPORT, "a") as out:
            out.write(json.dumps({"scenario": name, "phones": PHONES, **figures}) + "\n")


@contextlib.contextmanager
def own_redis(workdir, port: int | None = None):
    """A redis-server of this test on a free loopback port (no persistence)."""
    binary = shutil.which("redis-server")
    if binary is None:
        processes.unavailable("redis-server is not installed")
    port = port or processes.free_port()
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    command += ["--dir", str(workdir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        processes.wait_until_up(port, process)
        deadline = time.monotonic() + 10
        while not processes.redis_reachable(port=port) and time.monotonic() < deadline:
            time.sleep(0.1)
        yield port, process
    finally:
        processes.stop([process])


def kill_tree(process: subprocess.Popen) -> None:
    """kill -9 a gunicorn master and its workers (only these PIDs)."""
    parent = psutil.Process(process.pid)
    for proc in [*parent.children(recursive=True), parent]:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


async def join(base: str, code: str, index: int) -> str:
    """A phone joins over HTTP; its cookie header (device key)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        page = await (await http.get(f"{base}/j/{code}")).text()
        joined = await http.post(
            f"{base}/j/{code}",
            data={"csrf_token": processes.csrf(page), "pseudonym": "", "language": "fr"},
        )
        assert joined.status == 200, (index, joined.status)
        return processes.cookie_header(http, base)


class Phone:
    """A phone with an outbox: resends with the same client_id until acknowledged."""

    def __init__(self, index: int, cookie: str, code: str):
        self.index, self.cookie, self.code = index, cookie, code
        self.client_id = f"fault-{index:05d}-{os.urandom(4).hex()}"
        self.sio = None
        self.acks: list[dict] = []
        self.attempts = 0
        self.reconnections = 0

    async def connect(self, base: str) -> dict:
        states: asyncio.Queue = asyncio.Queue()
        self.sio = socketio_client.AsyncClient(reconnection=False, handle_sigint=False)
        self.sio.on("state", states.put, namespace="/live")
        await self.sio.connect(
            base,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": self.cookie},
            auth={"code": self.code},
            wait_timeout=15,
        )
        return await asyncio.wait_for(states.get(), 15)

    async def answer_until_acked(self, poll_id: int, value: int, fallback: str, deadline: float):
        payload = {"activity_id": poll_id, "client_id": self.client_id, "value": [value]}
        while time.monotonic() < deadline:
            self.attempts += 1
            try:
                if self.sio is None or not self.sio.connected:
                    self.reconnections += 1
                    await self.connect(fallback)
                ack = await self.sio.call("answer", payload, namespace="/live", timeout=5)
            except Exception:  # the socket went away with its process: reconnect, resend
                with contextlib.suppress(Exception):
                    await self.sio.disconnect()
                self.sio = None
                await asyncio.sleep(0.2)
                continue
            self.acks.append(ack)
            if ack.get("ok"):
                return ack
            if ack.get("error") not in ("unavailable", "rate_limited"):
                return ack
            await asyncio.sleep(0.5)
        return None

    async def close(self):
        if self.sio is not None and self.sio.connected:
            with contextlib.suppress(Exception):
                await self.sio.disconnect()


def stored(database: str, poll_id: int) -> list[tuple[int, str]]:
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT participant_id, client_id FROM answers WHERE activity_id = :a"),
                {"a": poll_id},
            ).all()
    finally:
        engine.dispose()


@pytest.fixture
def two_processes(request, tmp_path):
    with (
        processes.postgresql_database(request, "faults") as database,
        own_redis(tmp_path) as (redis_port, redis_process),
    ):
        env = processes.server_environment(
            database,
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            RATELIMIT_ENABLED="false",  # every phone joins from 127.0.0.1
            WORKER_CONNECTIONS=str(PHONES + 200),
        )
        ports = [processes.free_port(), processes.free_port()]
        demo = processes.prepare(env, f"http://127.0.0.1:{ports[0]}")
        with processes.app_servers(env, ports, tmp_path) as servers:
            yield {
                "demo": demo,
                "database": database,
                "urls": [f"http://127.0.0.1:{p}" for p in ports],
                "servers": servers,
                "redis": (redis_port, redis_process),
                "tmp": tmp_path,
            }


async def _kill_one_process_during_a_burst(ctx) -> dict:
    code = ctx["demo"]["live"]["join_code"]
    screen_key = ctx["demo"]["live"]["screen_url"].rsplit("/", 1)[1]
    a, b = ctx["urls"]
    cookies = [await join(a, code, i) for i in range(PHONES)]
    phones = [Phone(i, cookie, code) for i, cookie in enumerate(cookies)]
    states = await asyncio.gather(*(p.connect(a) for p in phones))
    poll_id = states[0]["activity"]["id"]

    screen = socketio_client.AsyncClient(reconnection=False, handle_sigint=False)
    counts: list[int] = []
    screen.on("results", lambda r: counts.append(int(r.get("count", 0))), namespace="/live")
    await screen.connect(
        b,
        namespaces=["/live"],
        transports=["websocket"],
        auth={"code": code, "role": "screen", "key": screen_key},
    )
    deadline = time.monotonic() + 60 + PHONES * 0.05
    acked_before_kill: set[int] = set()

    async def killer():
        # Once a third of the room is acknowledged, process A dies (kill -9).
        while sum(1 for p in phones if any(x.get("ok") for x in p.acks)) < PHONES // 3:
            await asyncio.sleep(0.01)
        acked_before_kill.update(p.index for p in phones if any(x.get("ok") for x in p.acks))
        kill_tree(ctx["servers"][0])

    async def answer(phone):
        await asyncio.sleep(phone.index * 2.0 / PHONES)  # a 2 s burst
        return await phone.answer_until_acked(poll_id, phone.index % 3, b, deadline)

    killing = asyncio.create_task(killer())
    acks = await asyncio.gather(*(answer(p) for p in phones))
    await asyncio.wait_for(killing, 10)
    # The screen on B shows the true tally (within a few broadcast intervals).
    settle = time.monotonic() + 10
    while (not counts or counts[-1] != PHONES) and time.monotonic() < settle:
        await asyncio.sleep(0.1)
    await screen.disconnect()
    for phone in phones:
        await phone.close()
    return {
        "poll_id": poll_id,
        "acked": sum(1 for ack in acks if ack and ack.get("ok")),
        "acked_before_kill": len(acked_before_kill),
        "reconnected": sum(1 for p in phones if p.reconnections),
        "resent": sum(p.attempts - 1 for p in phones),
        "screen_count": counts[-1] if counts else None,
        "client_ids": {p.index: p.client_id for p in phones},
    }


def test_kill_9_of_one_process_during_a_burst_loses_and_doubles_nothing(two_processes):
    outcome: dict = {}

    async def scenario():
        outcome.update(await _kill_one_process_during_a_burst(two_processes))

    processes.run_in_own_loop(scenario(), timeout=180 + PHONES * 0.2)
    rows = stored(two_processes["database"], outcome["poll_id"])
    participants = [pid for pid, _ in rows]
    report(
        "kill -9 one app process",
        {k: v for k, v in outcome.items() if k != "client_ids"}
        | {"stored": len(rows), "doubled": len(participants) - len(set(participants))},
    )
    assert outcome["acked"] == PHONES  # every phone got its "Reçu ✓" in the end
    assert outcome["reconnected"] > 0  # some phones were on the killed process mid-answer
    assert len(rows) == PHONES and len(set(participants)) == PHONES  # once each
    assert {cid for _, cid in rows} == set(outcome["client_ids"].values())
    assert outcome["screen_count"] == PHONES


async def _redis_restart(ctx) -> dict:
    code = ctx["demo"]["live"]["join_code"]
    screen_key = ctx["demo"]["live"]["screen_url"].rsplit("/", 1)[1]
    a, b = ctx["urls"]
    phones = [Phone(i, await join(a, code, i), code) for i in range(2)]
    states = [await p.connect(a) for p in phones]
    poll_id = states[0]["activity"]["id"]
    screen = socketio_client.AsyncClient(reconnection=False, handle_sigint=False)
    counts: list[int] = []
    screen.on("results", lambda r: counts.append(int(r.get("count", 0))), namespace="/live")
    await screen.connect(
        b,
        namespaces=["/live"],
        transports=["websocket"],
        auth={"code": code, "role": "screen", "key": screen_key},
    )

    async def seen(count: int, within: float) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < within:
            if counts and counts[-1] >= count:
                return time.monotonic() - started
            await asyncio.sleep(0.05)
        return None

    deadline = time.monotonic() + 60
    assert (await phones[0].answer_until_acked(poll_id, 0, a, deadline))["ok"]
    assert await seen(1, 10) is not None  # A → Redis → B works

    redis_port, redis_process = ctx["redis"]
    processes.stop([redis_process])  # Redis goes away ...
    await asyncio.sleep(1.0)
    restarted = ctx["restart_redis"](redis_port)  # ... and comes back, empty
    restarted_at = time.monotonic()
    # An answer right after the restart: acknowledged (PostgreSQL), then on B's screen
    # as soon as both listeners are subscribed again.
    ack = await phones[1].answer_until_acked(poll_id, 1, a, deadline)
    assert ack and ack["ok"]
    resumed = None
    nudge = 0
    while resumed is None and time.monotonic() - restarted_at < 20:
        # The first phone changes its answer every second (an emit published while a
        # listener was still reconnecting is lost; the next results broadcast carries
        # the whole tally, so the screen catches up with the first one that arrives).
        nudge += 1
        await phones[0].sio.call(
            "answer",
            {"activity_id": poll_id, "client_id": f"nudge-{nudge:04d}-x", "value": [nudge % 3]},
            namespace="/live",
            timeout=5,
        )
        resumed = await seen(2, 1.0)
    resumed_after = None if resumed is None else time.monotonic() - restarted_at
    await screen.disconnect()
    for phone in phones:
        await phone.close()
    return {"poll_id": poll_id, "resumed_after_s": resumed_after, "restarted": restarted}


def test_redis_restarted_mid_session_live_updates_resume_and_nothing_is_lost(
    two_processes, tmp_path
):
    started: list[subprocess.Popen] = []

    def restart(port: int) -> int:
        binary = shutil.which("redis-server")
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(tmp_path)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        processes.wait_until_up(port, process)
        return process.pid

    two_processes["restart_redis"] = restart
    outcome: dict = {}

    async def scenario():
        outcome.update(await _redis_restart(two_processes))

    try:
        processes.run_in_own_loop(scenario(), timeout=120)
    finally:
        processes.stop(started)
    report("Redis restarted", {"resumed_after_s": outcome.get("resumed_after_s")})
    assert outcome["resumed_after_s"] is not None and outcome["resumed_after_s"] < 5 + 1
    assert len(stored(two_processes["database"], outcome["poll_id"])) == 2


# --- PostgreSQL restarted mid-burst (a throwaway cluster of this test) ----------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@contextlib.contextmanager
def own_postgresql():
    """initdb a cluster in a temporary directory, on a free loopback port; never the
    machine's PostgreSQL. As root, it runs as the ``postgres`` user (PostgreSQL refuses
    root). Yields (url, start, stop)."""
    bindir = _pg_bin()
    if bindir is None:
        processes.unavailable("no PostgreSQL server binaries in /usr/lib/postgresql")
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            processes.unavailable("running as root without runuser")
        as_user = [runuser, "-u", "postgres", "--"]
    # Its own directory under /tmp: pytest's are private to root, and PostgreSQL runs as
    # the postgres user.
    workdir = Path(tempfile.mkdtemp(prefix="fac-faults-pg-"))
    data = workdir / "pgdata"
    data.mkdir()
    if as_user:
        shutil.chown(workdir, user="postgres")
        shutil.chown(data, user="postgres")
    port = processes.free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        **run,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start():
        # -l: the server's output to a file (else it holds pg_ctl's pipes open).
        command = [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options]
        command += ["-l", str(workdir / "postgresql.log"), "-w", "start"]
        subprocess.run(command, check=True, timeout=120, stdout=subprocess.DEVNULL)

    def stop(mode: str = "fast"):
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"],
            **run,
        )

    start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", start, stop
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            stop("immediate")
        shutil.rmtree(workdir, ignore_errors=True)


async def _postgresql_restart(base: str, code: str, database: str, stop, start) -> dict:
    phones = [Phone(i, await join(base, code, i), code) for i in range(PHONES)]
    states = await asyncio.gather(*(p.connect(base) for p in phones))
    poll_id = states[0]["activity"]["id"]
    deadline = time.monotonic() + 60 + PHONES * 0.05
    first = phones[: PHONES // 2]
    acks = await asyncio.gather(*(p.answer_until_acked(poll_id, 0, base, deadline) for p in first))
    assert all(a and a["ok"] for a in acks)

    await asyncio.get_running_loop().run_in_executor(None, stop)  # PostgreSQL goes away
    rest = phones[PHONES // 2 :]
    sending = [asyncio.create_task(p.answer_until_acked(poll_id, 1, base, deadline)) for p in rest]
    await asyncio.sleep(2.0)  # answers arrive during the outage: refused, kept, resent
    await asyncio.get_running_loop().run_in_executor(None, start)  # ... and comes back
    acks += await asyncio.gather(*sending)
    for phone in phones:
        await phone.close()
    refusals: dict[str, int] = {}
    for phone in phones:
        for ack in phone.acks:
            if not ack.get("ok"):
                refusals[ack.get("error")] = refusals.get(ack.get("error"), 0) + 1
    return {
        "poll_id": poll_id,
        "acked": sum(1 for a in acks if a and a.get("ok")),
        "refusals": refusals,
        "client_ids": {p.client_id for p in phones},
    }


def test_postgresql_restarted_mid_burst_answers_are_refused_for_a_retry_then_stored_once(
    tmp_path,
):
    if not processes.redis_reachable():
        processes.unavailable("Redis is not reachable at 127.0.0.1:6379")
    with own_postgresql() as (database, start, stop):
        env = processes.server_environment(
            database, RATELIMIT_ENABLED="false", WORKER_CONNECTIONS=str(PHONES + 200)
        )
        port = processes.free_port()
        demo = processes.prepare(env, f"http://127.0.0.1:{port}")
        with processes.app_servers(env, [port], tmp_path):
            outcome: dict = {}

            async def scenario():
                outcome.update(
                    await _postgresql_restart(
                        f"http://127.0.0.1:{port}", demo["live"]["join_code"], database, stop, start
                    )
                )

            processes.run_in_own_loop(scenario(), timeout=180 + PHONES * 0.2)
            log = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("server-*.log"))
        rows = stored(database, outcome["poll_id"])
    participants = [pid for pid, _ in rows]
    report(
        "PostgreSQL restarted",
        {k: v for k, v in outcome.items() if k != "client_ids"}
        | {"stored": len(rows), "doubled": len(participants) - len(set(participants))},
    )
    assert outcome["acked"] == PHONES
    assert "server" not in outcome["refusals"]  # never "a bug": retry-able refusals only
    assert outcome["refusals"].get("unavailable", 0) > 0  # some arrived during the outage
    assert len(rows) == PHONES and len(set(participants)) == PHONES
    assert {cid for _, cid in rows} == outcome["client_ids"]
    assert "Traceback" not in log


# --- reconnect storm ------------------------------------------------------------------------


async def _reconnect_storm(ctx) -> dict:
    code = ctx["demo"]["live"]["join_code"]
    screen_key = ctx["demo"]["live"]["screen_url"].rsplit("/", 1)[1]
    urls = ctx["urls"]
    cookies = [await join(urls[0], code, i) for i in range(PHONES)]
    phones = [Phone(i, cookie, code) for i, cookie in enumerate(cookies)]
    presence: list[int] = []
    screen = socketio_client.AsyncClient(reconnection=False, handle_sigint=False)
    screen.on("presence", lambda p: presence.append(int(p["connected"])), namespace="/live")
    await screen.connect(
        urls[1],
        namespaces=["/live"],
        transports=["websocket"],
        auth={"code": code, "role": "screen", "key": screen_key},
    )

    async def settled(count: int, within: float) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if presence and presence[-1] == count:
                return True
            await asyncio.sleep(0.1)
        return False

    # Phones on both processes (half each), then every one drops and comes back
    # within 2 s, each on the other process — as after a Wi-Fi hiccup behind nginx.
    await asyncio.gather(*(p.connect(urls[p.index % 2]) for p in phones))
    assert await settled(PHONES, 15), presence[-5:]
    await asyncio.gather(*(p.close() for p in phones))

    async def back(phone):
        await asyncio.sleep(phone.index * 2.0 / PHONES)
        return await phone.connect(urls[(phone.index + 1) % 2])

    states = await asyncio.gather(*(back(p) for p in phones))
    counted_right = await settled(PHONES, 15)
    last = presence[-1] if presence else None
    await screen.disconnect()
    for phone in phones:
        await phone.close()
    return {
        "resynchronised": sum(1 for s in states if s and "activity" in s),
        "presence": last,
        "counted_right": counted_right,
    }


def test_reconnect_storm_every_phone_resynchronised_none_counted_twice(two_processes):
    outcome: dict = {}

    async def scenario():
        outcome.update(await _reconnect_storm(two_processes))

    processes.run_in_own_loop(scenario(), timeout=120 + PHONES * 0.2)
    report("reconnect storm", outcome)
    assert outcome["resynchronised"] == PHONES  # each got its state again on connect
    assert outcome["counted_right"], outcome  # the screen counts each phone once
    assert outcome["presence"] == PHONES
