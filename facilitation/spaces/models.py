"""Collective spaces (espaces collectifs) and the staff who run them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..core.database import TimestampMixin, UTCDateTime
from ..extensions import db


class SpaceKind(enum.StrEnum):
    TERRITORIAL = "territorial"  # a neighbourhood: "Arnaud Bernard", "Les Izards"
    THEMATIC = "thematic"  # "douleurs chroniques", "santé et hébergement d'urgence"


class Space(TimestampMixin, db.Model):
    """A lasting group (espace collectif), territorial or thematic."""

    __tablename__ = "spaces"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[SpaceKind] = mapped_column(
        sa.Enum(
            SpaceKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
        )
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    members: Mapped[list[User]] = relationship(
        secondary="space_memberships", order_by="User.display_name"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Space {self.id} {self.name!r}>"


class SpaceMembership(TimestampMixin, db.Model):
    """A mediator assigned to a space: they see and run everything in it."""

    __tablename__ = "space_memberships"

    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
