"""Retention: remove what is past its period (``flask --app wsgi purge [--dry-run]``).

What goes, with its period (configuration, see README and docs/privacy.md):

- people inactive for ``RETENTION_PEOPLE_MONTHS`` (no attendance, co-animation, phone on a
  board, new phone or sign-in link since): erased by the participants' own erasure, so
  counts stay right exactly as when the person asks;
- board identities of sessions older than ``RETENTION_BOARD_MONTHS``: the phone's key
  hash, pseudonym and link to a person are blanked; answers stay, as anonymous counts;
- sign-in links and staff invitations used, expired or revoked more than
  ``RETENTION_LINKS_DAYS`` ago;
- audit entries older than ``RETENTION_AUDIT_MONTHS``: the oldest part of each
  organisation's chain, whose last removed hash becomes the anchor of what is kept;
- staff sessions (device, network) ended or idle for more than ``RETENTION_LINKS_DAYS``;
- what other packages register with :func:`register_cleaner` (the projects' bin: steps,
  actions and files deleted more than 30 days ago).

The purge computes a plan first (what ``--dry-run`` prints), then applies it in one
transaction and records, per organisation, one audit entry with its counts.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_timezone

from ..core.database import utcnow
from ..extensions import db
from . import services as audit
from .models import AuditChain, AuditEntry

ANONYMOUS_DEVICE_PREFIX = "~"  # never the start of a SHA-256 hex digest
KINDS = (
    "people",
    "board_identities",
    "sign_in_links",
    "invitations",
    "staff_sessions",
    "audit_entries",
)


@dataclass(frozen=True)
class Cleaner:
    """A clean-up another package runs with the purge: ``count(now)`` says how many things
    would go (``--dry-run``), ``apply(now)`` removes them in the purge's transaction."""

    kind: str
    count: Callable[[datetime], int]
    apply: Callable[[datetime], int]


_cleaners: dict[str, Cleaner] = {}


def register_cleaner(cleaner: Cleaner) -> None:
    _cleaners.setdefault(cleaner.kind, cleaner)


def cleaners() -> list[Cleaner]:
    return list(_cleaners.values())


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


@dataclass(frozen=True)
class Periods:
    people_months: int
    board_months: int
    links_days: int
    audit_months: int

    @classmethod
    def from_config(cls) -> Periods:
        config = current_app.config
        return cls(
            people_months=int(config["RETENTION_PEOPLE_MONTHS"]),
            board_months=int(config["RETENTION_BOARD_MONTHS"]),
            links_days=int(config["RETENTION_LINKS_DAYS"]),
            audit_months=int(config["RETENTION_AUDIT_MONTHS"]),
        )


@dataclass
class Plan:
    """What a purge at ``now`` removes: ids per kind, and per organisation for the log."""

    now: datetime
    periods: Periods
    people: list[int] = field(default_factory=list)
    board_identities: list[int] = field(default_factory=list)
    sign_in_links: list[int] = field(default_factory=list)
    invitations: list[int] = field(default_factory=list)
    staff_sessions: list[int] = field(default_factory=list)
    audit_until: dict[int, int] = field(default_factory=dict)  # organisation -> last seq
    audit_entries: int = 0
    by_organisation: dict[int, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(KINDS, 0))
    )

    def counts(self) -> dict[str, int]:
        return {
            "people": len(self.people),
            "board_identities": len(self.board_identities),
            "sign_in_links": len(self.sign_in_links),
            "invitations": len(self.invitations),
            "staff_sessions": len(self.staff_sessions),
            "audit_entries": self.audit_entries,
        }

    def _count(self, organisation_id: int, kind: str, n: int = 1) -> None:
        self.by_organisation[organisation_id][kind] += n


