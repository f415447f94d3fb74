"""Staff: the image library (add a photo with its alt text, see them, fix an alt text).
Phones and the screen fetch a board's photos through the live board's own routes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import uploads
from ..core.exceptions import ValidationError
from . import bp, services


@bp.get("/images")
@login_required
def library():
    """The structure's photos, reusable on every live board."""
    return render_template(
        "images/library.html", images=services.list_images(current_user.organisation_id)
    )


@bp.post("/images")
@login_required
def upload():
    """Add a photo: JPEG, PNG, GIF or WebP, re-encoded (place and device removed)."""
    try:
        image = services.add_image(current_user, request.files.get("file"), request.form.get("alt"))
    except ValidationError as error:
        return render_template(
            "images/library.html",
            images=services.list_images(current_user.organisation_id),
            error=error.message,
            alt=request.form.get("alt", ""),
        ), 422
    flash(_("The photo is in the library (number %(n)d).", n=image.id), "success")
    return redirect(url_for("images.library"))


@bp.post("/images/<int:image_id>/texte")
@login_required
def edit_alt(image_id: int):
    image = services.get_image(current_user.organisation_id, image_id)
    try:
        services.update_alt(current_user, image, request.form.get("alt"))
    except ValidationError as error:
        flash(error.message, "error")
    return redirect(url_for("images.library", _anchor=f"image-{image.id}"))


@bp.get("/images/<int:image_id>/fichier")
@login_required
@uploads.download_view
def file(image_id: int):
    return uploads.send(services.get_image(current_user.organisation_id, image_id).upload)
