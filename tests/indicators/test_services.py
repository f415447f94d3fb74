"""The activity log, the grids, the objectives, the veille, the threshold and the
self-assessment: their rules, without HTTP."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from facilitation.core.exceptions import Forbidden, NotFound, ValidationError
from facilitation.extensions import db
from facilitation.indicators import (
    activity_log,
    assessment,
    barriers,
    grids,
    objectives,
    privacy,
    settings,
    view,
)
from facilitation.indicators.activity_log import EntryData, WeekLine
from facilitation.indicators.barriers import BarrierData, Filters
from facilitation.indicators.models import ActivityLogEntry, BarrierState, LogKind
from facilitation.indicators.objectives import ObjectiveData
from facilitation.indicators.scope import Period, structure
from facilitation.live import kinds
from facilitation.live import services as live
from facilitation.live.models import Activity

TODAY = date(2026, 12, 1)


# --- no contact details, no names ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Écrire à marie.dupont@example.org",
        "Rappeler au 06 12 34 56 78",
        "tel +33 6 12 34 56 78",
        "0612345678",
        "01.23.45.67.89",
    ],
)
def test_emails_and_phone_numbers_are_refused(text):
    with pytest.raises(ValidationError) as refused:
        privacy.clean(text, limit=500, field="description")
    assert refused.value.field == "description"


@pytest.mark.parametrize(
    "text", ["Rendez-vous le 12/03/2026", "Reste à charge de 1 500 €", "Dossier 2025-2026"]
)
def test_dates_and_amounts_are_not_phone_numbers(text):
    assert privacy.clean(text, limit=500, field="description") == text


# --- activity log ------------------------------------------------------------------------------


def _entry(world, **changes):
    data = {
        "space_id": world.space.id,
        "occurred_on": date(2026, 3, 2),
        "kind": "orientation",
        "people": 2,
        "partner": "PASS de l'hôpital",
    }
    return EntryData(**{**data, **changes})


def test_an_entry_in_a_few_fields(world):
    entry = activity_log.create_entry(world.mediator, _entry(world), today=TODAY)
    assert (entry.kind, entry.people, entry.partner) == (
        LogKind.ORIENTATION,
        2,
        "PASS de l'hôpital",
    )
    assert activity_log.list_entries(world.mediator) == [entry]
    assert activity_log.list_entries(world.other_mediator) == []


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"people": 0}, "people"),
        ({"people": 1000}, "people"),
        ({"kind": "consultation"}, "kind"),
        ({"occurred_on": date(2026, 12, 2)}, "occurred_on"),  # tomorrow
        ({"partner": "Dr Martin, 06 11 22 33 44"}, "partner"),
    ],
)
def test_an_entry_is_refused_with_the_field_to_fix(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        activity_log.create_entry(world.mediator, _entry(world, **changes), today=TODAY)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(ActivityLogEntry.id))) == 0


def test_a_mediator_cannot_log_in_another_space_nor_remove_its_entries(world):
    with pytest.raises(ValidationError):
        activity_log.create_entry(world.other_mediator, _entry(world), today=TODAY)
    entry = activity_log.create_entry(world.mediator, _entry(world), today=TODAY)
    with pytest.raises(NotFound):
        activity_log.delete_entry(world.other_mediator, entry.id)
    activity_log.delete_entry(world.coordinator, entry.id)
    assert activity_log.list_entries(world.coordinator) == []


def test_a_week_at_once_all_or_nothing(world):
    lines = [
        WeekLine(day=0, kind="interview", people=1),
        WeekLine(day=None, kind=None, people=None),  # empty: left out
        WeekLine(day=3, kind="outreach", people=14, partner="Accueil de jour"),
    ]
    entries = activity_log.create_week(
        world.mediator, space_id=world.space.id, monday=date(2026, 3, 4), lines=lines, today=TODAY
    )
    assert [(e.occurred_on, e.kind, e.people) for e in entries] == [
        (date(2026, 3, 2), LogKind.INTERVIEW, 1),  # the Monday of the week of 4 March
        (date(2026, 3, 5), LogKind.OUTREACH, 14),
    ]
    bad = [
        WeekLine(day=1, kind="interview", people=1),
        WeekLine(day=2, kind="interview", people=None),
    ]
    with pytest.raises(ValidationError) as refused:
        activity_log.create_week(
            world.mediator,
            space_id=world.space.id,
            monday=date(2026, 3, 9),
            lines=bad,
            today=TODAY,
        )
    assert refused.value.field == "people_1"
    assert db.session.scalar(sa.select(sa.func.count(ActivityLogEntry.id))) == 2


# --- quality grids ---------------------------------------------------------------------------


def test_the_grids_quote_the_ars_guide():
    assert len(grids.ANNEX5.items) == 9
    assert [s.title for s in grids.ANNEX6.sections][:4] == [
        "Axe 1 : (Ré) créer la rencontre avec les populations concernées",
        "Axe 2 : Faciliter la coordination du parcours de santé",
        "Axe 3 : Proposer des actions collectives de promotion de la santé",
        "Axe 4 : Participer aux actions structurantes au projet de sa structure",
    ]
    assert sum(len(s.items) for s in grids.ANNEX6.sections[:4]) == 12
    assert len(grids.ANNEX6.sections[4].items) == 3  # the three objective questions
    assert [label for _v, label in grids.ANNEX5.scale] == [
        "Non atteint",
        "En cours de réalisation",
        "Atteint",
    ]


def _save(actor, day, ratings, comments=None, space_id=None):
    answers = {
        key: grids.Answer(rating, (comments or {}).get(key, "")) for key, rating in ratings.items()
    }
    return grids.save_version(
        actor, grids.ANNEX5, space_id=space_id, filled_on=day, answers=answers, today=TODAY
    )


def test_dated_versions_and_what_moved_between_two_dates(world):
    first = _save(
        world.coordinator,
        date(2026, 3, 1),
        {"diagnostic": "met", "ethics": "not_met", "means": "in_progress"},
    )
    second = _save(
        world.coordinator,
        date(2026, 10, 1),
        {"diagnostic": "met", "ethics": "in_progress", "means": "not_met", "participation": "met"},
        {"diagnostic": "Diagnostic partagé avec le CLS."},
    )
    again = _save(
        world.coordinator,
        date(2026, 10, 1),
        {"diagnostic": "in_progress", "ethics": "met", "acculturation": ""},
        {"acculturation": "À reprendre avec l'équipe."},
    )
    assert again.id == second.id  # one version per date: saving again replaces it
    _grid, before, after, rows = grids.compare(world.coordinator, again.id, first.id)
    assert (before.id, after.id) == (first.id, again.id)  # the older first
    moved = {row.item.key: row.movement for row in rows}
    assert moved["ethics"] == "up"
    assert moved["means"] == "cleared"  # rated before, not now
    assert moved["participation"] == "same"  # rated in a version replaced since
    assert moved["diagnostic"] == "down"
    assert moved["acculturation"] == "changed"  # a comment, no rating
    assert moved["veille_protocol"] == "same"
    assert [v.id for v in grids.versions(world.coordinator, grids.GridName.ANNEX5)] == [
        again.id,
        first.id,
    ]
    space_version = _save(
        world.coordinator, date(2026, 5, 1), {"diagnostic": "in_progress"}, space_id=world.space.id
    )
    assert grids.latest(world.coordinator, grids.GridName.ANNEX5, world.space.id) == space_version


def test_a_grid_is_the_coordinators_and_its_comments_name_nobody(world):
    with pytest.raises(Forbidden):
        _save(world.mediator, date(2026, 3, 1), {"diagnostic": "met"})
    with pytest.raises(ValidationError) as refused:
        _save(
            world.coordinator,
            date(2026, 3, 1),
            {"diagnostic": "met"},
            {"diagnostic": "Voir avec claire@example.org"},
        )
    assert refused.value.field == "diagnostic-comment"
    with pytest.raises(ValidationError):
        _save(world.coordinator, date(2026, 3, 1), {"diagnostic": "perfect"})
    with pytest.raises(ValidationError):
        _save(world.coordinator, date(2026, 3, 1), {})  # nothing rated


# --- objectives ------------------------------------------------------------------------------


def test_an_objective_shows_its_progress_on_the_indicators(history, app):
    objective = objectives.create_objective(
        history.coordinator,
        ObjectiveData(year=2026, scope="structure", indicator="sessions_held", target=10),
    )
    assert "10" in objective.title and "2026" in objective.title  # a title when none given
    with app.test_request_context():
        page = view.build(
            history.coordinator, structure(history.coordinator), Period.of_year(2026), TODAY
        )
    (progress,) = page.objectives
    assert progress.value.value == 8 and progress.share == pytest.approx(0.8)
    assert not progress.reached
    objectives.create_objective(
        history.coordinator,
        ObjectiveData(year=2026, scope="structure", indicator="returning_people", target=3),
    )
    with app.test_request_context():
        page = view.build(
            history.coordinator, structure(history.coordinator), Period.of_year(2026), TODAY
        )
    hidden = next(p for p in page.objectives if p.figure.key == "returning_people")
    assert hidden.value.hidden and hidden.share is None  # a small count: no percentage


def test_objectives_are_the_coordinators_and_checked(world):
    data = ObjectiveData(
        year=2027,
        scope=f"cycle:{world.cycle.id}",
        indicator="distinct_people",
        target=30,
        title="30 personnes distinctes dans le tronc commun en 2027",
    )
    with pytest.raises(Forbidden):
        objectives.create_objective(world.mediator, data)
    objective = objectives.create_objective(world.coordinator, data)
    assert objectives.list_objectives(world.mediator) == [objective]  # their space's
    assert objectives.list_objectives(world.other_mediator) == []
    for bad, field in [
        (ObjectiveData(2027, "structure", "distinct_people", 0), "target"),
        (ObjectiveData(2027, "structure", "no_such_figure", 5), "indicator"),
        (ObjectiveData(2027, f"cycle:{world.cycle.id}", "log_orientation", 5), "indicator"),
        (ObjectiveData(1999, "structure", "distinct_people", 5), "year"),
        (ObjectiveData(2027, "space:999999", "distinct_people", 5), "scope"),
    ]:
        with pytest.raises(ValidationError) as refused:
            objectives.create_objective(world.coordinator, bad)
        assert refused.value.field == field


# --- veille ------------------------------------------------------------------------------------


def _barrier(world, **changes):
    data = {
        "space_id": world.space.id,
        "occurred_on": date(2026, 4, 1),
        "category": "no_interpreter",
        "institution": "Service des urgences",
        "description": "Consultation sans interprète.",
        "people": 3,
    }
    return BarrierData(**{**data, **changes})


def test_a_barrier_is_reported_passed_on_then_answered(world):
    barrier = barriers.create_barrier(world.mediator, _barrier(world), today=TODAY)
    assert barrier.state is BarrierState.REPORTED
    with pytest.raises(ValidationError):  # nothing to close before it is passed on
        barriers.close(world.mediator, barrier.id, answered=True, on=TODAY, answer="", today=TODAY)
    with pytest.raises(ValidationError) as refused:
        barriers.transmit(world.mediator, barrier.id, to="ARS", on=date(2026, 3, 1), today=TODAY)
    assert refused.value.field == "on"  # before the barrier was met
    barriers.transmit(
        world.mediator, barrier.id, to="Direction de l'hôpital", on=date(2026, 4, 8), today=TODAY
    )
    barriers.close(
        world.mediator, barrier.id, answered=False, on=date(2026, 6, 1), answer="", today=TODAY
    )
    assert barrier.state is BarrierState.NO_ANSWER
    barriers.transmit(
        world.mediator,
        barrier.id,
        to="Délégation territoriale de l'ARS",
        on=date(2026, 6, 15),
        today=TODAY,
    )  # passed on again
    barriers.close(
        world.mediator,
        barrier.id,
        answered=True,
        on=date(2026, 7, 1),
        answer="Un interprète sera proposé.",
        today=TODAY,
    )
    assert barrier.state is BarrierState.ANSWERED
    with pytest.raises(ValidationError):
        barriers.transmit(world.mediator, barrier.id, to="ARS", on=TODAY, today=TODAY)


def test_barriers_are_seen_in_their_space_and_filtered(world):
    mine = barriers.create_barrier(world.mediator, _barrier(world), today=TODAY)
    other = barriers.create_barrier(
        world.other_mediator,
        _barrier(
            world, space_id=world.other_space.id, category="digital", occurred_on=date(2026, 9, 1)
        ),
        today=TODAY,
    )
    assert barriers.list_barriers(world.mediator) == [mine]
    assert barriers.list_barriers(world.coordinator) == [other, mine]
    assert barriers.list_barriers(world.coordinator, Filters(category="digital")) == [other]
    assert barriers.list_barriers(world.coordinator, Filters(end=date(2026, 6, 30))) == [mine]
    assert barriers.list_barriers(world.coordinator, Filters(state="transmitted")) == []
    with pytest.raises(NotFound):
        barriers.get_barrier(world.mediator, other.id)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"description": "Mme X, joignable au 07 00 00 00 00"}, "description"),
        ({"institution": "accueil@cpam.example.fr"}, "institution"),
        ({"category": "weather"}, "category"),
        ({"people": 0}, "people"),
        ({"space_id": None}, "space_id"),
    ],
)
def test_a_barrier_is_refused_with_the_field_to_fix(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        barriers.create_barrier(world.mediator, _barrier(world, **changes), today=TODAY)
    assert refused.value.field == field


def test_a_note_of_a_session_becomes_a_barrier_once(world):
    board = live.board_for_session(world.mediator, world.session)
    wall = live.add_activity(
        world.mediator, board, kind="ideas", prompt="Ce qui bloque", config={"dots": 3}
    )
    live.control(live.Actor(user=world.mediator), board, "open")
    phone = live.join(board, "phone-note", pseudonym=None, language="fr")
    stored = live.contribute(phone, wall.id, "client-note-1", "Pas d'interprète aux urgences")
    _session, notes = barriers.notes_of_session(world.mediator, world.session.id)
    assert [n.contribution.text for n in notes] == ["Pas d'interprète aux urgences"]
    with pytest.raises(NotFound):
        barriers.notes_of_session(world.other_mediator, world.session.id)
    barrier = barriers.create_barrier(
        world.mediator, _barrier(world, contribution_id=stored.contribution_id), today=TODAY
    )
    assert barrier.session_id == world.session.id
    with pytest.raises(ValidationError):
        barriers.create_barrier(
            world.mediator, _barrier(world, contribution_id=stored.contribution_id), today=TODAY
        )
    _session, notes = barriers.notes_of_session(world.mediator, world.session.id)
    assert notes[0].barrier_id == barrier.id


# --- threshold ------------------------------------------------------------------------------


def test_the_threshold_is_the_coordinators(world):
    assert settings.threshold(world.org.id) == 5
    with pytest.raises(Forbidden):
        settings.set_threshold(world.mediator, 7)
    for bad in (2, 21, None):
        with pytest.raises(ValidationError):
            settings.set_threshold(world.coordinator, bad)
    settings.set_threshold(world.coordinator, 7)
    assert settings.threshold(world.org.id) == 7


# --- the self-assessment on the board ---------------------------------------------------------


def test_staff_choose_statements_from_the_list_and_add_their_own(world):
    activity = assessment.add(
        world.mediator,
        world.session.id,
        moment="t0",
        statements=["steps_alone", "know_rights", "know_public"],  # the last: not for T0
        own="Je sais prendre un rendez-vous\n\n",
        prompt="Où j'en suis",
    )
    assert [s["key"] for s in activity.config["statements"]] == ["steps_alone", "know_rights", ""]
    assert activity.config["statements"][2]["text"] == "Je sais prendre un rendez-vous"
    pro = assessment.add(
        world.mediator,
        world.session.id,
        moment="t1-professionals",
        statements=["know_public"],
        own="",
        prompt="Ce que le cycle a changé",
    )
    assert (pro.config["moment"], pro.config["audience"]) == ("t1", "professionals")
    with pytest.raises(ValidationError):
        assessment.add(
            world.mediator, world.session.id, moment="t0", statements=[], own="", prompt="Rien"
        )
    with pytest.raises(NotFound):
        assessment.add(
            world.other_mediator,
            world.session.id,
            moment="t0",
            statements=["know_rights"],
            own="",
            prompt="X",
        )
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 2


def test_the_self_assessment_kind():
    rules = kinds.get("self_assessment")
    config = rules.clean_config(
        {"statements": ["Je sais où aller pour me soigner", {"key": "know_rights"}, "À moi"]}
    )
    assert [s["key"] for s in config["statements"]] == ["know_where_care", "know_rights", ""]
    assert config["moment"] == "t0" and config["audience"] == "participants"
    assert rules.clean_answer(config, {}, {"0": 2, "2": 5}, None) == {"0": 2, "2": 5}
    for bad in ({}, {"3": 2}, {"0": 6}, {"0": True}, [1, 2], {"x": 1}):
        with pytest.raises(kinds.Refused):
            rules.clean_answer(config, {}, bad, None)
    tally = rules.tally(config, {}, [{"0": 2, "1": 4}, {"0": 4}, {"0": 5, "1": 4}])
    assert tally["total"] == 3
    assert tally["statements"][0] == {"counts": [0, 1, 0, 1, 1], "answered": 3, "median": 4.0}
    assert tally["statements"][1]["median"] == 4.0 and tally["statements"][2]["answered"] == 0
    with pytest.raises(kinds.Refused):
        rules.clean_config({"statements": []})
    with pytest.raises(kinds.Refused):
        rules.clean_config({"statements": ["a"] and [f"Phrase {i}" for i in range(7)]})
    with pytest.raises(kinds.Refused):
        rules.clean_config({"statements": ["Une"], "moment": "t2"})
