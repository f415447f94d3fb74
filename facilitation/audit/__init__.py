"""Audit log: who read, exported, edited, merged or erased a person's data, staff logins,
purges — append-only and hash-chained; the coordinator's journal (``/journal``)."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

from . import routes  # noqa: E402, F401
