"""What the indicators add to the data: the mediation work's activity log, the quality
grids of the ARS guide (annexes 5 and 6), SMART objectives, the *veille* on barriers, and
the structure's small-cell threshold.

No row here names a person or holds health information: the activity log keeps a kind, a
date, a space, a number of people and an optional partner; a barrier keeps a category,
an institution, a description checked for e-mail addresses and phone numbers, and a
number of people.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..spaces.models import Space

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3  # below, « < 2 » would say « 1 »
MAX_THRESHOLD = 20


def _enum(cls, length: int = 30):
    return sa.Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class IndicatorSettings(db.Model):
    """The structure's choices for its indicators: the small-cell threshold."""

    __tablename__ = "indicator_settings"
    __table_args__ = (
        sa.CheckConstraint(
            f"threshold >= {MIN_THRESHOLD} AND threshold <= {MAX_THRESHOLD}",
            name="threshold_range",
        ),
    )

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    threshold: Mapped[int] = mapped_column(default=DEFAULT_THRESHOLD)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LogKind(enum.StrEnum):
    """The mediation work the app cannot see from the sessions (seed 003's indicators)."""

    ORIENTATION = "orientation"
    ACCOMPANIMENT = "accompaniment"  # accompagnement physique
    INTERVIEW = "interview"  # entretien individuel
    PARTNER_MEETING = "partner_meeting"  # réunion partenariale
    INFORMATION_SESSION = "information_session"  # séance d'information
    OUTREACH = "outreach"  # sortie d'aller-vers


class ActivityLogEntry(TimestampMixin, db.Model):
    """One piece of mediation work: a kind, a date, a space, how many people. No name."""

    __tablename__ = "activity_log_entries"
    __table_args__ = (
        sa.CheckConstraint("people >= 1 AND people <= 999", name="people_range"),
        sa.Index("ix_activity_log_entries_space_date", "space_id", "occurred_on"),
        sa.Index("ix_activity_log_entries_org_date", "organisation_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"))
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[LogKind] = mapped_column(_enum(LogKind))
    people: Mapped[int] = mapped_column(default=1)
    partner: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    space: Mapped[Space] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class GridName(enum.StrEnum):
    ANNEX5 = "annex5"  # nine quality criteria
    ANNEX6 = "annex6"  # twelve points in four axes, and three objective questions


class GridVersion(TimestampMixin, db.Model):
    """A quality grid as the team filled it on one date, for the structure or a space."""

    __tablename__ = "quality_grid_versions"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "grid", "scope_key", "filled_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    grid: Mapped[GridName] = mapped_column(_enum(GridName, 10))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id"))  # None: structure
    # "structure" or "space:<id>": one version per scope and date (a NULL space would not
    # be unique in the schema).
    scope_key: Mapped[str] = mapped_column(sa.String(20))
    filled_on: Mapped[date] = mapped_column(sa.Date)
    filled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    space: Mapped[Space | None] = relationship()
    filled_by: Mapped[User | None] = relationship()
    lines: Mapped[list[GridLine]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="GridLine.id"
    )


class GridLine(db.Model):
    """One line of a grid version: the criterion or question, its rating, a comment."""

    __tablename__ = "quality_grid_lines"
    __table_args__ = (sa.UniqueConstraint("version_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quality_grid_versions.id", ondelete="CASCADE")
    )
    item: Mapped[str] = mapped_column(sa.String(40))
    rating: Mapped[str] = mapped_column(sa.String(20), default="")  # "" : not answered
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    version: Mapped[GridVersion] = relationship(back_populates="lines")


class ScopeKind(enum.StrEnum):
    STRUCTURE = "structure"
    SPACE = "space"
    CYCLE = "cycle"
    PROJECT = "project"  # a collective project (facilitation.projects)


class Objective(TimestampMixin, db.Model):
    """A SMART objective: a target for one indicator, one year and one scope."""

    __tablename__ = "objectives"
    __table_args__ = (
        sa.CheckConstraint("target >= 1", name="target_positive"),
        sa.Index("ix_objectives_org_year", "organisation_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    scope_kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, 20))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id"))
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id"))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(sa.String(40))  # a key of definitions.FIGURES
    target: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    space: Mapped[Space | None] = relationship()


class BarrierCategory(enum.StrEnum):
    REFUSAL_OF_CARE = "refusal_of_care"
    NO_INTERPRETER = "no_interpreter"
    DIGITAL = "digital"
    RIGHTS_DELAY = "rights_delay"
    DOMICILIATION = "domiciliation"
    COST = "cost"
    DISCRIMINATION = "discrimination"
    OTHER = "other"


class BarrierState(enum.StrEnum):
    REPORTED = "reported"  # signalé
    TRANSMITTED = "transmitted"  # transmis à (partner, institution, date)
    ANSWERED = "answered"  # réponse reçue
    NO_ANSWER = "no_answer"  # sans réponse


class Barrier(TimestampMixin, db.Model):
    """A barrier met in the field (dysfonctionnement), and how it was passed on."""

    __tablename__ = "barriers"
    __table_args__ = (
        sa.CheckConstraint("people >= 1 AND people <= 9999", name="people_range"),
        sa.Index("ix_barriers_org_date", "organisation_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    category: Mapped[BarrierCategory] = mapped_column(_enum(BarrierCategory))
    institution: Mapped[str] = mapped_column(sa.String(160))  # the service concerned
    description: Mapped[str] = mapped_column(sa.Text)
    people: Mapped[int] = mapped_column(default=1)
    state: Mapped[BarrierState] = mapped_column(
        _enum(BarrierState, 20), default=BarrierState.REPORTED
    )
    transmitted_to: Mapped[str] = mapped_column(sa.String(160), default="", server_default="")
    transmitted_on: Mapped[date | None] = mapped_column(sa.Date)
    answered_on: Mapped[date | None] = mapped_column(sa.Date)
    answer: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # A note of a session's board ("Ce qui bloque") turned into this barrier.
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="SET NULL"), unique=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="SET NULL")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    space: Mapped[Space] = relationship()
