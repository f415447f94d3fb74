"""Participants, attendance, co-animation and journeys. Staff see a participant only
through their own spaces; a participant sees their own journey from their phone.

Attendance is information, never a score: nothing here ranks people.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..core.database import utcnow
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..spaces import services as spaces
from ..spaces.models import Space
from ..workshops import services as workshops
from ..workshops.models import Cycle, WorkshopSession
from .models import (
    CONSENTS,
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    ParticipantDevice,
    ParticipantLink,
    SpaceParticipant,
)

PSEUDONYM_MAX = 40
LINK_VALID_DAYS = 7


def clean_pseudonym(pseudonym: str) -> str:
    pseudonym = " ".join((pseudonym or "").split())
    if not pseudonym:
        raise ValidationError(_("Choose a pseudonym."), "pseudonym")
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValidationError(
            _("A pseudonym has at most %(n)d characters.", n=PSEUDONYM_MAX), "pseudonym"
        )
    return pseudonym


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


# --- reading participants -------------------------------------------------------------


def _visible_participant_ids(actor: User) -> sa.Select:
    visible = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(SpaceParticipant.participant_id).where(SpaceParticipant.space_id.in_(visible))


def get_participant(actor: User, participant_id: int) -> Participant:
    participant = db.session.scalar(
        sa.select(Participant).where(
            Participant.id == participant_id, Participant.id.in_(_visible_participant_ids(actor))
        )
    )
    if participant is None:
        raise NotFound
    return participant


def list_space_participants(actor: User, space: Space) -> list[Participant]:
    spaces.ensure_visible(actor, space)
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(SpaceParticipant, SpaceParticipant.participant_id == Participant.id)
            .where(SpaceParticipant.space_id == space.id)
            .order_by(sa.func.lower(Participant.pseudonym), Participant.id)
        )
    )


# --- creating and editing ---------------------------------------------------------------


def _join_space(space_id: int, participant_id: int) -> None:
    if db.session.get(SpaceParticipant, (space_id, participant_id)) is None:
        db.session.add(SpaceParticipant(space_id=space_id, participant_id=participant_id))


def create_participant(
    actor: User, space: Space, pseudonym: str, *, brought_by: Participant | None = None
) -> Participant:
    """Register a participant by pseudonym in one of the actor's spaces."""
    spaces.ensure_visible(actor, space)
    if brought_by is not None:
        brought_by = get_participant(actor, brought_by.id)
    participant = Participant(
        organisation_id=space.organisation_id,
        pseudonym=clean_pseudonym(pseudonym),
        brought_by_id=brought_by.id if brought_by else None,
        consents={},
    )
    db.session.add(participant)
    db.session.flush()
    _join_space(space.id, participant.id)
    db.session.commit()
    return participant


@dataclass(frozen=True)
class ParticipantData:
    pseudonym: str
    languages: str = ""
    consents: dict = field(default_factory=dict)
    notes: str = ""
    brought_by_id: int | None = None


def update_participant(actor: User, participant: Participant, data: ParticipantData) -> Participant:
    participant = get_participant(actor, participant.id)
    participant.pseudonym = clean_pseudonym(data.pseudonym)
    participant.languages = " ".join((data.languages or "").split())[:80]
    participant.consents = {key: bool(data.consents.get(key)) for key in CONSENTS}
    participant.notes = (data.notes or "").strip()
    if data.brought_by_id is not None and data.brought_by_id != participant.id:
        participant.brought_by_id = get_participant(actor, data.brought_by_id).id
    elif data.brought_by_id is None and (
        participant.brought_by_id is None
        or db.session.scalar(
            sa.select(Participant.id).where(
                Participant.id == participant.brought_by_id,
                Participant.id.in_(_visible_participant_ids(actor)),
            )
        )
    ):
        # Only staff who can see who brought the person can clear it: for the others the
        # form cannot show it (another space's people are private), so "nobody" means
        # "unchanged" rather than losing what the other team recorded.
        participant.brought_by_id = None
    db.session.commit()
    return participant


# --- attendance ------------------------------------------------------------------------------


