"""Two more collective projects in the demo's year, for the indicators' project figures:
one in Arnaud Bernard finished during the year (a guide of the neighbourhood's care
places, co-built with the public), one in the pain group still running (a letter to the
health centre). The main demo project (projects.py) runs in Les Izards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..accounts.models import User
from ..extensions import db
from ..participants.models import Participant
from ..projects.models import (
    ActionKind,
    Decision,
    DecisionStatus,
    MemberKind,
    Project,
    ProjectAction,
    ProjectDeterminant,
    ProjectMeeting,
    ProjectMember,
    ProjectStatus,
    Step,
    StepState,
)
from ..spaces.models import Space
from ..workshops.models import WorkshopSession


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=UTC)


def _project(
    space: Space,
    staff: User,
    title: str,
    aim: str,
    *,
    status: ProjectStatus,
    accepted: date,
    finished: date | None = None,
    determinants: tuple[str, ...] = (),
) -> Project:
    project = Project(
        organisation_id=space.organisation_id,
        space_id=space.id,
        title=title,
        aim=aim,
        status=status,
        created_by_id=staff.id,
        accepted_at=_moment(accepted),
        finished_at=_moment(finished) if finished else None,
        created_at=_moment(accepted),
    )
    db.session.add(project)
    db.session.flush()
    for key in determinants:
        db.session.add(ProjectDeterminant(project_id=project.id, key=key))
    return project


def _members(project: Project, staff: User, people: list[Participant], porteurs: int) -> None:
    db.session.add(ProjectMember(project_id=project.id, kind=MemberKind.STAFF, user_id=staff.id))
    for n, person in enumerate(people):
        db.session.add(
            ProjectMember(
                project_id=project.id,
                kind=MemberKind.PARTICIPANT,
                participant_id=person.id,
                is_porteur=n < porteurs,
            )
        )


def _steps(project: Project, steps: list[tuple[str, date | None]]) -> None:
    for title, done in steps:
        db.session.add(
            Step(
                project_id=project.id,
                title=title,
                state=StepState.DONE if done else StepState.DOING,
                done_at=_moment(done) if done else None,
                created_at=project.created_at,
                updated_at=_moment(done) if done else project.created_at,
            )
        )


def _decision(project: Project, staff: User, session: WorkshopSession, question, text) -> None:
    db.session.add(
        Decision(
            project_id=project.id,
            status=DecisionStatus.RECORDED,
            question=question,
            session_id=session.id,
            kind="senscheck",
            text=text,
            snapshot={
                "kind": "senscheck",
                "labels": ["👍 D'accord", "🤔 Pas encore sûr·e", "👎 Pas d'accord"],
                "results": {"total": 8, "counts": [7, 1, 0]},
            },
            participant_count=8,
            decided_on=session.starts_on,
            recorded_by_id=staff.id,
        )
    )


def seed(
    *,
    arnaud: Space,
    douleurs: Space,
    staff: User,
    spring: list[WorkshopSession],
    pain: list[WorkshopSession],
    arnaud_people: list[Participant],
    pain_people: list[Participant],
    end: date,
) -> None:
    """Write both projects (the caller commits)."""
    if len(spring) >= 4:

        def on(day: date) -> date:
            return min(day, end)

        guide = _project(
            arnaud,
            staff,
            "Le guide des lieux de soins du quartier",
            "Un petit guide, fait par le groupe, des lieux où se soigner sans avance de frais.",
            status=ProjectStatus.FINISHED,
            accepted=spring[1].starts_on,
            finished=on(spring[-1].starts_on + timedelta(days=40)),
            determinants=("rights", "carers"),
        )
        _members(guide, staff, arnaud_people[:6], porteurs=2)
        for session in spring[2:4]:
            db.session.add(ProjectMeeting(project_id=guide.id, session_id=session.id))
        _steps(
            guide,
            [
                ("Lister les lieux que le groupe connaît", spring[2].starts_on),
                (
                    "Aller voir la PASS et le centre de santé",
                    on(spring[3].starts_on + timedelta(7)),
                ),
                ("Écrire et dessiner les pages du guide", on(spring[-1].starts_on)),
            ],
        )
        _decision(
            guide,
            staff,
            spring[3],
            "On fait le guide en plusieurs langues ?",
            "Le guide sera en français, en arabe et en anglais, avec des pictogrammes.",
        )
        db.session.add_all(
            [
                ProjectAction(
                    project_id=guide.id,
                    kind=ActionKind.TOOL,
                    title="Le guide des lieux de soins, imprimé en 200 exemplaires",
                    text="Fait avec le groupe : textes, dessins et relecture par les habitant·es.",
                    happened_on=on(spring[-1].starts_on + timedelta(days=21)),
                    created_by_id=staff.id,
                ),
                ProjectAction(
                    project_id=guide.id,
                    kind=ActionKind.EVENT,
                    title="Présentation du guide au marché",
                    happened_on=on(spring[-1].starts_on + timedelta(days=35)),
                    created_by_id=staff.id,
                ),
            ]
        )
    if len(pain) >= 3:
        letter = _project(
            douleurs,
            staff,
            "Une lettre à la maison de santé",
            "Dire aux soignant·es ce qui aide quand on a mal depuis longtemps.",
            status=ProjectStatus.RUNNING,
            accepted=pain[0].starts_on,
            determinants=("carers",),
        )
        _members(letter, staff, pain_people[:5], porteurs=1)
        _steps(
            letter,
            [
                ("Recueillir ce que chacun·e voudrait dire", pain[1].starts_on),
                ("Écrire la lettre ensemble", pain[2].starts_on),
                ("Demander un rendez-vous à la maison de santé", None),
            ],
        )
        _decision(
            letter,
            staff,
            pain[2],
            "On signe la lettre avec nos pseudonymes ?",
            "La lettre est signée « le groupe douleur », sans nom.",
        )
        db.session.add(
            ProjectAction(
                project_id=letter.id,
                kind=ActionKind.LETTER,
                title="Lettre à la maison de santé",
                happened_on=pain[2].starts_on,
                created_by_id=staff.id,
            )
        )
