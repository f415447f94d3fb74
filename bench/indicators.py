"""Benchmark of the indicators on a large generated history.

    .venv/bin/python bench/indicators.py                       # SQLite in a temporary file
    .venv/bin/python bench/indicators.py --database-url postgresql://postgres@127.0.0.1/x

What it does (docs/performance.md explains the choices):

1. a fresh database built by the migrations (the given PostgreSQL database is emptied
   first — never point it at a database you care about);
2. a generated history written in bulk: 5 years, 50 spaces, 1,000 cycles, 20,000 sessions,
   5,000 people (each with a home space, one in twenty in a second one), about 8 people
   present at each session (160,000 attendance rows, first visits flagged as the app does),
   co-animations, 10,000 activity-log entries, 500 barriers, a T0 and a T1
   self-assessment in every cycle with the phones of the people present;
3. timings, each the median of ``--repeat`` runs with nothing cached between them:
   the figures of the last full year for the whole structure (every figure and breakdown
   of the registry, suppression included), the whole page as the route builds it, the
   five years at once, one space for a year;
4. a reference measured in the same run on the same database — one
   ``SELECT count(*) FROM attendances`` and a naive single SQL count of the year's distinct
   people — so that the result means something on another machine: the page's time as a
   multiple of the reference, and the naive count must equal the registry's.

One JSON object on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def reset_postgresql(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def generate(args, db, models) -> dict:
    """The history, written with executemany (one INSERT per table and chunk)."""
    import sqlalchemy as sa

    rng = random.Random(args.seed)
    m = models
    now = datetime.now(UTC)
    first_year = args.last_year - args.years + 1
    start = date(first_year, 1, 5)
    days = (date(args.last_year, 12, 20) - start).days

    def insert(model, rows, chunk=20_000):
        table = model.__table__
        for i in range(0, len(rows), chunk):
            db.session.execute(sa.insert(table), rows[i : i + chunk])

    org = m.Organisation(name="Structure du banc d'essai")
    db.session.add(org)
    db.session.flush()
    coordinator = m.User(
        organisation_id=org.id,
        email="bench@example.org",
        display_name="Banc d'essai",
        password_hash="-",  # noqa: S106 (no login: nobody signs in here)
        role=m.Role.COORDINATOR,
    )
    db.session.add(coordinator)
    db.session.flush()
    insert(
        m.Space,
        [
            {
                "organisation_id": org.id,
                "name": f"Espace {n + 1}",
                "kind": "territorial",
                "description": "",
                "created_at": now,
            }
            for n in range(args.spaces)
        ],
    )
    space_ids = list(db.session.scalars(sa.select(m.Space.id).order_by(m.Space.id)))
    cycles_per_space = args.sessions // args.spaces // args.sessions_per_cycle
    insert(
        m.Cycle,
        [
            {"space_id": s, "title": f"Cycle {c + 1}", "description": "", "created_at": now}
            for s in space_ids
            for c in range(cycles_per_space)
        ],
    )
    cycles = db.session.execute(sa.select(m.Cycle.id, m.Cycle.space_id).order_by(m.Cycle.id)).all()
    log(f"{len(space_ids)} spaces, {len(cycles)} cycles")
    session_rows = []
    span = days // cycles_per_space
    for index, (cycle_id, _space_id) in enumerate(cycles):
        slot = index % cycles_per_space
        first = start + timedelta(days=slot * span + rng.randrange(7))
        for n in range(args.sessions_per_cycle):
            session_rows.append(
                {
                    "cycle_id": cycle_id,
                    "theme": f"Séance {n + 1}",
                    "starts_on": first + timedelta(days=span * n // args.sessions_per_cycle),
                    "starts_at": datetime(2000, 1, 1, 14).time(),
                    "place": "",
                    "notes": "",
                    "created_at": now,
                }
            )
    insert(m.WorkshopSession, session_rows)
    sessions = db.session.execute(
        sa.select(m.WorkshopSession.id, m.WorkshopSession.cycle_id, m.WorkshopSession.starts_on)
    ).all()
    log(f"{len(sessions)} sessions")
    insert(
        m.Participant,
        [
            {
                "organisation_id": org.id,
                "pseudonym": f"P{n}",
                "languages": "",
                "consents": {},
                "notes": "",
                "anon_key": secrets.token_hex(16),
                "created_at": now,
            }
            for n in range(args.people)
        ],
    )
    people = db.session.execute(sa.select(m.Participant.id, m.Participant.anon_key)).all()
    pool = {s: [] for s in space_ids}
    for n, person in enumerate(people):
        pool[space_ids[n % len(space_ids)]].append(person)
        if n % 20 == 0:
            pool[space_ids[(n + 7) % len(space_ids)]].append(person)
    space_of = dict(cycles)
    attendance, by_session = [], {}
    for session_id, cycle_id, day in sessions:
        chosen = rng.sample(pool[space_of[cycle_id]], args.per_session)
        by_session[session_id] = chosen
        for person_id, key in chosen:
            attendance.append(
                {
                    "session_id": session_id,
                    "participant_id": person_id,
                    "status": "present",
                    "person_key": key,
                    "first_visit": False,
                    "source": "roll_call",
                    "recorded_at": now,
                    "_day": day,
                }
            )
    attendance.sort(key=lambda row: (row["_day"], row["session_id"]))
    seen = set()
    for row in attendance:
        if row["participant_id"] not in seen:
            seen.add(row["participant_id"])
            row["first_visit"] = True
        del row["_day"]
    insert(m.Attendance, attendance)
    log(f"{len(attendance)} attendance rows")
    session_day = {s: d for s, _c, d in sessions}
    session_cycle = {s: c for s, c, _d in sessions}
    co_rows = []
    for session_id in rng.sample(list(by_session), args.sessions // 8):
        person_id, key = rng.choice(by_session[session_id])
        co_rows.append(
            {
                "organisation_id": org.id,
                "participant_id": person_id,
                "person_key": key,
                "space_id": space_of[session_cycle[session_id]],
                "session_id": session_id,
                "kind": "animated_tool",
                "note": "",
                "occurred_on": session_day[session_id],
                "created_at": now,
            }
        )
    insert(m.CoAnimation, co_rows)
    kinds_ = [k.value for k in m.LogKind]
    insert(
        m.ActivityLogEntry,
        [
            {
                "organisation_id": org.id,
                "space_id": rng.choice(space_ids),
                "occurred_on": start + timedelta(days=rng.randrange(days)),
                "kind": rng.choice(kinds_),
                "people": rng.randint(1, 12),
                "partner": "",
                "created_at": now,
            }
            for _n in range(args.log_entries)
        ],
    )
    categories = [c.value for c in m.BarrierCategory]
    insert(
        m.Barrier,
        [
            {
                "organisation_id": org.id,
                "space_id": rng.choice(space_ids),
                "occurred_on": start + timedelta(days=rng.randrange(days)),
                "category": rng.choice(categories),
                "institution": "Service",
                "description": "Un refus.",
                "people": rng.randint(1, 6),
                "state": "reported",
                "transmitted_to": "",
                "answer": "",
                "created_at": now,
                "updated_at": now,
            }
            for _n in range(args.barriers)
        ],
    )
    log(f"{len(co_rows)} co-animations, {args.log_entries} log entries, {args.barriers} barriers")
    # A T0 at the first session of each cycle, a T1 at its last: a board each.
    firsts, lasts = {}, {}
    for session_id, cycle_id, day in sessions:
        if cycle_id not in firsts or day < session_day[firsts[cycle_id]]:
            firsts[cycle_id] = session_id
        if cycle_id not in lasts or day > session_day[lasts[cycle_id]]:
            lasts[cycle_id] = session_id
    boards = [*firsts.values(), *lasts.values()]
    insert(
        m.Board,
        [
            {
                "session_id": s,
                "join_code": f"B{n:05d}",
                "screen_key": secrets.token_hex(12),
                "version": 0,
                "created_at": now,
            }
            for n, s in enumerate(boards)
        ],
    )
    board_of = dict(db.session.execute(sa.select(m.Board.session_id, m.Board.id)).all())
    statements = [{"key": "steps_alone", "text": "x"}, {"key": "know_rights", "text": "x"}]
    insert(
        m.Activity,
        [
            {
                "board_id": board_of[s],
                "position": 0,
                "kind": "self_assessment",
                "prompt": "T",
                "config": {"statements": statements, "moment": moment, "audience": "participants"},
                "status": "closed",
                "results_visible": True,
                "state": {},
                "created_at": now,
            }
            for moment, group in (("t0", firsts), ("t1", lasts))
            for s in group.values()
        ],
    )
    activity_of = dict(db.session.execute(sa.select(m.Activity.board_id, m.Activity.id)).all())
    phones = [
        {
            "board_id": board_of[s],
            "device_hash": secrets.token_hex(32),
            "participant_id": p,
            "language": "fr",
            "connections": 0,
            "joined_at": now,
            "last_seen_at": now,
        }
        for s in boards
        for p, _key in by_session[s]
    ]
    insert(m.LiveParticipant, phones)
    rows = db.session.execute(sa.select(m.LiveParticipant.id, m.LiveParticipant.board_id)).all()
    insert(
        m.Answer,
        [
            {
                "activity_id": activity_of[board_id],
                "participant_id": phone_id,
                "client_id": f"c{phone_id}",
                "value": {"0": rng.randint(1, 5), "1": rng.randint(1, 5)},
                "created_at": now,
                "updated_at": now,
            }
            for phone_id, board_id in rows
        ],
    )
    log(f"{len(boards)} boards with a self-assessment, {len(rows)} answers")
    projects = _projects(args, db, m, org.id, space_ids, cycles, sessions, pool, start, days, rng)
    log(f"{projects} collective projects with their steps, decisions, actions, members")
    db.session.commit()
    return {
        "organisation_id": org.id,
        "coordinator_id": coordinator.id,
        "space_id": space_ids[0],
        "project_id": db.session.scalar(sa.select(sa.func.min(m.Project.id))),
        "attendance_rows": len(attendance),
        "answers": len(rows),
    }


def _projects(args, db, m, org_id, space_ids, cycles, sessions, pool, start, days, rng) -> int:
    """``--projects`` collective projects over the spaces: each with 10 steps (7 done),
    4 decisions, 4 actions, 6 participant members (2 porteurs) and 2 meetings (sessions of
    one of its space's cycles); one in four finished."""
    import sqlalchemy as sa

    def insert(model, rows):
        if rows:
            db.session.execute(sa.insert(model.__table__), rows)

    def moment(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)

    project_rows = []
    for n in range(args.projects):
        begun = start + timedelta(days=rng.randrange(days - 200))
        project_rows.append(
            {
                "organisation_id": org_id,
                "space_id": space_ids[n % len(space_ids)],
                "title": f"Projet {n + 1}",
                "aim": "",
                "status": "finished" if n % 4 == 0 else "running",
                "accepted_at": moment(begun),
                "finished_at": moment(begun + timedelta(days=180)) if n % 4 == 0 else None,
                "version": 0,
                "created_at": moment(begun),
            }
        )
    insert(m.Project, project_rows)
    projects = db.session.execute(
        sa.select(m.Project.id, m.Project.space_id, m.Project.accepted_at)
    ).all()
    cycles_of = {}
    for cycle_id, space_id in cycles:
        cycles_of.setdefault(space_id, []).append(cycle_id)
    sessions_of = {}
    for session_id, cycle_id, _day in sessions:
        sessions_of.setdefault(cycle_id, []).append(session_id)
    steps, decisions, actions, members, meetings, used = [], [], [], [], [], set()
    kinds = ["letter", "event", "meeting", "tool", "testimony", "other"]
    for project_id, space_id, accepted in projects:
        day0 = accepted.date()

        def later(most: int, day0=day0) -> date:
            return day0 + timedelta(days=rng.randrange(most))

        for i in range(10):
            done = i < 7
            steps.append(
                {
                    "project_id": project_id,
                    "title": f"Étape {i + 1}",
                    "needs": "",
                    "state": "done" if done else "doing",
                    "version": 1,
                    "done_at": moment(later(180)) if done else None,
                    "created_at": accepted,
                    "updated_at": accepted,
                }
            )
        for i in range(4):
            decisions.append(
                {
                    "project_id": project_id,
                    "status": "recorded",
                    "question": f"Question {i + 1}",
                    "text": "",
                    "decided_on": later(180),
                    "created_at": accepted,
                }
            )
            actions.append(
                {
                    "project_id": project_id,
                    "kind": rng.choice(kinds),
                    "title": f"Action {i + 1}",
                    "text": "",
                    "happened_on": later(180),
                    "confirmed": True,
                    "created_at": accepted,
                }
            )
        for n, (person_id, _key) in enumerate(rng.sample(pool[space_id], 6)):
            members.append(
                {
                    "project_id": project_id,
                    "kind": "participant",
                    "participant_id": person_id,
                    "guest_organisation": "",
                    "is_porteur": n < 2,
                    "shown_on_screen": False,
                    "created_at": accepted,
                }
            )
        free = [s for s in sessions_of[rng.choice(cycles_of[space_id])] if s not in used]
        for session_id in free[:2]:
            used.add(session_id)
            meetings.append({"project_id": project_id, "session_id": session_id})
    insert(m.Step, steps)
    insert(m.Decision, decisions)
    insert(m.ProjectAction, actions)
    insert(m.ProjectMember, members)
    insert(m.ProjectMeeting, meetings)
    return len(projects)


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _n in range(repeat):
        t = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL (emptied first)")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--last-year", type=int, default=date.today().year - 1)
    parser.add_argument("--spaces", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--sessions-per-cycle", type=int, default=20)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--per-session", type=int, default=8)
    parser.add_argument("--log-entries", type=int, default=10_000)
    parser.add_argument("--barriers", type=int, default=500)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from facilitation.config import normalise_database_url

    workdir = tempfile.mkdtemp(prefix="bench-indicators-")
    url = normalise_database_url(args.database_url or f"sqlite:///{workdir}/bench.sqlite3")
    if args.database_url:
        reset_postgresql(url)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from facilitation import create_app
    from facilitation import models as app_models
    from facilitation.accounts.models import User
    from facilitation.extensions import db
    from facilitation.indicators import definitions, view
    from facilitation.indicators import models as indicator_models
    from facilitation.indicators.scope import Period, of_project, of_space, structure

    class Models:  # every model the generator writes
        pass

    for module in (app_models, indicator_models):
        for name in dir(module):
            if not name.startswith("_"):
                setattr(Models, name, getattr(module, name))

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        log(f"database: {db.engine.dialect.name}, migrations")
        upgrade()
        t = time.perf_counter()
        info = generate(args, db, Models)
        generated_s = time.perf_counter() - t
        db.session.execute(sa.text("ANALYZE"))  # fresh statistics, as a live database has
        db.session.commit()
        actor = db.session.get(User, info["coordinator_id"])
        year = Period.of_year(args.last_year)
        whole = Period(
            "custom", date(args.last_year - args.years + 1, 1, 1), date(args.last_year, 12, 31)
        )
        today = date(args.last_year + 1, 1, 15)
        with app.test_request_context():
            scope = structure(actor)
            space = of_space(actor, info["space_id"])

            def figures(period, where=scope):
                db.session.expire_all()
                return view.evaluate(view.context(where, period, today), 5)

            def page():
                db.session.expire_all()
                return view.build(actor, scope, year, today)

            figures(year)  # warm the connection and the statement caches once
            year_s, evaluated = timed(lambda: figures(year), args.repeat)
            page_s, _page = timed(page, args.repeat)
            whole_s, _whole = timed(lambda: figures(whole), args.repeat)
            space_s, _space = timed(lambda: figures(year, space), args.repeat)
            project_s = projects_s = None
            if info["project_id"] is not None:
                project = of_project(actor, info["project_id"])
                project_s, _project = timed(lambda: figures(year, project), args.repeat)

                def project_figures():  # the structure's project figures alone
                    db.session.expire_all()
                    ctx = view.context(scope, year, today)
                    return [f.query(ctx) for f in definitions.FIGURE_LIST if f.group == "projects"]

                projects_s, _values = timed(project_figures, args.repeat)

            def count_star():
                return db.session.scalar(sa.text("SELECT count(*) FROM attendances"))

            count_s, _rows = timed(count_star, args.repeat)

            def naive():  # the same figure, written by hand in one SQL statement
                return db.session.scalar(
                    sa.text(
                        "SELECT count(DISTINCT a.person_key) FROM attendances a "
                        "JOIN workshop_sessions s ON s.id = a.session_id "
                        "WHERE a.status = 'present' AND s.archived_at IS NULL "
                        "AND s.starts_on BETWEEN :start AND :end"
                    ),
                    {"start": year.start, "end": year.end},
                )

            naive_s, naive_people = timed(naive, args.repeat)
            ours = evaluated.values["distinct_people"]
    result = {
        "database": "postgresql" if args.database_url else "sqlite",
        "history": {
            "years": args.years,
            "spaces": args.spaces,
            "sessions": args.sessions,
            "people": args.people,
            "attendance_rows": info["attendance_rows"],
            "self_assessment_answers": info["answers"],
            "activity_log_entries": args.log_entries,
            "barriers": args.barriers,
            "projects": args.projects,
        },
        "generated_s": round(generated_s, 2),
        "repeat": args.repeat,
        "timings_s": {
            "structure_year_figures": round(year_s, 4),
            "structure_year_page": round(page_s, 4),
            "structure_five_years_figures": round(whole_s, 4),
            "one_space_year_figures": round(space_s, 4),
            "one_project_year_figures": project_s and round(project_s, 4),
            "structure_year_project_figures_alone": projects_s and round(projects_s, 4),
        },
        "reference_s": {
            "select_count_attendances": round(count_s, 5),
            "naive_distinct_people_year": round(naive_s, 5),
        },
        "ratios": {
            "page_over_count_star": round(page_s / count_s, 1) if count_s else None,
            "figures_over_naive_distinct": round(year_s / naive_s, 1) if naive_s else None,
        },
        "figures_of_the_year": {
            key: evaluated.values[key]
            for key in (
                "sessions_held",
                "participations",
                "distinct_people",
                "new_people",
                "co_animations",
                "t1_people_paired",
                "projects_active",
                "project_steps_done",
                "project_porteurs",
                "barriers_recorded",
            )
        },
        "naive_agrees": naive_people == ours,
        "under_one_second": page_s < 1.0,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["naive_agrees"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
