"""Load test of the live board: N phones answer one poll within S seconds.

    .venv/bin/python bench/live_vote.py --participants 2000 --window 5

What it does (docs/performance.md explains the choices):

1. a fresh SQLite database in a temporary directory: ``flask db upgrade``, then
   ``flask seed-demo --json`` (the demo board's first activity is an open poll);
2. N live participants written straight into ``live_participants`` (random device
   keys, their SHA-256 in ``device_hash``): the benchmark measures answering, not
   joining, and ``POST /j/<code>`` is rate-limited per IP (``--join http`` joins by the
   form instead, with ``RATELIMIT_ENABLED=false``);
3. the server started exactly as ``make run`` serves it
   (``flask --app wsgi serve --port PORT``: gunicorn, one gevent worker);
4. one screen and N phones connected over Socket.IO (namespace ``/live``, WebSocket);
5. every phone sends one answer at a random moment of the window and waits for its
   ack; the screen records the throttled ``results`` events;
6. after a grace period: answers stored, lost, duplicated; ack and screen latencies;
   server CPU and peak RSS (gunicorn master + worker, sampled every 100 ms).

One JSON object on stdout; progress on stderr. Talks to 127.0.0.1 only, every loop is
bounded and every wait has a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import http.client
import json
import multiprocessing as mp
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "/live"
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def flask_command() -> list[str]:
    """The venv's ``flask`` next to this interpreter (``.venv/bin/flask``)."""
    candidate = Path(sys.executable).with_name("flask")
    if not candidate.exists():
        candidate = ROOT / ".venv" / "bin" / "flask"
    return [str(candidate), "--app", "wsgi"]


def code_version() -> str | None:
    """The commit measured, ``-dirty`` when the working tree has changes."""
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (None when there is no value)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def count_by(items) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# --- database ----------------------------------------------------------------------


