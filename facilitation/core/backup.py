"""Backup and restore of the whole database: ``flask --app wsgi backup FILE`` and
``flask --app wsgi restore FILE`` (docs/deployment.md, "Backups").

- SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy while
  the app runs, WAL included; the backup is itself a SQLite database.
- PostgreSQL: ``pg_dump --format=custom`` (consistent snapshot, compressed) and
  ``pg_restore``; the password is passed in the environment (``PGPASSWORD``), never on
  the command line where ``ps`` would show it.

Restore goes into an empty database unless ``force`` (then it replaces everything).
:func:`fingerprint` gives every table's row count and a checksum of its rows: the
restore drill (tests/test_backup.py) compares it before and after.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that could not be done (the message says why, in plain words)."""


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _libpq(url: URL) -> tuple[list[str], dict]:
    """pg_dump/pg_restore connection arguments, and the environment with the password."""
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    """A PostgreSQL client tool: a fixed executable and an argument list, no shell."""
    return subprocess.run(  # noqa: S603  # nosec B603
        command, env=env, capture_output=True, text=True, timeout=3600, check=False
    )


def backup(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    target = Path(target)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    if url.get_backend_name() == "postgresql":
        args, env = _libpq(url)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        command += [*args, "--file", str(target), url.database]
        done = _run(command, env)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return
    raise BackupError(f"no backup for {url.get_backend_name()}")


def table_names(engine: sa.Engine) -> list[str]:
    return sorted(sa.inspect(engine).get_table_names())


def restore(database_url: str, source: Path, *, force: bool = False) -> None:
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    engine = sa.create_engine(url)
    try:
        existing = table_names(engine)
    finally:
        engine.dispose()
    if existing and not force:
        raise BackupError(
            f"the database already has {len(existing)} tables: restore into an empty"
            " database, or pass --force to replace everything in it"
        )
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                backup_db.backup(target)  # replaces the whole target database
        finally:
            target.close()
            backup_db.close()
        return
    if url.get_backend_name() == "postgresql":
        args, env = _libpq(url)
        command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        if force:
            command += ["--clean", "--if-exists"]
        command += [*args, "--dbname", url.database, str(source)]
        done = _run(command, env)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
        return
    raise BackupError(f"no restore for {url.get_backend_name()}")


def fingerprint(database_url: str) -> dict[str, tuple[int, str]]:
    """Every table: (row count, SHA-256 of its rows in a canonical order)."""
    engine = sa.create_engine(make_url(database_url))
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        out = {}
        with engine.connect() as conn:
            for name in sorted(metadata.tables):
                table = metadata.tables[name]
                rows = sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                out[name] = (len(rows), digest)
        return out
    finally:
        engine.dispose()
