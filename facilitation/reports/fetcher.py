"""What a PDF may load: ``data:`` URIs and the app's own static files — nothing else.

WeasyPrint asks its URL fetcher for every stylesheet, image, font or attachment a page
names. Ours answers only two kinds of address, without any network access:

- ``data:`` URIs, decoded here;
- ``file:`` URLs of a file inside the package's ``static/`` folder (read from disk; a
  path that leaves the folder — ``..``, a symbolic link — is refused).

Every other address (``http:``, ``https:``, ``ftp:``, a file elsewhere on the server…)
is refused before anything is opened, so there is no request to redirect either.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

log = logging.getLogger(__name__)


class Refused(ValueError):
    """This address may not be loaded into a PDF."""


@dataclass(frozen=True)
class Resource:
    body: bytes
    mimetype: str
    charset: str | None = None


def _data(url: str) -> Resource:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise Refused("malformed data: URI")
    params = header.split(";")
    is_base64 = params[-1].strip().lower() == "base64"
    if is_base64:
        params = params[:-1]
    mimetype = params[0].strip().lower() or "text/plain"
    charset = None
    for param in params[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip()
    raw = unquote_to_bytes(payload)
    if is_base64:
        try:
            raw = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError) as error:
            raise Refused("malformed base64 in data: URI") from error
    return Resource(raw, mimetype, charset)


def _file(url: str, static_root: Path) -> Resource:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise Refused("file: URL on another host")
    root = static_root.resolve()
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Refused("file outside the app's static files")
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    charset = "utf-8" if mimetype.startswith("text/") else None
    return Resource(path.read_bytes(), mimetype, charset)


def resolve(url: str, static_root: Path) -> Resource:
    """The resource at ``url`` if a PDF may load it; raise :class:`Refused` otherwise."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    try:
        if scheme == "data":
            return _data(url)
        if scheme == "file":
            return _file(url, static_root)
        raise Refused(f"{scheme or 'relative'} address")
    except Refused as refused:
        log.warning("PDF: refused to load %.200s (%s)", url, refused)
        raise


def static_url(static_root: Path, filename: str) -> str:
    """The ``file:`` URL of one of the app's static files, for a PDF template."""
    return (static_root / filename).resolve().as_uri()
