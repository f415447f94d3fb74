"""Real processes for the multi-process tests: PostgreSQL databases of their own, app
servers started as production starts them (``flask --app wsgi serve``, gunicorn + gevent),
Redis as the Socket.IO message queue, and nginx in front (docs/deployment.md).

Used by tests/live/test_multiprocess.py and tests/accounts/test_logout_across_processes.py
(one launcher instead of two copies). Loopback only; every wait is bounded; only the
processes started here are stopped, by their PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from facilitation.config import normalise_database_url

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PREFIX = os.environ.get("TEST_DB_PREFIX", "facilitation")


def unavailable(reason: str):
    """Skip locally; under CI=true a missing service is a failure, not a silent skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def flask(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


@contextlib.contextmanager
def postgresql_database(request, suffix: str):
    """A fresh PostgreSQL database named after TEST_DB_PREFIX; dropped afterwards."""
    name = f"{PREFIX}_{suffix}"
    base = request.config.getoption("--database-url") or os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    base = normalise_database_url(base)
    if not base.startswith("postgresql"):
        base = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        unavailable(f"PostgreSQL is not reachable at {base}: {error.orig}")
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def server_environment(database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        # Its own pub/sub channel: another run on this Redis never reaches these servers.
        SOCKETIO_CHANNEL=f"facilitation-test-{secrets.token_hex(4)}",
        SECRET_KEY=secrets.token_urlsafe(32),  # shared: a login on A is valid on B
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def prepare(env: dict, base_url: str) -> dict:
    """Migrate and seed the demo; its JSON (codes, accounts)."""
    subprocess.run(flask("db", "upgrade"), cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        flask("seed-demo", "--json", "--base-url", base_url),
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(seeded.stdout)


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"process on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"process on port {port} did not start")


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until ``GET /sante`` answers 200: the worker has booted and reached its services."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"process on port {port} exited with {process.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/sante")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    pytest.fail(f"GET /sante on port {port} did not answer 200 within {timeout:.0f} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def app_servers(env: dict, ports: list[int], logdir: Path):
    """One ``flask serve`` per port (gunicorn master + gevent worker each)."""
    logs, processes = [], []
    try:
        for port in ports:
            log = (logdir / f"server-{port}.log").open("wb")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    flask("serve", "--port", str(port)),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(port, process)
            wait_healthy(port, process)
        yield processes
    finally:
        stop(processes)
        for log in logs:
            log.close()


NGINX_SITE = (ROOT / "docs" / "nginx-site.conf").read_text


def nginx_config(listen: int, upstreams: list[int], workdir: Path) -> str:
    """The site of docs/nginx-site.conf, on loopback, inside a minimal main config."""
    site = NGINX_SITE()
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen};")
    site = re.sub(r"^\s*(ssl_[a-z_]+|server_name) .*;\n", "", site, flags=re.M)
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams)
    site = re.sub(r"^\s*server 127\.0\.0\.1:\d+;\n", "", site, flags=re.M)
    site = site.replace("upstream facilitation {\n", "upstream facilitation {\n" + servers)
    site = site.replace(
        "/srv/facilitation/facilitation/static/", str(ROOT / "facilitation/static") + "/"
    )
    return f"""
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {workdir}/access.log;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    types {{ text/css css; application/javascript js; image/svg+xml svg; }}
{site}
}}
"""


@contextlib.contextmanager
def nginx(upstreams: list[int], workdir: Path):
    """Real nginx (Debian package) in front of the app servers; its port."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        unavailable("nginx is not installed (Debian: apt-get install nginx-light)")
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_config(port, upstreams, workdir))
    check = subprocess.run(
        [binary, "-t", "-c", str(conf), "-p", str(workdir)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "nginx.out").open("wb"),
        stdin=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, process)
        yield port
    finally:
        stop([process])


def upstream_of(port: int, route: str) -> str:
    """Which app process nginx routes the cookie ``fac_route=<route>`` to."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", "/sante", headers={"Cookie": f"fac_route={route}"})
        response = conn.getresponse()
        response.read()
        return response.getheader("X-Upstream") or ""
    finally:
        conn.close()


def health_through(port: int, route: str) -> dict:
    """``GET /sante`` of the process nginx routes ``fac_route=<route>`` to."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", "/sante", headers={"Cookie": f"fac_route={route}"})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def cookie_header(http_session, base: str) -> str:
    import yarl

    cookies = http_session.cookie_jar.filter_cookies(yarl.URL(base))
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())


def run_in_own_loop(coroutine, timeout: float = 120) -> None:
    """Run in a thread of its own: the browser tests' sync Playwright keeps a loop running."""
    errors: list[BaseException] = []

    def target():
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=timeout)
    assert not thread.is_alive(), f"the multi-process scenario did not finish in {timeout:.0f} s"
    if errors:
        raise errors[0]
