"""Journeys (a timeline, never a score) and the export of what is held on a person."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ...accounts.models import User
from ...audit import services as audit
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ...workshops.models import Cycle, WorkshopSession
from ..models import (
    CONSENTS,
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    ParticipantDevice,
    SpaceParticipant,
)
from .visibility import get_participant


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
    participant: Participant
    events: list[JourneyEvent]
    sessions_attended: int
    co_animations: int
    people_brought: int
    spaces_proposed: int
    tools_reused: int


def _journey(participant: Participant, space_ids: set[int] | None) -> Journey:
    events: list[JourneyEvent] = []
    attended = 0
    query = (
        sa.select(Attendance, WorkshopSession, Cycle, Space)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .join(Space, Space.id == Cycle.space_id)
        .where(Attendance.participant_id == participant.id)
    )
    if space_ids is not None:
        query = query.where(Space.id.in_(space_ids))
    for attendance, session, _cycle, space in db.session.execute(query):
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
                first_visit=attendance.first_visit,
            )
        )
    co_query = (
        sa.select(CoAnimation, Space)
        .join(Space, Space.id == CoAnimation.space_id)
        .where(CoAnimation.participant_id == participant.id)
    )
    if space_ids is not None:
        co_query = co_query.where(Space.id.in_(space_ids))
    counts: Counter[str] = Counter()
    for co, space in db.session.execute(co_query):
        counts[co.kind.value] += 1
        events.append(
            JourneyEvent(
                co.occurred_on, "co_animation", co.kind.value, space.name, detail=co.note or None
            )
        )
    brought_query = sa.select(Participant).where(Participant.brought_by_id == participant.id)
    if space_ids is not None:  # staff see only the people known in their spaces
        brought_query = brought_query.where(
            Participant.id.in_(
                sa.select(SpaceParticipant.participant_id).where(
                    SpaceParticipant.space_id.in_(space_ids)
                )
            )
        )
    brought = list(db.session.scalars(brought_query))
    for person in brought:
        events.append(JourneyEvent(person.created_at.date(), "brought", person.pseudonym))
    events.sort(key=lambda e: (e.day, e.kind), reverse=True)
    return Journey(
        participant=participant,
        events=events,
        sessions_attended=attended,
        co_animations=sum(counts.values()),
        people_brought=len(brought),
        spaces_proposed=counts[CoAnimationKind.PROPOSED_SPACE.value],
        tools_reused=counts[CoAnimationKind.REUSED_TOOL.value],
    )


def staff_journey(actor: User, participant: Participant) -> Journey:
    """A participant's journey in the actor's spaces. Every read is audited."""
    participant = get_participant(actor, participant.id)
    visible = set(
        db.session.scalars(spaces.visible_spaces_select(actor).with_only_columns(Space.id))
    )
    journey = _journey(participant, visible)
    audit.record(
        participant.organisation_id, audit.VIEW_JOURNEY, actor=actor, participant_id=participant.id
    )
    db.session.commit()
    return journey


def own_journey(participant: Participant) -> Journey:
    """What the person sees on their phone: their whole journey."""
    return _journey(participant, None)


def export_data(participant: Participant) -> dict:
    """Everything held on a participant, as plain data (for them, or for staff to hand over)."""
    journey = _journey(participant, None)
    return {
        "pseudonym": participant.pseudonym,
        "languages": participant.languages,
        "consents": {key: bool((participant.consents or {}).get(key)) for key in CONSENTS},
        "notes": participant.notes,
        "brought_by": participant.brought_by.pseudonym if participant.brought_by else None,
        "registered_on": participant.created_at.date().isoformat(),
        "spaces": sorted(s.name for s in participant.spaces),
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
        "phones": db.session.scalar(
            sa.select(sa.func.count(ParticipantDevice.id)).where(
                ParticipantDevice.participant_id == participant.id
            )
        ),
    }


def staff_export(actor: User, participant: Participant) -> dict:
    participant = get_participant(actor, participant.id)
    data = export_data(participant)
    audit.record(
        participant.organisation_id, audit.EXPORT, actor=actor, participant_id=participant.id
    )
    db.session.commit()
    return data
