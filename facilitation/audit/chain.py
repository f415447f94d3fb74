"""The hash chain of the audit log: canonical form, appending under a lock, verification.

Each entry's hash is the SHA-256 of a canonical JSON of its fields and of the previous
entry's hash, in one chain per organisation. A writer first updates the chain's head row
(``audit_chains``): on PostgreSQL that row lock serialises the writers of one
organisation until they commit; on SQLite the update takes the database's write lock.
So two concurrent writers can never both append after the same entry (and the unique
``(organisation_id, seq)`` would refuse it anyway).

Nothing updates or deletes entries, except the retention purge (``retention.py``), which
removes the oldest ones and records where the kept chain starts (``anchor_seq`` and
``anchor_hash``: the last removed entry), so that verification still passes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..core.database import utcnow
from ..extensions import db
from .models import GENESIS, AuditChain, AuditEntry

HASH_VERSION = 1  # part of the hashed content: a future format can coexist with this one

_chains = AuditChain.__table__
_entries = AuditEntry.__table__


def normalise_details(details: dict[str, Any]) -> dict[str, Any]:
    """Details as they come back from the JSON column (what is hashed is what is read)."""
    return json.loads(json.dumps(details or {}, sort_keys=True, default=str))


def entry_hash(
    *,
    organisation_id: int,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    participant_public_id: str | None,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    payload = {
        "v": HASH_VERSION,
        "org": organisation_id,
        "seq": seq,
        "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "person": participant_public_id,
        "details": details,
        "prev": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _insert_chain_if_missing(organisation_id: int) -> None:
    values = {
        "organisation_id": organisation_id,
        "length": 0,
        "head_hash": GENESIS,
        "anchor_seq": 0,
        "anchor_hash": GENESIS,
    }
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on SQLite and PostgreSQL only
        raise RuntimeError(f"audit chain: unsupported database {dialect}")
    db.session.execute(insert(_chains).values(**values).on_conflict_do_nothing())


def _take_next_seq(organisation_id: int) -> tuple[int, str]:
    """Lock the organisation's chain head; return the new entry's seq and previous hash."""
    bump = (
        sa.update(_chains)
        .where(_chains.c.organisation_id == organisation_id)
        .values(length=_chains.c.length + 1)
    )
    if db.session.execute(bump).rowcount == 0:
        _insert_chain_if_missing(organisation_id)
        db.session.execute(bump)
    seq, prev_hash = db.session.execute(
        sa.select(_chains.c.length, _chains.c.head_hash).where(
            _chains.c.organisation_id == organisation_id
        )
    ).one()
    return seq, prev_hash


def append(
    organisation_id: int,
    action: str,
    *,
    actor_id: int | None,
    participant_public_id: str | None,
    details: dict[str, Any],
    created_at: datetime | None = None,
) -> AuditEntry:
    """Add an entry at the end of the chain, in the caller's transaction (it commits).

    ``created_at`` is now, unless an import (or a test's history) gives the date.
    """
    seq, prev_hash = _take_next_seq(organisation_id)
    created_at = created_at or utcnow()
    details = normalise_details(details)
    digest = entry_hash(
        organisation_id=organisation_id,
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        participant_public_id=participant_public_id,
        details=details,
        prev_hash=prev_hash,
    )
    entry = AuditEntry(
        organisation_id=organisation_id,
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        participant_public_id=participant_public_id,
        details=details,
        prev_hash=prev_hash,
        hash=digest,
    )
    db.session.add(entry)
    db.session.flush()
    db.session.execute(
        sa.update(_chains)
        .where(_chains.c.organisation_id == organisation_id)
        .values(head_hash=digest)
    )
    return entry


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place where an organisation's chain does not hold."""

    organisation_id: int
    entry_id: int | None
    seq: int | None
    created_at: datetime | None
    reason: str


@dataclass(frozen=True)
class Verification:
    chains: int
    entries: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(organisation_id: int) -> Iterator[sa.Row]:
    yield from db.session.execute(
        sa.select(_entries)
        .where(_entries.c.organisation_id == organisation_id)
        .order_by(_entries.c.seq)
        .execution_options(yield_per=1000)
    )


def verify_chain(organisation_id: int) -> tuple[int, Break | None]:
    """Walk one organisation's chain from its anchor; (entries checked, first break)."""
    head = db.session.execute(
        sa.select(_chains).where(_chains.c.organisation_id == organisation_id)
    ).one_or_none()
    anchor_seq, prev = (head.anchor_seq, head.anchor_hash) if head else (0, GENESIS)
    expected_seq, count, last = anchor_seq + 1, 0, None

    def broken(row, reason: str) -> Break:
        return Break(
            organisation_id,
            row.id if row is not None else None,
            row.seq if row is not None else None,
            row.created_at if row is not None else None,
            reason,
        )

    for row in _rows(organisation_id):
        count += 1
        if row.seq < expected_seq:
            return count, broken(row, "an entry older than the purge anchor is still there")
        if row.seq > expected_seq:
            return count, broken(
                row, f"entries {expected_seq} to {row.seq - 1} before this one were removed"
            )
        if row.prev_hash != prev:
            return count, broken(row, "its link to the previous entry does not match")
        digest = entry_hash(
            organisation_id=row.organisation_id,
            seq=row.seq,
            created_at=row.created_at,
            actor_id=row.actor_id,
            action=row.action,
            participant_public_id=row.participant_public_id,
            details=row.details,
            prev_hash=row.prev_hash,
        )
        if digest != row.hash:
            return count, broken(row, "its content was changed after it was written")
        prev, expected_seq, last = row.hash, expected_seq + 1, row
    length = head.length if head else 0
    if expected_seq - 1 != length or prev != (head.head_hash if head else GENESIS):
        return count, broken(
            last, f"the chain should have {length - anchor_seq} entries: the last ones were removed"
        )
    return count, None


def verify() -> Verification:
    """Every organisation's chain; stops at the first break."""
    organisations = sorted(
        set(db.session.scalars(sa.select(_chains.c.organisation_id)))
        | set(db.session.scalars(sa.select(_entries.c.organisation_id).distinct()))
    )
    total = 0
    for organisation_id in organisations:
        count, broken = verify_chain(organisation_id)
        total += count
        if broken is not None:
            return Verification(len(organisations), total, broken)
    return Verification(len(organisations), total, None)
