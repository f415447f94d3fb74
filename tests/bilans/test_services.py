"""The bilan's rules, without HTTP: template → activities, figures, themes and dots,
actions, one pen per section, versions, history, proposals, finalise and reopen."""

from __future__ import annotations

import pytest

from facilitation.bilans import services as bilans
from facilitation.bilans.models import BilanTemplate
from facilitation.core.exceptions import Forbidden, NotFound, ValidationError
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import Activity, ActivityKind
from facilitation.projects import services as projects
from facilitation.projects.models import Step

from .conftest import collect, vote


def test_four_builtin_templates_copied_once_per_structure(world):
    names = [t.name for t in bilans.list_templates(world.mediator)]
    bilans.list_templates(world.mediator)
    assert names == ["Bilan de séance", "Bilan de cycle", "Bilan de projet", "4L"]
    assert db.session.query(BilanTemplate).count() == 4


def test_a_template_becomes_one_idea_wall_per_question_hidden_and_anonymous(cycle_bilan):
    bilan = cycle_bilan.bilan
    questions = [s.question for s in bilan.sections]
    assert questions == [
        "Ce qui a marché",
        "Ce qui a moins marché",
        "Ce qu'on a appris",
        "Et maintenant ?",
    ]
    walls = [db.session.get(Activity, s.activity_id) for s in bilan.sections]
    assert [a.kind for a in walls] == [ActivityKind.IDEAS] * 4
    assert [a.prompt for a in walls] == questions
    assert not any(a.results_visible for a in walls)  # hidden until revealed
    assert bilan.meteo_activity_id is None


def test_session_template_adds_a_meteo(world):
    template = bilans.builtin(world.org.id, "seance")
    bilan = bilans.start_bilan(world.mediator, world.session.id, template.id, scope="session")
    meteo = db.session.get(Activity, bilan.meteo_activity_id)
    assert meteo.kind is ActivityKind.SCALE
    assert [s.question for s in bilan.sections] == [
        "Un mot pour aujourd'hui",
        "Et la prochaine fois ?",
    ]


def test_figures_are_counted_from_the_history(cycle_bilan):
    figures = {f.label: f.value for f in bilans.compute_figures(cycle_bilan.bilan)}
    assert figures == {
        "Séances tenues": 3,
        "Personnes venues": 3,
        "Nouvelles personnes": 3,
        "Co-animations": 1,
    }


def test_coordinator_edits_and_copies_templates_a_mediator_cannot(world):
    template = bilans.builtin(world.org.id, "4l")
    with pytest.raises(Forbidden):
        bilans.update_template(world.mediator, template, name="X", questions="a", with_meteo=False)
    copy = bilans.copy_template(world.coordinator, template)
    assert copy.name == "Copie de 4L" and copy.questions == template.questions
    bilans.update_template(
        world.coordinator, copy, name="Notre 4L", questions="Aimé\n\nAppris\n", with_meteo=True
    )
    assert copy.questions == ["Aimé", "Appris"] and copy.with_meteo
    with pytest.raises(ValidationError) as refused:
        bilans.update_template(
            world.coordinator, copy, name="4L", questions="Aimé", with_meteo=False
        )
    assert "déjà" in refused.value.message


def test_another_spaces_mediator_does_not_see_the_bilan(cycle_bilan):
    w = cycle_bilan.world
    with pytest.raises(NotFound):
        bilans.get_bilan(w.other_mediator, cycle_bilan.bilan.id)
    assert bilans.get_bilan(w.coordinator, cycle_bilan.bilan.id).id == cycle_bilan.bilan.id


