from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import routes  # noqa: E402, F401
