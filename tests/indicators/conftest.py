"""A seeded history for the indicators, every expected number counted by hand.

Structure « Case de Santé », two spaces: Arnaud Bernard (A) and Les Izards (B).

    cycle A1 « Tronc commun » (A): s0 2025-11-04 (last year), s1 2026-01-13, s2 02-10,
        s3 03-10, s4 04-14, s5 05-12, s6 2026-12-15 (after « today »), s10 2026-09-01
        (archived)
    cycle A2 « Douleurs » (A): s7 2026-06-02
    cycle B1 « Santé et logement » (B): s8 2026-02-20, s9 03-20
    today: 2026-12-01

People (present at):
    P1 Colibri   s0 s1 s2 s3 s4           (came in 2025: not new in 2026)
    P2 Baobab    s1 s2                    (brought by P1; new)
    P3 Tilleul   s8 s3 s9                 (two spaces; first visit in B)
    P4 Mimosa    s1 s4 s5                 (new; erased at the end)
    P5 Atlas     s2 s3 s5  ← P6 « Atlas bis » s3 s5 merged into P5 (s3 twice: one row)
    P7 Nour      s7, and s10 (archived)   (new)
    P8 Soleil    s8, absent at s9          (brought by P4, who is erased: no longer counted)
    P9 Lune      excused at s2 only        (never present)

2026, structure: 8 sessions held; 17 participations; 7 distinct people; 6 new, 1 returning;
    sessions attended 1: 2 (P7, P8), 2–3: 4 (P2, P3, P4, P5), 4+: 1 (P1).
Co-animation: P1 animated a tool at s3 and proposed a space (2026-05-20, no session); P2
    drove the board at s2; P8 animated at s8 (his first session) → 4 co-animations, 3
    people, 2 went on to co-animate (P1, P2; not P8: same session as his first visit).
Activity log (A): orientation 03-02 ×3, orientation 04-10 ×1, accompaniment 04-11 ×1,
    partner meeting 05-05 ×6 « CPAM »; (B): outreach 06-06 ×12; 2025-12-01 interview ×1.
Barriers: A refusal of care 03-03 ×2; A no interpreter 04-01 ×3 (passed on); B digital
    06-10 ×7 (passed on, answer received).
Self-assessment in A1: T0 at s1, T1 at s5, statements « steps_alone », « know_rights »
    and « Je sais prendre un rendez-vous » (own); phones linked to records:
        P1 steps 2→4 (up), rights 3→3 (same), own 2→3 (up)
        P2 steps 3→3 (same), rights 2→4 (up)
        P4 steps 1→5 — erased: no longer paired
        P6's phone at T0 steps 4, P5's phone at T1 steps 2 — merged: down
        an anonymous phone at T0: steps 5 (never paired)
    partner professionals at s5 (T1, three guests): « know_public » 5, 4, 2.

Collective projects (only accepted ones count; « in 2026 » is the structure's local day):
    PA1 « Accès aux soins » (A, running, accepted 2025-10-01), meeting s3; members P1
        (porteur), P2, P3, P4 (porteur, erased), Amina (staff), a guest.
        steps done 2026-02-01, 2025-12-31 23:30 UTC (= 1 January 2026 in Paris: in),
        2026-12-31 23:30 UTC (= 2027 in Paris: out), 2025-12-15 (out), one done but in the
        bin (out), one in progress (out); decisions recorded 2026-03-10 (in), 2025-11-04
        (out), one still being voted (out); actions letter 2026-04-01, tool 2026-05-12
        (in), event 2026-12-20 (after today: out), a tool 2025-10-20 (out), one proposed
        from a phone not confirmed (out), one in the bin (out).
    PA2 « Douleurs et travail » (A, finished 2025-12-20), step done 2025-09-01, P5 porteur.
    PA3 « Ateliers cuisine » (A, finished 2026-06-15), event 2026-06-01, P7 porteur.
    PA4 « Jardin partagé » (A, idea, accepted 2026-02-01): nothing done yet.
    PB1 « Logement et santé » (B, running, accepted 2026-01-05), meeting s8; step done
        2026-03-01, decision 2026-02-20; members P3 (porteur), P8.
    PB2 a proposal from a phone in B (not accepted) with a step done 2026-02-01.
2026, structure: 3 active (PA1, PA3, PB1), 1 finished (PA3), 3 steps done, 2 decisions,
    3 actions, 1 tool; participants P1, P2, P3, P7, P8 = 5 (P3 in two projects, the erased
    P4 gone); porteurs P1, P7, P3 = 3. Space A: 2 active, 2 steps, 1 decision, 3 actions,
    4 participants, 2 porteurs; space B: 1, 1, 1, 0, 2, 1. PA1 alone: its meeting s3 is its
    one session held (P1, P3, P5: 3 participations).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import pytest
from flask import g, request_started

from facilitation.accounts.models import Role
from facilitation.extensions import db
from facilitation.indicators.models import (
    ActivityLogEntry,
    Barrier,
    BarrierCategory,
    BarrierState,
    LogKind,
)
from facilitation.live import services as live
from facilitation.participants import services as participants
from facilitation.participants.models import CoAnimation, CoAnimationKind
from facilitation.projects.models import (
    ActionKind,
    Decision,
    DecisionStatus,
    MemberKind,
    Project,
    ProjectAction,
    ProjectMeeting,
    ProjectMember,
    ProjectStatus,
    Step,
    StepState,
)

from .. import factories

TODAY = date(2026, 12, 1)
YEAR = 2026


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@dataclass
class History:
    org: object
    coordinator: object
    mediator: object  # member of A only
    other_mediator: object  # member of B only
    a: object
    b: object
    a1: object
    a2: object
    b1: object
    sessions: dict[str, object]
    people: dict[str, object] = field(default_factory=dict)
    projects: dict[str, object] = field(default_factory=dict)


def _session(cycle, name: str, day: date, *, archived: bool = False):
    s = factories.session(cycle, theme=f"Séance {name}", starts_on=day, starts_at=time(14, 0))
    if archived:
        from facilitation.core.database import utcnow

        s.archived_at = utcnow()
        db.session.commit()
    return s


def _self_assessment(actor, board, moment, statements, audience="participants"):
    activity = live.add_activity(
        actor,
        board,
        kind="self_assessment",
        prompt=f"Auto-évaluation {moment}",
        config={"statements": statements, "moment": moment, "audience": audience},
    )
    control = live.Actor(user=actor)
    live.control(control, board, "goto", {"activity_id": activity.id})
    live.control(control, board, "open")
    return activity


def build_history() -> History:
    org = factories.organisation()
    a = factories.space(org, "Arnaud Bernard")
    b = factories.space(org, "Les Izards")
    coordinator = factories.user(org, Role.COORDINATOR, name="Camille")
    mediator = factories.user(org, name="Amina", spaces=[a])
    other = factories.user(org, name="Julien", spaces=[b])
    a1 = factories.cycle(a, "Tronc commun")
    a2 = factories.cycle(a, "Douleurs chroniques")
    b1 = factories.cycle(b, "Santé et logement")
    days = {
        "s0": (a1, date(2025, 11, 4)),
        "s1": (a1, date(2026, 1, 13)),
        "s2": (a1, date(2026, 2, 10)),
        "s3": (a1, date(2026, 3, 10)),
        "s4": (a1, date(2026, 4, 14)),
        "s5": (a1, date(2026, 5, 12)),
        "s6": (a1, date(2026, 12, 15)),
        "s7": (a2, date(2026, 6, 2)),
        "s8": (b1, date(2026, 2, 20)),
        "s9": (b1, date(2026, 3, 20)),
    }
    sessions = {name: _session(cycle, name, day) for name, (cycle, day) in days.items()}
    sessions["s10"] = _session(a1, "s10", date(2026, 9, 1), archived=True)
    h = History(org, coordinator, mediator, other, a, b, a1, a2, b1, sessions)

    def person(key, space, pseudonym):
        h.people[key] = factories.participant(space, pseudonym)
        return h.people[key]

    p = {
        "P1": person("P1", a, "Colibri"),
        "P2": person("P2", a, "Baobab"),
        "P3": person("P3", b, "Tilleul"),
        "P4": person("P4", a, "Mimosa"),
        "P5": person("P5", a, "Atlas"),
        "P6": person("P6", a, "Atlas bis"),
        "P7": person("P7", a, "Nour"),
        "P8": person("P8", b, "Soleil"),
        "P9": person("P9", a, "Lune"),
    }
    present = {
        "P1": ["s0", "s1", "s2", "s3", "s4"],
        "P2": ["s1", "s2"],
        "P3": ["s8", "s3", "s9"],
        "P4": ["s1", "s4", "s5"],
        "P5": ["s2", "s3", "s5"],
        "P6": ["s3", "s5"],
        "P7": ["s7", "s10"],
        "P8": ["s8"],
    }
    for key, names in present.items():
        for name in names:
            participants.record_attendance(coordinator, sessions[name], p[key], "present")
    participants.record_attendance(coordinator, sessions["s9"], p["P8"], "absent")
    participants.record_attendance(coordinator, sessions["s2"], p["P9"], "excused")
    p["P2"].brought_by_id = p["P1"].id
    p["P8"].brought_by_id = p["P4"].id
    db.session.commit()

    def co(person_key, kind, space, on, session=None):
        person_ = p[person_key]
        db.session.add(
            CoAnimation(
                organisation_id=org.id,
                participant_id=person_.id,
                person_key=person_.anon_key,
                space_id=space.id,
                session_id=session.id if session else None,
                kind=kind,
                occurred_on=on,
                recorded_by_id=coordinator.id,
            )
        )

    co("P1", CoAnimationKind.ANIMATED_TOOL, a, sessions["s3"].starts_on, sessions["s3"])
    co("P1", CoAnimationKind.PROPOSED_SPACE, a, date(2026, 5, 20))
    co("P2", CoAnimationKind.BOARD, a, sessions["s2"].starts_on, sessions["s2"])
    co("P8", CoAnimationKind.ANIMATED_TOOL, b, sessions["s8"].starts_on, sessions["s8"])

    for space, day, kind, people_, partner in [
        (a, date(2026, 3, 2), LogKind.ORIENTATION, 3, ""),
        (a, date(2026, 4, 10), LogKind.ORIENTATION, 1, "PASS de l'hôpital"),
        (a, date(2026, 4, 11), LogKind.ACCOMPANIMENT, 1, ""),
        (a, date(2026, 5, 5), LogKind.PARTNER_MEETING, 6, "CPAM"),
        (b, date(2026, 6, 6), LogKind.OUTREACH, 12, ""),
        (a, date(2025, 12, 1), LogKind.INTERVIEW, 1, ""),
    ]:
        db.session.add(
            ActivityLogEntry(
                organisation_id=org.id,
                space_id=space.id,
                occurred_on=day,
                kind=kind,
                people=people_,
                partner=partner,
            )
        )
    for space, day, category, people_, state in [
        (a, date(2026, 3, 3), BarrierCategory.REFUSAL_OF_CARE, 2, BarrierState.REPORTED),
        (a, date(2026, 4, 1), BarrierCategory.NO_INTERPRETER, 3, BarrierState.TRANSMITTED),
        (b, date(2026, 6, 10), BarrierCategory.DIGITAL, 7, BarrierState.ANSWERED),
    ]:
        db.session.add(
            Barrier(
                organisation_id=org.id,
                space_id=space.id,
                occurred_on=day,
                category=category,
                institution="Cabinet du quartier",
                description="Rendez-vous refusé faute de papiers.",
                people=people_,
                state=state,
                transmitted_to="ARS" if state is not BarrierState.REPORTED else "",
            )
        )
    db.session.commit()

    # T0 at s1, T1 at s5 (phones linked to their records at the roll call).
    own = "Je sais prendre un rendez-vous"
    statements = [{"key": "steps_alone"}, {"key": "know_rights"}, own]
    t0_board = live.board_for_session(mediator, sessions["s1"])
    phones = {
        k: live.join(t0_board, f"phone-{k}", pseudonym=None, language="fr")
        for k in ("P1", "P2", "P4", "P6", "anon")
    }
    for key in ("P1", "P2", "P4"):
        participants.confirm_check_in(
            mediator, sessions["s1"], phones[key].id, participant_id=p[key].id
        )
    participants.link_live_participant(mediator, phones["P6"], p["P6"])
    t0 = _self_assessment(mediator, t0_board, "t0", statements)
    for key, value in {
        "P1": {"0": 2, "1": 3, "2": 2},
        "P2": {"0": 3, "1": 2},
        "P4": {"0": 1},
        "P6": {"0": 4},
        "anon": {"0": 5},
    }.items():
        live.submit_answer(phones[key], t0.id, secrets.token_hex(8), value)

    t1_board = live.board_for_session(mediator, sessions["s5"])
    later = {
        k: live.join(t1_board, f"phone-{k}", pseudonym=None, language="fr")
        for k in ("P1", "P2", "P4")
    }
    later["P5"] = live.join(t1_board, "phone-P5", pseudonym=None, language="fr")
    participants.link_live_participant(mediator, later["P5"], p["P5"])
    # The T1 lists the statements in another order: they pair by key, not by position.
    t1 = _self_assessment(
        mediator, t1_board, "t1", [own, {"key": "know_rights"}, {"key": "steps_alone"}]
    )
    for key, value in {
        "P1": {"2": 4, "1": 3, "0": 3},
        "P2": {"2": 3, "1": 4},
        "P4": {"2": 5},
        "P5": {"2": 2},
    }.items():
        live.submit_answer(later[key], t1.id, secrets.token_hex(8), value)
    pro = _self_assessment(
        mediator, t1_board, "t1", [{"key": "know_public"}], audience="professionals"
    )
    for n, point in enumerate((5, 4, 2)):
        guest = live.join(t1_board, f"guest-{n}", pseudonym=None, language="fr")
        live.submit_answer(guest, pro.id, secrets.token_hex(8), {"0": point})

    h.projects = _projects(h)

    participants.merge(coordinator, p["P5"], p["P6"])
    participants.staff_erase(coordinator, p["P4"])
    db.session.expire_all()
    return h


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _projects(h: History) -> dict:
    """The collective projects of the docstring (rows written directly, dates chosen)."""
    p, s = h.people, h.sessions

    def project(key, space, title, status, accepted, finished=None):
        row = Project(
            organisation_id=h.org.id,
            space_id=space.id,
            title=title,
            status=status,
            accepted_at=_utc(*accepted, 9) if accepted else None,
            finished_at=_utc(*finished, 9) if finished else None,
            created_by_id=h.coordinator.id,
        )
        db.session.add(row)
        db.session.flush()
        out[key] = row
        return row

    def members(project_, *people_, porteurs=(), guest=False, staff=None):
        for key in people_:
            db.session.add(
                ProjectMember(
                    project_id=project_.id,
                    kind=MemberKind.PARTICIPANT,
                    participant_id=p[key].id,
                    is_porteur=key in porteurs,
                )
            )
        if staff is not None:
            db.session.add(
                ProjectMember(project_id=project_.id, kind=MemberKind.STAFF, user_id=staff.id)
            )
        if guest:
            db.session.add(
                ProjectMember(
                    project_id=project_.id,
                    kind=MemberKind.GUEST,
                    guest_name="Sophie M.",
                    guest_organisation="CCAS",
                )
            )

    def step(project_, title, done_at=None, *, state=StepState.DONE, binned=False):
        db.session.add(
            Step(
                project_id=project_.id,
                title=title,
                state=state,
                done_at=done_at,
                deleted_at=_utc(2026, 6, 1) if binned else None,
            )
        )

    def decision(project_, day, *, voting=False):
        db.session.add(
            Decision(
                project_id=project_.id,
                status=DecisionStatus.VOTING if voting else DecisionStatus.RECORDED,
                question="On y va ?",
                text="" if voting else "On y va.",
                decided_on=None if voting else day,
            )
        )

    def action(project_, kind, day, *, confirmed=True, binned=False):
        db.session.add(
            ProjectAction(
                project_id=project_.id,
                kind=kind,
                title=f"Action {kind.value} {day.isoformat()}",
                happened_on=day,
                confirmed=confirmed,
                deleted_at=_utc(2026, 6, 1) if binned else None,
            )
        )

    out: dict = {}
    pa1 = project("PA1", h.a, "Accès aux soins", ProjectStatus.RUNNING, (2025, 10, 1))
    members(pa1, "P1", "P2", "P3", "P4", porteurs=("P1", "P4"), guest=True, staff=h.mediator)
    db.session.add(ProjectMeeting(project_id=pa1.id, session_id=s["s3"].id))
    step(pa1, "La liste des cabinets", _utc(2026, 2, 1, 10))
    step(pa1, "Le réveillon", _utc(2025, 12, 31, 23, 30))  # 1 January 2026 in Paris
    step(pa1, "La Saint-Sylvestre", _utc(2026, 12, 31, 23, 30))  # 2027 in Paris
    step(pa1, "Avant l'année", _utc(2025, 12, 15, 10))
    step(pa1, "À la corbeille", _utc(2026, 3, 1, 10), binned=True)
    step(pa1, "En cours", None, state=StepState.DOING)
    decision(pa1, date(2026, 3, 10))
    decision(pa1, date(2025, 11, 4))
    decision(pa1, None, voting=True)
    action(pa1, ActionKind.LETTER, date(2026, 4, 1))
    action(pa1, ActionKind.TOOL, date(2026, 5, 12))
    action(pa1, ActionKind.EVENT, date(2026, 12, 20))  # after « today »
    action(pa1, ActionKind.TOOL, date(2025, 10, 20))
    action(pa1, ActionKind.TESTIMONY, date(2026, 5, 20), confirmed=False)
    action(pa1, ActionKind.EVENT, date(2026, 5, 1), binned=True)

    pa2 = project(
        "PA2", h.a, "Douleurs et travail", ProjectStatus.FINISHED, (2025, 6, 1), (2025, 12, 20)
    )
    members(pa2, "P5", porteurs=("P5",))
    step(pa2, "Fini avant", _utc(2025, 9, 1, 10))
    pa3 = project(
        "PA3", h.a, "Ateliers cuisine", ProjectStatus.FINISHED, (2026, 1, 20), (2026, 6, 15)
    )
    members(pa3, "P7", porteurs=("P7",))
    action(pa3, ActionKind.EVENT, date(2026, 6, 1))
    project("PA4", h.a, "Jardin partagé", ProjectStatus.IDEA, (2026, 2, 1))

    pb1 = project("PB1", h.b, "Logement et santé", ProjectStatus.RUNNING, (2026, 1, 5))
    members(pb1, "P3", "P8", porteurs=("P3",))
    db.session.add(ProjectMeeting(project_id=pb1.id, session_id=s["s8"].id))
    step(pb1, "Les témoignages", _utc(2026, 3, 1, 10))
    decision(pb1, date(2026, 2, 20))
    pb2 = project("PB2", h.b, "Une proposition", ProjectStatus.IDEA, None)
    members(pb2, "P8", porteurs=("P8",))
    step(pb2, "Pas encore accepté", _utc(2026, 2, 1, 10))
    db.session.commit()
    return out


@pytest.fixture
def history() -> History:
    return build_history()
