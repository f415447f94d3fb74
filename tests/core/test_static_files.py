"""Static files: content-hashed names, immutable caching, gzip for phones that accept only it."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from flask import url_for

from facilitation.core import static_files

HASHED_CSS = re.compile(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"')


def _hashed_css_url(client) -> str:
    html = client.get("/connexion").get_data(as_text=True)
    match = HASHED_CSS.search(html)
    assert match, "the page links the stylesheet by a content-hashed name"
    return match.group(1)


def test_pages_link_static_files_by_a_content_hashed_name(client, app):
    url = _hashed_css_url(client)
    body = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    import hashlib

    assert url.split(".")[-2] == hashlib.sha256(body).hexdigest()[:12]


def test_a_hashed_name_is_cached_for_a_year_without_revalidation(client):
    response = client.get(_hashed_css_url(client))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "no-store" not in response.headers["Cache-Control"]
    assert b"{" in response.data  # the stylesheet itself


def test_the_plain_name_still_works_and_revalidates(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    etag = response.headers["ETag"]
    again = client.get("/static/css/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_an_old_hash_gets_the_current_file_but_is_not_cached_for_ever(client):
    response = client.get("/static/css/app.000000000000.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_unknown_and_escaping_names_are_404(client):
    assert client.get("/static/css/nothing.0123456789ab.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/css/..%2F..%2F__init__.py").status_code == 404


def test_a_phone_that_accepts_only_gzip_gets_gzip(client):
    url = _hashed_css_url(client)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"{" in gzip.decompress(response.data)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_scripts_are_compressed_too_and_revalidate_by_their_compressed_etag(client):
    response = client.get("/static/js/live.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    etag = response.headers["ETag"]
    again = client.get(
        "/static/js/live.js", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert again.status_code == 304


def test_url_for_static_gives_hashed_names_for_every_asset(app):
    folder = Path(app.static_folder)
    with app.test_request_context():
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            name = path.relative_to(folder).as_posix()
            url = url_for("static", filename=name)
            plain, digest = static_files.split_hashed(url.removeprefix("/static/"))
            assert plain == name and digest, url


def test_static_files_do_not_vary_with_the_cookies_of_a_logged_in_member(client, auth, world):
    """A browser keys its cache on Vary: with `Cookie` there, a rotated session cookie
    would make the phone or the computer download every file again."""
    url = _hashed_css_url(client)
    auth.login(world.mediator)
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "Set-Cookie" not in response.headers


def test_a_range_request_still_gets_its_range(client):
    response = client.get("/static/css/app.css", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert len(response.data) == 10