def recompute_first_visits(participant_id: int) -> None:
    """Mark the participant's first attendance as present as their first visit."""
    rows = db.session.execute(
        sa.select(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .where(Attendance.participant_id == participant_id)
        .order_by(WorkshopSession.starts_on, WorkshopSession.starts_at, Attendance.id)
    ).scalars()
    first_done = False
    for attendance in rows:
        is_first = attendance.status is AttendanceStatus.PRESENT and not first_done
        attendance.first_visit = is_first
        first_done = first_done or is_first


def record_attendance(
    actor: User,
    session: WorkshopSession,
    participant: Participant,
    status: AttendanceStatus | str,
    *,
    source: str = "roll_call",
) -> Attendance:
    """Record (or change) whether a participant came. One record per person and session.

    Safe to repeat and safe under concurrency: the unique constraint on
    (session, participant) decides, and a lost race becomes an update.
    """
    session = workshops.get_session(actor, session.id)
    participant = get_participant(actor, participant.id)
    if participant.organisation_id != session.cycle.space.organisation_id:
        raise NotFound
    status = AttendanceStatus(status)
    space_id = session.cycle.space_id
    for _attempt in range(2):
        _join_space(space_id, participant.id)
        attendance = db.session.scalar(
            sa.select(Attendance).where(
                Attendance.session_id == session.id, Attendance.participant_id == participant.id
            )
        )
        if attendance is None:
            attendance = Attendance(
                session_id=session.id, participant_id=participant.id, source=source
            )
            db.session.add(attendance)
        attendance.status = status
        attendance.person_key = participant.anon_key
        attendance.recorded_at = utcnow()
        attendance.recorded_by_id = actor.id
        try:
            db.session.flush()
            recompute_first_visits(participant.id)
            db.session.commit()
            return attendance
        except IntegrityError:
            db.session.rollback()  # another phone recorded it first: update theirs
    raise ValidationError(_("The attendance could not be saved. Please try again."))


def clear_attendance(actor: User, session: WorkshopSession, participant: Participant) -> None:
    session = workshops.get_session(actor, session.id)
    participant = get_participant(actor, participant.id)
    db.session.execute(
        sa.delete(Attendance).where(
            Attendance.session_id == session.id, Attendance.participant_id == participant.id
        )
    )
    recompute_first_visits(participant.id)
    db.session.commit()


def session_attendance(actor: User, session: WorkshopSession) -> list[Attendance]:
    session = workshops.get_session(actor, session.id)
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .where(Attendance.session_id == session.id)
            .outerjoin(Participant, Participant.id == Attendance.participant_id)
            .order_by(Participant.pseudonym.is_(None), Participant.pseudonym)
        )
    )


def add_newcomer(
    actor: User, session: WorkshopSession, pseudonym: str, *, brought_by_id: int | None = None
) -> Participant:
    """A newcomer at the roll call: registered in the space and marked present."""
    session = workshops.get_session(actor, session.id)
    brought_by = get_participant(actor, brought_by_id) if brought_by_id else None
    participant = create_participant(actor, session.cycle.space, pseudonym, brought_by=brought_by)
    record_attendance(actor, session, participant, AttendanceStatus.PRESENT)
    return participant


@dataclass
class RollCallRow:
    participant: Participant
    attendance: Attendance | None
    visits: int  # sessions attended in this space before (information, for staff only)


@dataclass
class CheckIn:
    """A phone that joined the session's live board, proposed as present."""

    live_participant_id: int
    pseudonym: str | None
    participant: Participant | None  # the record it is already linked to, if any


@dataclass
class RollCall:
    session: WorkshopSession
    rows: list[RollCallRow]
    check_ins: list[CheckIn]
    erased_present: int = 0  # came, then asked to be erased: counted, never named

    @property
    def present(self) -> int:
        return self.erased_present + sum(
            1 for r in self.rows if r.attendance and r.attendance.status is AttendanceStatus.PRESENT
        )


