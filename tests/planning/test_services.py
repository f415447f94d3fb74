"""Preparing workshops without HTTP: tools, plans and their times, templates, duplication,
the calendar grid, and who may reach what."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from facilitation.accounts.models import Role
from facilitation.core.exceptions import NotFound, ValidationError
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import Activity, Answer, Board, LiveParticipant
from facilitation.planning import services
from facilitation.planning.models import PlanItem, SessionTemplate, Tool
from facilitation.planning.services import ToolData
from facilitation.workshops import services as workshops
from facilitation.workshops.models import Cycle, WorkshopSession

from .. import factories

POLL = {"choices": [{"label": "Oui", "icon": ""}, {"label": "Non", "icon": ""}], "multiple": False}
DEBATE = {"left": "Pas d'accord", "right": "D'accord"}


def tool(actor, name="Débat mouvant", minutes=30, **extra) -> Tool:
    return services.create_tool(actor, ToolData(name=name, duration_minutes=minutes, **extra))


def other_organisation_staff():
    org = factories.organisation("Autre structure")
    return factories.user(org, Role.COORDINATOR, name="Ailleurs")


def activities_of(session: WorkshopSession) -> list[Activity]:
    board = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
    return list(board.activities) if board else []


# --- tools ------------------------------------------------------------------------------


def test_any_staff_of_the_organisation_builds_the_tools_library(world):
    created = tool(
        world.mediator,
        name="  Débat   mouvant ",
        material="Ruban adhésif",
        activity_kinds=["debate", "poll", "debate"],
        co_built=True,
    )
    assert created.name == "Débat mouvant"
    assert created.activity_kinds == ["poll", "debate"]  # known kinds, once, board order
    assert [t.name for t in services.list_tools(world.other_mediator)] == ["Débat mouvant"]
    services.update_tool(
        world.other_mediator, created, ToolData(name="Débat mouvant", duration_minutes=40)
    )
    assert services.get_tool(world.coordinator, created.id).duration_minutes == 40


def test_tool_rules_name_duration_kinds_and_unique_name(world):
    tool(world.mediator, name="Photolangage")
    for data, field in [
        (ToolData(name="  "), "name"),
        (ToolData(name="Météo", duration_minutes=0), "duration_minutes"),
        (ToolData(name="Météo", duration_minutes=None), "duration_minutes"),
        (ToolData(name="Météo", activity_kinds=["dance"]), "activity_kinds"),
        (ToolData(name="Photolangage"), "name"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.create_tool(world.mediator, data)
        assert error.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Tool.id))) == 1


def test_another_organisation_s_tool_is_not_found(world):
    stranger = other_organisation_staff()
    mine = tool(world.mediator)
    assert services.list_tools(stranger) == []
    with pytest.raises(NotFound):
        services.get_tool(stranger, mine.id)
    with pytest.raises(NotFound):
        services.update_tool(stranger, mine, ToolData(name="Piraté"))
    with pytest.raises(NotFound):  # nor can it be put in a plan by someone else
        services.add_plan_item(world.coordinator, world.session, tool_id=tool(stranger).id)
    db.session.refresh(mine)
    assert mine.name == "Débat mouvant"


# --- the plan of a session ----------------------------------------------------------------


def test_plan_steps_are_ordered_and_start_times_computed(world):
    meteo = tool(world.mediator, "Météo d'arrivée", 10, material="Cartes météo")
    debate = tool(world.mediator, "Débat mouvant", 30, material="Ruban adhésif")
    s = world.session  # 14:00 → 16:00
    services.add_plan_item(world.mediator, s, tool_id=meteo.id)  # title, duration from the tool
    services.add_plan_item(world.mediator, s, title="Pause", duration_minutes=15)
    services.add_plan_item(
        world.mediator, s, title="Le débat", tool_id=debate.id, duration_minutes=45
    )
    services.add_plan_item(world.mediator, s, tool_id=meteo.id, title="Météo de départ")

    plan = services.session_plan(world.mediator, s)
    assert [(st.item.title, st.starts_at, st.item.duration_minutes) for st in plan.steps] == [
        ("Météo d'arrivée", time(14, 0), 10),
        ("Pause", time(14, 10), 15),
        ("Le débat", time(14, 25), 45),
        ("Météo de départ", time(15, 10), 10),
    ]
    assert plan.steps[2].ends_at == time(15, 10)
    assert plan.total_minutes == 80 and plan.ends_at == time(15, 20)
    assert not plan.overruns
    # material of the tools used, each tool once, in the plan's order
    assert plan.materials == [
        ("Météo d'arrivée", "Cartes météo"),
        ("Débat mouvant", "Ruban adhésif"),
    ]


def test_moving_and_removing_steps_keeps_a_clean_order(world):
    s = world.session
    a, b, c = (
        services.add_plan_item(world.mediator, s, title=t, duration_minutes=m)
        for t, m in [("A", 10), ("B", 20), ("C", 30)]
    )
    services.move_plan_item(world.mediator, c, -1)
    assert [i.title for i in services.plan_items(s)] == ["A", "C", "B"]
    services.move_plan_item(world.mediator, a, -1)  # already first: nothing moves
    services.move_plan_item(world.mediator, b, +1)  # already last
    assert [i.title for i in services.plan_items(s)] == ["A", "C", "B"]
    services.remove_plan_item(world.mediator, a)
    items = services.plan_items(s)
    assert [(i.title, i.position) for i in items] == [("C", 0), ("B", 1)]
    assert [st.starts_at for st in services.session_plan(world.mediator, s).steps] == [
        time(14, 0),
        time(14, 30),
    ]


def test_plan_that_goes_beyond_the_session_end_is_flagged(world):
    services.add_plan_item(world.mediator, world.session, title="Long", duration_minutes=150)
    assert services.session_plan(world.mediator, world.session).overruns  # 14:00 + 2 h 30 > 16:00


def test_a_step_needs_a_title_or_a_tool_and_a_sensible_duration(world):
    with pytest.raises(ValidationError) as error:
        services.add_plan_item(world.mediator, world.session, title=" ", duration_minutes=10)
    assert error.value.field == "title"
    for minutes in (0, -5, 481, "abc", None):
        with pytest.raises(ValidationError) as error:
            services.add_plan_item(
                world.mediator, world.session, title="X", duration_minutes=minutes
            )
        assert error.value.field == "duration_minutes"
    assert services.plan_items(world.session) == []


def test_plan_is_private_to_the_session_s_space(world):
    item = services.add_plan_item(
        world.mediator, world.session, title="Accueil", duration_minutes=10
    )
    for call in (
        lambda: services.session_plan(world.other_mediator, world.session),
        lambda: services.add_plan_item(world.other_mediator, world.session, title="Intrus"),
        lambda: services.get_plan_item(world.other_mediator, item.id),
        lambda: services.move_plan_item(world.other_mediator, item, 1),
        lambda: services.remove_plan_item(world.other_mediator, item),
        lambda: services.update_plan_item(
            world.other_mediator, item, title="Piraté", tool_id=None, duration_minutes=5, notes=""
        ),
    ):
        with pytest.raises(NotFound):
            call()
    assert [i.title for i in services.plan_items(world.session)] == ["Accueil"]
    # the coordinator sees every space of the organisation
    assert services.session_plan(world.coordinator, world.session).total_minutes == 10


# --- templates ------------------------------------------------------------------------------


def _board_with_activities(actor, session):
    board = live.board_for_session(actor, session)
    live.add_activity(actor, board, kind="poll", prompt="Qui voyez-vous en premier ?", config=POLL)
    live.add_activity(actor, board, kind="debate", prompt="On choisit son médecin.", config=DEBATE)
    return board


def test_save_a_session_as_a_template_with_its_live_board_activities(world):
    debate = tool(world.mediator)
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=15)
    services.add_plan_item(world.mediator, world.session, tool_id=debate.id, notes="4 affirmations")
    _board_with_activities(world.mediator, world.session)

    template = services.save_as_template(
        world.mediator, world.session, name=" Atelier  droits ", description="Pour le tronc commun"
    )
    assert template.name == "Atelier droits"
    assert template.organisation_id == world.org.id and template.created_by_id == world.mediator.id
    assert template.steps == [
        {"title": "Accueil", "tool_id": None, "duration_minutes": 15, "notes": ""},
        {
            "title": "Débat mouvant",
            "tool_id": debate.id,
            "duration_minutes": 30,
            "notes": "4 affirmations",
        },
    ]
    assert [(a["kind"], a["prompt"]) for a in template.activities] == [
        ("poll", "Qui voyez-vous en premier ?"),
        ("debate", "On choisit son médecin."),
    ]
    assert template.activities[0]["config"]["choices"][0]["label"] == "Oui"
    # names are unique in the organisation
    with pytest.raises(ValidationError) as error:
        services.save_as_template(world.mediator, world.session, name="Atelier droits")
    assert error.value.field == "name"


def test_a_session_without_plan_nor_activity_cannot_be_saved_as_template(world):
    with pytest.raises(ValidationError):
        services.save_as_template(world.mediator, world.session, name="Vide")
    with pytest.raises(ValidationError) as error:
        services.save_as_template(world.mediator, world.session, name="")
    assert error.value.field == "name"
    assert db.session.scalar(sa.select(sa.func.count(SessionTemplate.id))) == 0


def test_applying_a_template_appends_steps_and_creates_the_board_activities(world):
    debate = tool(world.mediator)
    services.add_plan_item(world.mediator, world.session, tool_id=debate.id)
    source_board = _board_with_activities(world.mediator, world.session)
    template = services.save_as_template(world.mediator, world.session, name="Atelier")

    target = factories.session(world.cycle, theme="Autre séance")
    services.add_plan_item(world.mediator, target, title="Déjà là", duration_minutes=5)
    applied = services.apply_template(world.mediator, template, target)

    assert (applied.steps, applied.activities) == (1, 2)
    items = services.plan_items(target)
    assert [(i.title, i.position, i.tool_id) for i in items] == [
        ("Déjà là", 0, None),
        ("Débat mouvant", 1, debate.id),
    ]
    board = db.session.scalar(sa.select(Board).where(Board.session_id == target.id))
    assert board is not None and board.join_code != source_board.join_code
    assert [(a.kind.value, a.prompt, a.position) for a in board.activities] == [
        ("poll", "Qui voyez-vous en premier ?", 0),
        ("debate", "On choisit son médecin.", 1),
    ]
    assert board.activities[1].config["left"] == "Pas d'accord"
    # applied again onto an existing board: activities come after the ones already there
    services.apply_template(world.mediator, template, target)
    assert len(activities_of(target)) == 4 and len(services.plan_items(target)) == 3


def test_a_deleted_tool_is_dropped_from_applied_steps(world):
    gone = tool(world.mediator, "Ancien outil")
    template = SessionTemplate(
        organisation_id=world.org.id,
        name="Vieux modèle",
        steps=[{"title": "Étape", "tool_id": gone.id + 1000, "duration_minutes": 20, "notes": ""}],
        activities=[],
    )
    db.session.add(template)
    db.session.commit()
    services.apply_template(world.mediator, template, world.session)
    assert [(i.title, i.tool_id) for i in services.plan_items(world.session)] == [("Étape", None)]
    assert activities_of(world.session) == []  # no activity: no board created


def test_a_template_with_an_activity_the_board_refuses_changes_nothing(world):
    template = SessionTemplate(
        organisation_id=world.org.id,
        name="Cassé",
        steps=[{"title": "Étape", "tool_id": None, "duration_minutes": 20, "notes": ""}],
        activities=[{"kind": "poll", "prompt": "Sans choix", "config": {"choices": []}}],
    )
    db.session.add(template)
    db.session.commit()
    with pytest.raises(ValidationError):
        services.apply_template(world.mediator, template, world.session)
    assert services.plan_items(world.session) == []


def test_templates_belong_to_the_organisation_and_sessions_to_their_space(world):
    services.add_plan_item(world.mediator, world.session, title="Accueil", duration_minutes=10)
    template = services.save_as_template(world.mediator, world.session, name="Atelier")
    stranger = other_organisation_staff()
    assert services.list_templates(stranger) == []
    with pytest.raises(NotFound):
        services.get_template(stranger, template.id)
    with pytest.raises(NotFound):
        services.delete_template(stranger, template)
    # a mediator of another space uses the template, but not on a session they cannot see
    assert services.list_templates(world.other_mediator) == [template]
    with pytest.raises(NotFound):
        services.apply_template(world.other_mediator, template, world.session)
    with pytest.raises(NotFound):
        services.save_as_template(world.other_mediator, world.session, name="Copie")
    services.apply_template(world.other_mediator, template, world.other_session)
    assert [i.title for i in services.plan_items(world.other_session)] == ["Accueil"]
    assert len(services.plan_items(world.session)) == 1
    services.delete_template(world.other_mediator, template)
    assert services.list_templates(world.mediator) == []


# --- duplicating a cycle -----------------------------------------------------------------


def test_duplicating_a_cycle_shifts_dates_and_copies_plans_and_activities_not_answers(world):
    cycle = world.cycle
    first = world.session
    first.starts_on = date(2026, 9, 1)
    first.notes = "Apporter le plateau"
    db.session.commit()
    factories.session(cycle, theme="Mes droits", starts_on=date(2026, 9, 8), starts_at=time(10, 0))
    archived = factories.session(cycle, theme="Annulée", starts_on=date(2026, 9, 15))
    workshops.set_session_archived(world.mediator, archived, True)
    debate = tool(world.mediator)
    services.add_plan_item(
        world.mediator, first, title="Accueil", duration_minutes=15, notes="café"
    )
    services.add_plan_item(world.mediator, first, tool_id=debate.id)
    board = _board_with_activities(world.mediator, first)
    voter = LiveParticipant(board_id=board.id, device_hash="x" * 64)
    db.session.add(voter)
    db.session.flush()
    db.session.add(
        Answer(activity_id=board.activities[0].id, participant_id=voter.id, client_id="c1", value=0)
    )
    db.session.commit()
    answers_before = db.session.scalar(sa.select(sa.func.count(Answer.id)))

    copy = services.duplicate_cycle(
        world.mediator, cycle, title="Tronc commun 2027", first_session_on=date(2027, 9, 7)
    )

    assert copy.id != cycle.id and copy.space_id == cycle.space_id
    assert copy.title == "Tronc commun 2027" and copy.created_by_id == world.mediator.id
    sessions = copy.sessions
    assert [(s.theme, s.starts_on, s.starts_at, s.ends_at, s.place) for s in sessions] == [
        ("Le système de santé", date(2027, 9, 7), time(14, 0), time(16, 0), "Salle commune"),
        ("Mes droits", date(2027, 9, 14), time(10, 0), time(16, 0), "Salle commune"),
    ]  # shifted by 371 days, same times; the archived session is not copied
    assert sessions[0].notes == "Apporter le plateau"
    assert [
        (i.title, i.tool_id, i.duration_minutes, i.notes) for i in services.plan_items(sessions[0])
    ] == [
        ("Accueil", None, 15, "café"),
        ("Débat mouvant", debate.id, 30, ""),
    ]
    new_board = db.session.scalar(sa.select(Board).where(Board.session_id == sessions[0].id))
    assert new_board.join_code != board.join_code
    assert [(a.kind.value, a.prompt, a.config) for a in new_board.activities] == [
        (a.kind.value, a.prompt, a.config) for a in board.activities
    ]
    new_ids = [a.id for a in new_board.activities]
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Answer.id)).where(Answer.activity_id.in_(new_ids))
        )
        == 0
    )
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == answers_before
    assert activities_of(sessions[1]) == []  # no board where the source had none
    # the source cycle is untouched
    assert len(cycle.sessions) == 3 and len(services.plan_items(first)) == 2


def test_duplication_rules_and_visibility(world):
    with pytest.raises(NotFound):
        services.duplicate_cycle(
            world.other_mediator, world.cycle, title="Copie", first_session_on=date(2027, 1, 5)
        )
    with pytest.raises(ValidationError) as error:
        services.duplicate_cycle(
            world.mediator, world.cycle, title=" ", first_session_on=date(2027, 1, 5)
        )
    assert error.value.field == "title"
    assert db.session.scalar(sa.select(sa.func.count(Cycle.id))) == 2
    copy = services.duplicate_cycle(
        world.coordinator, world.cycle, title="Copie", first_session_on=date(2027, 1, 5)
    )
    assert [s.starts_on for s in copy.sessions] == [date(2027, 1, 5)]


# --- calendar --------------------------------------------------------------------------------


class FakeSession:
    def __init__(self, day, at=time(14, 0), theme="x"):
        self.starts_on, self.starts_at, self.theme = day, at, theme


def test_month_grid_is_monday_first_and_spans_the_month_edges():
    # November 2026 starts on a Sunday and ends on a Monday.
    late = FakeSession(date(2026, 11, 3), time(16, 0), "Après-midi")
    early = FakeSession(date(2026, 11, 3), time(9, 30), "Matin")
    edge = FakeSession(date(2026, 10, 31))
    grid = services.month_grid(date(2026, 11, 17), date(2026, 11, 23), [late, edge, early])
    assert grid.month == date(2026, 11, 1)
    assert grid.first_day == date(2026, 10, 26) and grid.first_day.weekday() == 0
    assert grid.last_day == date(2026, 12, 6) and grid.last_day.weekday() == 6
    assert len(grid.weeks) == 6 and all(len(w) == 7 for w in grid.weeks)
    days = {d.day: d for week in grid.weeks for d in week}
    assert not days[date(2026, 10, 31)].in_month and days[date(2026, 10, 31)].sessions == [edge]
    assert days[date(2026, 11, 1)].in_month and not days[date(2026, 12, 1)].in_month
    assert [s.theme for s in days[date(2026, 11, 3)].sessions] == ["Matin", "Après-midi"]
    assert [d.day for d in days.values() if d.is_today] == [date(2026, 11, 23)]
    assert (grid.previous, grid.next) == (date(2026, 10, 1), date(2026, 12, 1))


def test_month_grid_edges_of_the_year_and_a_month_of_exactly_four_weeks():
    february = services.month_grid(date(2027, 2, 1), date(2026, 11, 23), [])
    assert len(february.weeks) == 4  # 1 February 2027 is a Monday, 28 days
    assert february.first_day == date(2027, 2, 1) and february.last_day == date(2027, 2, 28)
    assert not any(d.is_today for w in february.weeks for d in w)
    january = services.month_grid(date(2027, 1, 1), date(2027, 1, 1), [])
    assert january.previous == date(2026, 12, 1)
    assert services.month_grid(date(2026, 12, 1), date(2027, 1, 1), []).next == date(2027, 1, 1)


def test_parse_month_falls_back_to_the_current_month():
    today = date(2026, 11, 23)
    assert services.parse_month("2027-02", today) == date(2027, 2, 1)
    for raw in (None, "", "2027-13", "février", "2027-02-01", "x-y"):
        assert services.parse_month(raw, today) == date(2026, 11, 1)


def test_calendar_shows_the_space_s_open_sessions_only(world):
    day = date(2026, 11, 10)
    shown = factories.session(world.cycle, theme="Visible", starts_on=day)
    hidden = factories.session(world.cycle, theme="Archivée", starts_on=day)
    workshops.set_session_archived(world.mediator, hidden, True)
    closed_cycle = factories.cycle(world.space, "Ancien cycle")
    factories.session(closed_cycle, theme="Cycle archivé", starts_on=day)
    workshops.set_cycle_archived(world.mediator, closed_cycle, True)
    factories.session(world.other_cycle, theme="Autre espace", starts_on=day)

    world.session.starts_on = date(2026, 11, 11)
    db.session.commit()
    grid = services.calendar_month(
        world.mediator, world.space, date(2026, 11, 1), date(2026, 11, 23)
    )
    themes = [s.theme for w in grid.weeks for d in w for s in d.sessions]
    assert themes == ["Visible", world.session.theme]
    assert shown in grid.weeks[2][1].sessions  # Tuesday 10 November, third row


def test_calendar_list_groups_upcoming_and_past_by_month(world):
    today = date(2026, 11, 23)
    world.session.starts_on = date(2026, 11, 23)  # today counts as upcoming
    db.session.commit()
    for theme, day in [
        ("Octobre 1", date(2026, 10, 6)),
        ("Octobre 2", date(2026, 10, 20)),
        ("Septembre", date(2026, 9, 29)),
        ("Décembre", date(2026, 12, 1)),
        ("Janvier", date(2027, 1, 12)),
    ]:
        factories.session(world.cycle, theme=theme, starts_on=day)
    upcoming, past = services.calendar_list(world.mediator, world.space, today)
    assert [(g.month, [s.theme for s in g.sessions]) for g in upcoming] == [
        (date(2026, 11, 1), [world.session.theme]),
        (date(2026, 12, 1), ["Décembre"]),
        (date(2027, 1, 1), ["Janvier"]),
    ]
    assert [(g.month, [s.theme for s in g.sessions]) for g in past] == [
        (date(2026, 10, 1), ["Octobre 2", "Octobre 1"]),
        (date(2026, 9, 1), ["Septembre"]),
    ]


def test_calendar_of_another_space_is_not_found(world):
    with pytest.raises(NotFound):
        services.calendar_month(world.mediator, world.other_space, date(2026, 11, 1), date.today())
    with pytest.raises(NotFound):
        services.calendar_list(world.mediator, world.other_space, date.today())
    stranger = other_organisation_staff()
    with pytest.raises(NotFound):
        services.calendar_list(stranger, world.space, date.today())
    with pytest.raises(NotFound):
        services.session_plan(stranger, world.session)
    with pytest.raises(NotFound):
        services.duplicate_cycle(stranger, world.cycle, title="x", first_session_on=date.today())


def test_session_activities_are_read_without_creating_a_board(world):
    assert services.session_activities(world.mediator, world.session) == []
    assert db.session.scalar(sa.select(sa.func.count(Board.id))) == 0
    _board_with_activities(world.mediator, world.session)
    assert len(services.session_activities(world.mediator, world.session)) == 2
    with pytest.raises(NotFound):
        services.session_activities(world.other_mediator, world.session)


def test_a_plan_item_disappears_with_its_session_and_keeps_its_step_when_the_tool_goes(world):
    t = tool(world.mediator)
    item = services.add_plan_item(world.mediator, world.session, tool_id=t.id)
    db.session.delete(t)
    db.session.commit()
    db.session.expire_all()
    item = db.session.get(PlanItem, item.id)
    assert item.tool_id is None and item.title == "Débat mouvant"
    assert item.duration_minutes == 30
