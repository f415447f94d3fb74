"""Restore drill: seed, back up, restore into an empty database, compare every table.

Runs the commands an operator runs (``flask --app wsgi backup`` / ``restore``), in
subprocesses, on SQLite — and on PostgreSQL too in the PostgreSQL pass (two databases of
its own, named after TEST_DB_PREFIX).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from facilitation.config import normalise_database_url
from facilitation.core import backup

ROOT = Path(__file__).resolve().parents[1]
PREFIX = os.environ.get("TEST_DB_PREFIX", "facilitation")


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def environment(database_url: str, _workdir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.pop("REDIS_URL", None)
    env.update(DATABASE_URL=database_url, SECRET_KEY="drill-" + "x" * 40)
    return env


@pytest.fixture
def two_databases(request, tmp_path):
    """A source and an empty target: SQLite files, or two PostgreSQL databases."""
    base = request.config.getoption("--database-url")
    if not base or not normalise_database_url(base).startswith("postgresql"):
        yield (
            f"sqlite:///{tmp_path / 'source.sqlite3'}",
            f"sqlite:///{tmp_path / 'target.sqlite3'}",
        )
        return
    base = normalise_database_url(base)
    names = [f"{PREFIX}_drill_source", f"{PREFIX}_drill_target"]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.engine.make_url(base)
    yield tuple(url.set(database=n).render_as_string(hide_password=False) for n in names)
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_restore_drill_gives_back_every_row_of_every_table(two_databases, tmp_path):
    source, target = two_databases
    env = environment(source, tmp_path)
    for step in (("db", "upgrade"), ("seed-demo",)):
        done = flask(env, *step)
        assert done.returncode == 0, done.stderr[-2000:]
    before = backup.fingerprint(source)
    assert before["boards"][0] > 0 and before["answers"][0] > 0  # the demo is there

    dump = tmp_path / "facilitation.backup"
    done = flask(env, "backup", str(dump))
    assert done.returncode == 0, done.stderr[-2000:]
    assert dump.stat().st_size > 0

    restored = flask(environment(target, tmp_path), "restore", str(dump))
    assert restored.returncode == 0, restored.stderr[-2000:]
    after = backup.fingerprint(target)
    assert after == before  # same tables, same counts, same rows (alembic_version included)

    # Restoring over a database that is not empty is refused unless --force.
    again = flask(environment(target, tmp_path), "restore", str(dump))
    assert again.returncode != 0
    assert "not empty" in again.stderr or "already has" in again.stderr
    forced = flask(environment(target, tmp_path), "restore", "--force", str(dump))
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert backup.fingerprint(target) == before
