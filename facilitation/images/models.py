"""A photo of the structure's library: an upload (re-encoded, no EXIF) and its alt text."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, utcnow
from ..core.uploads import Upload
from ..extensions import db

ALT_MAX = 200


class LibraryImage(db.Model):
    __tablename__ = "library_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("uploads.id"), unique=True)
    alt: Mapped[str] = mapped_column(sa.String(ALT_MAX))  # what the photo shows, required
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    upload: Mapped[Upload] = relationship()
