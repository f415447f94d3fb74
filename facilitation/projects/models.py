"""Collective projects: a group's project in a space, its members, steps, decisions, actions.

A project belongs to one space; only that space's staff and the project's members see it.
Members are participants (by pseudonym), staff, or partner guests known by a name and an
organisation (no account). Steps carry a version for optimistic concurrency; steps, actions
and attachments are soft-deleted into a bin (``deleted_at``) that staff restore for 30 days.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.database import TimestampMixin, UTCDateTime, utcnow
from ..core.uploads import Upload
from ..extensions import db
from ..participants.models import Participant
from ..spaces.models import Space
from ..workshops.models import WorkshopSession


def _enum(cls):
    return sa.Enum(
        cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class ProjectStatus(enum.StrEnum):
    IDEA = "idea"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class StepState(enum.StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class MemberKind(enum.StrEnum):
    PARTICIPANT = "participant"
    STAFF = "staff"
    GUEST = "guest"  # a partner professional: a name and an organisation, no account


class ActionKind(enum.StrEnum):
    LETTER = "letter"
    EVENT = "event"
    MEETING = "meeting"  # with a partner or an institution
    TOOL = "tool"  # a tool co-built with the public
    TESTIMONY = "testimony"
    OTHER = "other"


class DecisionStatus(enum.StrEnum):
    VOTING = "voting"  # the question is on the live board
    RECORDED = "recorded"


class Project(TimestampMixin, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    aim: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[ProjectStatus] = mapped_column(_enum(ProjectStatus), default=ProjectStatus.IDEA)
    # A project proposed from a phone waits for staff: accepted_at stays NULL until then.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The cycle that holds the project's meetings (created with the first meeting).
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped at every change: real-time clients drop what is older.
    version: Mapped[int] = mapped_column(default=0)

    space: Mapped[Space] = relationship()
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMember.id"
    )
    determinant_links: Mapped[list[ProjectDeterminant]] = relationship(
        cascade="all, delete-orphan", order_by="ProjectDeterminant.key"
    )

    @property
    def is_proposal(self) -> bool:
        return self.accepted_at is None

    @property
    def determinant_keys(self) -> list[str]:
        return [link.key for link in self.determinant_links]


class CustomDeterminant(TimestampMixin, db.Model):
    """A determinant of health the coordinator added to the fixed list."""

    __tablename__ = "custom_determinants"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(60))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")


class ProjectDeterminant(db.Model):
    """A determinant a project acts on: a built-in key ("housing") or "c<id>" (custom)."""

    __tablename__ = "project_determinants"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class ProjectMember(TimestampMixin, db.Model):
    __tablename__ = "project_members"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "participant_id"),
        sa.UniqueConstraint("project_id", "user_id"),
        sa.CheckConstraint(
            "(kind = 'participant' AND participant_id IS NOT NULL AND user_id IS NULL)"
            " OR (kind = 'staff' AND user_id IS NOT NULL AND participant_id IS NULL)"
            " OR (kind = 'guest' AND user_id IS NULL AND participant_id IS NULL"
            " AND guest_name IS NOT NULL)",
            name="one_identity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MemberKind] = mapped_column(_enum(MemberKind))
    # Erasing a person removes their membership (and their name on steps) with them.
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    guest_name: Mapped[str | None] = mapped_column(sa.String(80))
    guest_organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    is_porteur: Mapped[bool] = mapped_column(default=False)
    # A porteur's pseudonym appears on the projector only if they agreed.
    shown_on_screen: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="members")
    participant: Mapped[Participant | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        if self.kind is MemberKind.PARTICIPANT:
            return self.participant.pseudonym if self.participant else ""
        if self.kind is MemberKind.STAFF:
            return self.user.display_name if self.user else ""
        return self.guest_name or ""


step_assignees = sa.Table(
    "step_assignees",
    db.metadata,
    sa.Column("step_id", sa.ForeignKey("project_steps.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "member_id",
        sa.ForeignKey("project_members.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Step(db.Model):
    __tablename__ = "project_steps"
    __table_args__ = (sa.Index("ix_project_steps_project_state", "project_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(160))
    needs: Mapped[str] = mapped_column(sa.String(300), default="")
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    state: Mapped[StepState] = mapped_column(_enum(StepState), default=StepState.TODO)
    # Optimistic concurrency: each save says which version it started from.
    version: Mapped[int] = mapped_column(default=1)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    from_decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project_decisions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignees: Mapped[list[ProjectMember]] = relationship(
        secondary=step_assignees, order_by="ProjectMember.id"
    )


class Decision(db.Model):
    """A decision of the group: by a vote on the live board, or noted as agreed.

    What is kept of a vote is counts only (the result snapshot), never who voted what.
    """

    __tablename__ = "project_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DecisionStatus] = mapped_column(_enum(DecisionStatus))
    question: Mapped[str] = mapped_column(sa.String(300))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="SET NULL")
    )
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str | None] = mapped_column(sa.String(20))  # the board's activity kind
    text: Mapped[str] = mapped_column(sa.String(300), default="")  # the decision, one sentence
    # {"kind", "labels": [...], "results": {...tally...}}: counts only.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    participant_count: Mapped[int | None] = mapped_column()  # phones that took part
    # Typed in by the animator for people without a phone: {"counts": [...], "total": n}.
    hand_count: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    revisit_on: Mapped[date | None] = mapped_column(sa.Date)  # "on en reparle le …"
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[WorkshopSession | None] = relationship()


class ProjectAction(db.Model):
    """Something the group produced or did: a letter, an event, a meeting, a tool…"""

    __tablename__ = "project_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActionKind] = mapped_column(_enum(ActionKind))
    title: Mapped[str] = mapped_column(sa.String(160))
    text: Mapped[str] = mapped_column(sa.String(1000), default="")
    happened_on: Mapped[date] = mapped_column(sa.Date)
    # Proposed from a member's phone: shown as such until staff confirm it.
    proposed_by_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project_members.id", ondelete="SET NULL")
    )
    confirmed: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.id", back_populates="action"
    )


class Attachment(db.Model):
    """A file attached to an action, kept in the upload store (never under static/)."""

    __tablename__ = "project_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project_actions.id", ondelete="CASCADE"), index=True
    )
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("uploads.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    action: Mapped[ProjectAction] = relationship(back_populates="attachments")
    upload: Mapped[Upload] = relationship()


class ProjectMeeting(db.Model):
    """A session of the space that is a meeting of the project (attendance, board reused)."""

    __tablename__ = "project_meetings"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), primary_key=True, unique=True
    )

    session: Mapped[WorkshopSession] = relationship()
