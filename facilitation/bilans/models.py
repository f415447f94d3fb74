"""Bilans partagés: a review a group writes together, section by section.

A ``Bilan`` has a scope (a session, a cycle, a project or a space's year) and is run on
the live board of one session (``session_id``): each question is an idea-wall activity
there (answers hidden until revealed, anonymous), plus a météo for the templates that
ask for one. Notes are grouped into ``BilanTheme`` rows (a note is in one theme at most:
the primary key of ``BilanThemeNote``); votes stay on the notes (the idea wall's dots),
so regrouping moves them with their notes. Each section's text carries a version
(compare-and-set) and keeps every saved version in ``BilanRevision``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, utcnow
from ..extensions import db


def _enum(cls):
    return sa.Enum(
        cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class BilanScope(enum.StrEnum):
    SESSION = "session"
    CYCLE = "cycle"
    PROJECT = "project"
    SPACE_YEAR = "space_year"


class BilanStatus(enum.StrEnum):
    OPEN = "open"
    FINALISED = "finalised"


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    SET_ASIDE = "set_aside"


class BilanTemplate(db.Model):
    """The questions of a bilan. Built-ins are copied into each structure (``builtin``)."""

    __tablename__ = "bilan_templates"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    builtin: Mapped[str | None] = mapped_column(sa.String(20))  # seance, cycle, projet, 4l
    questions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    with_meteo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Bilan(db.Model):
    __tablename__ = "bilans"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"), index=True)
    scope: Mapped[BilanScope] = mapped_column(_enum(BilanScope))
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    year: Mapped[int | None] = mapped_column()
    # The session whose live board collects the notes (the scope itself for a session).
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop_sessions.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    template_name: Mapped[str] = mapped_column(sa.String(120))
    meteo_activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="SET NULL")
    )
    step: Mapped[int] = mapped_column(default=1)  # 1..5, shown as « étape N sur 5 »
    current_position: Mapped[int] = mapped_column(default=0)  # the section on the screen
    status: Mapped[BilanStatus] = mapped_column(_enum(BilanStatus), default=BilanStatus.OPEN)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contributor_count: Mapped[int | None] = mapped_column()  # a count, never names
    figures: Mapped[list[Any] | None] = mapped_column(sa.JSON)  # snapshot when finalised
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sections: Mapped[list[BilanSection]] = relationship(
        back_populates="bilan", order_by="BilanSection.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[BilanAction]] = relationship(
        order_by="BilanAction.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[BilanEvent]] = relationship(
        order_by="BilanEvent.id", cascade="all, delete-orphan"
    )
    space = relationship("Space")
    cycle = relationship("Cycle")
    project = relationship("Project")
    session = relationship("WorkshopSession")

    @property
    def finalised(self) -> bool:
        return self.status is BilanStatus.FINALISED


class BilanSection(db.Model):
    """One question of the bilan: its notes (an idea wall), its text, its pen."""

    __tablename__ = "bilan_sections"
    __table_args__ = (sa.UniqueConstraint("bilan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bilan_id: Mapped[int] = mapped_column(sa.ForeignKey("bilans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    question: Mapped[str] = mapped_column(sa.String(300))
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=0)
    # Who holds the pen: "user:<id>" (staff) or "phone:<live participant id>"; None: free.
    pen: Mapped[str | None] = mapped_column(sa.String(40))

    bilan: Mapped[Bilan] = relationship(back_populates="sections")
    themes: Mapped[list[BilanTheme]] = relationship(
        order_by="BilanTheme.id", cascade="all, delete-orphan"
    )


class BilanRevision(db.Model):
    """Every saved version of a section's text (history, restore)."""

    __tablename__ = "bilan_revisions"
    __table_args__ = (sa.UniqueConstraint("section_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bilan_sections.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text, default="")
    by_phone: Mapped[bool] = mapped_column(default=False)  # a co-animating phone held the pen
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    restored_from: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")


class BilanProposal(db.Model):
    """A sentence proposed from a phone; the pen holder accepts, edits or sets it aside."""

    __tablename__ = "bilan_proposals"
    __table_args__ = (sa.UniqueConstraint("section_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bilan_sections.id", ondelete="CASCADE"), index=True
    )
    # Kept only to count contributors; never shown, never exported.
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_participants.id", ondelete="SET NULL")
    )
    client_id: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus), default=ProposalStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BilanTheme(db.Model):
    """A named group of similar notes of one section."""

    __tablename__ = "bilan_themes"
    __table_args__ = (sa.UniqueConstraint("section_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bilan_sections.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(40))


class BilanThemeNote(db.Model):
    """A note in a theme: one theme per note (the primary key); its votes stay on the note."""

    __tablename__ = "bilan_theme_notes"

    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bilan_themes.id", ondelete="CASCADE"), index=True
    )


class BilanAction(db.Model):
    """What next: who and when; a step of the project, or a proposal for the next cycle."""

    __tablename__ = "bilan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bilan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bilans.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(sa.String(160))
    who: Mapped[str] = mapped_column(sa.String(120), default="")
    due: Mapped[str] = mapped_column(sa.String(60), default="")  # « en mars », « 12/03 »
    step_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project_steps.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def for_next_cycle(self) -> bool:
        return self.step_id is None


class BilanEvent(db.Model):
    """Finalised, reopened (with its reason): the bilan's own history."""

    __tablename__ = "bilan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    bilan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bilans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))  # finalised | reopened
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")
