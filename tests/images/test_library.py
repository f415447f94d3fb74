"""The photo library: type and size limits, EXIF (place, device) removed, alt text required."""

from __future__ import annotations

import io

from PIL import Image

from facilitation.core import uploads
from facilitation.extensions import db
from facilitation.images import services
from facilitation.images.models import LibraryImage

GPS_IFD = 0x8825


def photo_with_exif() -> bytes:
    """A JPEG as a phone writes it: camera model and GPS position in its EXIF."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "Telephone Modele X"  # Model
    exif[0x010F] = "Fabricant"  # Make
    exif[GPS_IFD] = {1: "N", 2: (43.0, 36.0, 15.0), 3: "E", 4: (1.0, 26.0, 30.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get(0x0110) == "Telephone Modele X"
    return data


def post_photo(client, data: bytes, alt="Une salle d'attente", name="IMG_0001.jpg"):
    return client.post(
        "/images",
        data={"alt": alt, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_photo_loses_its_exif_place_and_device(client, auth, world):
    auth.login(world.mediator)
    response = post_photo(client, photo_with_exif())
    assert response.status_code == 302
    image = db.session.query(LibraryImage).one()
    stored = uploads.read(image.upload)
    assert b"Telephone Modele X" not in stored and b"Fabricant" not in stored
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert 0x0110 not in exif and GPS_IFD not in exif
    served = client.get(f"/images/{image.id}/fichier")
    assert served.status_code == 200 and served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Telephone Modele X" not in served.data


def test_alt_text_is_required_and_what_was_typed_is_kept(client, auth, world):
    auth.login(world.mediator)
    response = post_photo(client, photo_with_exif(), alt="  ")
    assert response.status_code == 422
    assert "ce que montre la photo" in response.get_data(as_text=True)
    assert db.session.query(LibraryImage).count() == 0


def test_a_file_that_is_not_a_photo_is_refused(client, auth, world):
    auth.login(world.mediator)
    response = post_photo(client, b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", name="a.svg")
    assert response.status_code == 422
    assert "pas accepté" in response.get_data(as_text=True)


def test_another_structures_photo_is_not_found(client, auth, world):
    from facilitation.accounts.models import Role
    from tests import factories

    auth.login(world.mediator)
    post_photo(client, photo_with_exif())
    image = db.session.query(LibraryImage).one()
    other = factories.user(factories.organisation("Ailleurs"), Role.COORDINATOR, name="Autre")
    auth.logout()
    auth.login(other)
    assert client.get(f"/images/{image.id}/fichier").status_code == 404
    assert services.list_images(other.organisation_id) == []
