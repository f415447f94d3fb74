"""facilitation: community health workshops, run live with the people who take part."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .extensions import (
    babel,
    compress,
    csrf,
    db,
    htmx,
    limiter,
    login_manager,
    migrate,
    socketio,
    talisman,
)

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints — nothing else."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import models  # noqa: F401  (every table in the metadata)
    from .core import database, i18n, security, static_files, web

    app.url_map.converters["int"] = web.BoundedIntConverter  # before any route is added

    db.init_app(app)
    database.configure_engine_events(app)
    migrate.init_app(
        app,
        db,
        directory=MIGRATIONS_DIR,
        render_as_batch=True,
        compare_type=True,
        render_item=database.render_migration_item,
    )
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    security.init_app(app, talisman)
    login_manager.init_app(app)
    from .core import health

    queue = health.message_queue(app)  # Redis: a listener client without socket_timeout
    socketio.init_app(
        app,
        message_queue=app.config.get("REDIS_URL"),
        **({"client_manager": queue} if queue is not None else {}),
        channel=app.config["SOCKETIO_CHANNEL"],
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        # cors_allowed_origins left to None: only this site's own pages may connect.
    )
    compress.init_app(app)
    static_files.init_app(app)  # hashed names, immutable caching

    from .accounts import bp as accounts_bp
    from .accounts import login as _login  # noqa: F401  (registers the user loader)
    from .audit import bp as audit_bp
    from .core import metrics
    from .indicators import bp as indicators_bp
    from .live import bp as live_bp
    from .live import events as live_events
    from .main import bp as main_bp
    from .participants import bp as participants_bp
    from .participants import me_bp
    from .planning import bp as planning_bp
    from .reports import bp as reports_bp
    from .spaces import bp as spaces_bp
    from .workshops import bp as workshops_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(spaces_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(planning_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(me_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(indicators_bp)
    live_events.init_app(app)
    metrics.init_app(app)

    from . import bilans, images, pictograms, projects

    projects.init_app(app)
    pictograms.init_app(app)
    images.init_app(app)
    bilans.init_app(app)

    from .core import errors

    errors.init_app(app)

    from . import cli

    cli.init_app(app)
    return app
