"""Staff pages of projects (login required), split by capability."""

from flask_login import login_required

from .. import bp, services, vocabulary


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff."""


@bp.context_processor
def _words():
    return {"vocabulary": vocabulary, "services": services}


from . import actions, decisions, pages, steps  # noqa: E402, F401
