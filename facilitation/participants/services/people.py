"""Participants by pseudonym: listing a space's people, registering and editing them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...audit import services as audit
from ...core import text
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ...workshops.models import Cycle, WorkshopSession
from ..models import CONSENTS, Attendance, AttendanceStatus, Participant, SpaceParticipant
from .visibility import get_participant, person_view

PSEUDONYM_MAX = 40


def clean_pseudonym(pseudonym: str) -> str:
    pseudonym = text.clean_optional(pseudonym, limit=PSEUDONYM_MAX * 4, field="pseudonym")
    if not pseudonym:
        raise ValidationError(_("Choose a pseudonym."), "pseudonym")
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValidationError(
            _("A pseudonym has at most %(n)d characters.", n=PSEUDONYM_MAX), "pseudonym"
        )
    return pseudonym


def fold(value: str | None) -> str:
    """A pseudonym compared as people say it: case, accents and spaces do not count."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def join_space(space_id: int, participant_id: int) -> None:
    """Make a person known in a space (idempotent; the caller commits)."""
    if db.session.get(SpaceParticipant, (space_id, participant_id)) is None:
        db.session.add(SpaceParticipant(space_id=space_id, participant_id=participant_id))


@dataclass
class Match:
    """Someone of the space who goes by the same pseudonym, and when they last came."""

    participant: Participant
    last_visit: date | None


class DuplicatePseudonym(ValidationError):
    """Someone of the space already goes by this pseudonym: confirm it is someone else."""

    def __init__(self, matches: list[Match]):
        super().__init__(_("Someone of this space already goes by this pseudonym."), "pseudonym")
        self.matches = matches


def likely_matches(
    space: Space, pseudonym: str | None, *, before: WorkshopSession | None = None
) -> list[Match]:
    """The people of the space whose pseudonym is this one, case and accents aside, with
    the day they last came (before ``before``'s session): staff only, never a phone."""
    key = fold(pseudonym)
    if not key:
        return []
    people = [
        p
        for p in db.session.scalars(
            sa.select(Participant)
            .join(SpaceParticipant, SpaceParticipant.participant_id == Participant.id)
            .where(SpaceParticipant.space_id == space.id)
            .order_by(Participant.id)
        )
        if fold(p.pseudonym) == key
    ]
    if not people:
        return []
    query = (
        sa.select(Attendance.participant_id, sa.func.max(WorkshopSession.starts_on))
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(
            Cycle.space_id == space.id,
            Attendance.status == AttendanceStatus.PRESENT,
            Attendance.participant_id.in_([p.id for p in people]),
        )
        .group_by(Attendance.participant_id)
    )
    if before is not None:
        query = query.where(Attendance.session_id != before.id)
    last = dict(db.session.execute(query).all())
    return [Match(p, last.get(p.id)) for p in people]


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
    join_space(space.id, participant.id)
    db.session.commit()
    return participant


NOTES_MAX = 2000
LANGUAGES_MAX = 80


@dataclass(frozen=True)
class ParticipantData:
    pseudonym: str
    languages: str = ""
    consents: dict = field(default_factory=dict)
    # Space id -> that team's notes; only the spaces given are changed.
    notes: dict[int, str] = field(default_factory=dict)
    brought_by_id: int | None = None


def update_participant(actor: User, participant: Participant, data: ParticipantData) -> Participant:
    """Edit what is held on a person. Each team edits only its own notes; the audit log
    records which fields changed (never their content)."""
    view = person_view(actor, participant.id)
    participant = view.participant
    # Everything is checked before anything changes.
    pseudonym = clean_pseudonym(data.pseudonym)
    languages = text.clean_optional(data.languages, limit=LANGUAGES_MAX, field="languages")
    notes = {}
    for space_id, value in (data.notes or {}).items():
        if space_id not in view.space_ids:
            raise NotFound  # another team's notes, or a space the person is not known in
        notes[space_id] = text.clean_optional(
            value, limit=NOTES_MAX, multiline=True, field=f"notes_{space_id}"
        )
    brought_by_id = participant.brought_by_id
    if data.brought_by_id is not None and data.brought_by_id != participant.id:
        brought_by_id = get_participant(actor, data.brought_by_id).id
    elif data.brought_by_id is None and (brought_by_id is None or view.brought_by is not None):
        # Only staff who can see who brought the person can clear it: for the others the
        # form cannot show it (another space's people are private), so "nobody" means
        # "unchanged" rather than losing what the other team recorded.
        brought_by_id = None
    consents = {key: bool((data.consents or {}).get(key)) for key in CONSENTS}
    fields = [
        name
        for name, old, new in (
            ("pseudonym", participant.pseudonym, pseudonym),
            ("languages", participant.languages, languages),
            (
                "consents",
                {k: bool((participant.consents or {}).get(k)) for k in CONSENTS},
                consents,
            ),
            ("brought_by", participant.brought_by_id, brought_by_id),
        )
        if old != new
    ]
    participant.pseudonym, participant.languages = pseudonym, languages
    participant.consents, participant.brought_by_id = consents, brought_by_id
    changed_notes = []
    for space_id, value in notes.items():
        row = db.session.get(SpaceParticipant, (space_id, participant.id))
        if value != (row.notes or ""):
            row.notes = value
            changed_notes.append(space_id)
    if changed_notes:
        fields.append("notes")
    if fields:
        audit.record(
            participant.organisation_id,
            audit.EDIT,
            actor=actor,
            participant_id=participant.id,
            fields=fields,
            **({"spaces": changed_notes} if changed_notes else {}),
        )
    db.session.commit()
    return participant
