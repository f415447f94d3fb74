"""Preparing workshops: the library of animation tools, session plans and templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import TimestampMixin, UTCDateTime
from ..extensions import db


class Tool(TimestampMixin, db.Model):
    """An animation tool (outil d'animation): board game, role play, photolangage…"""

    __tablename__ = "tools"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    duration_minutes: Mapped[int] = mapped_column(default=30)
    material: Mapped[str] = mapped_column(sa.Text, default="")
    # Live-board activity kinds the tool uses (e.g. ["debate"] for a débat mouvant).
    activity_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    co_built: Mapped[bool] = mapped_column(default=False)  # built with the public
    # Archived: no longer offered for new plans; the plans that used it keep it. Restorable.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanItem(db.Model):
    """One step of a session's plan: a tool or a moment, with its duration."""

    __tablename__ = "plan_items"
    __table_args__ = (sa.Index("ix_plan_items_session_position", "session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(default=0)
    tool_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tools.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(160))
    duration_minutes: Mapped[int] = mapped_column(default=15)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    tool: Mapped[Tool | None] = relationship()


class SessionTemplate(TimestampMixin, db.Model):
    """A session plan saved to be reused: its steps and its live-board activities."""

    __tablename__ = "session_templates"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"title", "tool_id", "duration_minutes", "notes"}], in order
    steps: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # [{"kind", "prompt", "config"}], in order: recreated on the session's board
    activities: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
