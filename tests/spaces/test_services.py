"""Spaces without HTTP: visibility, coordinator-only changes, unique names, membership."""

from __future__ import annotations

import pytest

from facilitation.core.exceptions import Forbidden, NotFound, ValidationError
from facilitation.spaces import services

from .. import factories


def test_mediators_see_only_their_spaces_coordinators_see_all(world):
    assert [s.name for s in services.list_spaces(world.mediator)] == ["Arnaud Bernard"]
    assert [s.name for s in services.list_spaces(world.other_mediator)] == ["Les Izards"]
    assert [s.name for s in services.list_spaces(world.coordinator)] == [
        "Arnaud Bernard",
        "Les Izards",
    ]
    with pytest.raises(NotFound):
        services.get_space(world.mediator, world.other_space.id)


def test_a_coordinator_never_sees_another_structure(world):
    other_org = factories.organisation("Autre")
    hidden = factories.space(other_org, "Ailleurs")
    with pytest.raises(NotFound):
        services.get_space(world.coordinator, hidden.id)


def test_create_space_is_for_coordinators_and_names_are_unique(world):
    with pytest.raises(Forbidden):
        services.create_space(world.mediator, name="Bagatelle", kind="territorial")
    space = services.create_space(world.coordinator, name="  Bagatelle  ", kind="thematic")
    assert space.name == "Bagatelle"
    with pytest.raises(ValidationError) as error:
        services.create_space(world.coordinator, name="Bagatelle", kind="territorial")
    assert error.value.field == "name"
    assert "déjà" in error.value.message


def test_archiving_hides_a_space_from_lists_but_keeps_it(world):
    services.set_archived(world.coordinator, world.space, True)
    assert world.space not in services.list_spaces(world.mediator)
    assert world.space in services.list_spaces(world.mediator, include_archived=True)
    services.set_archived(world.coordinator, world.space, False)
    assert world.space in services.list_spaces(world.mediator)


def test_set_members_gives_and_takes_access(world):
    services.set_members(
        world.coordinator, world.other_space, [world.other_mediator.id, world.mediator.id]
    )
    assert world.other_space in services.list_spaces(world.mediator)
    services.set_members(world.coordinator, world.other_space, [world.other_mediator.id])
    assert world.other_space not in services.list_spaces(world.mediator)


def test_set_members_refuses_staff_of_another_structure(world):
    stranger = factories.user(factories.organisation("Autre"))
    with pytest.raises(ValidationError):
        services.set_members(world.coordinator, world.space, [stranger.id])
