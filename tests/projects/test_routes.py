"""Project pages through HTTP: two people saving one step, phones moving steps without
JavaScript, htmx fragments, deciding on the projector, proposals, cache headers."""

from __future__ import annotations

import re
from datetime import date, time

from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.projects import services as projects
from facilitation.projects.models import Decision, Project, Step, StepState

from ..conftest import text_of
from .conftest import MEMBER_PHONE, PORTEUR_PHONE, STRANGER_PHONE, login, phone_client


def _version_in(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


def test_two_people_edit_one_step_the_second_sees_both_versions(app, team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Écrire la lettre"))
    url = f"/projets/{team.project.id}/etapes/{step.id}/modifier"
    amina = login(app.test_client(), team.world.mediator)
    camille = login(app.test_client(), team.world.coordinator)
    # Both open the form: each starts from version 1.
    seen_by_amina = _version_in(amina.get(url).get_data(as_text=True))
    seen_by_camille = _version_in(camille.get(url).get_data(as_text=True))
    assert seen_by_amina == seen_by_camille == "1"
    first = amina.post(url, data={"title": "Écrire au bailleur", "version": seen_by_amina})
    assert first.status_code == 302
    second = camille.post(
        url, data={"title": "Écrire à la mairie", "needs": "Un timbre", "version": seen_by_camille}
    )
    assert second.status_code == 409
    page = text_of(second)
    assert "Écrire au bailleur" in page  # their version, saved
    assert 'value="Écrire à la mairie"' in second.get_data(as_text=True)  # what I typed, kept
    assert 'value="Un timbre"' in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Step, step.id).title == "Écrire au bailleur"  # nothing lost silently
    # Saving again from the form shown (now at the current version) keeps my version.
    again = camille.post(
        url,
        data={
            "title": "Écrire à la mairie",
            "needs": "Un timbre",
            "version": _version_in(second.get_data(as_text=True)),
        },
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Step, step.id).title == "Écrire à la mairie"


def test_a_phone_moves_a_step_with_plain_forms(app, team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Appeler la CPAM"))
    phone = phone_client(app, MEMBER_PHONE)
    page = phone.get(f"/moi/projets/{team.project.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Appeler la CPAM" in text_of(page)
    response = phone.post(
        f"/moi/projets/{team.project.id}/etapes/{step.id}/etat",
        data={"state": "done", "version": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Step, step.id).state is StepState.DONE


def test_a_phone_that_moved_a_stale_step_is_told_and_chooses_again(app, team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Appeler la CPAM"))
    projects.move_step(team.staff, step, "doing", 1)
    phone = phone_client(app, MEMBER_PHONE)
    response = phone.post(
        f"/moi/projets/{team.project.id}/etapes/{step.id}/etat",
        data={"state": "todo", "version": "1"},
    )
    assert response.status_code == 409
    assert 'role="alert"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Step, step.id).state is StepState.DOING


def test_a_phone_adds_a_step_it_takes_care_of(app, team):
    phone = phone_client(app, PORTEUR_PHONE)
    response = phone.post(
        f"/moi/projets/{team.project.id}/etapes", data={"title": "Faire des affiches", "me": "1"}
    )
    assert response.status_code == 302
    step = db.session.scalar(db.select(Step).where(Step.title == "Faire des affiches"))
    assert [m.participant_id for m in step.assignees] == [team.colibri.id]


def test_an_empty_step_from_a_phone_is_refused_in_french_and_keeps_the_page(app, team):
    phone = phone_client(app, MEMBER_PHONE)
    response = phone.post(f"/moi/projets/{team.project.id}/etapes", data={"title": "   "})
    assert response.status_code == 422
    assert "Say what is to be done." in text_of(response) or "Dites" in text_of(response)


def test_staff_move_with_htmx_gets_the_board_back(app, team):
    step = projects.add_step(team.staff, team.project, projects.StepData("Appeler la CPAM"))
    staff = login(app.test_client(), team.world.mediator)
    response = staff.post(
        f"/projets/{team.project.id}/etapes/{step.id}/etat",
        data={"state": "doing", "version": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="etapes"')
    assert "data-step-board" in html and "<html" not in html


def test_progress_is_said_in_words(app, team):
    for i in range(3):
        step = projects.add_step(team.staff, team.project, projects.StepData(f"Étape {i}"))
        if i < 2:
            projects.move_step(team.staff, step, "done", 1)
    staff = login(app.test_client(), team.world.mediator)
    page = text_of(staff.get(f"/projets/{team.project.id}"))
    assert "2 étapes faites sur 3" in page or "2 steps done out of 3" in page


def test_deciding_together_on_the_projector(app, team):
    """The mediator puts a sense check on a meeting's board; phones answer; it is closed and
    the decision written in one sentence, with a hand count for people without a phone."""
    mediator = team.world.mediator
    meeting = projects.create_meeting(
        mediator, team.project, starts_on=date.today(), starts_at=time(14, 0)
    )
    staff = login(app.test_client(), mediator)
    response = staff.post(
        f"/projets/{team.project.id}/decider",
        data={
            "question": "On écrit au bailleur ?",
            "kind": "senscheck",
            "meeting": str(meeting.id),
        },
    )
    assert response.status_code == 302
    decision = db.session.scalar(db.select(Decision))
    screen = staff.get(response.headers["Location"])
    board = live.board_for_session(mediator, meeting)
    assert board.join_code in text_of(screen)
    for i in range(3):
        voter = live.join(board, f"voter-{i}", pseudonym=None, language="fr")
        live.submit_answer(voter, decision.activity_id, f"vote-client-{i}", 0)
    assert "3" in text_of(staff.get(f"/projets/{team.project.id}/decisions/{decision.id}"))
    closed = staff.post(f"/projets/{team.project.id}/decisions/{decision.id}/clore")
    assert closed.status_code == 302
    page = staff.get(f"/projets/{team.project.id}/decisions/{decision.id}")
    assert 'name="text"' in page.get_data(as_text=True)  # the sentence to write
    recorded = staff.post(
        f"/projets/{team.project.id}/decisions/{decision.id}",
        data={"text": "On écrit une lettre commune.", "hand-0": "2"},
    )
    assert recorded.status_code == 302
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    assert decision.participant_count == 3
    assert decision.hand_count == {"counts": [2, 0, 0], "total": 2}
    phone_page = text_of(phone_client(app, MEMBER_PHONE).get(f"/moi/projets/{team.project.id}"))
    assert "On écrit une lettre commune." in phone_page


def test_an_empty_decision_is_refused_and_the_hand_count_kept(app, team):
    mediator = team.world.mediator
    meeting = projects.create_meeting(
        mediator, team.project, starts_on=date.today(), starts_at=time(14, 0)
    )
    decision = projects.start_vote(
        mediator, team.project, meeting, question="Q ?", kind="senscheck"
    )
    projects.close_vote(mediator, team.project, decision)
    staff = login(app.test_client(), mediator)
    response = staff.post(
        f"/projets/{team.project.id}/decisions/{decision.id}", data={"text": "", "hand-1": "4"}
    )
    assert response.status_code == 422
    assert 'value="4"' in response.get_data(as_text=True)


def test_a_participant_proposes_a_project_from_the_phone(app, team):
    phone = phone_client(app, STRANGER_PHONE)
    form = phone.get("/moi/projets/idee")
    assert form.status_code == 200
    response = phone.post(
        "/moi/projets/idee", data={"title": "Un jardin partagé", "space": str(team.world.space.id)}
    )
    assert response.status_code == 302
    idea = db.session.scalar(db.select(Project).where(Project.title == "Un jardin partagé"))
    assert idea.is_proposal
    staff = login(app.test_client(), team.world.mediator)
    assert "Un jardin partagé" in text_of(staff.get(f"/espaces/{team.world.space.id}/projets"))
    assert staff.post(f"/projets/{idea.id}/accepter").status_code == 302
    assert phone.get(f"/moi/projets/{idea.id}").status_code == 200


def test_the_projector_view_shows_only_agreed_porteurs(app, team):
    staff = login(app.test_client(), team.world.mediator)
    url = f"/projets/{team.project.id}/ecran"
    assert "Colibri" not in text_of(staff.get(url))
    phone = phone_client(app, PORTEUR_PHONE)
    phone.post(f"/moi/projets/{team.project.id}/ecran", data={"shown": "1"})
    assert "Colibri" in text_of(staff.get(url))
    assert "Nour" not in text_of(staff.get(url))  # a member, not a porteur


def test_staff_pages_are_not_cached(app, team):
    staff = login(app.test_client(), team.world.mediator)
    for path in ("", "/membres", "/ecran", "/historique", "/corbeille"):
        response = staff.get(f"/projets/{team.project.id}{path}")
        assert response.headers["Cache-Control"] == "no-store", path
