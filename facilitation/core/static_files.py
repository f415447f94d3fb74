"""Static files with content-hashed names, cached for a year by phones and proxies.

Templates keep writing ``url_for('static', filename='css/app.css')``: a ``url_defaults``
hook turns the filename into ``css/app.<hash>.css`` (the first 12 hex digits of the file's
SHA-256), so a second visit downloads nothing and a new release is fetched at once.

The static route answers:

- a hashed name whose hash is the file's current one: the file, with
  ``Cache-Control: public, max-age=31536000, immutable`` (never revalidated);
- the plain name (``/static/css/app.css``, or a name with an old hash during a release):
  the current file with the usual ETag / Last-Modified revalidation (``no-cache``).

Flask-Compress compresses the answer for the encodings the phone accepts (the file is
read into memory so that gzip is among them); its ETag carries the encoding, so a 304
still works.

Hashes are computed once per file and kept while the file's modification time and size do
not change (reloaded in development when a file is edited).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from typing import Any

from flask import Flask, Response, current_app, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASH_LENGTH = 12
_HASHED = re.compile(
    r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{" + str(HASH_LENGTH) + r"})(?P<ext>\.[A-Za-z0-9]+)$"
)

_lock = threading.Lock()
_cache: dict[str, tuple[float, int, str]] = {}


def file_digest(static_folder: str, filename: str) -> str | None:
    """The short content hash of a static file, or None when there is no such file."""
    path = safe_join(static_folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    key = path
    cached = _cache.get(key)
    if cached and cached[0] == stat.st_mtime and cached[1] == stat.st_size:
        return cached[2]
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            sha.update(chunk)
    digest = sha.hexdigest()[:HASH_LENGTH]
    with _lock:
        _cache[key] = (stat.st_mtime, stat.st_size, digest)
    return digest


def hashed_name(static_folder: str, filename: str) -> str:
    """``css/app.css`` → ``css/app.<hash>.css`` (unchanged when there is no such file)."""
    directory, _, base = filename.rpartition("/")
    stem, dot, ext = base.rpartition(".")
    digest = file_digest(static_folder, filename)
    if digest is None or not dot or not stem:
        return filename  # no such file, or a name without an extension: left as it is
    hashed = f"{stem}.{digest}.{ext}"
    return f"{directory}/{hashed}" if directory else hashed


def split_hashed(filename: str) -> tuple[str, str | None]:
    """``css/app.<hash>.css`` → (``css/app.css``, hash); a plain name → (name, None)."""
    directory, _, base = filename.rpartition("/")
    match = _HASHED.match(base)
    if not match:
        return filename, None
    plain = match["stem"] + match["ext"]
    return (f"{directory}/{plain}" if directory else plain), match["digest"]


def _add_hash(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "filename" not in values:
        return
    if not current_app.config.get("STATIC_HASHED_NAMES", True):
        return
    values["filename"] = hashed_name(current_app.static_folder, values["filename"])


def serve_static(filename: str) -> Response:
    folder = current_app.static_folder
    plain, digest = split_hashed(filename)
    if digest is not None and file_digest(folder, filename) is not None:
        plain, digest = filename, None  # a real file whose name merely looks hashed
    current = file_digest(folder, plain)
    if current is None:
        raise NotFound()
    response = send_from_directory(folder, plain, max_age=0, conditional=True)
    # Read into memory (static files are small): Flask-Compress streams a streamed answer
    # with zstd, br or deflate only, so a phone that accepts only gzip would get it raw.
    if response.status_code == 200:  # not a 304, nor a 206 for a Range request
        response.direct_passthrough = False
        response.set_data(response.get_data())
    if digest is not None and digest == current:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = REVALIDATE
    return response


class _StaticFreeSessionInterface(SecureCookieSessionInterface):
    """The session is never saved on a static file's answer: Flask-Login reads the session
    after every request, which would add ``Vary: Cookie``, and browsers key their cache
    on it: a rotated session cookie would make them download every file again."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.config.setdefault("STATIC_HASHED_NAMES", True)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = _StaticFreeSessionInterface()
    app.url_defaults(_add_hash)
    app.view_functions["static"] = serve_static
