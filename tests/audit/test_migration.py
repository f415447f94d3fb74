"""The migration to public ids and the hash chain, on a database that already holds people
and audit entries (a scratch SQLite file upgraded step by step, whatever the suite's
database): rows referencing people survive the table rebuild, every person gets a public
id, old entries are chained and verify, and an entry about someone erased before the
migration is not given to the newcomer who got their row id."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def flask(database: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command line, in its own process (as on a server being upgraded)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "migration-test-key",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def upgrade(database: Path, revision: str = "head") -> None:
    result = flask(database, "db", "upgrade", revision)
    assert result.returncode == 0, result.stderr[-2000:]


def run_sql(database: Path, statements: list[str]) -> None:
    with sqlite3.connect(database) as connection:
        for statement in statements:
            connection.execute(statement)


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


ROWS = """
INSERT INTO organisations (id, name, created_at) VALUES (1, 'Case', '2026-01-01 00:00:00.000000');
INSERT INTO spaces (id, organisation_id, name, kind, description, created_at)
    VALUES (1, 1, 'Arnaud Bernard', 'territorial', '', '2026-01-01 00:00:00.000000');
INSERT INTO users (id, organisation_id, email, display_name, password_hash, role, active,
    login_token, created_at)
    VALUES (1, 1, 'a@example.org', 'Amina', 'x', 'mediator', 1, 't', '2026-01-01 00:00:00.000000');
INSERT INTO participants (id, organisation_id, pseudonym, languages, consents, notes, anon_key,
    created_at) VALUES (1, 1, 'Colibri', '', '{}', '', 'k1', '2026-01-02 10:00:00.000000'),
    (2, 1, 'Mimosa', '', '{}', '', 'k2', '2026-03-01 10:00:00.000000');
INSERT INTO space_participants (space_id, participant_id, created_at)
    VALUES (1, 1, '2026-01-02 10:00:00.000000'), (1, 2, '2026-03-01 10:00:00.000000');
INSERT INTO audit_entries (organisation_id, actor_id, action, participant_ref, details, created_at)
    VALUES (1, 1, 'view_journey', 1, '{}', '2026-01-05 10:00:00.000000'),
           (1, 1, 'view_journey', 2, '{}', '2026-02-01 10:00:00.000000'),
           (1, 1, 'merge', 1, '{"merged": 2}', '2026-02-02 10:00:00.000000'),
           (1, 1, 'view_journey', 2, '{}', '2026-03-05 10:00:00.000000');
"""


STATEMENTS = [statement for statement in ROWS.split(";") if statement.strip()]


def test_upgrade_keeps_the_data_and_chains_the_old_entries(tmp_path):
    database = tmp_path / "old.sqlite3"
    upgrade(database, "353d3f6fd97e")
    run_sql(database, STATEMENTS)
    # Row id 2 was a duplicate merged into Colibri on 2026-02-02; Mimosa got it on 03-01.
    upgrade(database)

    people = dict(query(database, "SELECT pseudonym, public_id FROM participants"))
    assert set(people) == {"Colibri", "Mimosa"} and all(people.values())
    assert query(database, "SELECT count(*) FROM space_participants") == [(2,)]
    entries = query(
        database,
        "SELECT seq, action, participant_public_id, details FROM audit_entries ORDER BY seq",
    )
    assert [(seq, action) for seq, action, _p, _d in entries] == [
        (1, "view_journey"),
        (2, "view_journey"),
        (3, "merge"),
        (4, "view_journey"),
    ]
    colibri, mimosa, merged = people["Colibri"], people["Mimosa"], entries[1][2]
    assert [e[2] for e in entries] == [colibri, merged, colibri, mimosa]
    assert merged not in people.values()  # the merged record, not Mimosa who got its id
    assert entries[2][3] == '{"merged": "' + merged + '"}'
    (table_sql,) = query(database, "SELECT sql FROM sqlite_master WHERE name = 'participants'")
    assert "AUTOINCREMENT" in table_sql[0]
    verified = flask(database, "audit-verify")
    assert verified.returncode == 0, verified.stderr
    assert "OK: 4 audit entries in 1 chains" in verified.stdout


def test_a_table_rebuild_keeps_the_rows_that_reference_it(tmp_path):
    """Found while writing this migration: with foreign keys on, rebuilding `participants`
    (SQLite batch mode: copy, DROP, rename) deleted every space membership and unlinked
    every attendance. Migrations now run with foreign keys off, checked at the end."""
    database = tmp_path / "older.sqlite3"
    upgrade(database, "428458d0fce5")  # before the rebuild done by 353d3f6fd97e
    without_anon_key = [
        s.replace(", anon_key", "").replace(", 'k1'", "").replace(", 'k2'", "")
        for s in STATEMENTS[:5]
    ]
    run_sql(database, without_anon_key)
    upgrade(database)
    assert query(database, "SELECT count(*) FROM space_participants") == [(2,)]
    assert query(database, "SELECT count(*) FROM participants") == [(2,)]
