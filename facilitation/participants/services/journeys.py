"""Journeys (a timeline, never a score) and the export of what is held on a person.

Both are built from a :class:`~.visibility.PersonView`: staff get the part of the person
that happened in their own spaces (a coordinator: the whole structure), the person gets
everything. "First time" is the first visit among what the reader sees, so that a
session without the tag does not tell a team that the person came somewhere else before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ...accounts.models import User
from ...audit import services as audit
from ...extensions import db
from ...spaces.models import Space
from ...workshops.models import Cycle, WorkshopSession
from .. import hooks
from ..models import (
    CONSENTS,
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    SpaceParticipant,
)
from .board import board_traces_of
from .phones import phones_of
from .visibility import PersonView, own_view, person_view


@dataclass
class JourneyEvent:
    day: date
    kind: str  # "attended", "excused", "co_animation", "brought"
    label: str
    space: str | None = None
    detail: str | None = None
    first_visit: bool = False


@dataclass
class Journey:
    view: PersonView
    events: list[JourneyEvent]
    sessions_attended: int
    co_animations: int
    people_brought: int
    spaces_proposed: int
    tools_reused: int

    @property
    def participant(self) -> Participant:
        return self.view.participant


def _journey(view: PersonView) -> Journey:
    participant, scope = view.participant, view.scope
    events: list[JourneyEvent] = []
    attended = 0
    query = (
        sa.select(Attendance, WorkshopSession, Space)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .join(Space, Space.id == Cycle.space_id)
        .where(Attendance.participant_id == participant.id, scope.where(Space.id))
        .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at, Attendance.id)
    )
    first_seen = participant.first_visit_detached and scope.space_ids is None
    for attendance, session, space in db.session.execute(query):
        if attendance.status is AttendanceStatus.ABSENT:
            continue
        present = attendance.status is AttendanceStatus.PRESENT
        attended += present
        events.append(
            JourneyEvent(
                session.starts_on,
                "attended" if present else "excused",
                session.theme,
                space.name,
                first_visit=present and not first_seen,
            )
        )
        first_seen = first_seen or present
    co_query = (
        sa.select(CoAnimation, Space)
        .join(Space, Space.id == CoAnimation.space_id)
        .where(CoAnimation.participant_id == participant.id, scope.where(Space.id))
    )
    counts: Counter[str] = Counter()
    for co, space in db.session.execute(co_query):
        counts[co.kind.value] += 1
        events.append(
            JourneyEvent(
                co.occurred_on, "co_animation", co.kind.value, space.name, detail=co.note or None
            )
        )
    # Whom they brought: only the people known in the reader's spaces.
    brought = list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.brought_by_id == participant.id,
                Participant.id.in_(
                    sa.select(SpaceParticipant.participant_id).where(
                        scope.where(SpaceParticipant.space_id)
                    )
                )
                if scope.space_ids is not None
                else sa.true(),
            )
            .order_by(Participant.id)
        )
    )
    for person in brought:
        events.append(JourneyEvent(person.created_at.date(), "brought", person.pseudonym))
    events.sort(key=lambda e: (e.day, e.kind), reverse=True)
    return Journey(
        view=view,
        events=events,
        sessions_attended=attended,
        co_animations=sum(counts.values()),
        people_brought=len(brought),
        spaces_proposed=counts[CoAnimationKind.PROPOSED_SPACE.value],
        tools_reused=counts[CoAnimationKind.REUSED_TOOL.value],
    )


def staff_journey(actor: User, participant: Participant) -> Journey:
    """A participant's journey in the actor's spaces. Every read is audited."""
    view = person_view(actor, participant.id)
    journey = _journey(view)
    audit.record(
        view.participant.organisation_id,
        audit.VIEW_JOURNEY,
        actor=actor,
        participant_id=view.participant.id,
    )
    db.session.commit()
    return journey


def own_journey(participant: Participant) -> Journey:
    """What the person sees on their phone: their whole journey."""
    return _journey(own_view(participant))


def _export(view: PersonView) -> dict:
    participant = view.participant
    journey = _journey(view)
    return {
        "pseudonym": participant.pseudonym,
        "languages": participant.languages,
        "consents": {key: bool((participant.consents or {}).get(key)) for key in CONSENTS},
        "notes": {m.space.name: m.notes for m in view.memberships if m.notes},
        "brought_by": view.brought_by.pseudonym if view.brought_by else None,
        "registered_on": view.known_since.isoformat(),
        "spaces": [s.name for s in view.spaces],
        "journey": [
            {
                "date": e.day.isoformat(),
                "kind": e.kind,
                "label": e.label,
                "space": e.space,
                "first_visit": e.first_visit,
                "detail": e.detail,
            }
            for e in journey.events
        ],
        # Parts held by the capabilities built on participants (projects…), same scope.
        **hooks.export_sections(participant, view.scope.space_ids),
    }


def export_data(participant: Participant, device_key: str | None = None) -> dict:
    """Everything held on a participant, for them: their whole journey, every team's
    notes, their phones and what their phones sent on the live boards."""
    data = _export(own_view(participant))
    data["phones"] = [
        {
            "added_on": phone.device.created_at.date().isoformat(),
            "how": phone.device.origin.value,
            "added_by": phone.added_by,
            "confirmed": phone.device.confirmed_at is not None,
            "this_phone": phone.this_phone,
        }
        for phone in phones_of(participant, device_key)
    ]
    data["boards"] = [trace.as_dict() for trace in board_traces_of(participant)]
    return data


def staff_export(actor: User, participant: Participant) -> dict:
    """What the actor may see of a person, as a file (audited): only their spaces' part.
    What the person answered on the boards stays out: answers are anonymous to staff."""
    view = person_view(actor, participant.id)
    data = _export(view)
    audit.record(
        view.participant.organisation_id,
        audit.EXPORT,
        actor=actor,
        participant_id=view.participant.id,
    )
    db.session.commit()
    return data
