from flask import Blueprint

bp = Blueprint("planning", __name__)

from . import library_routes, routes  # noqa: E402, F401
