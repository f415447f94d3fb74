"""The image library: add a photo (type and size checked, re-encoded without EXIF, alt
text required), list them, and say which images a board may show to its phones."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..core import text, uploads
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from . import MAX_IMAGE
from .models import ALT_MAX, LibraryImage


def add_image(actor: User, file, alt: str) -> LibraryImage:
    """Keep a photo in the structure's library. ``alt``: what it shows (for screen readers)."""
    alt = text.clean(
        alt,
        limit=ALT_MAX,
        field="alt",
        empty_message=_("Say in a few words what the photo shows (for people who cannot see it)."),
    )
    upload = uploads.store(
        file, organisation_id=actor.organisation_id, accept=uploads.IMAGES, max_bytes=MAX_IMAGE
    )
    db.session.flush()
    image = LibraryImage(
        organisation_id=actor.organisation_id, upload_id=upload.id, alt=alt, created_by_id=actor.id
    )
    db.session.add(image)
    db.session.commit()
    return image


def list_images(organisation_id: int) -> list[LibraryImage]:
    return list(
        db.session.scalars(
            sa.select(LibraryImage)
            .where(LibraryImage.organisation_id == organisation_id)
            .order_by(LibraryImage.id)
        )
    )


def get_image(organisation_id: int, image_id: Any) -> LibraryImage:
    image = db.session.get(LibraryImage, image_id) if isinstance(image_id, int) else None
    if image is None or image.organisation_id != organisation_id:
        raise NotFound
    return image


def images_by_id(organisation_id: int, ids) -> dict[int, LibraryImage]:
    ids = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not ids:
        return {}
    return {
        image.id: image
        for image in db.session.scalars(
            sa.select(LibraryImage).where(
                LibraryImage.organisation_id == organisation_id, LibraryImage.id.in_(ids)
            )
        )
    }


def check_ids(organisation_id: int, ids) -> None:
    """Every id is a photo of this structure's library, or the setting is refused."""
    ids = set(ids)
    if ids and set(images_by_id(organisation_id, ids)) != ids:
        raise ValidationError(_("Choose photos from the library of your structure."), "config")


def update_alt(actor: User, image: LibraryImage, alt: str) -> LibraryImage:
    image = get_image(actor.organisation_id, image.id)
    image.alt = text.clean(
        alt,
        limit=ALT_MAX,
        field="alt",
        empty_message=_("Say in a few words what the photo shows (for people who cannot see it)."),
    )
    db.session.commit()
    return image


def referenced_ids(config: dict) -> set[int]:
    """The library photos an activity's settings show: prompt, choices, photolangage."""
    ids: set[int] = set()
    if isinstance(config.get("image_id"), int):
        ids.add(config["image_id"])
    for choice in config.get("choices") or []:
        if isinstance(choice, dict) and isinstance(choice.get("image_id"), int):
            ids.add(choice["image_id"])
    ids.update(i for i in config.get("photos") or [] if isinstance(i, int))
    return ids


def board_image(board, image_id: Any) -> LibraryImage:
    """A photo one of the board's activities shows (phones and screen see only those)."""
    if not isinstance(image_id, int):
        raise NotFound
    for activity in board.activities:
        if image_id in referenced_ids(activity.config or {}):
            return get_image(board.session.cycle.space.organisation_id, image_id)
    raise NotFound
