"""Browser tests: a real server (``flask serve``) with demo data, driven by Chromium.

The server runs in a subprocess on a free local port, on its own database:
a SQLite file in a temporary directory, or — when pytest is given
``--database-url postgresql://…`` — a separate PostgreSQL database
(``facilitation_e2e``) created on that server, so the main suite, which creates
and drops its tables in the given database, never competes with it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",
]

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

# TEST_DB_PREFIX keeps parallel runs on one PostgreSQL server apart.
E2E_DATABASE = os.environ.get("TEST_DB_PREFIX", "facilitation") + "_e2e"
SERVER_START_TIMEOUT = 30.0
COMMAND_TIMEOUT = 120.0


def pytest_collection_modifyitems(config, items):
    """Every test in this package drives a browser: mark it so (``-m "not browser"``)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- the live server ----------------------------------------------------------


@dataclass
class LiveServer:
    base_url: str
    demo: dict[str, Any]
    log_path: Path
    database_url: str = field(repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server output)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command[2:])}` failed (exit {result.returncode}).\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}",
            pytrace=False,
        )
    return result


def _is_postgresql(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "postgresql+"))


def _create_postgresql_database(given_url: str, name: str = E2E_DATABASE) -> str:
    """Create an empty ``facilitation_e2e`` database next to the given one; return its URL."""
    import sqlalchemy as sa

    from facilitation.config import normalise_database_url

    admin_url = sa.engine.make_url(normalise_database_url(given_url))
    if admin_url.database and admin_url.database.startswith(E2E_DATABASE):
        pytest.fail(
            f"--database-url must not point at {admin_url.database}: the browser tests "
            "drop and recreate that database.",
            pytrace=False,
        )
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            _drop_postgresql_database(conn, name)
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    finally:
        admin.dispose()
    e2e_url = admin_url.set(database=name)
    # A fresh database is empty, but reset the schema anyway: `db upgrade` starts from nothing.
    engine = sa.create_engine(e2e_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return e2e_url.render_as_string(hide_password=False)


def _drop_postgresql_database(conn, name: str = E2E_DATABASE) -> None:
    import sqlalchemy as sa

    conn.execute(
        sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"
        ),
        {"name": name},
    )
    conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))


def _drop_postgresql_database_at(given_url: str, name: str = E2E_DATABASE) -> None:
    import sqlalchemy as sa

    from facilitation.config import normalise_database_url

    admin = sa.create_engine(normalise_database_url(given_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            _drop_postgresql_database(conn, name)
    finally:
        admin.dispose()


def _wait_until_healthy(process: subprocess.Popen, port: int, server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = server.log()
            hint = ""
            if "Ignoring a call to 'app.run()'" in output:
                hint = (
                    "\nHint: `flask serve` runs inside the flask CLI, which sets "
                    "FLASK_RUN_FROM_CLI=true, so Flask turns socketio.run()'s app.run() "
                    "into a no-op. The serve command must unset FLASK_RUN_FROM_CLI "
                    "before calling socketio.run()."
                )
            pytest.fail(
                f"The server exited early (code {process.returncode}).{hint}\n"
                f"--- server output ---\n{output}",
                pytrace=False,
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/sante")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
            last_error = f"GET /sante answered {response.status}"
        except OSError as error:
            last_error = repr(error)
        finally:
            conn.close()
        time.sleep(0.2)
    pytest.fail(
        f"The server did not answer GET /sante with 200 within "
        f"{SERVER_START_TIMEOUT:.0f} s ({last_error}).\n"
        f"--- server output ---\n{server.log()}",
        pytrace=False,
    )


@contextlib.contextmanager
def _serve(request, workdir: Path, database_name: str = E2E_DATABASE) -> Iterator[LiveServer]:
    """`flask serve` on a free port, on a migrated database filled by `flask seed-demo`."""
    given_url = request.config.getoption("--database-url", default=None)
    postgres_admin_url = given_url if given_url and _is_postgresql(given_url) else None
    if postgres_admin_url:
        database_url = _create_postgresql_database(postgres_admin_url, database_name)
    else:
        # Also for a SQLite --database-url: the main suite owns that file.
        database_url = f"sqlite:///{workdir / 'e2e.sqlite3'}"

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # self-contained: in-memory rate limits and socket.io
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),  # so nothing is written in instance/
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "FORCE_HTTPS": "0",
            "PYTHONUNBUFFERED": "1",
            "FLASK_DEBUG": "0",
        }
    )

    process = None
    log_path = workdir / "server.log"
    try:
        _run(_flask("db", "upgrade"), env)
        seeded = _run(_flask("seed-demo", "--json", "--base-url", base_url), env)
        try:
            demo = json.loads(seeded.stdout)
        except json.JSONDecodeError as error:
            pytest.fail(
                f"`flask seed-demo --json` did not print one JSON object ({error}).\n"
                f"--- stdout ---\n{seeded.stdout}\n--- stderr ---\n{seeded.stderr}",
                pytrace=False,
            )
        server = LiveServer(
            base_url=base_url, demo=demo, log_path=log_path, database_url=database_url
        )
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                _flask("serve", "--host", "127.0.0.1", "--port", str(port)),
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_until_healthy(process, port, server)
        yield server
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if postgres_admin_url:
            _drop_postgresql_database_at(postgres_admin_url, database_name)


@pytest.fixture(scope="session")
def live_server(request, tmp_path_factory):
    """`flask serve` on a free port, on a migrated database filled by `flask seed-demo`.

    Shared by the whole session: tests using it must not depend on what others changed.
    """
    with _serve(request, tmp_path_factory.mktemp("e2e-server")) as server:
        yield server


@pytest.fixture(scope="module")
def fresh_live_server(request, tmp_path_factory):
    """Like ``live_server``, but a server and database of the test module's own.

    For modules that change the demo's state (the live board: answers, current
    activity…) and count on it: nothing else writes to this database.
    """
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    name = re.sub(r"[^a-z0-9_]", "_", f"{E2E_DATABASE}_{module}".lower())
    with _serve(request, tmp_path_factory.mktemp(f"e2e-{module}-server"), name) as server:
        yield server


# --- the browser --------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own download is not used)."""
    if not Path(CHROMIUM).exists():
        reason = "Chromium not installed: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the browser tests are required)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser):
    """``new_page(viewport={...}, **options)``: a fresh French browser context, and its page.

    Any ``browser.new_context`` option may be given (``java_script_enabled=False``,
    ``storage_state=…``). Uncaught JavaScript errors are collected in ``page.js_errors``.
    The contexts are closed at the end of the test.
    """
    contexts = []

    def _open(**options):
        context = browser.new_context(**{"locale": "fr-FR", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                page.js_errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(new_page, live_server):
    """``open_page("phone")``: a fresh French browser context at that size, and its page.

    Uncaught JavaScript errors are collected in ``page.js_errors``.
    """
    return lambda viewport: new_page(**VIEWPORTS[viewport])


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "phone", "dashboard")`` → test-artifacts/<test>-phone-dashboard.png."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)

    def _shoot(page, viewport: str, step: str) -> Path:
        path = ARTIFACTS_DIR / f"{request.node.originalname}-{viewport}-{step}.png"
        # caret="initial": the default ("hide") leaves style="" on every input, which
        # htmx then copies onto swapped-in elements, tripping the CSP (no inline style).
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return _shoot
