"""Participants, known only by a pseudonym, and their attendance at sessions.

There is deliberately no field for an e-mail, a phone number, a legal name or any
health information: what is not stored cannot leak.
"""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..core.database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..spaces.models import Space
from ..workshops.models import WorkshopSession

CONSENTS = ("journey", "photos", "testimony")


def new_anon_key() -> str:
    return secrets.token_hex(16)


def new_public_id() -> str:
    """A random UUID4: names the person in the audit log, never reused, never guessable."""
    return str(uuid.uuid4())


class Participant(TimestampMixin, db.Model):
    """A person taking part, by the pseudonym they chose.

    What is held: the pseudonym, languages spoken, consent choices and who brought them
    (mobilisation) — never health information. Staff notes are held per space
    (:class:`SpaceParticipant`), so a team reads only its own.
    """

    __tablename__ = "participants"
    # SQLite: never hand an erased person's row id to the next newcomer.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # How the audit log names the person (row ids are not for outside references).
    public_id: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(40))
    languages: Mapped[str] = mapped_column(sa.String(80), default="", server_default="")
    # {"journey": bool, "photos": bool, "testimony": bool}: what the person agreed to.
    consents: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    brought_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL")
    )
    # A random key copied onto the person's attendance and co-animation rows: after an
    # erasure those rows still tell "one person" from "three people", and nothing more.
    anon_key: Mapped[str] = mapped_column(sa.String(32), default=new_anon_key)
    # True once the row of their first visit is no longer theirs (they were removed from
    # that space): that visit still counts as the structure's first, so no later row
    # becomes "first time" again.
    first_visit_detached: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation: Mapped[Organisation] = relationship()
    spaces: Mapped[list[Space]] = relationship(secondary="space_participants")
    brought_by: Mapped[Participant | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class SpaceParticipant(TimestampMixin, db.Model):
    """A participant known in a space: only that space's staff see them.

    ``notes`` are that team's notes: staff of another space never read them.
    """

    __tablename__ = "space_participants"

    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


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
    # NULL once the person asked to be erased: the session's counts stay right.
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(
        sa.Enum(
            AttendanceStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    person_key: Mapped[str | None] = mapped_column(sa.String(40))  # Participant.anon_key
    # Kept on the row (not recomputed after an erasure): first time present in the structure.
    first_visit: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    source: Mapped[str] = mapped_column(
        sa.String(20), default="roll_call", server_default="roll_call"
    )  # or "check_in"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    session: Mapped[WorkshopSession] = relationship()
    participant: Mapped[Participant | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class DeviceOrigin(enum.StrEnum):
    ROLL_CALL = "roll_call"  # staff confirmed the phone's check-in at the roll call
    LINK = "link"  # the phone opened a one-time link that staff made


class ParticipantDevice(db.Model):
    """A phone known to belong to a participant (same identity as on the live board).

    Staff make the link (roll call, one-time link); the person confirms it from the phone
    ("Oui, c'est moi") or removes it. Deactivating a staff member removes the links they
    made that the person has not confirmed.
    """

    __tablename__ = "participant_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    origin: Mapped[DeviceOrigin] = mapped_column(
        sa.Enum(
            DeviceOrigin,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=DeviceOrigin.ROLL_CALL,
        server_default=DeviceOrigin.ROLL_CALL.value,
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()


class ParticipantLink(db.Model):
    """A one-time sign-in link (shown as a QR code) for a participant who changed phones."""

    __tablename__ = "participant_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CoAnimationKind(enum.StrEnum):
    BOARD = "board"  # drove the live board (recorded from a handover)
    ANIMATED_TOOL = "animated_tool"  # animated a tool or part of a session
    REUSED_TOOL = "reused_tool"  # reused an animation tool elsewhere
    PROPOSED_SPACE = "proposed_space"  # proposed a new space
    LED_PROJECT = "led_project"  # led a project group


class CoAnimation(db.Model):
    """A participant animating (faire avec): on the board, or recorded by staff."""

    __tablename__ = "co_animations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    # Until a phone is linked to a participant, a handover is known by its live participant.
    live_participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_participants.id", ondelete="SET NULL"), index=True
    )
    # Participant.anon_key, or "phone:<live participant id>" until the phone is linked.
    person_key: Mapped[str | None] = mapped_column(sa.String(40))
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="SET NULL")
    )
    kind: Mapped[CoAnimationKind] = mapped_column(
        sa.Enum(
            CoAnimationKind,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    handover_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("handovers.id", ondelete="SET NULL"), unique=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="SET NULL")
    )
    tool_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tools.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participant: Mapped[Participant | None] = relationship()
    space: Mapped[Space] = relationship()
    session: Mapped[WorkshopSession | None] = relationship()
