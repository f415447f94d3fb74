"""Participants, attendance (roll call, self check-in), co-animation and journeys."""

from flask import Blueprint

bp = Blueprint("participants", __name__)
me_bp = Blueprint("me", __name__, url_prefix="/moi")

from . import me_routes, routes  # noqa: E402, F401
