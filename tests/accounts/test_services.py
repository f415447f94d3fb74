"""Staff accounts without HTTP: first coordinator, authentication, invitations, deactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from facilitation.accounts import services
from facilitation.accounts.models import Role, User
from facilitation.core.database import utcnow
from facilitation.core.exceptions import Forbidden, NotFound, ValidationError
from facilitation.extensions import db
from facilitation.spaces import services as spaces

from .. import factories

STRONG = "une-phrase-de-passe-longue"


def test_first_coordinator_creates_the_structure_and_a_hashed_password():
    user = services.create_first_coordinator(
        organisation_name="Case de Santé",
        email=" Camille@Example.org ",
        password="assez-long-pour-passer",
        display_name="Camille",
    )
    assert user.role is Role.COORDINATOR
    assert user.email == "camille@example.org"
    assert user.organisation.name == "Case de Santé"
    assert "assez-long" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_short_password_is_refused_in_french():
    with pytest.raises(ValidationError) as error:
        services.create_first_coordinator(
            organisation_name="Case", email="a@example.org", password="court", display_name="A"
        )
    assert error.value.field == "password"
    assert "12 caractères" in error.value.message


def test_duplicate_email_is_refused_and_the_database_enforces_it():
    org = factories.organisation()
    existing = factories.user(org)
    with pytest.raises(ValidationError):
        services.create_user(
            org,
            email=existing.email.upper(),
            password=STRONG,
            display_name="B",
            role=Role.MEDIATOR,
        )
    db.session.add(
        User(
            organisation=org,
            email=existing.email,
            display_name="C",
            password_hash="x",
            role=Role.MEDIATOR,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_authenticate_accepts_the_right_password_only_for_active_accounts():
    org = factories.organisation()
    user = factories.user(org)
    assert services.authenticate(user.email, factories.PASSWORD) == user
    assert services.authenticate(user.email.upper(), factories.PASSWORD) == user
    assert services.authenticate(user.email, "wrong password") is None
    assert services.authenticate("nobody@example.org", factories.PASSWORD) is None
    user.active = False
    db.session.commit()
    assert services.authenticate(user.email, factories.PASSWORD) is None


def test_invitation_is_single_use_and_joins_the_chosen_spaces(world):
    created = services.create_invitation(world.coordinator, space_ids=[world.space.id])
    assert created.invitation.token_hash != created.token  # only a hash is stored
    user = services.accept_invitation(
        created.token, email="sam@example.org", password=STRONG, display_name="Sam"
    )
    assert user.role is Role.MEDIATOR
    assert [s.id for s in spaces.list_spaces(user)] == [world.space.id]
    with pytest.raises(NotFound):
        services.accept_invitation(
            created.token, email="other@example.org", password=STRONG, display_name="Other"
        )


def test_invitation_refused_input_leaves_the_link_usable(world):
    created = services.create_invitation(world.coordinator)
    with pytest.raises(ValidationError):
        services.accept_invitation(
            created.token, email=world.mediator.email, password=STRONG, display_name="Dup"
        )
    assert services.find_pending_invitation(created.token).used_at is None


def test_expired_and_revoked_invitations_do_not_work(world):
    expired = services.create_invitation(world.coordinator)
    expired.invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(NotFound):
        services.find_pending_invitation(expired.token)
    revoked = services.create_invitation(world.coordinator)
    services.revoke_invitation(world.coordinator, revoked.invitation.id)
    with pytest.raises(NotFound):
        services.find_pending_invitation(revoked.token)


def test_only_coordinators_manage_the_team(world):
    with pytest.raises(Forbidden):
        services.create_invitation(world.mediator)
    with pytest.raises(Forbidden):
        services.list_staff(world.mediator)
    with pytest.raises(Forbidden):
        services.set_active(world.mediator, world.other_mediator.id, False)


def test_invitation_cannot_name_a_space_of_another_structure(world):
    elsewhere = factories.space(factories.organisation("Autre structure"))
    with pytest.raises(NotFound):
        services.create_invitation(world.coordinator, space_ids=[elsewhere.id])


def test_deactivation_ends_open_sessions_and_cannot_target_oneself(world):
    token = world.mediator.login_token
    services.set_active(world.coordinator, world.mediator.id, False)
    assert world.mediator.login_token != token
    assert services.load_user(token) is None
    with pytest.raises(ValidationError):
        services.set_active(world.coordinator, world.coordinator.id, False)


def test_password_change_checks_the_current_one_and_rotates_the_login_token(world):
    token = world.mediator.login_token
    with pytest.raises(ValidationError):
        services.change_password(world.mediator, "not it", "les-jours-de-pluie-42")
    services.change_password(world.mediator, factories.PASSWORD, "les-jours-de-pluie-42")
    assert world.mediator.login_token != token
    assert services.authenticate(world.mediator.email, "les-jours-de-pluie-42") == world.mediator
