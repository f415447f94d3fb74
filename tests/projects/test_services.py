"""Rules of projects without HTTP: who sees what, steps and their states, progress,
decisions from a closed vote (counts only), hand counts, the bin, versions."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from facilitation.audit.models import AuditEntry
from facilitation.core.database import utcnow
from facilitation.core.exceptions import Forbidden, NotFound, ValidationError
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import ActivityStatus
from facilitation.participants import services as participants
from facilitation.projects import services as projects
from facilitation.projects.models import MemberKind, ProjectStatus, Step, StepState

from .conftest import MEMBER_PHONE, OUTSIDER_PHONE

# --- who sees a project ------------------------------------------------------------


def test_staff_of_the_space_and_the_coordinator_see_the_project(team):
    world = team.world
    assert projects.get_project(world.mediator, team.project.id) == team.project
    assert projects.get_project(world.coordinator, team.project.id) == team.project
    with pytest.raises(NotFound):
        projects.get_project(world.other_mediator, team.project.id)


def test_a_phone_sees_only_the_projects_it_is_a_member_of(team):
    nour = projects.participant_for_device(MEMBER_PHONE)
    assert projects.member_for(nour, team.project.id).participant_id == team.nour.id
    assert [m.project_id for m in projects.memberships(nour)] == [team.project.id]
    for stranger in (team.mimosa, team.outsider, None):
        with pytest.raises(NotFound):
            projects.member_for(stranger, team.project.id)
    assert projects.memberships(projects.participant_for_device(OUTSIDER_PHONE)) == []


def test_a_member_phone_cannot_delete_or_change_staff_things(team):
    step = projects.add_step(team.phone(team.nour), team.project, projects.StepData("Écrire"))
    with pytest.raises(Forbidden):
        projects.delete_step(team.phone(team.nour), step)
    stranger = projects.Viewer(member=None)
    with pytest.raises(NotFound):
        projects.delete_step(stranger, step)


def test_creating_with_a_person_of_another_space_is_refused(team):
    world = team.world
    with pytest.raises(ValidationError):
        projects.create_project(
            world.mediator,
            world.space,
            projects.ProjectData(title="Autre"),
            participants=[team.outsider.id],
        )


def test_reading_the_member_list_is_audited(team):
    members = projects.member_list(team.world.mediator, team.project)
    assert {m.name for m in members} == {"Amina", "Colibri", "Nour"}
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "view_project_members")
    )
    assert entry.actor_id == team.world.mediator.id
    assert entry.details == {"project_id": team.project.id}


def test_porteurs_are_shown_on_the_projector_only_if_they_agreed(team):
    assert projects.screen_porteurs(team.project) == []
    colibri = team.member(team.colibri)
    projects.set_own_screen_consent(colibri, True)
    assert projects.screen_porteurs(team.project) == ["Colibri"]
    with pytest.raises(ValidationError):
        projects.set_own_screen_consent(team.member(team.nour), True)  # not a porteur


def test_guests_are_a_name_and_an_organisation(team):
    guest = projects.add_guest(
        team.world.mediator, team.project, name="Sophie\u202e M.", organisation="CCAS"
    )
    assert guest.kind is MemberKind.GUEST
    assert guest.name == "Sophie M."  # the bidi override is gone (core.text)


def test_erasing_a_person_removes_their_membership(team):
    participants.self_erase(team.nour)
    db.session.expire_all()
    assert {m.name for m in projects.members(team.project)} == {"Amina", "Colibri"}


# --- proposals ----------------------------------------------------------------------


def test_a_participant_proposes_and_staff_accept(team):
    idea = projects.propose_project(team.mimosa, team.world.space.id, title="Jardin partagé")
    assert idea.is_proposal
    with pytest.raises(NotFound):  # a proposal is not open to phones yet
        projects.member_for(team.mimosa, idea.id)
    with pytest.raises(NotFound):
        projects.get_project(team.world.other_mediator, idea.id)
    projects.accept_proposal(team.world.mediator, idea)
    member = projects.member_for(team.mimosa, idea.id)
    assert member.is_porteur


def test_a_participant_proposes_only_in_their_own_spaces(team):
    with pytest.raises(ValidationError):
        projects.propose_project(team.mimosa, team.world.other_space.id, title="Ailleurs")


# --- steps, states, progress ------------------------------------------------------------


def test_progress_counts_steps_done_out_of_all(team):
    staff = team.staff
    steps = [
        projects.add_step(staff, team.project, projects.StepData(f"Étape {i}")) for i in range(8)
    ]
    for step in steps[:3]:
        projects.move_step(staff, step, "done", step.version)
    progress = projects.progress(team.project)
    assert (progress.done, progress.total, progress.percent) == (3, 8, 38)
    projects.delete_step(staff, steps[0])
    assert (projects.progress(team.project).done, projects.progress(team.project).total) == (2, 7)


def test_a_member_adds_and_moves_a_step_from_the_phone(team):
    phone = team.phone(team.nour)
    step = projects.add_step(
        phone,
        team.project,
        projects.StepData("Appeler le bailleur", assignees=[team.member(team.nour).id]),
    )
    step = projects.move_step(phone, step, "doing", step.version)
    assert step.state is StepState.DOING and step.version == 2
    step = projects.move_step(phone, step, "done", step.version)
    assert step.done_at is not None
    step = projects.move_step(phone, step, "todo", step.version)
    assert step.done_at is None


def test_a_step_can_only_be_given_to_members(team):
    world = team.world
    other = projects.create_project(
        world.mediator, world.space, projects.ProjectData("Autre"), participants=[team.mimosa.id]
    )
    foreign = projects.member_for(team.mimosa, other.id)
    with pytest.raises(ValidationError):
        projects.add_step(team.staff, team.project, projects.StepData("X", assignees=[foreign.id]))


def test_too_many_steps_in_progress_is_a_soft_warning(team):
    for i in range(projects.DOING_WARNING + 1):
        projects.add_step(team.staff, team.project, projects.StepData(f"É{i}"), state="doing")
    board = projects.board(team.staff, team.project)
    assert board.too_many_doing
    # Never a block: one more can still start.
    projects.add_step(team.staff, team.project, projects.StepData("Encore"), state="doing")


def test_step_texts_go_through_the_text_validation(team):
    with pytest.raises(ValidationError):
        projects.add_step(team.staff, team.project, projects.StepData("\ud800"))
    with pytest.raises(ValidationError):
        projects.add_step(team.staff, team.project, projects.StepData("x" * 161))


def test_a_stale_save_is_refused_with_both_versions(team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Écrire la lettre"))
    seen = step.version
    projects.update_step(team.staff, step, projects.StepData("Écrire la lettre au bailleur"), seen)
    with pytest.raises(projects.StepConflict) as clash:
        projects.update_step(
            team.phone(team.nour), step, projects.StepData("Lettre à la mairie"), seen
        )
    assert clash.value.current["title"] == "Écrire la lettre au bailleur"
    assert clash.value.mine.title == "Lettre à la mairie"
    db.session.expire_all()
    assert db.session.get(Step, step.id).title == "Écrire la lettre au bailleur"
    # Saving again from the version shown in the conflict goes through.
    projects.update_step(
        team.phone(team.nour), step, projects.StepData("Lettre à la mairie"), clash.value.version
    )
    assert db.session.get(Step, step.id).title == "Lettre à la mairie"


def test_two_people_making_the_same_move_is_no_conflict(team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Écrire"))
    seen = step.version
    projects.move_step(team.staff, step, "done", seen)
    assert projects.move_step(team.phone(team.nour), step, "done", seen).state is StepState.DONE
    with pytest.raises(projects.StepConflict):
        projects.move_step(team.phone(team.nour), step, "doing", seen)


# --- the bin -------------------------------------------------------------------------------


def test_deleted_steps_and_actions_are_restorable_for_30_days(team):
    mediator = team.world.mediator
    step = projects.add_step(team.staff, team.project, projects.StepData("Écrire"))
    action = projects.add_action(
        team.staff,
        team.project,
        projects.ActionData(kind="letter", title="Lettre", happened_on=date(2030, 1, 1)),
    )
    action_id = action.id
    projects.delete_step(team.staff, step)
    projects.delete_action(team.staff, action)
    assert projects.board(team.staff, team.project).progress.total == 0
    assert {(i.kind, i.label) for i in projects.bin_items(mediator, team.project)} == {
        ("step", "Écrire"),
        ("action", "Lettre"),
    }
    projects.restore(mediator, team.project, "step", step.id)
    assert projects.board(team.staff, team.project).progress.total == 1
    # Past 30 days, the action is gone for good.
    db.session.get(type(action), action_id).deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert projects.purge_bin() == 1
    assert projects.bin_items(mediator, team.project) == []
    with pytest.raises(NotFound):
        projects.restore(mediator, team.project, "action", action_id)


def test_only_staff_of_the_space_restore(team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Écrire"))
    projects.delete_step(team.staff, step)
    with pytest.raises(NotFound):
        projects.restore(team.world.other_mediator, team.project, "step", step.id)


# --- decisions on the live board ------------------------------------------------------------


def _meeting(team):
    return projects.create_meeting(
        team.world.mediator, team.project, starts_on=date(2030, 3, 5), starts_at=time(14, 0)
    )


def test_deciding_puts_an_open_sense_check_on_the_meeting_board(team):
    session = _meeting(team)
    decision = projects.start_vote(
        team.world.mediator,
        team.project,
        session,
        question="On écrit au bailleur ?",
        kind="senscheck",
    )
    board = live.board_for_session(team.world.mediator, session)
    assert board.current_activity_id == decision.activity_id
    assert board.current_activity.status is ActivityStatus.OPEN
    assert board.current_activity.kind.value == "senscheck"


def test_a_closed_vote_becomes_a_decision_with_counts_only(team):
    mediator = team.world.mediator
    session = _meeting(team)
    decision = projects.start_vote(
        mediator, team.project, session, question="On écrit au bailleur ?", kind="senscheck"
    )
    board = live.board_for_session(mediator, session)
    for i, value in enumerate([0, 0, 1]):
        phone = live.join(board, f"vote-phone-{i}", pseudonym=None, language="fr")
        live.submit_answer(phone, decision.activity_id, f"client-{i:04d}", value)
    projects.close_vote(mediator, team.project, decision)
    recorded = projects.record_decision(
        mediator,
        team.project,
        decision,
        sentence="On écrit une lettre commune.",
        hand_counts=["2", "", "1"],
        revisit_on=date(2030, 4, 2),
    )
    assert recorded.participant_count == 3
    assert recorded.snapshot["results"] == {"total": 3, "counts": [2, 1, 0]}
    assert recorded.snapshot["labels"][0].startswith("👍")
    assert recorded.hand_count == {"counts": [2, 0, 1], "total": 3}
    assert "participant" not in str(recorded.snapshot)  # counts, never who voted what
    # "On en reparle le …" became a step on that date.
    revisit = db.session.scalar(sa.select(Step).where(Step.from_decision_id == recorded.id))
    assert revisit.due_on == date(2030, 4, 2) and revisit.state is StepState.TODO
    assert projects.decisions(team.phone(team.nour), team.project) == [recorded]


def test_recording_closes_a_vote_still_open(team):
    mediator = team.world.mediator
    decision = projects.start_vote(
        mediator,
        team.project,
        _meeting(team),
        question="Q ?",
        kind="poll",
        config={"choices": ["Oui", "Non"]},
    )
    projects.record_decision(mediator, team.project, decision, sentence="Oui.")
    activity = projects.activity_of(decision)
    assert activity.status is ActivityStatus.CLOSED
    with pytest.raises(ValidationError):  # not twice
        projects.record_decision(mediator, team.project, decision, sentence="Encore.")


def test_a_hand_count_must_be_whole_numbers(team):
    mediator = team.world.mediator
    decision = projects.start_vote(
        mediator, team.project, _meeting(team), question="Q ?", kind="senscheck"
    )
    with pytest.raises(ValidationError):
        projects.record_decision(
            mediator, team.project, decision, sentence="Oui.", hand_counts=["-1"]
        )
    with pytest.raises(ValidationError):
        projects.record_decision(
            mediator, team.project, decision, sentence="Oui.", hand_counts=["beaucoup"]
        )


def test_a_vote_happens_only_at_a_meeting_of_the_project(team):
    with pytest.raises(NotFound):
        projects.start_vote(
            team.world.mediator, team.project, team.world.session, question="Q ?", kind="senscheck"
        )


def test_a_decision_without_the_board(team):
    decision = projects.note_decision(
        team.world.mediator, team.project, question="Quand ?", sentence="Le 5 mars."
    )
    assert decision.snapshot is None and decision.participant_count is None


# --- finishing, timeline ---------------------------------------------------------------------


def test_finishing_keeps_the_whole_history(team):
    mediator = team.world.mediator
    step = projects.add_step(team.staff, team.project, projects.StepData("Écrire"))
    projects.move_step(team.staff, step, "done", step.version)
    _meeting(team)
    projects.note_decision(mediator, team.project, question="Fini ?", sentence="Oui.")
    projects.set_status(mediator, team.project, ProjectStatus.FINISHED)
    kinds = [e.kind for e in projects.timeline(team.staff, team.project)]
    assert set(kinds) == {"start", "meeting", "decision", "step", "finish"}
    assert team.project.finished_at is not None


def test_the_overview_puts_open_steps_first_and_no_personal_data(team):
    projects.add_step(team.staff, team.project, projects.StepData("À faire"))
    projects.add_step(team.staff, team.project, projects.StepData("En cours"), state="doing")
    overview = projects.overview(team.staff, team.project, date.today())
    assert [s.title for s in overview.doing + overview.todo] == ["En cours", "À faire"]
    assert overview.porteurs == []  # Colibri has not agreed yet
