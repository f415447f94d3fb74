"""Participants, known only by a pseudonym, and their attendance at sessions.

There is deliberately no field for an e-mail, a phone number, a legal name or any
health information: what is not stored cannot leak.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..core.database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..spaces.models import Space
from ..workshops.models import WorkshopSession


class Participant(TimestampMixin, db.Model):
    """A person taking part, by the pseudonym they chose."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(40))

    organisation: Mapped[Organisation] = relationship()
    spaces: Mapped[list[Space]] = relationship(secondary="space_participants")

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class SpaceParticipant(TimestampMixin, db.Model):
    """A participant known in a space: only that space's staff see them."""

    __tablename__ = "space_participants"

    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class Attendance(db.Model):
    """Whether a participant came to a session. Information, never a score."""

    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(
        sa.Enum(
            AttendanceStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    session: Mapped[WorkshopSession] = relationship()
    participant: Mapped[Participant] = relationship()
    recorded_by: Mapped[User | None] = relationship()
