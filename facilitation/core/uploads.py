"""The one upload store: files typed by their content, size-limited, images cleaned.

Any feature that keeps a file (a project's attachments; later photos and audio) calls
:func:`store` with the kinds it accepts, keeps the returned :class:`Upload` row, and
serves it with :func:`send` once it has checked who may see it.

- The type comes from the first bytes (magic numbers), never from the name or the
  browser's ``Content-Type``. SVG, HTML and anything unknown are refused.
- Images are decoded and re-encoded with Pillow: EXIF (GPS position, phone model,
  date), XMP, IPTC and comments are gone; the orientation is applied first, so the photo
  stays upright; very large images are scaled down.
- Files live under ``instance/uploads/`` (``UPLOAD_FOLDER``), outside ``static/``, under a
  random name; the original name is kept (cleaned) only for the download.
- Downloads carry ``Content-Disposition``, ``X-Content-Type-Options: nosniff``,
  ``Cache-Control: no-store`` and, on views decorated with :func:`download_view`, a
  sandboxing ``Content-Security-Policy``; only images
  are shown inline, everything else is an attachment.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from flask import Response, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import text
from .database import UTCDateTime, utcnow
from .exceptions import NotFound, ValidationError

MB = 1024 * 1024
MAX_IMAGE_SIDE = 2560  # px: a phone photo stays sharp on a projector, and light
MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs before decoding
NAME_LIMIT = 120


@dataclass(frozen=True)
class Kind:
    """A type of file the store can hold."""

    name: str  # "jpeg", "pdf"…
    mime: str
    extension: str
    image: bool = False
    max_bytes: int = 10 * MB


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_wav(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _is_mp4_audio(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"mp42", b"isom", b"M4B ")


# (test on the first bytes, kind). Order matters only for formats sharing a prefix.
SNIFFERS = [
    (lambda h: h[:3] == b"\xff\xd8\xff", Kind("jpeg", "image/jpeg", "jpg", image=True)),
    (lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", Kind("png", "image/png", "png", image=True)),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), Kind("gif", "image/gif", "gif", image=True)),
    (_is_webp, Kind("webp", "image/webp", "webp", image=True)),
    (lambda h: h[:5] == b"%PDF-", Kind("pdf", "application/pdf", "pdf")),
    # Audio, for the features that will record testimonies (not accepted by projects).
    (lambda h: h[:4] == b"OggS", Kind("ogg", "audio/ogg", "ogg", max_bytes=20 * MB)),
    (
        lambda h: h[:3] == b"ID3" or (h[:1] == b"\xff" and (h[1:2] or b"\0")[0] & 0xE0 == 0xE0),
        Kind("mp3", "audio/mpeg", "mp3", max_bytes=20 * MB),
    ),
    (_is_wav, Kind("wav", "audio/wav", "wav", max_bytes=20 * MB)),
    (_is_mp4_audio, Kind("m4a", "audio/mp4", "m4a", max_bytes=20 * MB)),
    (lambda h: h[:4] == b"\x1aE\xdf\xa3", Kind("webm", "audio/webm", "webm", max_bytes=20 * MB)),
]
IMAGES = frozenset({"jpeg", "png", "gif", "webp"})
DOCUMENTS = frozenset({"pdf"})
AUDIO = frozenset({"ogg", "mp3", "wav", "m4a", "webm"})


class Upload(db.Model):
    """A stored file: where it is, what it is (by content), how big, its cleaned name."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random file name
    kind: Mapped[str] = mapped_column(sa.String(10))
    mime: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int] = mapped_column()
    original_name: Mapped[str] = mapped_column(sa.String(NAME_LIMIT), default="")
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGES

    @property
    def download_name(self) -> str:
        extension = _kind(self.kind).extension if self.kind != "jpeg" else "jpg"
        stem = self.original_name.rsplit(".", 1)[0] if self.original_name else "fichier"
        return f"{stem or 'fichier'}.{extension}"


def _kind(name: str) -> Kind:
    for _test, kind in SNIFFERS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def sniff(head: bytes) -> Kind | None:
    """The kind of a file from its first bytes, or ``None`` (unknown: refused)."""
    for test, kind in SNIFFERS:
        if test(head):
            return kind
    return None


