"""A person's data is seen only through the viewer's own spaces (issue 7, section 1).

Found: a participant known in *Arnaud Bernard* was marked present once in *Les Izards*;
the Les Izards mediator then got the person's whole journey, the names of every space
they attend ("Douleurs chroniques" is itself health information) and who brought them,
from the page, its breadcrumb and ``export.json``. Every staff view of a person now
shows only what happened in the viewer's spaces; a coordinator sees the whole structure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest

from facilitation.core.exceptions import NotFound
from facilitation.extensions import db
from facilitation.participants import services
from facilitation.participants.models import Participant
from facilitation.spaces.models import SpaceKind, SpaceMembership

from .. import factories
from ..conftest import text_of
from .helpers import board_of, phone, sessions_in_a_row


@dataclass
class Story:
    colibri: Participant
    secrets: tuple[str, ...]  # what Les Izards must never read about Colibri
    izards_theme: str


def izards_story(world) -> Story:
    """Colibri is known in Arnaud Bernard and in "Douleurs chroniques" — brought by Soleil,
    came twice, co-animated, brought Mimosa, the team wrote notes — then came once to
    Les Izards with the same phone, where Julien confirmed the check-in."""
    s1, s2 = sessions_in_a_row(world, 2)
    douleurs = factories.space(world.org, "Douleurs chroniques", SpaceKind.THEMATIC)
    db.session.add(SpaceMembership(space_id=douleurs.id, user_id=world.mediator.id))
    db.session.commit()
    douleurs_session = factories.session(
        factories.cycle(douleurs, "Vivre avec"),
        theme="Parler de la douleur",
        starts_on=date(2030, 2, 4),
    )
    soleil = factories.participant(world.space, "Soleil")
    on_board = phone(board_of(world, s1), "colibri-phone", "Colibri")
    colibri = services.confirm_check_in(world.mediator, s1, on_board.id)
    services.update_participant(
        world.mediator,
        colibri,
        services.ParticipantData(
            pseudonym="Colibri",
            brought_by_id=soleil.id,
            notes={world.space.id: "Préfère les ateliers du matin"},
        ),
    )
    services.record_attendance(world.mediator, s2, colibri, "present")
    services.record_attendance(world.mediator, douleurs_session, colibri, "present")
    services.add_co_animation(
        world.mediator,
        colibri,
        kind="animated_tool",
        space=world.space,
        occurred_on=s2.starts_on,
        session=s2,
        note="A animé la météo d'arrivée",
    )
    services.add_newcomer(world.mediator, s2, "Mimosa", brought_by_id=colibri.id)
    there = phone(
        board_of(world, world.other_session, world.other_mediator), "colibri-phone", "Colibri"
    )
    assert services.confirm_check_in(world.other_mediator, world.other_session, there.id) == colibri
    secrets = (
        "Arnaud Bernard",
        "Douleurs chroniques",
        "Parler de la douleur",
        s1.theme,
        s2.theme,
        "Soleil",
        "Mimosa",
        "Préfère les ateliers du matin",
        "A animé la météo",
    )
    return Story(colibri, secrets, world.other_session.theme)


def assert_no_secret(text: str, story: Story) -> None:
    for secret in story.secrets:
        assert secret not in text, secret


# --- services -------------------------------------------------------------------------------


def test_the_les_izards_mediator_sees_only_the_les_izards_part_of_the_journey(world):
    story = izards_story(world)

    journey = services.staff_journey(world.other_mediator, story.colibri)

    assert [(e.kind, e.label, e.space, e.first_visit) for e in journey.events] == [
        ("attended", story.izards_theme, "Les Izards", True),  # the first time *they* saw
    ]
    assert (journey.sessions_attended, journey.co_animations, journey.people_brought) == (1, 0, 0)
    view = journey.view
    assert [s.name for s in view.spaces] == ["Les Izards"]
    assert view.brought_by is None
    assert [m.notes for m in view.memberships] == [""]


def test_the_coordinator_sees_the_whole_structure(world):
    story = izards_story(world)
    journey = services.staff_journey(world.coordinator, story.colibri)
    assert {e.space for e in journey.events if e.space} == {
        "Arnaud Bernard",
        "Douleurs chroniques",
        "Les Izards",
    }
    assert (journey.sessions_attended, journey.co_animations, journey.people_brought) == (4, 1, 1)
    assert journey.view.brought_by.pseudonym == "Soleil"
    assert [s.name for s in journey.view.spaces] == [
        "Arnaud Bernard",
        "Douleurs chroniques",
        "Les Izards",
    ]


def test_the_les_izards_export_holds_only_the_les_izards_part(world):
    story = izards_story(world)

    data = services.staff_export(world.other_mediator, story.colibri)

    assert data["spaces"] == ["Les Izards"]
    assert data["brought_by"] is None
    assert data["notes"] == {}
    assert [(e["kind"], e["space"]) for e in data["journey"]] == [("attended", "Les Izards")]
    assert data["registered_on"] == date.today().isoformat()  # known there since today
    assert "boards" not in data and "phones" not in data  # answers stay anonymous to staff
    assert_no_secret(json.dumps(data, ensure_ascii=False), story)


def test_the_persons_own_export_holds_everything(world):
    story = izards_story(world)
    data = services.export_data(story.colibri, "colibri-phone")
    assert data["spaces"] == ["Arnaud Bernard", "Douleurs chroniques", "Les Izards"]
    assert data["brought_by"] == "Soleil"
    assert data["notes"] == {"Arnaud Bernard": "Préfère les ateliers du matin"}
    assert len([e for e in data["journey"] if e["kind"] == "attended"]) == 4
    assert [p["this_phone"] for p in data["phones"]] == [True]


def test_a_team_edits_only_its_own_notes(world):
    story = izards_story(world)
    services.update_participant(
        world.other_mediator,
        story.colibri,
        services.ParticipantData(
            pseudonym="Colibri", notes={world.other_space.id: "Vient avec sa sœur"}
        ),
    )
    with pytest.raises(NotFound):  # Arnaud Bernard's notes are not Les Izards'
        services.update_participant(
            world.other_mediator,
            story.colibri,
            services.ParticipantData(pseudonym="Colibri", notes={world.space.id: "effacé"}),
        )
    db.session.rollback()
    mine = services.person_view(world.mediator, story.colibri.id)
    assert {m.space.name: m.notes for m in mine.memberships} == {
        "Arnaud Bernard": "Préfère les ateliers du matin",
        "Douleurs chroniques": "",
    }
    theirs = services.person_view(world.other_mediator, story.colibri.id)
    assert {m.space.name: m.notes for m in theirs.memberships} == {
        "Les Izards": "Vient avec sa sœur"
    }
    # Saving the record from Les Izards kept who brought them (unseen there).
    assert db.session.get(Participant, story.colibri.id).brought_by.pseudonym == "Soleil"


def test_co_animation_is_recorded_only_in_a_space_of_the_reader_where_the_person_is(world):
    story = izards_story(world)
    nowhere = factories.space(world.org, "Les Minimes")
    db.session.add(SpaceMembership(space_id=nowhere.id, user_id=world.other_mediator.id))
    db.session.commit()
    with pytest.raises(NotFound):  # a space of theirs where Colibri is not known
        services.add_co_animation(
            world.other_mediator,
            story.colibri,
            kind="animated_tool",
            space=nowhere,
            occurred_on=date(2030, 3, 1),
        )


# --- pages ----------------------------------------------------------------------------------


def test_the_participant_page_shows_les_izards_only_its_part(client, auth, world):
    story = izards_story(world)
    auth.login(world.other_mediator)

    response = client.get(f"/participants/{story.colibri.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_no_secret(html, story)
    breadcrumb = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", breadcrumb) == ["Les Izards"]
    assert story.izards_theme in text_of(response)
    # The co-animation form offers only their space; one notes field, theirs.
    select = re.search(r'<select[^>]*id="space".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["Les Izards"]
    assert re.findall(r'name="(notes_\d+)"', html) == [f"notes_{world.other_space.id}"]
    # Brought by: the Les Izards people only (nobody yet), nothing selected but "nobody".
    brought = re.search(r'<select[^>]*id="brought_by".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", brought) == ["Personne / je ne sais pas"]
    # No erase or merge for a mediator: removing from their space instead.
    assert f"/participants/{story.colibri.id}/effacer" not in html
    assert f"/participants/{story.colibri.id}/fusionner" not in html
    assert f"/participants/{story.colibri.id}/espaces/{world.other_space.id}/retirer" in html


def test_the_export_json_downloaded_in_les_izards_holds_only_its_part(client, auth, world):
    story = izards_story(world)
    auth.login(world.other_mediator)
    response = client.get(f"/participants/{story.colibri.id}/export.json")
    assert response.status_code == 200
    assert_no_secret(response.get_data(as_text=True), story)
    assert json.loads(response.get_data(as_text=True))["spaces"] == ["Les Izards"]


def test_arnaud_bernard_does_not_see_les_izards_either(client, auth, world):
    story = izards_story(world)
    auth.login(world.mediator)
    html = client.get(f"/participants/{story.colibri.id}").get_data(as_text=True)
    assert "Les Izards" not in html and story.izards_theme not in html
    assert "Arnaud Bernard" in html and "Douleurs chroniques" in html  # both theirs
    data = json.loads(client.get(f"/participants/{story.colibri.id}/export.json").data)
    assert data["spaces"] == ["Arnaud Bernard", "Douleurs chroniques"]
