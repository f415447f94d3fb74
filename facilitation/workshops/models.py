"""Cycles of workshops (cycles d'ateliers) and their sessions (séances)."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.database import TimestampMixin, UTCDateTime
from ..extensions import db
from ..spaces.models import Space


class Cycle(TimestampMixin, db.Model):
    """A series of workshops in one space, e.g. the *tronc commun* cycle."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    space: Mapped[Space] = relationship()
    sessions: Mapped[list[WorkshopSession]] = relationship(
        back_populates="cycle",
        order_by="(WorkshopSession.starts_on, WorkshopSession.starts_at)",
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class WorkshopSession(TimestampMixin, db.Model):
    """One workshop meeting (séance): when, where, about what.

    Date and times are local wall-clock values (the structure's time zone): a
    workshop "at 14:00 on 3 March" stays at 14:00 whatever the season.
    """

    __tablename__ = "workshop_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_workshop_sessions_cycle_date", "cycle_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"))
    theme: Mapped[str] = mapped_column(sa.String(160))
    starts_on: Mapped[date] = mapped_column(sa.Date, index=True)
    starts_at: Mapped[time] = mapped_column(sa.Time)
    ends_at: Mapped[time | None] = mapped_column(sa.Time)
    place: Mapped[str] = mapped_column(sa.String(160), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    cycle: Mapped[Cycle] = relationship(back_populates="sessions")
    created_by: Mapped[User | None] = relationship()

    @property
    def space(self) -> Space:
        return self.cycle.space

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