def roll_call(actor: User, session: WorkshopSession) -> RollCall:
    """The space's regulars with this session's attendance, and phones to confirm."""
    from ..live.models import Board, LiveParticipant  # live depends on us, not the reverse

    session = workshops.get_session(actor, session.id)
    space = session.cycle.space
    participants = list_space_participants(actor, space)
    records = session_attendance(actor, session)
    attendance = {a.participant_id: a for a in records if a.participant_id is not None}
    erased_present = sum(
        1 for a in records if a.participant_id is None and a.status is AttendanceStatus.PRESENT
    )
    visits = Counter(
        db.session.scalars(
            sa.select(Attendance.participant_id)
            .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
            .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
            .where(
                Cycle.space_id == space.id,
                Attendance.status == AttendanceStatus.PRESENT,
                Attendance.session_id != session.id,
            )
        )
    )
    rows = [RollCallRow(p, attendance.get(p.id), visits.get(p.id, 0)) for p in participants]
    check_ins = []
    board = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
    if board is not None:
        for live in db.session.scalars(
            sa.select(LiveParticipant)
            .where(LiveParticipant.board_id == board.id)
            .order_by(LiveParticipant.joined_at)
        ):
            linked = (
                db.session.get(Participant, live.participant_id) if live.participant_id else None
            )
            if linked is not None and linked.id in attendance:
                continue  # already counted
            if live.pseudonym is None and linked is None:
                continue  # anonymous: staff can add them by hand if they wish
            check_ins.append(CheckIn(live.id, live.pseudonym, linked))
    return RollCall(session, rows, check_ins, erased_present)


def confirm_check_in(
    actor: User,
    session: WorkshopSession,
    live_participant_id: int,
    *,
    participant_id: int | None = None,
) -> Participant:
    """One tap: the phone's person is present. Links the phone to a participant record."""
    from ..live.models import Board, LiveParticipant

    session = workshops.get_session(actor, session.id)
    live = db.session.get(LiveParticipant, live_participant_id)
    board = db.session.get(Board, live.board_id) if live else None
    if live is None or board is None or board.session_id != session.id:
        raise NotFound
    if participant_id is not None:
        participant = get_participant(actor, participant_id)
    elif live.participant_id is not None:
        # A phone already linked (earlier check-in, sign-in link), possibly in another space
        # of the structure: the person is here with it, so they become known in this space.
        participant = db.session.get(Participant, live.participant_id)
        if (
            participant is None
            or participant.organisation_id != session.cycle.space.organisation_id
        ):
            raise NotFound
        _join_space(session.cycle.space_id, participant.id)
        db.session.flush()
    else:
        participant = create_participant(actor, session.cycle.space, live.pseudonym or "")
    link_live_participant(live, participant)
    record_attendance(actor, session, participant, AttendanceStatus.PRESENT, source="check_in")
    return participant


def link_live_participant(live, participant: Participant) -> None:
    """Attach a live-board phone to a participant: its device, its co-animations."""
    live.participant_id = participant.id
    if (
        db.session.scalar(
            sa.select(ParticipantDevice.id).where(ParticipantDevice.device_hash == live.device_hash)
        )
        is None
    ):
        db.session.add(
            ParticipantDevice(device_hash=live.device_hash, participant_id=participant.id)
        )
    db.session.execute(
        sa.update(CoAnimation)
        .where(CoAnimation.live_participant_id == live.id, CoAnimation.participant_id.is_(None))
        .values(participant_id=participant.id, person_key=participant.anon_key)
    )
    db.session.commit()


# --- co-animation -------------------------------------------------------------------------


def add_co_animation(
    actor: User,
    participant: Participant,
    *,
    kind: CoAnimationKind | str,
    space: Space,
    occurred_on: date,
    session: WorkshopSession | None = None,
    tool_id: int | None = None,
    note: str = "",
) -> CoAnimation:
    """Record co-animation done off the app (animated a tool, reused one, proposed a space…)."""
    participant = get_participant(actor, participant.id)
    spaces.ensure_visible(actor, space)
    if session is not None:
        session = workshops.get_session(actor, session.id)
        if session.cycle.space_id != space.id:
            raise NotFound
    if tool_id is not None:
        from ..planning.models import Tool

        tool = db.session.get(Tool, tool_id)
        if tool is None or tool.organisation_id != actor.organisation_id:
            raise NotFound
    co = CoAnimation(
        organisation_id=participant.organisation_id,
        participant_id=participant.id,
        person_key=participant.anon_key,
        space_id=space.id,
        session_id=session.id if session else None,
        kind=CoAnimationKind(kind),
        tool_id=tool_id,
        note=" ".join((note or "").split())[:300],
        occurred_on=occurred_on,
        recorded_by_id=actor.id,
    )
    db.session.add(co)
    db.session.commit()
    return co


# --- journeys ------------------------------------------------------------------------------


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


