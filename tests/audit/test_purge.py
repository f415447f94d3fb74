"""Retention: ``flask purge`` on a history with known dates removes exactly what is past
its period (default periods: people 24 months, board identities 3 months, links and
invitations 30 days, audit entries 12 months), keeps the rest and the counts, and is
itself audited; ``--dry-run`` says the same and changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import get_timezone

from facilitation.accounts.models import Invitation, Role, StaffSession
from facilitation.audit import chain, retention
from facilitation.audit import services as audit
from facilitation.audit.models import AuditChain, AuditEntry
from facilitation.core.database import utcnow
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import ActivityStatus, Answer, LiveParticipant
from facilitation.participants import services as participants
from facilitation.participants.models import (
    Attendance,
    CoAnimation,
    CoAnimationKind,
    Participant,
    ParticipantLink,
)
from facilitation.participants.services.people import join_space

from .. import factories

EXPECTED = {
    "people": 3,
    "board_identities": 3,
    "sign_in_links": 2,
    "invitations": 3,
    "staff_sessions": 2,
    "audit_entries": 10,
    "project_bin": 0,
}


@dataclass
class History:
    now: object
    old_board: object
    poll: object
    other_org: object


def _days_ago(now, days: int):
    return now - timedelta(days=days)


def _person(world, pseudonym: str, created):
    person = Participant(
        organisation_id=world.org.id, pseudonym=pseudonym, consents={}, created_at=created
    )
    db.session.add(person)
    db.session.flush()
    join_space(world.space.id, person.id)
    db.session.commit()
    return person


def _session_on(world, day):
    return factories.session(world.cycle, theme=f"Séance du {day}", starts_on=day)


def _came(world, person, day) -> None:
    participants.record_attendance(world.mediator, _session_on(world, day), person, "present")


def _link(person, *, expires_at, used_at=None) -> None:
    db.session.add(
        ParticipantLink(
            token_hash=hashlib.sha256(f"{person.id}{expires_at}".encode()).hexdigest(),
            participant_id=person.id,
            expires_at=expires_at,
            used_at=used_at,
        )
    )


def _invitation(world, n: int, *, expires_at, used_at=None, revoked_at=None) -> None:
    db.session.add(
        Invitation(
            organisation_id=world.org.id,
            token_hash=hashlib.sha256(f"invitation-{n}".encode()).hexdigest(),
            role=Role.MEDIATOR,
            created_by_id=world.coordinator.id,
            expires_at=expires_at,
            used_at=used_at,
            revoked_at=revoked_at,
        )
    )


def _staff_session(world, name: str, *, seen, ended=None) -> None:
    db.session.add(
        StaffSession(
            user_id=world.mediator.id,
            token_hash=hashlib.sha256(name.encode()).hexdigest(),
            authenticated_at=seen,
            last_seen_at=seen,
            ended_at=ended,
            device="Firefox · Android",
        )
    )


def _journey_reads(world, now, person, days: int, n: int) -> None:
    for _ in range(n):
        chain.append(
            world.org.id,
            audit.VIEW_JOURNEY,
            actor_id=world.mediator.id,
            participant_public_id=person.public_id,
            details={},
            created_at=_days_ago(now, days),
        )


def build_history(world) -> History:
    now = utcnow()
    today = now.astimezone(get_timezone()).date()
    long_ago = _days_ago(now, 915)  # about 30 months

    # People: three are past 24 months without taking part in anything.
    revenu = _person(world, "Revenu", long_ago)
    # The chain's oldest entries come first (the purge removes from its start): the roll
    # calls below are audited today, so the back-dated entries are written before them.
    for days, n in ((425, 5), (395, 3)):
        _journey_reads(world, now, revenu, days, n)
    ancien = _person(world, "Ancien", long_ago)
    _came(world, ancien, today - timedelta(days=790))  # ~26 months: erased
    _came(world, revenu, today - timedelta(days=790))
    _came(world, revenu, today - timedelta(days=150))  # came back 5 months ago: kept
    coanim = _person(world, "Coanim", long_ago)
    db.session.add(
        CoAnimation(
            organisation_id=world.org.id,
            participant_id=coanim.id,
            person_key=coanim.anon_key,
            space_id=world.space.id,
            kind=CoAnimationKind.ANIMATED_TOOL,
            occurred_on=today - timedelta(days=700),  # ~23 months: kept
        )
    )
    telephone = _person(world, "Téléphone", long_ago)  # a phone on a board last month: kept
    _person(world, "Nouveau", _days_ago(now, 30))  # registered last month: kept
    _person(world, "Oublié", _days_ago(now, 760))  # ~25 months, nothing since: erased
    limite = _person(world, "Limite", long_ago)
    _came(world, limite, retention.months_before(today, 24))  # exactly 24 months: kept
    avant = _person(world, "Juste avant", long_ago)
    _came(world, avant, retention.months_before(today, 24) - timedelta(days=1))  # erased

    # Boards: one 5 months old (its 3 phones are anonymised), one last month (kept).
    old_session = _session_on(world, today - timedelta(days=150))
    old_board = live.board_for_session(world.mediator, old_session)
    poll = live.add_activity(
        world.mediator, old_board, kind="poll", prompt="Ça va ?", config={"choices": ["Oui", "Non"]}
    )
    poll.status = ActivityStatus.OPEN
    db.session.commit()
    for n, (key, pseudonym) in enumerate([("p1", "Nour"), ("p2", None), ("p3", "Revenu")]):
        phone = live.join(old_board, f"old-{key}", pseudonym=pseudonym, language="fr")
        live.submit_answer(phone, poll.id, f"answer-{key}", n % 2)
        if key == "p3":
            phone.participant_id = revenu.id
    new_board = live.board_for_session(
        world.mediator, _session_on(world, today - timedelta(days=30))
    )
    linked = live.join(new_board, "new-p1", pseudonym="Téléphone", language="fr")
    linked.participant_id, linked.last_seen_at = telephone.id, _days_ago(now, 30)
    live.join(new_board, "new-p2", pseudonym=None, language="fr")

    # Sign-in links and invitations: used, expired or revoked more than 30 days ago go.
    _link(revenu, expires_at=_days_ago(now, 33), used_at=_days_ago(now, 40))  # removed
    _link(revenu, expires_at=_days_ago(now, 31))  # removed
    _link(revenu, expires_at=_days_ago(now, 10))  # kept
    _link(coanim, expires_at=now + timedelta(days=5))  # kept
    _link(ancien, expires_at=now + timedelta(days=5))  # goes with Ancien (not counted)
    _invitation(world, 1, expires_at=_days_ago(now, 40), used_at=_days_ago(now, 45))  # removed
    _invitation(world, 2, expires_at=_days_ago(now, 60))  # removed
    _invitation(world, 3, expires_at=now + timedelta(days=3), revoked_at=_days_ago(now, 31))
    _invitation(world, 4, expires_at=now + timedelta(days=10))  # kept
    _invitation(world, 5, expires_at=_days_ago(now, 5))  # kept
    # Staff sessions: ended or idle more than 30 days ago go (with their device and network).
    _staff_session(world, "ended", seen=_days_ago(now, 40), ended=_days_ago(now, 40))  # removed
    _staff_session(world, "idle", seen=_days_ago(now, 31))  # removed
    _staff_session(world, "recent", seen=_days_ago(now, 2), ended=_days_ago(now, 2))  # kept
    _staff_session(world, "open", seen=now)  # kept
    db.session.commit()

    # Audit entries: 8 older than 12 months, then newer ones (and 2 in another structure).
    for days, n in ((330, 1), (10, 2)):
        _journey_reads(world, now, revenu, days, n)
    other_org = factories.organisation("Autre structure")
    for _ in range(2):
        chain.append(
            other_org.id,
            audit.LOGIN,
            actor_id=None,
            participant_public_id=None,
            details={},
            created_at=_days_ago(now, 500),
        )
    db.session.commit()
    return History(now=now, old_board=old_board, poll=poll, other_org=other_org)


def snapshot() -> dict:
    db.session.expire_all()
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in db.metadata.sorted_tables
    }


def pseudonyms() -> set[str]:
    return set(db.session.scalars(sa.select(Participant.pseudonym)))


def test_dry_run_counts_what_the_purge_would_remove_and_changes_nothing(world):
    history = build_history(world)
    before = snapshot()
    assert retention.purge(history.now, dry_run=True) == EXPECTED
    assert snapshot() == before


def test_purge_removes_exactly_what_is_past_its_period(world):
    history = build_history(world)
    attendance_rows = db.session.scalar(sa.select(sa.func.count(Attendance.id)))
    tally = live.results(history.poll)
    erased_ids = {
        p.public_id
        for p in db.session.scalars(
            sa.select(Participant).where(
                Participant.pseudonym.in_(["Ancien", "Oublié", "Juste avant"])
            )
        )
    }

    assert retention.purge(history.now) == EXPECTED

    db.session.expire_all()
    assert pseudonyms() == {"Revenu", "Coanim", "Téléphone", "Nouveau", "Limite"}
    # Erased as when the person asks: their attendance rows stay, anonymous, for the counts.
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == attendance_rows
    # The old board's phones are anonymous; their answers still count.
    old_phones = list(
        db.session.scalars(
            sa.select(LiveParticipant).where(LiveParticipant.board_id == history.old_board.id)
        )
    )
    assert [(p.pseudonym, p.participant_id) for p in old_phones] == [(None, None)] * 3
    assert all(p.device_hash.startswith("~") and len(p.device_hash) == 64 for p in old_phones)
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 3
    assert live.results(history.poll) == tally
    # Last month's board is untouched.
    assert set(
        db.session.scalars(
            sa.select(LiveParticipant.pseudonym).where(
                LiveParticipant.board_id != history.old_board.id
            )
        )
    ) == {"Téléphone", None}
    # Links and invitations within 30 days of their end stay.
    assert db.session.scalar(sa.select(sa.func.count(ParticipantLink.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 2

    # The audit log: the oldest part is gone, the rest still verifies from its anchor.
    head = db.session.get(AuditChain, world.org.id)
    assert (head.anchor_seq, head.purged_at is not None) == (8, True)
    kept = list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.organisation_id == world.org.id)
            .order_by(AuditEntry.seq)
        )
    )
    assert kept[0].seq == 9
    assert chain.verify().ok
    # …and the purge is in it: each erased person by public id, then the counts.
    erasures = [e for e in kept if e.action == audit.RETENTION_ERASE]
    assert {e.participant_public_id for e in erasures} == erased_ids
    assert all(e.actor_id is None for e in erasures)
    (summary,) = [e for e in kept if e.action == audit.PURGE]
    assert summary.seq == kept[-1].seq
    in_plan = {k: EXPECTED[k] for k in retention.KINDS}  # the bin is counted by its cleaner
    assert {k: summary.details[k] for k in retention.KINDS} == {**in_plan, "audit_entries": 8}
    assert summary.details["periods"] == {
        "people_months": 24,
        "board_months": 3,
        "links_days": 30,
        "audit_months": 12,
    }
    (other,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.organisation_id == history.other_org.id)
    )
    assert (other.action, other.seq, other.details["audit_entries"]) == (audit.PURGE, 3, 2)

    # Nothing more to remove right after.
    entries_now = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    assert retention.purge(history.now) == dict.fromkeys(EXPECTED, 0)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == entries_now


def test_purge_command_prints_the_counts(runner, world):
    build_history(world)
    before = snapshot()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert snapshot() == before
    real = runner.invoke(args=["purge"])
    assert real.exit_code == 0, real.output
    for text, n in [
        ("inactive people erased", 3),
        ("board identities anonymised", 3),
        ("sign-in links removed", 2),
        ("staff invitations removed", 3),
        ("ended staff sessions removed", 2),
        ("audit entries removed", 10),
        ("project bin items removed (deleted over 30 days ago)", 0),
    ]:
        assert f"{text}: {n}" in dry.output
        assert f"{text}: {n}" in real.output
    assert dry.output.startswith("Dry run, nothing removed.")
    assert "people 24 months" in real.output
    assert runner.invoke(args=["audit-verify"]).exit_code == 0


def test_periods_come_from_the_configuration(app, world):
    history = build_history(world)
    app.config["RETENTION_PEOPLE_MONTHS"] = 12  # Revenu's visit 5 months ago still counts
    try:
        counts = retention.purge(history.now, dry_run=True)
    finally:
        app.config["RETENTION_PEOPLE_MONTHS"] = 24
    # Coanim (23 months), Limite (24), Téléphone's record (30 months, phone last month: kept)
    assert counts["people"] == 5


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-03-31", 1, "2026-02-28"),
        ("2024-03-31", 1, "2024-02-29"),
        ("2026-01-15", 24, "2024-01-15"),
        ("2026-01-15", 13, "2024-12-15"),
    ],
)
def test_months_before(day, months, expected):
    from datetime import date

    assert retention.months_before(date.fromisoformat(day), months) == date.fromisoformat(expected)
