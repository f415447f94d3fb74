"""The demo's photo library: a few small pictures drawn by the seed (no photo of anyone),
each with its alt text, for a photolangage and an image on a question."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from ..core import uploads
from ..extensions import db
from ..images.models import LibraryImage

# (alt text, sky, ground, what stands in the middle)
PICTURES = [
    ("Une salle d'attente avec des chaises vides", (214, 228, 240), (150, 150, 160), "chairs"),
    ("Une porte fermée avec un panneau « Fermé »", (235, 225, 205), (120, 90, 60), "door"),
    ("Un chemin qui monte vers une maison au loin", (190, 220, 250), (110, 170, 90), "path"),
    ("Deux mains qui se serrent", (250, 230, 210), (230, 190, 150), "hands"),
    ("Une pile de papiers sur une table", (240, 240, 235), (170, 130, 90), "papers"),
    ("Un bus arrêté devant un hôpital", (200, 225, 245), (140, 140, 140), "bus"),
]


def _draw(sky, ground, motif: str) -> bytes:
    image = Image.new("RGB", (320, 240), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 170, 320, 240), fill=ground)
    ink = (60, 60, 70)
    if motif == "chairs":
        for x in range(40, 300, 60):
            draw.rectangle((x, 120, x + 36, 160), outline=ink, width=4)
            draw.line((x, 160, x, 185), fill=ink, width=4)
            draw.line((x + 36, 160, x + 36, 185), fill=ink, width=4)
    elif motif == "door":
        draw.rectangle((120, 50, 200, 190), fill=(150, 100, 60), outline=ink, width=4)
        draw.rectangle((130, 90, 190, 115), fill=(230, 40, 40))
    elif motif == "path":
        draw.polygon([(140, 240), (180, 240), (165, 120), (155, 120)], fill=(220, 200, 150))
        draw.rectangle((140, 80, 180, 120), fill=(240, 240, 240), outline=ink, width=3)
        draw.polygon([(135, 80), (185, 80), (160, 55)], fill=(190, 60, 50))
    elif motif == "hands":
        draw.ellipse((70, 90, 170, 160), fill=(200, 150, 110), outline=ink, width=3)
        draw.ellipse((150, 90, 250, 160), fill=(120, 80, 50), outline=ink, width=3)
    elif motif == "papers":
        for i in range(6):
            draw.rectangle(
                (100 + i * 4, 150 - i * 12, 220 + i * 4, 165 - i * 12), fill="white", outline=ink
            )
    else:  # bus and hospital
        draw.rectangle((190, 40, 300, 175), fill=(245, 245, 245), outline=ink, width=3)
        draw.rectangle((235, 60, 255, 110), fill=(220, 40, 40))
        draw.rectangle((225, 75, 265, 95), fill=(220, 40, 40))
        draw.rectangle((20, 120, 170, 180), fill=(250, 200, 40), outline=ink, width=3)
        for x in (50, 140):
            draw.ellipse((x - 12, 170, x + 12, 194), fill=ink)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def demo_library(organisation_id: int, author_id: int | None) -> list[LibraryImage]:
    """The pictures in the structure's library (stored like any upload: re-encoded)."""
    images = []
    for index, (alt, sky, ground, motif) in enumerate(PICTURES):
        file = FileStorage(io.BytesIO(_draw(sky, ground, motif)), f"demo-{index + 1}.png")
        upload = uploads.store(file, organisation_id=organisation_id, accept=uploads.IMAGES)
        db.session.flush()
        image = LibraryImage(
            organisation_id=organisation_id, upload_id=upload.id, alt=alt, created_by_id=author_id
        )
        db.session.add(image)
        images.append(image)
    db.session.flush()
    return images
