from flask import Blueprint

bp = Blueprint("spaces", __name__, url_prefix="/espaces")

from . import routes  # noqa: E402, F401
