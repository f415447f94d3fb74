"""A member's projects are part of everything held on them (their export, a staff export)."""

from __future__ import annotations

from facilitation.extensions import db
from facilitation.participants import services as participants
from facilitation.participants.models import SpaceParticipant


def test_the_persons_own_export_lists_their_projects(team):
    data = participants.export_data(team.colibri)
    assert data["projects"] == [
        {
            "project": "Logement et santé",
            "status": "running",
            "porteur": True,
            "pseudonym_shown_on_screen": False,
            "since": team.project.created_at.date().isoformat(),
        }
    ]
    assert [p["porteur"] for p in participants.export_data(team.nour)["projects"]] == [False]
    assert participants.export_data(team.mimosa)["projects"] == []


def test_a_staff_export_lists_only_the_projects_of_the_readers_spaces(team):
    world = team.world
    # Colibri is known in the other space too: its mediator exports her record.
    db.session.add(SpaceParticipant(space_id=world.other_space.id, participant_id=team.colibri.id))
    db.session.commit()
    theirs = participants.staff_export(world.other_mediator, team.colibri)
    assert theirs["projects"] == []
    ours = participants.staff_export(world.mediator, team.colibri)
    assert [p["project"] for p in ours["projects"]] == ["Logement et santé"]


def test_the_retention_purge_empties_the_project_bin_past_30_days(team):
    from datetime import timedelta

    from facilitation.audit import retention
    from facilitation.core.database import utcnow
    from facilitation.projects import services as projects
    from facilitation.projects.models import Step

    old = projects.add_step(team.staff, team.project, projects.StepData("Ancienne"))
    recent = projects.add_step(team.staff, team.project, projects.StepData("Récente"))
    old_id, recent_id = old.id, recent.id
    db.session.get(Step, old_id).deleted_at = utcnow() - timedelta(days=31)
    db.session.get(Step, recent_id).deleted_at = utcnow() - timedelta(days=2)
    db.session.commit()

    assert retention.purge(dry_run=True)["project_bin"] == 1
    assert db.session.get(Step, old_id) is not None  # a dry run removes nothing
    assert retention.purge()["project_bin"] == 1
    db.session.expire_all()
    assert db.session.get(Step, old_id) is None
    assert db.session.get(Step, recent_id) is not None  # still in the bin, restorable