def folder() -> Path:
    path = Path(
        current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _path(key: str) -> Path:
    if not key or not all(c.isalnum() or c in "-_" for c in key):
        raise NotFound
    return folder() / key[:2] / key


def _clean_name(name: str | None) -> str:
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = text.normalise(name)
    name = "".join(c for c in name if c not in '<>:"/|?*')
    return name[:NAME_LIMIT].strip(" .")


def _read_limited(stream: IO[bytes], head: bytes, limit: int) -> bytes:
    """The whole file (``head`` already read), refused past ``limit`` bytes."""
    data = head + stream.read(limit + 1 - len(head))
    if len(data) > limit:
        raise ValidationError(
            _("This file is too large (at most %(n)d MB).", n=limit // MB), "file"
        )
    return data


def _reencode_image(data: bytes, kind: Kind) -> tuple[bytes, Kind, int, int]:
    """Decode and re-encode: nothing but the pixels survives (no EXIF, GPS, XMP…)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = ValidationError(_("This image could not be read. Try another photo."), "file")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("This image is too large."), "file")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)  # first frame of an animation
            image = ImageOps.exif_transpose(image)  # upright before the EXIF goes
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info
            )
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            out = io.BytesIO()
            if has_alpha or kind.name in ("png", "gif"):
                image.save(out, format="PNG", optimize=True)
                result = _kind("png")
            else:
                image.save(out, format="JPEG", quality=85, optimize=True)
                result = _kind("jpeg")
            return out.getvalue(), result, image.width, image.height
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise refused from None


def store(
    file,
    *,
    organisation_id: int,
    accept: frozenset[str],
    max_bytes: int | None = None,
) -> Upload:
    """Check, clean and keep an uploaded file (a werkzeug ``FileStorage``).

    Raises :class:`ValidationError` (field ``file``) with a French sentence when the file
    is empty, too large, or of a type not in ``accept``. The caller commits.
    """
    if file is None or not getattr(file, "filename", None):
        raise ValidationError(_("Choose a file."), "file")
    head = file.stream.read(16)
    kind = sniff(head)
    if kind is None or kind.name not in accept:
        raise ValidationError(
            _("This type of file is not accepted: %(types)s only.", types=describe(accept)), "file"
        )
    data = _read_limited(file.stream, head, max_bytes or kind.max_bytes)
    width = height = None
    if kind.image:
        data, kind, width, height = _reencode_image(data, kind)
    key = secrets.token_urlsafe(24)
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    upload = Upload(
        organisation_id=organisation_id,
        key=key,
        kind=kind.name,
        mime=kind.mime,
        size=len(data),
        original_name=_clean_name(file.filename),
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(upload)
    return upload


def describe(accept: frozenset[str]) -> str:
    names = []
    if accept & IMAGES:
        names.append(_("photos (JPEG, PNG, GIF, WebP)"))
    if accept & DOCUMENTS:
        names.append(_("PDF documents"))
    if accept & AUDIO:
        names.append(_("sound recordings"))
    return ", ".join(names)


def read(upload: Upload) -> bytes:
    return _path(upload.key).read_bytes()


def send(upload: Upload, *, inline: bool | None = None) -> Response:
    """The file, with the headers that keep a browser from running or sniffing it."""
    path = _path(upload.key)
    if not path.exists():
        raise NotFound
    inline = upload.is_image if inline is None else (inline and upload.is_image)
    response = send_file(
        path,
        mimetype=upload.mime,
        as_attachment=not inline,
        download_name=upload.download_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def discard(upload: Upload) -> None:
    """Remove the file of an upload whose row was not kept (a refused form)."""
    with contextlib.suppress(FileNotFoundError):
        _path(upload.key).unlink()


# The policy of a download (Flask-Talisman sets it): nothing runs, nothing loads.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def download_view(view):
    """Decorate a view that returns :func:`send`: its response gets the sandbox policy."""
    from ..extensions import talisman

    return talisman(content_security_policy=DOWNLOAD_POLICY)(view)


def delete(upload: Upload) -> None:
    """Remove the file and its row (the caller commits)."""
    discard(upload)
    db.session.delete(upload)
