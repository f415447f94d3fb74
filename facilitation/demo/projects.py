"""The demo's collective project: "Logement et santé" in Les Izards, months of history."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

from flask import url_for
from werkzeug.datastructures import FileStorage

from ..accounts.models import User
from ..core import uploads
from ..extensions import db
from ..participants import services as participants_services
from ..participants.models import Attendance, AttendanceStatus, Participant
from ..projects.models import (
    ActionKind,
    Attachment,
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
from ..workshops.models import Cycle, WorkshopSession

STEPS = [
    # (what, state, days from today for the date, needs)
    ("Faire la liste des logements avec de l'humidité", StepState.DONE, -140, ""),
    ("Recueillir les témoignages des voisin·es", StepState.DONE, -110, "Un enregistreur"),
    ("Écrire la lettre au bailleur social", StepState.DONE, -75, ""),
    ("Préparer le rendez-vous avec la CPAM", StepState.DONE, -40, "Les questions du groupe"),
    ("Demander une visite du service d'hygiène de la mairie", StepState.DOING, 10, ""),
    ("Faire une fiche « mes droits de locataire »", StepState.DOING, 25, "Une imprimante"),
    ("Inviter l'association de locataires à une réunion", StepState.TODO, 30, ""),
    ("Présenter le projet à la fête de quartier", StepState.TODO, 60, "Un stand, des affiches"),
]


def _pdf(title: str) -> bytes:
    """A one-page PDF letter (made here: no file shipped in the repository)."""
    body = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _moment(day) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=UTC)


def seed_project(*, space: Space, staff: User, people: list[Participant], today) -> dict:
    """Create the project with its meetings, steps, decisions and actions; return its links."""
    started = today - timedelta(days=150)
    cedre, papillon, sirocco, jasmin = people[:4]
    cycle = Cycle(
        space_id=space.id,
        title="Projet : Logement et santé",
        description="Les réunions du groupe projet.",
        created_by_id=staff.id,
    )
    db.session.add(cycle)
    db.session.flush()
    project = Project(
        organisation_id=space.organisation_id,
        space_id=space.id,
        title="Logement et santé",
        aim="Que les logements humides du quartier soient réparés : ils nous rendent malades.",
        status=ProjectStatus.RUNNING,
        created_by_id=staff.id,
        accepted_at=_moment(started),
        cycle_id=cycle.id,
        created_at=_moment(started),
    )
    db.session.add(project)
    db.session.flush()
    for key in ("housing", "rights"):
        db.session.add(ProjectDeterminant(project_id=project.id, key=key))
    members = {
        "staff": ProjectMember(project_id=project.id, kind=MemberKind.STAFF, user_id=staff.id),
        "cedre": ProjectMember(
            project_id=project.id,
            kind=MemberKind.PARTICIPANT,
            participant_id=cedre.id,
            is_porteur=True,
            shown_on_screen=True,
        ),
        "papillon": ProjectMember(
            project_id=project.id,
            kind=MemberKind.PARTICIPANT,
            participant_id=papillon.id,
            is_porteur=True,
            shown_on_screen=True,
        ),
        "sirocco": ProjectMember(
            project_id=project.id, kind=MemberKind.PARTICIPANT, participant_id=sirocco.id
        ),
        "jasmin": ProjectMember(
            project_id=project.id, kind=MemberKind.PARTICIPANT, participant_id=jasmin.id
        ),
        "guest": ProjectMember(
            project_id=project.id,
            kind=MemberKind.GUEST,
            guest_name="Sophie M.",
            guest_organisation="CCAS — conseillère en économie sociale et familiale",
        ),
    }
    db.session.add_all(members.values())
    db.session.flush()

    # A meeting each month, one still to come (in eight days).
    meetings = []
    for i, days in enumerate((-150, -120, -90, -60, -30, 8)):
        session = WorkshopSession(
            cycle_id=cycle.id,
            theme=f"Réunion du projet n° {i + 1}",
            starts_on=today + timedelta(days=days),
            starts_at=time(14, 0),
            ends_at=time(16, 0),
            place="Maison de quartier des Izards",
            created_by_id=staff.id,
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(ProjectMeeting(project_id=project.id, session_id=session.id))
        meetings.append(session)
        if days < 0:
            for person in people[: 3 + i % 2]:
                db.session.add(
                    Attendance(
                        session_id=session.id,
                        participant_id=person.id,
                        person_key=person.anon_key,
                        status=AttendanceStatus.PRESENT,
                        recorded_by_id=staff.id,
                    )
                )

    assign = {0: ["cedre"], 1: ["papillon", "jasmin"], 2: ["cedre", "staff"], 3: ["papillon"]}
    assign.update({4: ["sirocco"], 5: ["jasmin", "guest"], 6: ["cedre"]})
    for i, (title, state, days, needs) in enumerate(STEPS):
        day = today + timedelta(days=days)
        step = Step(
            project_id=project.id,
            title=title,
            state=state,
            needs=needs,
            due_on=day if state is not StepState.DONE else None,
            done_at=_moment(day) if state is StepState.DONE else None,
            created_at=_moment(started + timedelta(days=i)),
            updated_at=_moment(day if state is StepState.DONE else today),
        )
        step.assignees = [members[k] for k in assign.get(i, [])]
        db.session.add(step)

    decisions = [
        Decision(
            project_id=project.id,
            status=DecisionStatus.RECORDED,
            question="On écrit d'abord au bailleur social ?",
            session_id=meetings[1].id,
            kind="senscheck",
            text="On écrit une lettre commune au bailleur, signée par le groupe.",
            snapshot={
                "kind": "senscheck",
                "labels": ["👍 D'accord", "🤔 Je ne sais pas encore", "👎 Pas d'accord"],
                "results": {"total": 7, "counts": [6, 1, 0]},
            },
            participant_count=7,
            hand_count={"counts": [2, 0, 0], "total": 2},
            decided_on=meetings[1].starts_on,
            recorded_by_id=staff.id,
        ),
        Decision(
            project_id=project.id,
            status=DecisionStatus.RECORDED,
            question="Qui rencontrer en premier ?",
            session_id=meetings[3].id,
            kind="poll",
            text="On rencontre la CPAM pour parler des soins liés à l'humidité.",
            snapshot={
                "kind": "poll",
                "labels": ["La CPAM", "La mairie", "Le bailleur"],
                "results": {"total": 6, "counts": [4, 1, 1]},
            },
            participant_count=6,
            decided_on=meetings[3].starts_on,
            revisit_on=today + timedelta(days=30),
            recorded_by_id=staff.id,
        ),
    ]
    db.session.add_all(decisions)
    db.session.flush()
    db.session.add(
        Step(
            project_id=project.id,
            title="On en reparle : Qui rencontrer en premier ?",
            due_on=today + timedelta(days=30),
            from_decision_id=decisions[1].id,
            created_at=_moment(meetings[3].starts_on),
            updated_at=_moment(meetings[3].starts_on),
        )
    )
    letter = ProjectAction(
        project_id=project.id,
        kind=ActionKind.LETTER,
        title="Lettre au bailleur social sur l'humidité des logements",
        text="Signée par 14 familles du quartier. Le bailleur a répondu qu'un diagnostic "
        "serait fait dans trois résidences.",
        happened_on=today - timedelta(days=75),
        created_by_id=staff.id,
    )
    cpam = ProjectAction(
        project_id=project.id,
        kind=ActionKind.MEETING,
        title="Rencontre avec la CPAM",
        text="Le groupe a présenté les témoignages. La CPAM propose une permanence "
        "d'accès aux droits à la maison de quartier.",
        happened_on=today - timedelta(days=35),
        created_by_id=staff.id,
    )
    db.session.add_all([letter, cpam])
    db.session.flush()
    pdf = FileStorage(
        stream=io.BytesIO(_pdf("Lettre au bailleur social - groupe Logement et sante")),
        filename="lettre-au-bailleur.pdf",
    )
    upload = uploads.store(pdf, organisation_id=space.organisation_id, accept=uploads.DOCUMENTS)
    db.session.flush()
    db.session.add(Attachment(project_id=project.id, action_id=letter.id, upload_id=upload.id))
    project.version = 1
    db.session.commit()
    token = participants_services.create_sign_in_link(None, papillon)
    return {
        "id": project.id,
        "title": project.title,
        "url": url_for("projects.detail", project_id=project.id, _external=True),
        "screen_url": url_for("projects.screen", project_id=project.id, _external=True),
        "member_journey_url": url_for("me.sign_in", token=token, _external=True),
        "member_pseudonym": papillon.pseudonym,
        "member_project_url": url_for("my_projects.project", project_id=project.id, _external=True),
        "next_meeting_id": meetings[-1].id,
    }
