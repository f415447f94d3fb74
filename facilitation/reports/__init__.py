"""Reports: the shared export module (CSV/ODS/XLSX), the PDF layer, the compte rendu."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import routes  # noqa: E402, F401