def _erase(participant: Participant) -> None:
    """Remove the person; keep anonymous aggregates (attendance rows, co-animation counts)."""
    from ..live.models import LiveParticipant

    db.session.execute(
        sa.update(LiveParticipant)
        .where(LiveParticipant.participant_id == participant.id)
        .values(participant_id=None, pseudonym=None)
    )
    for model in (Attendance, CoAnimation):
        db.session.execute(
            sa.update(model)
            .where(model.participant_id == participant.id)
            .values(participant_id=None)
        )
    db.session.execute(
        sa.update(Participant)
        .where(Participant.brought_by_id == participant.id)
        .values(brought_by_id=None)
    )
    db.session.delete(participant)


def staff_erase(actor: User, participant: Participant) -> None:
    participant = get_participant(actor, participant.id)
    audit.record(
        participant.organisation_id, audit.ERASE, actor=actor, participant_id=participant.id
    )
    _erase(participant)
    db.session.commit()


def self_erase(participant: Participant) -> None:
    """The person asked, from their phone, for what is held on them to be erased."""
    audit.record(
        participant.organisation_id, audit.SELF_ERASE, actor=None, participant_id=participant.id
    )
    _erase(participant)
    db.session.commit()


# --- merging duplicates -------------------------------------------------------------------

_STATUS_RANK = {
    AttendanceStatus.PRESENT: 3,
    AttendanceStatus.EXCUSED: 2,
    AttendanceStatus.ABSENT: 1,
}


@dataclass
class MergePreview:
    keep: Participant
    remove: Participant
    attendances_moved: int
    attendances_combined: int  # same session on both: the more present one is kept
    co_animations_moved: int
    phones_moved: int


def merge_preview(actor: User, keep: Participant, remove: Participant) -> MergePreview:
    keep, remove = get_participant(actor, keep.id), get_participant(actor, remove.id)
    if keep.id == remove.id:
        raise ValidationError(_("Choose two different participants."))
    kept_sessions = set(
        db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.participant_id == keep.id)
        )
    )
    theirs = list(
        db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.participant_id == remove.id)
        )
    )
    count = lambda model, column: db.session.scalar(  # noqa: E731
        sa.select(sa.func.count()).select_from(model).where(column == remove.id)
    )
    return MergePreview(
        keep=keep,
        remove=remove,
        attendances_moved=sum(1 for s in theirs if s not in kept_sessions),
        attendances_combined=sum(1 for s in theirs if s in kept_sessions),
        co_animations_moved=count(CoAnimation, CoAnimation.participant_id),
        phones_moved=count(ParticipantDevice, ParticipantDevice.participant_id),
    )


def merge(actor: User, keep: Participant, remove: Participant) -> Participant:
    """The same person under two pseudonyms becomes one; nothing is lost."""
    from ..live.models import LiveParticipant

    preview = merge_preview(actor, keep, remove)
    keep, remove = preview.keep, preview.remove
    mine = {
        a.session_id: a
        for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.participant_id == keep.id)
        )
    }
    for attendance in list(
        db.session.scalars(sa.select(Attendance).where(Attendance.participant_id == remove.id))
    ):
        other = mine.get(attendance.session_id)
        if other is None:
            attendance.participant_id = keep.id
            attendance.person_key = keep.anon_key
        else:
            if _STATUS_RANK[attendance.status] > _STATUS_RANK[other.status]:
                other.status = attendance.status
            db.session.delete(attendance)
    db.session.flush()
    db.session.execute(
        sa.update(CoAnimation)
        .where(CoAnimation.participant_id == remove.id)
        .values(participant_id=keep.id, person_key=keep.anon_key)
    )
    for model in (ParticipantDevice, LiveParticipant):
        db.session.execute(
            sa.update(model).where(model.participant_id == remove.id).values(participant_id=keep.id)
        )
    if keep.brought_by_id == remove.id:
        keep.brought_by_id = None  # never "brought by themself"
    db.session.execute(
        sa.update(Participant)
        .where(Participant.brought_by_id == remove.id, Participant.id != keep.id)
        .values(brought_by_id=keep.id)
    )
    for space_id in db.session.scalars(
        sa.select(SpaceParticipant.space_id).where(SpaceParticipant.participant_id == remove.id)
    ).all():
        _join_space(space_id, keep.id)
    if keep.brought_by_id is None and remove.brought_by_id not in (None, keep.id):
        keep.brought_by_id = remove.brought_by_id
    audit.record(
        keep.organisation_id,
        audit.MERGE,
        actor=actor,
        participant_id=keep.id,
        merged=remove.public_id,
    )
    db.session.delete(remove)
    db.session.flush()
    recompute_first_visits(keep.id)
    db.session.commit()
    return keep