def _local_day(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return value.astimezone(get_timezone()).date()
    return value


def _last_activity() -> dict[int, date]:
    """Per person: the day of the last thing they took part in."""
    from ..live.models import LiveParticipant
    from ..participants.models import (
        Attendance,
        AttendanceStatus,
        CoAnimation,
        Participant,
        ParticipantDevice,
        ParticipantLink,
    )
    from ..workshops.models import WorkshopSession

    last: dict[int, date] = {}

    def take(rows) -> None:
        for participant_id, when in rows:
            if participant_id is None or when is None:
                continue
            day = _local_day(when)
            if participant_id not in last or day > last[participant_id]:
                last[participant_id] = day

    take(db.session.execute(sa.select(Participant.id, Participant.created_at)))
    take(
        db.session.execute(
            sa.select(Attendance.participant_id, sa.func.max(WorkshopSession.starts_on))
            .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
            .where(
                Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED]),
                Attendance.participant_id.is_not(None),
            )
            .group_by(Attendance.participant_id)
        )
    )
    for model, column in (
        (CoAnimation, CoAnimation.occurred_on),
        (LiveParticipant, LiveParticipant.last_seen_at),
        (ParticipantDevice, ParticipantDevice.created_at),
        (ParticipantLink, ParticipantLink.used_at),
    ):
        take(
            db.session.execute(
                sa.select(model.participant_id, sa.func.max(column))
                .where(model.participant_id.is_not(None))
                .group_by(model.participant_id)
            )
        )
    return last


def plan(now: datetime | None = None, periods: Periods | None = None) -> Plan:
    """What is past its period at ``now``: computed, nothing changed."""
    from ..accounts.models import Invitation, StaffSession, User
    from ..live.models import Board, LiveParticipant
    from ..participants.models import Participant, ParticipantLink
    from ..spaces.models import Space
    from ..workshops.models import Cycle, WorkshopSession

    now = now or utcnow()
    periods = periods or Periods.from_config()
    today = _local_day(now)
    result = Plan(now=now, periods=periods)

    people_cutoff = months_before(today, periods.people_months)
    organisation_of = dict(
        db.session.execute(sa.select(Participant.id, Participant.organisation_id)).tuples().all()
    )
    for participant_id, day in sorted(_last_activity().items()):
        if day < people_cutoff and participant_id in organisation_of:
            result.people.append(participant_id)
            result._count(organisation_of[participant_id], "people")

    board_cutoff = months_before(today, periods.board_months)
    for live_id, organisation_id in db.session.execute(
        sa.select(LiveParticipant.id, Space.organisation_id)
        .join(Board, Board.id == LiveParticipant.board_id)
        .join(WorkshopSession, WorkshopSession.id == Board.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .join(Space, Space.id == Cycle.space_id)
        .where(
            WorkshopSession.starts_on < board_cutoff,
            sa.or_(
                LiveParticipant.pseudonym.is_not(None),
                LiveParticipant.participant_id.is_not(None),
                ~LiveParticipant.device_hash.startswith(ANONYMOUS_DEVICE_PREFIX, autoescape=True),
            ),
        )
        .order_by(LiveParticipant.id)
    ):
        result.board_identities.append(live_id)
        result._count(organisation_id, "board_identities")

    links_cutoff = now - timedelta(days=periods.links_days)
    for link_id, organisation_id in db.session.execute(
        sa.select(ParticipantLink.id, Participant.organisation_id)
        .join(Participant, Participant.id == ParticipantLink.participant_id)
        .where(
            sa.or_(
                ParticipantLink.used_at < links_cutoff, ParticipantLink.expires_at < links_cutoff
            )
        )
        .order_by(ParticipantLink.id)
    ):
        result.sign_in_links.append(link_id)
        result._count(organisation_id, "sign_in_links")
    for invitation_id, organisation_id in db.session.execute(
        sa.select(Invitation.id, Invitation.organisation_id)
        .where(
            sa.or_(
                Invitation.used_at < links_cutoff,
                Invitation.expires_at < links_cutoff,
                Invitation.revoked_at < links_cutoff,
            )
        )
        .order_by(Invitation.id)
    ):
        result.invitations.append(invitation_id)
        result._count(organisation_id, "invitations")
    for session_id, organisation_id in db.session.execute(
        sa.select(StaffSession.id, User.organisation_id)
        .join(User, User.id == StaffSession.user_id)
        .where(
            sa.or_(StaffSession.ended_at < links_cutoff, StaffSession.last_seen_at < links_cutoff)
        )
        .order_by(StaffSession.id)
    ):
        result.staff_sessions.append(session_id)
        result._count(organisation_id, "staff_sessions")

    audit_cutoff = datetime.combine(
        months_before(today, periods.audit_months), datetime.min.time(), tzinfo=get_timezone()
    )
    for chain in db.session.scalars(
        sa.select(AuditChain).execution_options(populate_existing=True)
    ):
        # The oldest entries only: up to the first one that is still within its period.
        first_kept = db.session.scalar(
            sa.select(sa.func.min(AuditEntry.seq)).where(
                AuditEntry.organisation_id == chain.organisation_id,
                AuditEntry.created_at >= audit_cutoff,
            )
        )
        until = chain.length if first_kept is None else first_kept - 1
        if until > chain.anchor_seq:
            removed = db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(
                    AuditEntry.organisation_id == chain.organisation_id,
                    AuditEntry.seq <= until,
                )
            )
            if removed:
                result.audit_until[chain.organisation_id] = until
                result.audit_entries += removed
                result._count(chain.organisation_id, "audit_entries", removed)
    return result


