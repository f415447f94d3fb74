"""Collective projects: staff pages (``bp``) and the members' phone pages (``me_bp``)."""

from flask import Blueprint, Flask, request

bp = Blueprint("projects", __name__)
me_bp = Blueprint("my_projects", __name__, url_prefix="/moi/projets")

# Forms that carry photos or PDF: a larger request than the app's default limit.
UPLOAD_ENDPOINTS = frozenset(
    {
        "projects.add_action",
        "projects.add_attachment",
        "my_projects.propose_action",
    }
)


def _upload_limit() -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        from .services import MAX_UPLOAD_REQUEST

        request.max_content_length = MAX_UPLOAD_REQUEST


def init_app(app: Flask) -> None:
    """Blueprints, the Socket.IO namespace, and the upload limit of the forms with files."""
    from . import events, hooks

    hooks.init_app()  # a member's projects are part of "everything held on me"
    app.register_blueprint(bp)
    app.register_blueprint(me_bp)
    events.init_app(app)
    # First of the before-request functions: before CSRF protection reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)


from . import me_routes, routes  # noqa: E402, F401
