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

    organisation: Mapped[Organisation] = relationship()

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
