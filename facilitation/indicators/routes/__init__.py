"""Pages of the indicators (one module per capability); every page is for logged-in staff."""

from flask_login import login_required

from .. import bp


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff (partner guests and phones see nothing)."""


from . import assessment, barriers, grids, log, objectives, page  # noqa: E402, F401
