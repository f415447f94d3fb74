"""Fault scenarios under load, at full size: what every phone saw.

    .venv/bin/python bench/faults.py --phones 1000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/<a database of yours>

Runs the scenarios of tests/live/test_faults_processes.py (CI runs them with 40 phones)
with ``--phones`` phones: kill -9 of one of two app processes during a burst, and Redis
(a redis-server of its own, on a free port) restarted mid-session. Prints one JSON line
per scenario: acknowledged, stored, doubled, phones that reconnected, resends, the
screen's final count, how long live updates took to resume. PostgreSQL is needed (the
two processes share it): a database named ``<TEST_DB_PREFIX>_faults`` is created next to
the one given, and dropped afterwards. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to create the scenario's database on",
    )
    parser.add_argument("-k", default=None, help="only the scenarios matching (pytest -k)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="faults-") as workdir:
        report = Path(workdir) / "report.jsonl"
        env = dict(os.environ, FAULTS_PHONES=str(args.phones), FAULTS_REPORT=str(report))
        env.setdefault("TEST_DB_PREFIX", "bench")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += ["tests/live/test_faults_processes.py", "--database-url", args.database_url]
        if args.k:
            command += ["-k", args.k]
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if report.exists():
            for line in report.read_text().splitlines():
                print(json.dumps(json.loads(line)), flush=True)
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())
