"""The live board: a session run on the projector, answered from phones."""

from flask import Blueprint

bp = Blueprint("live", __name__)

from . import routes  # noqa: E402, F401
