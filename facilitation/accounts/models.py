"""Staff accounts: the organisation (structure), its coordinators and mediators, invitations."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import TimestampMixin, UTCDateTime
from ..extensions import db

if TYPE_CHECKING:
    from ..spaces.models import Space


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    MEDIATOR = "mediator"


class Organisation(TimestampMixin, db.Model):
    """A structure (association, health centre) that runs collective spaces."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Set by a coordinator: staff without two-factor authentication enrol at their next login.
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    """A member of staff: coordinator or mediator. Participants are never users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on password change and deactivation: every open session then ends.
    login_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_login_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-factor authentication (TOTP): the shared secret once confirmed, and the last time
    # step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    organisation: Mapped[Organisation] = relationship()

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.COORDINATOR

    def get_id(self) -> str:  # Flask-Login stores this, not the primary key
        return self.login_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class StaffSession(TimestampMixin, db.Model):
    """One login of a member of staff, on one browser: it can be ended for real.

    The browser's signed session cookie holds a random token; only its hash is stored. A
    request is logged in only while its record is neither ended, idle nor too old.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # When the password was last typed in this session (login or confirmation).
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(sa.String(20))
    # The structure requires two-factor authentication and this user has none yet: the
    # session opens only the enrolment page.
    must_enrol: Mapped[bool] = mapped_column(default=False)
    # For the list of one's sessions: coarse, never the full address or user agent.
    device: Mapped[str] = mapped_column(sa.String(80), default="")
    network: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User] = relationship()


class StaffSocket(TimestampMixin, db.Model):
    """A Socket.IO control connection opened by a staff session (closed when it ends).

    Kept in the database because the socket may live in another server process.
    """

    __tablename__ = "staff_sockets"

    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    staff_session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_sessions.id", ondelete="CASCADE"), index=True
    )
    namespace: Mapped[str] = mapped_column(sa.String(40))


class RecoveryCode(TimestampMixin, db.Model):
    """A single-use code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Invitation(TimestampMixin, db.Model):
    """A single-use link that lets a new mediator (or coordinator) create their account.

    Only a hash of the token is stored: a leaked database does not leak usable links.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    label: Mapped[str] = mapped_column(sa.String(120), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])
    # Spaces the new account joins when the invitation is accepted.
    spaces: Mapped[list[Space]] = relationship(secondary="invitation_spaces")

    def status(self, now: datetime) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


invitation_spaces = sa.Table(
    "invitation_spaces",
    db.metadata,
    sa.Column(
        "invitation_id", sa.ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("space_id", sa.ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True),
)
