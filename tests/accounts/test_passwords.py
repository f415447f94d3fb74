"""New passwords: 12 characters, not a common one, not the e-mail nor the structure's name.
Existing shorter passwords keep working until changed."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from facilitation.accounts import passwords, services
from facilitation.accounts.models import Role
from facilitation.core.exceptions import ValidationError
from facilitation.extensions import db

from .. import factories
from ..conftest import PASSWORD, text_of


def _refusal(password: str, email: str = "camille.dupont@example.org", org: str = "Case de Santé"):
    with pytest.raises(ValidationError) as error:
        passwords.check_new_password(password, email=email, organisation_name=org)
    assert error.value.field == "password"
    return error.value.message


def test_twelve_characters_at_least():
    assert "12 caractères" in _refusal("onze-signes")
    passwords.check_new_password("douze-signes", email="a@example.org", organisation_name="X")


@pytest.mark.parametrize(
    "password",
    [
        "motdepasse123",  # French
        "Azerty123456",
        "azertyuiop123",
        "MotDePasse2024!",
        "mot-de-passe-2025",
        "1234567890azerty",
        "P@ssw0rd12345",  # letters written as digits and symbols
        "azertyazerty",  # repeated
        "123123123123",
        "yyyyyyyyyyyy",
        "Marseille13!!",
        "qwertyuiop123",  # and the world's most common ones
        "iloveyou1234",
        "password1234",
    ],
)
def test_common_passwords_are_refused(password):
    assert "plus courants" in _refusal(password)


def test_the_list_ships_with_the_package_and_has_thousands_of_entries():
    common = passwords.common_passwords()
    assert len(common) > 10_000
    assert {"motdepasse", "azerty123", "123456", "password", "soleil"} <= common
    header = passwords.COMMON_PASSWORDS_FILE.read_text().splitlines()[:20]
    assert any("MIT" in line for line in header)  # where it comes from and its licence


@pytest.mark.parametrize(
    "password",
    [
        "camille.dupont-2024",
        "CAMILLE-et-ses-chats",
        "les-chats-de-dupont",
        "Case de Santé 2024",
        "casedesante-toulouse",
        "CASE-DE-SANTE!!",
    ],
)
def test_the_email_and_the_structure_name_are_refused_whatever_the_case_and_accents(password):
    assert "ni votre adresse e-mail, ni le nom de votre structure" in _refusal(password)


@pytest.mark.parametrize(
    "password",
    ["un-mot-de-passe-solide", "le chat dort au soleil", "Tartines-et-confiture-7"],
)
def test_good_passwords_pass(password):
    passwords.check_new_password(
        password, email="camille.dupont@example.org", organisation_name="Case de Santé"
    )


def test_every_way_of_choosing_a_password_applies_the_rules(client, auth, world):
    org = world.org
    with pytest.raises(ValidationError):
        services.create_user(
            org,
            email="sam@example.org",
            password="azerty123456",
            display_name="Sam",
            role=Role.MEDIATOR,
        )
    created = services.create_invitation(world.coordinator)
    with pytest.raises(ValidationError):
        services.accept_invitation(
            created.token, email="sam@example.org", password="sam-example-org", display_name="S"
        )
    with pytest.raises(ValidationError):
        services.change_password(world.mediator, PASSWORD, "Case-de-Sante-2024")
    auth.login(world.mediator)
    response = client.post(
        "/mon-compte",
        data={
            "current_password": PASSWORD,
            "password": "motdepasse2024",
            "confirm": "motdepasse2024",
        },
    )
    assert response.status_code == 422
    assert "plus courants" in text_of(response)


def test_an_existing_short_password_still_logs_in(client, world):
    world.mediator.password_hash = generate_password_hash("court-123")  # from before the rule
    db.session.commit()
    response = client.post(
        "/connexion", data={"email": world.mediator.email, "password": "court-123"}
    )
    assert response.status_code == 302
    assert client.get("/tableau-de-bord").status_code == 200


def test_the_test_and_demo_passwords_pass_the_rules():
    passwords.check_new_password(
        factories.PASSWORD, email="staff1@example.org", organisation_name="Case de Santé"
    )
