from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import account_routes, routes  # noqa: E402, F401
