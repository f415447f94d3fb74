"""The audit log: append-only entries, hash-chained per organisation.

An entry names the person by ``Participant.public_id`` (a random UUID, never reused),
not by a row id, and is kept after the person is erased. Each entry stores the hash of
the previous entry of its organisation; ``AuditChain`` holds the head of each chain (its
length and last hash) and the anchor left by the retention purge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.database import TimestampMixin, UTCDateTime
from ..extensions import db

GENESIS = "0" * 64  # the "previous hash" of an organisation's first entry


class AuditEntry(TimestampMixin, db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    seq: Mapped[int]  # 1, 2, 3… within the organisation's chain
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: not staff
    action: Mapped[str] = mapped_column(sa.String(40))
    # Participant.public_id: a plain value, not a foreign key, so the entry outlives an erasure.
    participant_public_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()


class AuditChain(db.Model):
    """The head of an organisation's chain; its row is the lock every writer takes."""

    __tablename__ = "audit_chains"

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), primary_key=True, autoincrement=False
    )
    length: Mapped[int] = mapped_column(default=0)  # seq of the last entry
    head_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS)
    # After a purge: the seq and hash of the last removed entry, where the kept chain starts.
    anchor_seq: Mapped[int] = mapped_column(default=0)
    anchor_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AppendOnly(RuntimeError):
    """An audit entry was changed or removed through the ORM."""


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper, _connection, entry: AuditEntry) -> None:
    # The retention purge removes old entries with a bulk DELETE (chain.py, retention.py);
    # nothing else may change or remove one. PostgreSQL also refuses it (a trigger).
    raise AppendOnly(f"audit entry {entry.id} is append-only")
