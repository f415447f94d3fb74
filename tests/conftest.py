"""Shared fixtures: one app and one migrated database per run, emptied after every test.

The suite runs on SQLite by default and on PostgreSQL with
``pytest --database-url postgresql://...`` (what ``make test`` does when
TEST_DATABASE_URL is set). Under ``CI=true`` an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from facilitation import create_app
from facilitation.config import normalise_database_url
from facilitation.extensions import db

from . import factories

PASSWORD = factories.PASSWORD


def pytest_addoption(parser):
    parser.addoption(
        "--database-url",
        default=None,
        help="Run the suite against this database (PostgreSQL) instead of a temporary SQLite.",
    )


def _reset_postgresql(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL is not reachable at {url}: {error}"
        if os.environ.get("CI") == "true":
            pytest.exit(message, returncode=1)
        raise
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory) -> str:
    url = request.config.getoption("--database-url")
    if url:
        url = normalise_database_url(url)
        _reset_postgresql(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def make_test_config(database_url: str, instance_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Broadcasts are sent within the call that changed something: what a client
        # receives is decided before it returns, and no background broadcasting thread
        # of this process reads the database while a test empties it (on PostgreSQL
        # such a read deadlocked the TRUNCATE between tests).
        "LIVE_BROADCAST_SYNC": True,
        # seed-demo keeps the demo logins here (not in the developer's own instance/)
        "DEMO_LOGINS_FILE": str(Path(instance_path) / "demo-logins.json"),
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    return app


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Each test runs in an app context on an empty database."""
    with app.app_context():
        yield
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world():
    """Two spaces of one organisation, a mediator in each, a coordinator, a cycle and a session."""
    return factories.World.build()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = PASSWORD):
        return self.client.post("/connexion", data={"email": user.email, "password": password})

    def logout(self):
        return self.client.post("/deconnexion")


@pytest.fixture
def auth(client):
    return Auth(client)


def text_of(response) -> str:
    """The visible text of a response, whitespace folded (for assertions on French copy)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