def prepare_database(
    workdir: Path, env: dict, port: int, participants: int, *, insert: bool
) -> dict:
    """Migrate, seed the demo, and write the participants; return what the clients need."""
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 120}
    log("flask db upgrade")
    subprocess.run(
        [*flask_command(), "db", "upgrade"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **run,
    )
    log("flask seed-demo --json")
    seeded = subprocess.run(
        [*flask_command(), "seed-demo", "--json", "--base-url", f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        **run,
    )
    line = next(x for x in reversed(seeded.stdout.splitlines()) if x.startswith("{"))
    live = json.loads(line)["live"]
    code = live["join_code"]
    screen_key = live["screen_url"].rstrip("/").rsplit("/", 1)[-1]

    con = sqlite3.connect(workdir / "bench.sqlite3")
    try:
        board_id, activity_id, key_in_db = con.execute(
            "SELECT id, current_activity_id, screen_key FROM boards WHERE join_code = ?", (code,)
        ).fetchone()
        if key_in_db != screen_key:
            raise SystemExit("the screen key of the seed JSON is not in the database")
        kind, status, config = con.execute(
            "SELECT kind, status, config FROM activities WHERE id = ?", (activity_id,)
        ).fetchone()
        if kind != "poll" or status != "open":
            raise SystemExit(f"the demo's current activity is {kind}/{status}, not an open poll")
        choices = len(json.loads(config)["choices"])

        # The participants, as services.join would write them (anonymous, French).
        keys = [secrets.token_urlsafe(32) if insert else None for _ in range(participants)]
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        con.executemany(
            "INSERT INTO live_participants"
            " (board_id, device_hash, pseudonym, language, joined_at, last_seen_at)"
            " VALUES (?, ?, NULL, 'fr', ?, ?)",
            [(board_id, device_hash(key), now, now) for key in keys if key is not None],
        )
        con.commit()
    finally:
        con.close()
    return {
        "code": code,
        "screen_key": screen_key,
        "board_id": board_id,
        "activity_id": activity_id,
        "choices": choices,
        "keys": keys,
    }


def device_hash(key: str) -> str:
    """What the app stores of a device key (services.hash_device)."""
    return hashlib.sha256(key.encode()).hexdigest()


def participant_ids(db_path: Path, board_id: int, keys: list[str | None]) -> list[int | None]:
    """The participant id of each phone (None: it never joined)."""
    con = sqlite3.connect(db_path, timeout=30)
    try:
        ids = dict(
            con.execute(
                "SELECT device_hash, id FROM live_participants WHERE board_id = ?", (board_id,)
            ).fetchall()
        )
    finally:
        con.close()
    return [None if key is None else ids.get(device_hash(key)) for key in keys]


def stored_answers(db_path: Path, activity_id: int) -> list[tuple[int, str]]:
    con = sqlite3.connect(db_path, timeout=30)
    try:
        return con.execute(
            "SELECT participant_id, client_id FROM answers WHERE activity_id = ?", (activity_id,)
        ).fetchall()
    finally:
        con.close()


# --- server ------------------------------------------------------------------------


REFERENCE = ROOT / "bench" / "reference"


def reference_command(workdir: Path, port: int, setup: dict) -> list[str]:
    """The Node reference server (bench/reference), given what the app's database holds."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("--against reference needs Node.js (Debian: apt-get install nodejs npm)")
    if not (REFERENCE / "node_modules" / "socket.io").exists():
        log("npm ci in bench/reference (socket.io, pinned by package-lock.json)")
        npm = shutil.which("npm") or "npm"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=REFERENCE, check=True, timeout=300
        )
    con = sqlite3.connect(workdir / "bench.sqlite3")
    try:
        rows = con.execute(
            "SELECT device_hash, id FROM live_participants WHERE board_id = ?",
            (setup["board_id"],),
        ).fetchall()
    finally:
        con.close()
    config = {
        "port": port,
        "code": setup["code"],
        "screen_key": setup["screen_key"],
        "activity_id": setup["activity_id"],
        "choices": setup["choices"],
        "log": str(workdir / "reference-answers.log"),
        "participants": {device: pid for device, pid in rows if device},
    }
    path = workdir / "reference.json"
    path.write_text(json.dumps(config))
    return [node, str(REFERENCE / "server.js"), str(path)]


def reference_answers(log_path: Path) -> list[tuple[int, str]]:
    """The reference's durable log, read as the app's table: the last answer per person."""
    last: dict[int, str] = {}
    if log_path.exists():
        for line in log_path.read_text().splitlines():
            pid, client_id, _value = json.loads(line)
            last[pid] = client_id
    return list(last.items())


def start_server(
    env: dict, port: int, log_path: Path, command: list[str] | None = None
) -> subprocess.Popen:
    command = command or [*flask_command(), "serve", "--port", str(port)]
    log(" ".join(command))
    with open(log_path, "wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, we stop it
        )


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/sante")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"GET /sante did not answer 200 within {timeout:.0f} s")


def stop_server(server: subprocess.Popen, pids: set[int]) -> None:
    """Terminate gunicorn (graceful), then kill what is left — only the PIDs we saw."""
    import psutil

    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    for pid in pids - {server.pid}:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            proc.terminate()
            proc.wait(timeout=5)


class Monitor(threading.Thread):
    """Samples CPU seconds and RSS of process trees every 100 ms."""

    def __init__(self, interval: float = 0.1):
        super().__init__(daemon=True)
        import psutil

        self._psutil = psutil
        self.interval = interval
        self.roots: dict[str, list[tuple[int, bool]]] = {}  # group -> (pid, with children)
        self.cpu: dict[str, dict[int, float]] = {}  # group -> pid -> last cumulative CPU s
        self.peak_rss: dict[str, int] = {}
        self.seen_pids: dict[str, set[int]] = {}
        self.timeline: list[tuple[float, float]] = []  # (monotonic, server CPU s)
        self._procs: dict[int, object] = {}
        self._lock = threading.Lock()
        self._halt = threading.Event()

    def watch(self, group: str, pid: int, children: bool = True) -> None:
        with self._lock:
            self.roots.setdefault(group, []).append((pid, children))
            self.cpu.setdefault(group, {})
            self.peak_rss.setdefault(group, 0)
            self.seen_pids.setdefault(group, set())

    def _proc(self, pid: int):
        if pid not in self._procs:
            self._procs[pid] = self._psutil.Process(pid)
        return self._procs[pid]

    def sample(self) -> None:
        psutil = self._psutil
        with self._lock:
            for group, roots in self.roots.items():
                rss = 0
                for root, children in roots:
                    try:
                        top = self._proc(root)
                        procs = [top, *top.children(recursive=True)] if children else [top]
                    except psutil.Error:
                        continue
                    for proc in procs:
                        try:
                            with proc.oneshot():
                                times = proc.cpu_times()
                                rss += proc.memory_info().rss
                        except psutil.Error:
                            continue
                        self._procs.setdefault(proc.pid, proc)
                        self.cpu[group][proc.pid] = times.user + times.system
                        self.seen_pids[group].add(proc.pid)
                self.peak_rss[group] = max(self.peak_rss[group], rss)
            self.timeline.append((time.monotonic(), sum(self.cpu.get("server", {}).values())))

    def machine_busy_seconds(self) -> float:
        """CPU seconds used by every process of the machine (all cores) so far."""
        times = self._psutil.cpu_times()._asdict()
        idle = ("idle", "iowait", "steal", "guest", "guest_nice")  # guest is within user
        return sum(v for k, v in times.items() if k not in idle)

    def cpu_seconds(self, group: str) -> float:
        self.sample()
        with self._lock:
            return sum(self.cpu.get(group, {}).values())

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


# --- phones (one or more client processes) ---------------------------------------------


def phone_process(conn, options: dict) -> None:
    """Entry point of a client process: its share of the phones, driven over a pipe."""
    try:
        asyncio.run(_phones(conn, options))
    except Exception as error:  # report, never hang the parent
        with contextlib.suppress(Exception):
            conn.send(("error", repr(error)))
        raise


async def _recv(conn, timeout: float):
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(None, conn.poll, timeout):
        raise TimeoutError("no word from the benchmark's main process")
    return conn.recv()


async def _phones(conn, options: dict) -> None:
    import aiohttp
    import socketio
    import yarl

    url = options["url"]
    rng = random.Random(options["seed"])
    keys: dict[int, str] = {}  # device keys obtained by the HTTP join (--join http)
    limit = asyncio.Semaphore(options["concurrency"])
    clients: dict[int, socketio.AsyncClient] = {}
    sessions: list[aiohttp.ClientSession] = []
    failures: dict[str, int] = {}
    disconnects: list[tuple[float, str]] = []  # (monotonic, reason) while not closing
    closing = False

    def fail(reason: str) -> None:
        failures[reason] = failures.get(reason, 0) + 1

    async def join(session) -> str | None:
        """The phone's HTTP join flow (CSRF on): GET the form, POST it, keep ``fac_device``."""
        page = f"{url}/j/{options['code']}"
        async with session.get(page) as response:
            html = await response.text()
        tag = re.search(r"<input[^>]*name=\"csrf_token\"[^>]*>", html)
        token = re.search(r"value=\"([^\"]*)\"", tag.group(0)) if tag else None
        if token is None:
            fail("join: no csrf_token in the page")
            return None
        form = {"csrf_token": token.group(1), "pseudonym": "", "language": "fr"}
        async with session.post(page, data=form, allow_redirects=False) as response:
            if response.status != 302:
                fail(f"join: HTTP {response.status}")
                return None
        cookie = session.cookie_jar.filter_cookies(yarl.URL(url)).get("fac_device")
        if cookie is None:
            fail("join: no fac_device cookie")
            return None
        return cookie.value

    async def connect(index: int, key: str | None) -> None:
        async with limit:
            # One cookie jar per phone; "unsafe" because aiohttp ignores cookies for IPs.
            session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
            sessions.append(session)
            sio = socketio.AsyncClient(
                http_session=session, reconnection=False, handle_sigint=False, request_timeout=10
            )

            @sio.on("disconnect", namespace=NAMESPACE)
            def on_disconnect(reason=None):
                if not closing:
                    disconnects.append((time.monotonic(), str(reason)))

            try:
                async with asyncio.timeout(options["connect_timeout"]):
                    if key is None:
                        key = await join(session)
                        if key is None:
                            return
                        keys[index] = key
                    await sio.connect(
                        url,
                        headers={"Cookie": f"fac_device={key}"},
                        auth={"code": options["code"]},
                        transports=["websocket"],
                        namespaces=[NAMESPACE],
                        wait_timeout=options["connect_timeout"],
                    )
            except TimeoutError:
                fail("timeout")
                return
            except Exception as error:
                fail(type(error).__name__ + ": " + str(error)[:80])
                return
            clients[index] = sio

    await asyncio.gather(*(connect(i, k) for i, k in options["phones"]))
    conn.send(("connected", len(clients), failures, keys))

    message = await _recv(conn, options["connect_deadline"] + 600)
    if message[0] != "go":
        return
    _, t0, window = message
    records: list[tuple] = []

    async def answer(index: int, sio) -> None:
        await asyncio.sleep(max(0.0, t0 + rng.uniform(0, window) - time.monotonic()))
        client_id = f"bench-{index}-{secrets.token_hex(6)}"
        payload = {
            "activity_id": options["activity_id"],
            "client_id": client_id,
            "value": [rng.randrange(options["choices"])],
        }
        sent = time.monotonic()
        try:
            ack = await sio.call("answer", payload, namespace=NAMESPACE, timeout=10)
        except Exception as error:  # timeout, or the socket went away
            records.append((index, client_id, sent, None, type(error).__name__))
            return
        acked = time.monotonic()
        ok = isinstance(ack, dict) and ack.get("ok") is True
        records.append((index, client_id, sent, acked, None if ok else str(ack)[:120]))

    await asyncio.gather(*(answer(i, sio) for i, sio in clients.items()))
    conn.send(("answers", records, disconnects))

    message = await _recv(conn, 600)
    closing = True

    async def close(sio) -> None:
        async with limit:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await sio.disconnect()

    await asyncio.gather(*(close(sio) for sio in clients.values()))
    for session in sessions:
        with contextlib.suppress(Exception):
            await session.close()
    conn.send(("closed",))


# --- the run ---------------------------------------------------------------------------


def start_profiler(
    output: str, monitor: Monitor, server_pid: int, duration: float | None
) -> subprocess.Popen | None:
    """py-spy on the gunicorn worker (investigation only: py-spy is not a dependency)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    monitor.sample()
    workers = sorted(monitor.seen_pids.get("server", set()) - {server_pid})
    if not Path(py_spy).exists() or not workers:
        log("--profile: py-spy or the gunicorn worker not found; not profiling")
        return None
    command = [py_spy, "record", "--pid", str(workers[0]), "--idle", "--rate", "250"]
    command += ["--format", "raw", "--output", output]
    if duration is not None:
        command += ["--duration", str(round(duration))]
    log("profiling: " + " ".join(command))
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(profiler: subprocess.Popen | None, *, interrupt: bool) -> None:
    if profiler is None:
        return
    if interrupt:
        profiler.send_signal(signal.SIGINT)  # py-spy writes what it has, then exits
    try:
        profiler.wait(timeout=30)
    except subprocess.TimeoutExpired:
        profiler.terminate()
        profiler.wait(timeout=10)


async def run_clients(
    args, setup: dict, port: int, monitor: Monitor, workdir: Path, server_pid: int
) -> dict:
    import aiohttp
    import socketio

    url = f"http://127.0.0.1:{port}"
    total = args.participants
    procs = max(1, args.client_procs)
    connect_deadline = max(60.0, total * 0.05)

    # The screen, in this process.
    screen_events: list[tuple[float, int]] = []
    presence: list[int] = []
    screen_session = aiohttp.ClientSession()
    screen = socketio.AsyncClient(
        http_session=screen_session, reconnection=False, handle_sigint=False, request_timeout=10
    )

    @screen.on("results", namespace=NAMESPACE)
    def on_results(data):
        screen_events.append((time.monotonic(), int(data.get("count", 0))))

    @screen.on("presence", namespace=NAMESPACE)
    def on_presence(data):
        presence.append(int(data.get("connected", 0)))

    await screen.connect(
        url,
        auth={"code": setup["code"], "role": "screen", "key": setup["screen_key"]},
        transports=["websocket"],
        namespaces=[NAMESPACE],
        wait_timeout=20,
    )
    log("screen connected")

    monitor.watch("client", os.getpid(), children=False)  # the screen, the orchestration

    # The phones, in client processes.
    ctx = mp.get_context("spawn")
    phones = list(enumerate(setup["keys"]))
    workers = []
    for w in range(procs):
        parent, child = ctx.Pipe()
        options = {
            "url": url,
            "code": setup["code"],
            "activity_id": setup["activity_id"],
            "choices": setup["choices"],
            "phones": phones[w::procs],
            "concurrency": max(1, args.connect_concurrency // procs),
            "connect_timeout": 30.0,
            "connect_deadline": connect_deadline,
            "seed": args.seed * 1000 + w,
        }
        proc = ctx.Process(target=phone_process, args=(child, options), daemon=True)
        proc.start()
        monitor.watch("client", proc.pid, children=False)
        workers.append((proc, parent))
    log(
        f"connecting {total} phones from {procs} client process(es),"
        f" {args.connect_concurrency} at once"
    )

    profiler = None
    if args.profile and args.profile_phase == "connect":
        profiler = start_profiler(args.profile, monitor, server_pid, None)
    connect_started = time.monotonic()
    connected = 0
    connect_failures: dict[str, int] = {}
    for _proc, pipe in workers:
        message = await _recv(pipe, connect_deadline + 60)
        if message[0] != "connected":
            raise RuntimeError(f"client process failed: {message}")
        connected += message[1]
        for index, key in message[3].items():  # --join http: the keys the server gave
            setup["keys"][index] = key
        for reason, count in message[2].items():
            connect_failures[reason] = connect_failures.get(reason, 0) + count
    connect_s = time.monotonic() - connect_started
    stop_profiler(profiler, interrupt=True)
    cpu_connected = monitor.cpu_seconds("server")
    log(f"{connected}/{total} phones connected in {connect_s:.1f} s; failures {connect_failures}")

    # Let the presence broadcasts settle (the screen sees the server's own count).
    settle_deadline = time.monotonic() + 15
    while time.monotonic() < settle_deadline and (not presence or presence[-1] < connected):
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    server_connected = presence[-1] if presence else None
    log(f"server counts {server_connected} connected phones; answering for {args.window} s")

    # Answering.
    t0 = time.monotonic() + 1.0
    for _proc, pipe in workers:
        pipe.send(("go", t0, args.window))
    profiler = None
    if args.profile and args.profile_phase == "answer":
        duration = args.window + args.grace
        profiler = start_profiler(args.profile, monitor, server_pid, duration)
    await asyncio.sleep(max(0.0, t0 - time.monotonic()))
    cpu_start = monitor.cpu_seconds("server")
    client_cpu_start = monitor.cpu_seconds("client")
    machine_start = monitor.machine_busy_seconds()

    records: list[tuple] = []
    disconnects: list[tuple[float, str]] = []
    for _proc, pipe in workers:
        message = await _recv(pipe, args.window + 60)
        if message[0] != "answers":
            raise RuntimeError(f"client process failed: {message}")
        records.extend(message[1])
        disconnects.extend(message[2])
    await asyncio.sleep(max(0.0, t0 + args.window + args.grace - time.monotonic()))
    cpu_end = monitor.cpu_seconds("server")
    client_cpu_end = monitor.cpu_seconds("client")
    machine_end = monitor.machine_busy_seconds()
    log("window and grace period over; counting")

    stored = setup["stored_answers"]()
    setup["participant_ids"] = participant_ids(
        workdir / "bench.sqlite3", setup["board_id"], setup["keys"]
    )
    stop_profiler(profiler, interrupt=False)
    if args.dump:
        Path(args.dump).write_text(
            json.dumps(
                {
                    "t0": t0,
                    "answers": [  # index, client id, sent, acked (s after t0), error
                        (i, c, s - t0, None if a is None else a - t0, e)
                        for i, c, s, a, e in records
                    ],
                    "screen": [(t - t0, count) for t, count in screen_events if t >= t0],
                    "disconnects": [(t - t0, reason) for t, reason in disconnects],
                    "server_cpu": [(t - t0, cpu) for t, cpu in list(monitor.timeline)],
                }
            )
        )
        log(f"raw measurements written to {args.dump}")

    for _proc, pipe in workers:
        pipe.send(("stop",))
    for proc, pipe in workers:
        with contextlib.suppress(Exception):
            await _recv(pipe, 60)
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
    with contextlib.suppress(Exception):
        async with asyncio.timeout(5):
            await screen.disconnect()
    await screen_session.close()

    return summarise(
        args,
        setup,
        records=records,
        stored=stored,
        screen_events=[e for e in screen_events if e[0] >= t0],
        extra={
            "client_procs": procs,
            "connected": connected,
            "server_connected": server_connected,
            "connect_failures": connect_failures,
            "connect_s": round(connect_s, 1),
            "disconnects": len(disconnects),
            "disconnect_reasons": count_by(reason for _, reason in disconnects),
            "server_cpu_s": round(cpu_end - cpu_start, 2),
            "server_cpu_connect_s": round(cpu_connected, 2),
            "client_cpu_s": round(client_cpu_end - client_cpu_start, 2),
            # Everything else on the machine (other jobs) during the window and grace.
            "other_cpu_s": round(
                (machine_end - machine_start)
                - (cpu_end - cpu_start)
                - (client_cpu_end - client_cpu_start),
                2,
            ),
        },
    )


def summarise(args, setup, *, records, stored, screen_events, extra) -> dict:
    participant_ids = setup["participant_ids"]
    sent = len(records)
    acked = [r for r in records if r[3] is not None and r[4] is None]
    refused: dict[str, int] = {}
    for r in records:
        if r[4] is not None:
            refused[r[4]] = refused.get(r[4], 0) + 1

    stored_pairs = set(stored)
    stored_participants = {pid for pid, _ in stored}
    acked_not_stored = sum(1 for r in acked if (participant_ids[r[0]], r[1]) not in stored_pairs)
    acked_participants = {participant_ids[r[0]] for r in acked}
    ack_latencies = [r[3] - r[2] for r in acked]

    # Screen latency: the c first answers (in ack order) are on screen at a results
    # event with count c; each answer's latency is the first such event minus its send.
    by_ack = sorted(acked, key=lambda r: r[3])
    screen_latencies = []
    seen = 0
    for t, count in sorted(screen_events):
        while seen < min(count, len(by_ack)):
            screen_latencies.append(t - by_ack[seen][2])
            seen += 1

    first = ("client_procs", "connected", "server_connected")
    return {
        "participants": args.participants,
        "window_s": args.window,
        **{k: extra[k] for k in first},
        "sent": sent,
        "acked": len(acked),
        "stored": len(stored),
        "lost": acked_not_stored + (sent - len(acked)),
        "duplicates": len(stored) - len(stored_participants),
        "stored_without_ack": len(stored_participants - acked_participants),
        "refused": refused,
        "ack_p50_ms": ms(percentile(ack_latencies, 50)),
        "ack_p95_ms": ms(percentile(ack_latencies, 95)),
        "ack_p99_ms": ms(percentile(ack_latencies, 99)),
        "ack_max_ms": ms(max(ack_latencies, default=None)),
        "screen_p50_ms": ms(percentile(screen_latencies, 50)),
        "screen_p95_ms": ms(percentile(screen_latencies, 95)),
        "screen_max_ms": ms(max(screen_latencies, default=None)),
        "screen_events": len(screen_events),
        "screen_missing": len(by_ack) - seen,
        **{k: v for k, v in extra.items() if k not in first},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", "-n", type=int, default=2000)
    parser.add_argument("--window", "-s", type=float, default=5.0, help="seconds (default 5)")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds after the window")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--client-procs",
        type=int,
        default=0,
        help="client processes for the phones (default: 1 up to 1000 phones, else 2)",
    )
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument(
        "--join",
        choices=("insert", "http"),
        default="insert",
        help="participants written into the database (default), or joined by the form"
        " POST /j/<code> (the server then runs with RATELIMIT_ENABLED=false)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary directory")
    parser.add_argument("--dump", metavar="FILE", help="write the raw measurements (JSON)")
    parser.add_argument(
        "--profile", metavar="FILE", help="py-spy the server's worker (raw collapsed stacks)"
    )
    parser.add_argument(
        "--profile-phase",
        choices=("answer", "connect"),
        default="answer",
        help="what --profile records: the answering window (default) or the connections",
    )
    parser.add_argument(
        "--against",
        choices=("reference",),
        help="then run the same load against the Node reference server (bench/reference)"
        " and print the ratios app / reference (a third JSON object)",
    )
    args = parser.parse_args(argv)
    if args.participants < 1 or args.window <= 0:
        parser.error("--participants and --window must be positive")
    if args.against == "reference" and args.join == "http":
        parser.error("--against reference joins by insert only (the reference has no form)")
    if not args.client_procs:
        args.client_procs = 1 if args.participants <= 1000 else 2

    targets = ["app", "reference"] if args.against == "reference" else ["app"]
    results = {}
    for target in targets:
        results[target] = run_one(args, target)
        print(json.dumps(results[target]), flush=True)
    if len(results) == 2:
        print(json.dumps(ratios(results["app"], results["reference"])), flush=True)
    return 0


RATIO_KEYS = (
    "server_cpu_per_answer_ms",
    "ack_p95_ms",
    "screen_p95_ms",
    "server_cpu_connect_s",
    "connect_s",
    "server_peak_rss_mb",
)


def ratios(app: dict, reference: dict) -> dict:
    """The app's figures as multiples of the reference's, measured in the same run."""
    out: dict = {"ratios": "app / reference"}
    for key in RATIO_KEYS:
        a, r = app.get(key), reference.get(key)
        out[key] = round(a / r, 2) if a is not None and r else None
    out["lost"] = {"app": app.get("lost"), "reference": reference.get("lost")}
    out["duplicates"] = {"app": app.get("duplicates"), "reference": reference.get("duplicates")}
    out["participants"], out["window_s"] = app["participants"], app["window_s"]
    out["other_cpu_s"] = {"app": app.get("other_cpu_s"), "reference": reference.get("other_cpu_s")}
    return out


def run_one(args, target: str) -> dict:
    """One run against ``target`` ("app" or "reference"): a fresh database, server, phones."""
    log(f"== {target}")
    port = args.port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="live-vote-"))
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_APP")}
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(32),
        PORT=str(port),
        HOST="127.0.0.1",
        WORKER_CONNECTIONS=str(args.participants + 1000),
    )
    if args.join == "http":
        env["RATELIMIT_ENABLED"] = "false"  # 30 joins a minute per IP otherwise
    server = None
    monitor = Monitor()
    server_pids: set[int] = set()
    try:
        setup = prepare_database(
            workdir, env, port, args.participants, insert=args.join == "insert"
        )
        log(f"board {setup['code']}: poll {setup['activity_id']}, {args.participants} participants")
        if target == "reference":
            command = reference_command(workdir, port, setup)
            log_file = workdir / "reference-answers.log"
            setup["stored_answers"] = lambda: reference_answers(log_file)
        else:
            command = None
            setup["stored_answers"] = lambda: stored_answers(
                workdir / "bench.sqlite3", setup["activity_id"]
            )
        server = start_server(env, port, workdir / "server.log", command)
        monitor.watch("server", server.pid)
        monitor.start()
        wait_healthy(port, server)
        log("server healthy")
        result = asyncio.run(run_clients(args, setup, port, monitor, workdir, server.pid))
        monitor.sample()
        result["server_cpu_total_s"] = round(monitor.cpu_seconds("server"), 2)
        result["server_peak_rss_mb"] = round(monitor.peak_rss["server"] / 2**20, 1)
        server_log = (workdir / "server.log").read_text(errors="replace")
        result["server_errors"] = server_log.count("Traceback")
        if result["stored"]:
            result["server_cpu_per_answer_ms"] = round(
                1000 * result["server_cpu_s"] / result["stored"], 2
            )
        result["code"] = code_version()
        result["server"] = target
        return result
    finally:
        with contextlib.suppress(Exception):
            monitor.sample()  # the worker's PID, to stop it too if the master does not
        server_pids = set(monitor.seen_pids.get("server", set()))
        with contextlib.suppress(Exception):
            monitor.stop()
        if server is not None:
            stop_server(server, server_pids)
            log_path = workdir / "server.log"
            if log_path.exists() and "Traceback" in log_path.read_text(errors="replace"):
                log("server log has tracebacks; its tail:")
                print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
        if args.keep_db:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
