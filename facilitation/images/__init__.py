"""The image library of the structure: photos for the live board (photolangage, prompts,
choices), uploaded once with their alt text, reused across sessions."""

from flask import Blueprint, Flask, request

bp = Blueprint("images", __name__)

MAX_IMAGE = 8 * 1024 * 1024  # a phone photo; re-encoded smaller by the upload store


def _upload_limit() -> None:
    if request.endpoint == "images.upload":
        request.max_content_length = MAX_IMAGE + 64 * 1024


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # Before CSRF protection reads the form (like the projects' uploads).
    app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)


from . import routes  # noqa: E402, F401
