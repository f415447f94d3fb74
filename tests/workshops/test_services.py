"""Cycles and sessions without HTTP: access through the space, validation, dashboard order."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from facilitation.core.exceptions import NotFound, ValidationError
from facilitation.extensions import db
from facilitation.spaces import services as spaces
from facilitation.workshops import services
from facilitation.workshops.models import WorkshopSession
from facilitation.workshops.services import SessionData

from .. import factories

TODAY = date(2026, 11, 23)


def data(**overrides) -> SessionData:
    values = {
        "theme": "Mes droits",
        "starts_on": TODAY + timedelta(days=2),
        "starts_at": time(14, 0),
        "ends_at": time(16, 0),
        "place": "Salle",
    }
    values.update(overrides)
    return SessionData(**values)


def test_mediator_creates_a_cycle_and_sessions_in_their_space(world):
    cycle = services.create_cycle(world.mediator, world.space, title=" Tronc  commun ")
    assert cycle.title == "Tronc commun"
    session = services.create_session(world.mediator, cycle, data())
    assert session.cycle.space == world.space
    assert session.created_by_id == world.mediator.id


def test_mediator_cannot_reach_another_space_s_cycles_or_sessions(world):
    with pytest.raises(NotFound):
        services.create_cycle(world.mediator, world.other_space, title="Intrus")
    with pytest.raises(NotFound):
        services.get_cycle(world.mediator, world.other_cycle.id)
    with pytest.raises(NotFound):
        services.get_session(world.mediator, world.other_session.id)
    with pytest.raises(NotFound):
        services.update_session(world.mediator, world.other_session, data(theme="Piraté"))
    db.session.refresh(world.other_session)
    assert world.other_session.theme == "Nos droits de locataires"


def test_session_must_end_after_it_starts_and_have_a_theme(world):
    with pytest.raises(ValidationError) as error:
        services.create_session(world.mediator, world.cycle, data(ends_at=time(13, 0)))
    assert error.value.field == "ends_at"
    with pytest.raises(ValidationError) as error:
        services.create_session(world.mediator, world.cycle, data(theme="   "))
    assert error.value.field == "theme"


def test_database_refuses_a_session_ending_before_it_starts(world):
    db.session.add(
        WorkshopSession(
            cycle=world.cycle,
            theme="x",
            starts_on=TODAY,
            starts_at=time(15, 0),
            ends_at=time(14, 0),
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_no_new_session_in_an_archived_cycle_or_space(world):
    services.set_cycle_archived(world.mediator, world.cycle, True)
    with pytest.raises(ValidationError):
        services.create_session(world.mediator, world.cycle, data())
    services.set_cycle_archived(world.mediator, world.cycle, False)
    spaces.set_archived(world.coordinator, world.space, True)
    with pytest.raises(ValidationError):
        services.create_session(world.mediator, world.cycle, data())


def test_upcoming_sessions_are_the_actor_s_own_future_ones_soonest_first(world):
    later = services.create_session(
        world.mediator, world.cycle, data(theme="Plus tard", starts_on=TODAY + timedelta(days=9))
    )
    sooner = services.create_session(
        world.mediator, world.cycle, data(theme="Bientôt", starts_on=TODAY, starts_at=time(9, 0))
    )
    services.create_session(
        world.mediator, world.cycle, data(theme="Passée", starts_on=TODAY - timedelta(days=1))
    )
    archived = services.create_session(world.mediator, world.cycle, data(theme="Archivée"))
    services.set_session_archived(world.mediator, archived, True)
    world.session.starts_on = TODAY + timedelta(days=3)
    db.session.commit()

    upcoming = services.upcoming_sessions(world.mediator, TODAY)
    assert [s.theme for s in upcoming] == ["Bientôt", "Le système de santé", "Plus tard"]
    assert sooner in upcoming and later in upcoming
    assert world.other_session not in upcoming
    everyone = services.upcoming_sessions(world.coordinator, TODAY)
    assert world.other_session in everyone


def test_upcoming_sessions_skip_archived_spaces(world):
    spaces.set_archived(world.coordinator, world.space, True)
    assert services.upcoming_sessions(world.mediator, date.today()) == []


def test_updating_a_session_keeps_it_in_its_cycle(world):
    updated = services.update_session(
        world.mediator, world.session, data(theme="Nouveau thème", place="  Maison de quartier ")
    )
    assert updated.theme == "Nouveau thème"
    assert updated.place == "Maison de quartier"
    assert updated.cycle == world.cycle


def test_factories_make_sessions_visible_to_space_staff_only():
    org = factories.organisation()
    space = factories.space(org)
    session = factories.session(factories.cycle(space))
    outsider = factories.user(org)
    with pytest.raises(NotFound):
        services.get_session(outsider, session.id)
