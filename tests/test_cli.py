"""Command-line tools: create-admin, seed-demo (its JSON keys are a contract), migrations."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from facilitation.accounts import services as accounts
from facilitation.accounts.models import User
from facilitation.extensions import db
from facilitation.participants.models import Attendance, Participant
from facilitation.spaces.models import Space
from facilitation.workshops.models import Cycle, WorkshopSession


def test_create_admin_creates_a_coordinator_who_can_log_in(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "chef@example.org",
            "--name",
            "Chef",
            "--organisation",
            "Case de Santé",
        ],
        input="un-mot-de-passe-solide\nun-mot-de-passe-solide\n",
    )
    assert result.exit_code == 0, result.output
    user = accounts.authenticate("chef@example.org", "un-mot-de-passe-solide")
    assert user is not None and user.is_coordinator


def test_create_admin_refuses_a_short_password_with_a_clear_message(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "chef@example.org",
            "--name",
            "Chef",
            "--organisation",
            "Case",
            "--password",
            "court",
        ],
    )
    assert result.exit_code != 0
    assert "12" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_seed_demo_json_has_the_promised_shape(runner):
    result = runner.invoke(args=["seed-demo", "--json", "--base-url", "http://127.0.0.1:5123"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.stdout)
    assert demo["login_url"] == "http://127.0.0.1:5123/connexion"
    assert set(demo["coordinator"]) == {"email", "password"}
    mediators = demo["mediators"]
    assert len(mediators) >= 2
    first_spaces = {s["url"] for s in mediators[0]["spaces"]}
    assert first_spaces != {s["url"] for s in mediators[1]["spaces"]}
    assert demo["other_space_url"] not in first_spaces
    for mediator in mediators:
        assert accounts.authenticate(mediator["email"], mediator["password"]) is not None
        for space in mediator["spaces"]:
            assert set(space) == {"id", "name", "url"}
            assert space["url"].startswith("http://127.0.0.1:5123/espaces/")


def test_seed_demo_is_shaped_on_the_seeds(runner):
    runner.invoke(args=["seed-demo", "--json"])
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert count(Space) == 3
    assert {s.kind.value for s in db.session.scalars(sa.select(Space))} == {
        "territorial",
        "thematic",
    }
    tronc = db.session.scalar(sa.select(Cycle).where(Cycle.title.like("Tronc commun%")))
    assert len(tronc.sessions) == 6
    assert count(Participant) == 15 + 36  # the regulars, and the indicators' year of history
    assert count(Attendance) > 0
    assert count(WorkshopSession) >= 6


def test_seed_demo_refuses_a_database_that_has_accounts(runner):
    assert runner.invoke(args=["seed-demo", "--json"]).exit_code == 0
    again = runner.invoke(args=["seed-demo", "--json"])
    assert again.exit_code != 0
    assert "empty" in again.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_seed_demo_has_a_photo_library_and_a_photolangage(runner):
    from PIL import Image

    from facilitation.core import uploads
    from facilitation.images.models import LibraryImage
    from facilitation.live.models import Activity, ActivityKind

    assert runner.invoke(args=["seed-demo", "--json"]).exit_code == 0
    photos = list(db.session.scalars(sa.select(LibraryImage)))
    assert len(photos) >= 4 and all(p.alt.strip() for p in photos)
    assert Image.open(io.BytesIO(uploads.read(photos[0].upload))).size == (320, 240)
    [photolangage] = db.session.scalars(
        sa.select(Activity).where(Activity.kind == ActivityKind.PHOTOLANGAGE)
    )
    assert photolangage.config["photos"] == [p.id for p in photos]


def test_make_run_twice_prints_the_logins_and_links_both_times(runner):
    """What `make run` calls before serving: seed-demo --if-empty, then demo-logins."""
    outputs = []
    for _ in range(2):
        assert runner.invoke(args=["seed-demo", "--if-empty", "--json"]).exit_code == 0
        result = runner.invoke(args=["demo-logins"])
        assert result.exit_code == 0
        outputs.append(result.output)
    for output in outputs:
        assert "coordination@example.org / " in output and "amina@example.org / " in output
        assert "live board:  join http://127.0.0.1:" in output and "/ecran/" in output
    assert outputs[0] == outputs[1]
    password = outputs[0].split("coordination@example.org / ")[1].split()[0]
    assert accounts.authenticate("coordination@example.org", password) is not None


def test_demo_logins_says_nothing_once_the_demo_accounts_changed(runner):
    assert runner.invoke(args=["seed-demo", "--json"]).exit_code == 0
    user = db.session.scalar(sa.select(User).where(User.email == "coordination@example.org"))
    from werkzeug.security import generate_password_hash

    user.password_hash = generate_password_hash("un tout autre mot de passe")  # changed
    db.session.commit()
    result = runner.invoke(args=["demo-logins"])
    assert "coordination@example.org" not in result.output


def test_links_for_phones_use_the_network_address_when_listening_on_it():
    from facilitation.core import network

    url = "http://127.0.0.1:5000/j/ABC234"
    assert network.for_phones(url, bind_host="127.0.0.1", address="192.168.1.20") == url
    assert (
        network.for_phones(url, bind_host="0.0.0.0", address="192.168.1.20")  # noqa: S104
        == "http://192.168.1.20:5000/j/ABC234"
    )
    lan = "http://192.168.1.20:5000/j/ABC234"
    assert network.for_phones(lan, bind_host="0.0.0.0", address="10.0.0.2") == lan  # noqa: S104