# --- the cycle overview ----------------------------------------------------------------------


@dataclass
class SessionLine:
    session: WorkshopSession
    came: int
    new: int
    co_animated: int


@dataclass
class CycleOverview:
    cycle: Cycle
    lines: list[SessionLine]
    people: int  # distinct people who came at least once
    co_animators: int  # distinct people who co-animated
    moved_to_co_animating: int  # came first as participants, then co-animated


def _person(row) -> str:
    """One key per person on attendance and co-animation rows, surviving an erasure."""
    if row.person_key:
        return row.person_key
    if row.participant_id is not None:
        return f"participant:{row.participant_id}"
    if getattr(row, "live_participant_id", None) is not None:
        return f"phone:{row.live_participant_id}"
    return f"row:{type(row).__name__}:{row.id}"


def cycle_overview(actor: User, cycle: Cycle) -> CycleOverview:
    """Per session: who came, who was new, who co-animated — counts, never names.

    People are told apart by the rows' person key, so the counts stay the same after
    someone asked to be erased.
    """
    cycle = workshops.get_cycle(actor, cycle.id)
    sessions = [s for s in cycle.sessions if not s.is_archived]
    ids = [s.id for s in sessions]
    attendance = list(
        db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id.in_(ids or [0]), Attendance.status == AttendanceStatus.PRESENT
            )
        )
    )
    co = list(
        db.session.scalars(sa.select(CoAnimation).where(CoAnimation.session_id.in_(ids or [0])))
    )
    order = {s.id: i for i, s in enumerate(sessions)}
    lines = [
        SessionLine(
            session=s,
            came=len({_person(a) for a in attendance if a.session_id == s.id}),
            new=sum(1 for a in attendance if a.session_id == s.id and a.first_visit),
            co_animated=len({_person(c) for c in co if c.session_id == s.id}),
        )
        for s in sessions
    ]
    first_came: dict[str, int] = {}
    for a in attendance:
        key = _person(a)
        first_came[key] = min(first_came.get(key, len(order)), order[a.session_id])
    first_co: dict[str, int] = {}
    for c in co:
        key = _person(c)
        first_co[key] = min(first_co.get(key, len(order)), order[c.session_id])
    return CycleOverview(
        cycle=cycle,
        lines=lines,
        people=len(first_came),
        co_animators=len(first_co),
        moved_to_co_animating=sum(
            1 for key, i in first_co.items() if key in first_came and first_came[key] < i
        ),
    )


# --- the participant's own access (phone) --------------------------------------------------


def participant_for_device(device_key: str | None) -> Participant | None:
    if not device_key:
        return None
    return db.session.scalar(
        sa.select(Participant)
        .join(ParticipantDevice, ParticipantDevice.participant_id == Participant.id)
        .where(ParticipantDevice.device_hash == hash_token(device_key))
    )


def create_sign_in_link(actor: User | None, participant: Participant) -> str:
    """A one-time link that opens "mon parcours" on a (new) phone. Returns the token."""
    if actor is not None:
        participant = get_participant(actor, participant.id)
        audit.record(
            participant.organisation_id, audit.LINK, actor=actor, participant_id=participant.id
        )
    token = secrets.token_urlsafe(24)
    db.session.add(
        ParticipantLink(
            token_hash=hash_token(token),
            participant_id=participant.id,
            created_by_id=actor.id if actor else None,
            expires_at=utcnow() + timedelta(days=LINK_VALID_DAYS),
        )
    )
    db.session.commit()
    return token


def use_sign_in_link(token: str, device_key: str) -> Participant:
    """Spend a one-time link: this phone now belongs to the participant."""
    link = db.session.scalar(
        sa.select(ParticipantLink).where(ParticipantLink.token_hash == hash_token(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise NotFound
    claimed = db.session.execute(
        sa.update(ParticipantLink)
        .where(ParticipantLink.id == link.id, ParticipantLink.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise NotFound
    device_hash = hash_token(device_key)
    device = db.session.scalar(
        sa.select(ParticipantDevice).where(ParticipantDevice.device_hash == device_hash)
    )
    if device is None:
        db.session.add(
            ParticipantDevice(device_hash=device_hash, participant_id=link.participant_id)
        )
    else:
        device.participant_id = link.participant_id
    db.session.commit()
    return db.session.get(Participant, link.participant_id)
