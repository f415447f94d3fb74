"""Bilans partagés: collected from phones, grouped on the projector, written together,
finalised and printed (staff pages, the projector view, phones, « Notre bilan »)."""

from flask import Blueprint

bp = Blueprint("bilans", __name__)
me_bp = Blueprint("my_bilans", __name__, url_prefix="/moi/bilans")


def init_app(app) -> None:
    from ..projects import hooks as project_hooks
    from ..reports import services as reports
    from . import links, me_routes, routes  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(me_bp)
    project_hooks.register_bilan_link(links.project_link)
    reports.register_bilan_link(links.session_link)
