"""The live board of a session: its activities, the phones that joined, their answers.

A ``Board`` belongs to one workshop session (séance). Phones join it by a short code
and become ``LiveParticipant`` rows, identified by a random device key kept in a
cookie (only its hash is stored). Answers are unique per participant and activity
in the schema; contributions (post-its, questions) can be many.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..workshops.models import WorkshopSession


def _enum(cls):
    return sa.Enum(
        cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class ActivityKind(enum.StrEnum):
    POLL = "poll"
    SCALE = "scale"
    WORDCLOUD = "wordcloud"
    IDEAS = "ideas"
    RANKING = "ranking"
    QUIZ = "quiz"
    DEBATE = "debate"
    QUESTIONS = "questions"
    SENSECHECK = "senscheck"  # a quick 👍 / 🤔 / 👎
    SELF_ASSESSMENT = "self_assessment"  # T0/T1 statements on a 1–5 scale (indicators)
    PHOTOLANGAGE = "photolangage"  # pick one or two photos that speak to you


class ActivityStatus(enum.StrEnum):
    DRAFT = "draft"  # prepared, not yet answered
    OPEN = "open"  # answers accepted
    CLOSED = "closed"  # answers refused, results kept


class Board(TimestampMixin, db.Model):
    """The live board of one session: join code, current activity, who animates."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), unique=True
    )
    join_code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    screen_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    current_activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", use_alter=True, ondelete="SET NULL")
    )
    # Bumped at every change of what phones should show: lets clients drop stale states.
    version: Mapped[int] = mapped_column(default=0)
    # New phones may join around the session's date; staff can reopen it until this time.
    join_open_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[WorkshopSession] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        back_populates="board",
        order_by="Activity.position",
        foreign_keys="Activity.board_id",
    )
    current_activity: Mapped[Activity | None] = relationship(
        foreign_keys=[current_activity_id], post_update=True
    )


class Activity(TimestampMixin, db.Model):
    """One interactive step on the board (a poll, a word cloud, a débat mouvant…)."""

    __tablename__ = "activities"
    __table_args__ = (sa.Index("ix_activities_board_position", "board_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ActivityKind] = mapped_column(_enum(ActivityKind))
    prompt: Mapped[str] = mapped_column(sa.String(300))
    # Kind-specific settings: choices, pictograms, right answer, dots per person…
    config: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[ActivityStatus] = mapped_column(
        _enum(ActivityStatus), default=ActivityStatus.DRAFT
    )
    results_visible: Mapped[bool] = mapped_column(default=False)
    # Kind-specific live state: idea-wall phase and columns, débat phase, hidden words…
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    board: Mapped[Board] = relationship(back_populates="activities", foreign_keys=[board_id])


class LiveParticipant(db.Model):
    """A phone that joined a board. Pseudonymous or anonymous; never an account."""

    __tablename__ = "live_participants"
    __table_args__ = (sa.UniqueConstraint("board_id", "device_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    device_hash: Mapped[str] = mapped_column(sa.String(64))
    pseudonym: Mapped[str | None] = mapped_column(sa.String(40))  # None: stays anonymous
    # The participant record this phone is linked to (check-in confirmed, or known phone).
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(sa.String(8), default="fr")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    board: Mapped[Board] = relationship()


class Answer(db.Model):
    """A participant's answer to an activity: one per person, changeable while open."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("activity_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_participants.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64))  # last submission, for retries
    value: Mapped[Any] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Contribution(db.Model):
    """A post-it on an idea wall or a question: several per person, each moderable."""

    __tablename__ = "contributions"
    __table_args__ = (sa.UniqueConstraint("activity_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_participants.id", ondelete="SET NULL"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.String(300))
    column: Mapped[str | None] = mapped_column(sa.String(40))  # idea wall grouping
    hidden: Mapped[bool] = mapped_column(default=False)  # moderation
    # Pre-moderation (questions): hidden until the animator approves it; refused → hidden.
    pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    answered: Mapped[bool] = mapped_column(default=False)  # questions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Handover(db.Model):
    """The board handed to a participant (co-animation), for the session or one activity."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_participants.id", ondelete="CASCADE")
    )
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="CASCADE")
    )  # None: the whole session
    given_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participant: Mapped[LiveParticipant] = relationship()
    activity: Mapped[Activity | None] = relationship()
    given_by: Mapped[User | None] = relationship()


class LiveConnection(db.Model):
    """One open Socket.IO connection to a board, written by the process that holds it.

    Presence is counted from these rows, never from counters: a row exists while its
    socket is open; the process refreshes ``seen_at`` of its own rows (heartbeat), and a
    row not refreshed for a while belongs to a process that died — it no longer counts,
    and is deleted by the next heartbeat of any process.
    """

    __tablename__ = "live_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(sa.String(64), unique=True)  # Socket.IO session id
    process: Mapped[str] = mapped_column(sa.String(120), index=True)  # host:pid
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_participants.id", ondelete="CASCADE"), index=True
    )  # None: a screen or a control panel
    role: Mapped[str] = mapped_column(sa.String(20))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