def test_regrouping_moves_the_dots_with_the_notes(cycle_bilan):
    w, bilan, (p1, p2, p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[0]
    notes = collect(w, bilan, section, [(p1, "Le café"), (p2, "L'accueil"), (p3, "Les papiers")])
    spoken = bilans.add_spoken_note(section, "On a ri ensemble")
    vote(
        w,
        bilan,
        section,
        [(p1, {notes["Le café"]: 2, notes["L'accueil"]: 1}), (p2, {notes["L'accueil"]: 3})],
    )
    warm = bilans.add_theme(section, "Convivialité")
    admin = bilans.add_theme(section, "Démarches")
    bilans.move_note(section, notes["Le café"], warm.id)
    bilans.move_note(section, notes["L'accueil"], warm.id)
    bilans.move_note(section, notes["Les papiers"], admin.id)
    by_name = {t.name: t for t in bilans.themes(section)}
    assert by_name["Convivialité"].dots == 6
    assert by_name["Démarches"].dots == 0
    assert [n.text for n in by_name["Non regroupées"].notes] == ["On a ri ensemble"]
    assert by_name["Non regroupées"].notes[0].spoken

    # Regroup: « L'accueil » goes to its own theme; its 4 dots go with it.
    welcome = bilans.add_theme(section, "Accueil")
    bilans.move_note(section, notes["L'accueil"], welcome.id)
    by_name = {t.name: t.dots for t in bilans.themes(section)}
    assert by_name == {"Accueil": 4, "Convivialité": 2, "Démarches": 0, "Non regroupées": 0}
    # Renaming and ungrouping keep every dot.
    bilans.rename_theme(section, welcome, "Bon accueil")
    bilans.delete_theme(section, warm)
    themes = bilans.themes(section)
    assert sum(t.dots for t in themes) == 6
    assert {t.name: t.dots for t in themes}["Non regroupées"] == 2
    # The board shows the same groups as columns.
    wall = db.session.get(Activity, section.activity_id)
    assert wall.state["columns"] == ["Démarches", "Bon accueil"]
    assert spoken.participant_id is None


def test_a_theme_name_is_unique_in_its_section(cycle_bilan):
    section = cycle_bilan.bilan.sections[0]
    bilans.add_theme(section, "Accueil")
    with pytest.raises(ValidationError) as refused:
        bilans.add_theme(section, "Accueil")
    assert refused.value.message == "Un thème porte déjà ce nom."
    bilans.add_theme(cycle_bilan.bilan.sections[1], "Accueil")  # another section: fine


def test_actions_become_proposals_for_the_next_cycle(cycle_bilan):
    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    action = bilans.add_action(
        w.mediator, bilan, what="Un atelier sur l'AME", who="Nour", due="mars"
    )
    assert action.for_next_cycle and action.step_id is None
    assert [a.what for a in bilan.actions] == ["Un atelier sur l'AME"]


def test_actions_of_a_project_bilan_become_steps_of_the_project(world):
    project = projects.create_project(
        world.mediator,
        world.space,
        projects.ProjectData(title="Logement et santé", aim="", determinants=[], status="running"),
    )
    template = bilans.builtin(world.org.id, "projet")
    bilan = bilans.start_bilan(
        world.mediator, world.session.id, template.id, scope="project", project_id=project.id
    )
    action = bilans.add_action(world.mediator, bilan, what="Écrire au bailleur", who="Colibri")
    step = db.session.get(Step, action.step_id)
    assert step.project_id == project.id and step.title == "Écrire au bailleur"
    assert "Colibri" in step.needs
    figures = {f.label: f.value for f in bilans.compute_figures(bilan)}
    assert figures["Étapes du projet"] == 1


def test_one_pen_per_section_and_the_losing_pen_keeps_its_text(cycle_bilan):
    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    section = bilan.sections[0]
    amina, camille = bilans.staff_pen(w.mediator), bilans.staff_pen(w.coordinator)
    with pytest.raises(ValidationError):  # nobody holds the pen yet
        bilans.save(section, amina, "Sans stylo", 0)
    bilans.take_pen(section, amina)
    bilans.save(section, amina, "On s'est sentis accueillis.", 0, user=w.mediator)
    assert section.version == 1
    # Camille takes the pen while Amina still has version 1 open and types on.
    bilans.take_pen(section, camille)
    bilans.save(section, camille, "Accueil chaleureux.", 1, user=w.coordinator)
    with pytest.raises(bilans.SectionConflict) as lost:
        bilans.save(section, amina, "On s'est sentis accueillis, et écoutés.", 1)
    assert lost.value.mine == "On s'est sentis accueillis, et écoutés."
    assert lost.value.current == "Accueil chaleureux."
    assert "stylo" in lost.value.message
    assert section.text == "Accueil chaleureux." and section.version == 2


def test_a_stale_version_is_refused_even_with_the_pen(cycle_bilan):
    w, section = cycle_bilan.world, cycle_bilan.bilan.sections[1]
    pen = bilans.staff_pen(w.mediator)
    bilans.take_pen(section, pen)
    bilans.save(section, pen, "Premier jet", 0)
    with pytest.raises(bilans.SectionConflict) as lost:
        bilans.save(section, pen, "Autre onglet", 0)
    assert "enregistré cette section" in lost.value.message
    assert lost.value.mine == "Autre onglet"


def test_a_phone_takes_the_pen_only_when_the_board_is_handed_to_it(cycle_bilan):
    w, bilan, phone = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones[0]
    section = bilan.sections[0]
    with pytest.raises(Forbidden):
        bilans.take_pen(section, bilans.phone_pen(phone), phone=phone)
    board = bilans.board_of(bilan)
    live.control(live.Actor(user=w.mediator), board, "handover", {"participant_id": phone.id})
    bilans.take_pen(section, bilans.phone_pen(phone), phone=phone)
    bilans.save(section, bilans.phone_pen(phone), "Écrit par une co-animatrice", 0)
    assert bilans.history(section)[0].by_phone


def test_history_and_restore(cycle_bilan):
    w, section = cycle_bilan.world, cycle_bilan.bilan.sections[2]
    pen = bilans.staff_pen(w.mediator)
    bilans.take_pen(section, pen)
    for version, body in enumerate(["Un", "Deux", "Trois"]):
        bilans.save(section, pen, body, version, user=w.mediator)
    bilans.restore(w.mediator, section, 1)
    assert section.text == "Un" and section.version == 4
    assert [(r.version, r.text, r.restored_from) for r in bilans.history(section)] == [
        (4, "Un", 1),
        (3, "Trois", None),
        (2, "Deux", None),
        (1, "Un", None),
    ]


def test_a_proposed_sentence_is_accepted_edited_or_set_aside(cycle_bilan):
    w, bilan, (p1, p2, _p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[0]
    pen = bilans.staff_pen(w.mediator)
    bilans.take_pen(section, pen)
    bilans.save(section, pen, "Le groupe était là.", 0)
    first = bilans.propose(section, p1, "On a appris à se parler.")
    second = bilans.propose(section, p2, "Hors sujet")
    assert bilans.propose(section, p1, "x", client_id=first.client_id).id == first.id  # retry
    with pytest.raises(ValidationError):
        bilans.propose(section, p1, "   ")
    bilans.accept(section, first, pen, section.version, edited="On a appris à s'écouter.")
    bilans.set_aside(section, second, pen)
    assert section.text == "Le groupe était là.\nOn a appris à s'écouter."
    assert bilans.pending(section) == []


def test_finalise_locks_dates_and_counts_contributors_reopen_keeps_the_reason(cycle_bilan):
    w, bilan, (p1, p2, p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[0]
    collect(w, bilan, section, [(p1, "Le café"), (p2, "L'accueil")])
    bilans.propose(section, p3, "Merci")
    with pytest.raises(ValidationError):  # nothing written yet
        bilans.finalise(w.mediator, bilan)
    pen = bilans.staff_pen(w.mediator)
    bilans.take_pen(section, pen)
    bilans.save(section, pen, "Texte du groupe", 0)
    bilans.finalise(w.mediator, bilan)
    assert bilan.finalised and bilan.finalised_at is not None
    assert bilan.contributor_count == 3
    assert section.pen is None
    with pytest.raises(ValidationError):
        bilans.save(section, pen, "Après coup", section.version)
    with pytest.raises(ValidationError):
        bilans.add_theme(section, "Trop tard")
    with pytest.raises(ValidationError):
        bilans.reopen(w.mediator, bilan, "  ")
    bilans.reopen(w.mediator, bilan, "Une action oubliée")
    assert not bilan.finalised
    assert [(e.kind, e.reason) for e in bilan.events] == [
        ("finalised", ""),
        ("reopened", "Une action oubliée"),
    ]


def test_hidden_notes_appear_nowhere(cycle_bilan):
    w, bilan, (p1, p2, _p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[0]
    ids = collect(w, bilan, section, [(p1, "Visible"), (p2, "Le docteur X m'a mal parlé")])
    board = bilans.board_of(bilan)
    live.control(
        live.Actor(user=w.mediator),
        board,
        "moderate",
        {"contribution_id": ids["Le docteur X m'a mal parlé"], "hidden": True},
    )
    assert [n.text for n in bilans.notes(section)] == ["Visible"]


def test_the_bilan_page_drives_the_board_open_reveal_vote(cycle_bilan):
    w, bilan, (p1, _p2, _p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[1]
    bilans.drive(w.mediator, section, "open")
    assert (bilan.step, bilan.current_position) == (2, 1)
    wall = db.session.get(Activity, section.activity_id)
    live.contribute(p1, wall.id, "client-id-0001", "Les horaires")
    assert not wall.results_visible
    bilans.drive(w.mediator, section, "reveal")
    bilans.drive(w.mediator, section, "vote")
    db.session.refresh(wall)
    assert wall.results_visible and wall.state["phase"] == "vote" and bilan.step == 3
    with pytest.raises(ValidationError):
        bilans.drive(w.mediator, section, "explode")


def test_a_phone_erasing_what_it_sent_blanks_its_proposals_and_notes(cycle_bilan):
    from facilitation.participants.services import board as phone_data

    from .conftest import PHONE_KEYS

    w, bilan, (p1, _p2, _p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[0]
    collect(w, bilan, section, [(p1, "Ma note")])
    proposal = bilans.propose(section, p1, "Ma phrase")
    phone_data.erase_phone(PHONE_KEYS[0])
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.text == "" and [n.text for n in bilans.notes(section)] == [""]
