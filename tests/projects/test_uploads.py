"""The shared upload store, through a project's attachments: type by content, size limits,
images re-encoded without their metadata, files served only to members and staff."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import g
from PIL import ExifTags, Image, PngImagePlugin
from werkzeug.datastructures import FileStorage

from facilitation.core import uploads
from facilitation.core.exceptions import ValidationError
from facilitation.projects import services as projects

from .conftest import MEMBER_PHONE, STRANGER_PHONE


def phone_jpeg(width: int = 64, height: int = 32, orientation: int | None = None) -> bytes:
    """A photo as a phone takes it: GPS position, maker and model in its EXIF."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model-X-1234"
    exif[ExifTags.Base.DateTimeOriginal] = "2030:01:02 10:11:12"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (43.0, 36.0, 15.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (1.0, 26.0, 30.2),
    }
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert b"PhoneMaker" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(
        ExifTags.IFD.GPSInfo
    ), "the test photo must carry GPS EXIF"
    return data


def file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def action(team):
    return projects.add_action(
        team.staff,
        team.project,
        projects.ActionData(kind="event", title="Fête de quartier", happened_on=date(2030, 6, 1)),
    )


def test_a_phone_photo_loses_its_gps_and_device_data(team, action):
    attachment = projects.add_attachment(team.staff, action, file(phone_jpeg(), "IMG_0001.JPG"))
    stored = uploads.read(attachment.upload)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()  # no EXIF at all: no GPS, no maker, no date
    assert b"PhoneMaker" not in stored and b"Model-X" not in stored and b"Exif" not in stored
    assert attachment.upload.original_name == "IMG_0001.JPG"


def test_the_photo_stays_upright_once_its_orientation_is_gone(team, action):
    data = phone_jpeg(64, 32, orientation=6)  # taken holding the phone upright
    attachment = projects.add_attachment(team.staff, action, file(data, "portrait.jpg"))
    assert (attachment.upload.width, attachment.upload.height) == (32, 64)


def test_png_text_chunks_are_dropped(team, action):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nom Prénom")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=info)
    attachment = projects.add_attachment(team.staff, action, file(out.getvalue(), "plan.png"))
    stored = uploads.read(attachment.upload)
    assert b"Nom Pr" not in stored and Image.open(io.BytesIO(stored)).format == "PNG"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),  # HTML called a photo
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "dessin.svg"),
        (b"MZ\x90\x00 not a document", "lettre.pdf"),
        (b"", "vide.pdf"),
    ],
)
def test_files_are_typed_by_their_content_not_their_name(team, action, data, name):
    with pytest.raises(ValidationError) as refused:
        projects.add_attachment(team.staff, action, file(data, name))
    assert "PDF" in refused.value.message  # says what is accepted


def test_a_fake_jpeg_with_the_right_magic_is_refused(team, action):
    with pytest.raises(ValidationError):
        projects.add_attachment(team.staff, action, file(b"\xff\xd8\xff garbage", "x.jpg"))


def test_a_file_too_large_is_refused_with_its_limit(team, action):
    big = b"%PDF-1.4\n" + b"0" * (projects.MAX_FILE + 1)
    before = set(uploads.folder().rglob("*"))
    with pytest.raises(ValidationError) as refused:
        projects.add_attachment(team.staff, action, file(big, "gros.pdf"))
    # The real limit (it said 9: the bytes already read were taken off it).
    assert "(10 M" in refused.value.message or " 10 M" in refused.value.message
    assert set(uploads.folder().rglob("*")) == before  # nothing written


def test_files_live_outside_static(app, team, action):
    attachment = projects.add_attachment(team.staff, action, file(b"%PDF-1.4\n%%EOF", "a.pdf"))
    path = uploads.folder() / attachment.upload.key[:2] / attachment.upload.key
    assert path.exists()
    assert "static" not in path.resolve().parts


def _login(client, user):
    """Log in (the test's app context is shared by the clients: forget the last user)."""
    from flask import g

    from .. import factories

    g.pop("_login_user", None)
    client.post("/connexion", data={"email": user.email, "password": factories.PASSWORD})


def test_downloads_carry_safe_headers_and_only_reach_members_and_staff(app, team, action):
    pdf = projects.add_attachment(team.staff, action, file(b"%PDF-1.4\n%%EOF", "lettre.pdf"))
    photo = projects.add_attachment(team.staff, action, file(phone_jpeg(), "photo.jpg"))
    project_id = team.project.id
    staff = app.test_client()
    _login(staff, team.world.mediator)
    response = staff.get(f"/projets/{project_id}/pieces/{pdf.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/pdf"
    shown = staff.get(f"/projets/{project_id}/pieces/{photo.id}?voir=1")
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.mimetype == "image/jpeg"
    assert "sandbox" in shown.headers["Content-Security-Policy"]

    member = app.test_client()
    member.set_cookie("fac_device", MEMBER_PHONE)
    assert member.get(f"/moi/projets/{project_id}/pieces/{pdf.id}").status_code == 200

    stranger = app.test_client()
    stranger.set_cookie("fac_device", STRANGER_PHONE)
    assert stranger.get(f"/moi/projets/{project_id}/pieces/{pdf.id}").status_code == 404
    other = app.test_client()
    _login(other, team.world.other_mediator)
    assert other.get(f"/projets/{project_id}/pieces/{pdf.id}").status_code == 404
    g.pop("_login_user", None)
    assert app.test_client().get(f"/projets/{project_id}/pieces/{pdf.id}").status_code == 302


def test_a_deleted_file_is_no_longer_served(app, team, action):
    pdf = projects.add_attachment(team.staff, action, file(b"%PDF-1.4\n%%EOF", "lettre.pdf"))
    projects.delete_attachment(team.staff, pdf)
    member = app.test_client()
    member.set_cookie("fac_device", MEMBER_PHONE)
    assert member.get(f"/moi/projets/{team.project.id}/pieces/{pdf.id}").status_code == 404


def test_a_phone_sends_a_photo_larger_than_the_default_request_limit(app, team):
    """Photos are bigger than the app's 2 MB form limit: the action form takes them."""
    noise = Image.effect_noise((1400, 1400), 80).convert("RGB")
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=100)
    assert len(out.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    phone = app.test_client()
    phone.set_cookie("fac_device", MEMBER_PHONE)
    response = phone.post(
        f"/moi/projets/{team.project.id}/action",
        data={
            "kind": "event",
            "title": "Photo de la fête",
            "happened_on": "2030-06-01",
            "text": "",
            "files": (io.BytesIO(out.getvalue()), "fete.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    [action] = projects.actions(team.phone(team.nour), team.project)
    assert not action.confirmed  # proposed from a phone: staff confirm it
    assert len(projects.live_attachments(action)) == 1