def _erase(participant) -> None:
    """The participants' own erasure: the same as when the person asks for it."""
    from ..participants import services as participants

    participants.erase_person(participant)


def _allow_audit_deletion() -> None:
    """PostgreSQL: the trigger on audit_entries lets this transaction delete (only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT set_config('facilitation.audit_purge', 'on', true)"))


def apply(plan_: Plan) -> dict[str, int]:
    """Remove what the plan lists, in one transaction; audit it per organisation."""
    from ..accounts.models import Invitation, StaffSession
    from ..live.models import LiveParticipant
    from ..participants.models import Participant, ParticipantLink

    for participant_id in plan_.people:
        person = db.session.get(Participant, participant_id)
        if person is None:
            continue
        audit.record(
            person.organisation_id,
            audit.RETENTION_ERASE,
            actor=None,
            participant=person,
            inactive_months=plan_.periods.people_months,
        )
        _erase(person)
        db.session.flush()

    for live_id in plan_.board_identities:
        db.session.execute(
            sa.update(LiveParticipant)
            .where(LiveParticipant.id == live_id)
            .values(
                participant_id=None,
                pseudonym=None,
                device_hash=ANONYMOUS_DEVICE_PREFIX + secrets.token_hex(32)[1:],
            )
        )
    if plan_.sign_in_links:
        db.session.execute(
            sa.delete(ParticipantLink).where(ParticipantLink.id.in_(plan_.sign_in_links))
        )
    if plan_.invitations:
        db.session.execute(sa.delete(Invitation).where(Invitation.id.in_(plan_.invitations)))
    if plan_.staff_sessions:  # their control sockets' rows go with them (cascade)
        db.session.execute(sa.delete(StaffSession).where(StaffSession.id.in_(plan_.staff_sessions)))

    if plan_.audit_until:
        _allow_audit_deletion()
    for organisation_id, until in plan_.audit_until.items():
        anchor_hash = db.session.scalar(
            sa.select(AuditEntry.hash).where(
                AuditEntry.organisation_id == organisation_id, AuditEntry.seq == until
            )
        )
        db.session.execute(
            sa.delete(AuditEntry).where(
                AuditEntry.organisation_id == organisation_id, AuditEntry.seq <= until
            )
        )
        db.session.execute(
            sa.update(AuditChain)
            .where(AuditChain.organisation_id == organisation_id)
            .values(anchor_seq=until, anchor_hash=anchor_hash, purged_at=plan_.now)
        )

    for organisation_id, counts in sorted(plan_.by_organisation.items()):
        if any(counts.values()):
            audit.record(
                organisation_id,
                audit.PURGE,
                actor=None,
                periods={
                    "people_months": plan_.periods.people_months,
                    "board_months": plan_.periods.board_months,
                    "links_days": plan_.periods.links_days,
                    "audit_months": plan_.periods.audit_months,
                },
                **counts,
            )
    db.session.commit()
    return plan_.counts()


def purge(now: datetime | None = None, *, dry_run: bool = False) -> dict[str, int]:
    """Counts per kind of what is (or, with ``dry_run``, would be) removed."""
    plan_ = plan(now)
    if dry_run:
        counts = {**plan_.counts(), **{c.kind: c.count(plan_.now) for c in cleaners()}}
        db.session.rollback()
        return counts
    extra = {c.kind: c.apply(plan_.now) for c in cleaners()}
    return {**apply(plan_), **extra}
