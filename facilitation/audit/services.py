"""Record the audit log, and read it (the coordinator's journal, its CSV export).

Callers keep writing ``audit.record(org_id, action, actor=..., participant_id=...,
**details)``: the entry names the person by their public id (looked up here), never by
row id, and is appended to the organisation's hash chain (``chain.py``) in the caller's
transaction — the caller commits it with the change it records.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..core.exceptions import Forbidden
from ..extensions import db
from . import chain
from .actions import (  # noqa: F401  (re-exported: callers write audit.VIEW_JOURNEY…)
    ATTENDANCE,
    BIND_PHONE,
    CONFIRM_PHONE,
    EDIT,
    ERASE,
    EXPORT,
    EXPORT_JOURNAL,
    EXPORT_REPORT,
    LINK,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    MERGE,
    PHONE_ERASE,
    PURGE,
    RECOVERY_CODE_USED,
    RECOVERY_CODES_RENEWED,
    REMOVE_FROM_SPACE,
    RETENTION_ERASE,
    ROLE_CHANGED,
    ROLL_CALL_VIEW,
    SELF_ERASE,
    SESSION_ENDED,
    STAFF_ACCOUNT_ACTIONS,
    STAFF_ACTIVE_CHANGED,
    TWO_FACTOR_DISABLED,
    TWO_FACTOR_ENABLED,
    TWO_FACTOR_REQUIREMENT,
    UNBIND_PHONE,
    VIEW_JOURNEY,
    label,
    register,
)
from .models import AuditEntry

if TYPE_CHECKING:
    from ..participants.models import Participant

PAGE_SIZE = 50
PERSON_QUERY_MAX = 80
# Dates outside this range are taken as its ends (a filter, not a calendar).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


# --- writing ------------------------------------------------------------------------------


def _public_id(participant_id: int | None, participant: Participant | None) -> str | None:
    from ..participants.models import Participant

    if participant is None and participant_id is not None:
        participant = db.session.get(Participant, participant_id)
        if participant is None:
            raise LookupError(f"audit: no participant {participant_id} to name")
    if participant is None:
        return None
    if participant.public_id is None:  # created in this transaction, not flushed yet
        db.session.flush()
    return participant.public_id


def record(
    organisation_id: int,
    action: str,
    *,
    actor: User | None = None,
    participant_id: int | None = None,
    participant: Participant | None = None,
    **details,
) -> AuditEntry:
    """Append an entry to the organisation's chain, in the current transaction.

    ``actor`` is the member of staff (``None``: the person themself, or the app);
    ``participant_id`` or ``participant``: whom it is about; ``details``: plain JSON
    values — never a row id of a person (use their ``public_id``), never free text.
    """
    return chain.append(
        organisation_id,
        action,
        actor_id=actor.id if actor is not None else None,
        participant_public_id=_public_id(participant_id, participant),
        details=details,
    )


# --- reading: the journal ----------------------------------------------------------------------


@dataclass(frozen=True)
class JournalFilter:
    person: str = ""  # a public id, or part of a pseudonym
    actor_id: int | None = None
    action: str = ""
    start: date | None = None  # local dates, both included
    end: date | None = None

    def as_details(self) -> dict:
        """The filter as recorded with an export (a pseudonym search is not kept)."""
        return {
            "person": bool(self.person),
            "actor": self.actor_id,
            "action": self.action or None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class JournalRow:
    entry: AuditEntry
    who: str
    label: str
    pseudonym: str | None  # the person's pseudonym today, if they are still held
    participant_id: int | None  # for a link to their page


@dataclass(frozen=True)
class JournalPage:
    rows: list[JournalRow]
    page: int
    pages: int
    total: int
    people_found: int | None  # how many people the person filter matched (None: no filter)


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise Forbidden


def _visible_people(actor: User) -> sa.Select:
    """(id, public id, pseudonym) of the people the actor may see: through their spaces."""
    from ..participants.models import Participant, SpaceParticipant
    from ..spaces import services as spaces
    from ..spaces.models import Space

    visible_spaces = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(Participant.id, Participant.public_id, Participant.pseudonym).where(
        Participant.organisation_id == actor.organisation_id,
        Participant.id.in_(
            sa.select(SpaceParticipant.participant_id).where(
                SpaceParticipant.space_id.in_(visible_spaces)
            )
        ),
    )


def _fold(value: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _as_public_id(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _matching_people(actor: User, person: str) -> list[str]:
    """Public ids the person filter designates: the id itself, or pseudonyms that match."""
    public_id = _as_public_id(person)
    if public_id is not None:
        return [public_id]
    needle = _fold(person)
    return [
        row.public_id
        for row in db.session.execute(_visible_people(actor))
        if needle in _fold(row.pseudonym)
    ]


def _utc_midnight(day: date) -> datetime:
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return datetime.combine(day, time(0), tzinfo=get_timezone()).astimezone(UTC)


def _filtered(actor: User, filters: JournalFilter) -> tuple[sa.Select, int | None]:
    query = sa.select(AuditEntry).where(AuditEntry.organisation_id == actor.organisation_id)
    people_found = None
    if filters.person:
        people = _matching_people(actor, filters.person[:PERSON_QUERY_MAX])
        people_found = len(people)
        query = query.where(AuditEntry.participant_public_id.in_(people))
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.start is not None:
        query = query.where(AuditEntry.created_at >= _utc_midnight(filters.start))
    if filters.end is not None and filters.end < LAST_DAY:
        query = query.where(AuditEntry.created_at < _utc_midnight(filters.end + timedelta(days=1)))
    return query, people_found


def who(entry: AuditEntry) -> str:
    """Who did it, in words: a member of staff, the app (retention), or the person."""
    if entry.actor is not None:
        return entry.actor.display_name
    if entry.action in (PURGE, RETENTION_ERASE):
        return _("the app (retention)")
    if entry.participant_public_id:
        return _("the person themself")
    return _("unknown")


def _rows(actor: User, entries: Iterable[AuditEntry]) -> list[JournalRow]:
    entries = list(entries)
    wanted = {e.participant_public_id for e in entries if e.participant_public_id}
    people = {}
    if wanted:
        from ..participants.models import Participant

        people = {
            row.public_id: row
            for row in db.session.execute(
                _visible_people(actor).where(Participant.public_id.in_(wanted))
            )
        }
    rows = []
    for entry in entries:
        person = people.get(entry.participant_public_id)
        rows.append(
            JournalRow(
                entry=entry,
                who=who(entry),
                label=label(entry.action),
                pseudonym=person.pseudonym if person else None,
                participant_id=person.id if person else None,
            )
        )
    return rows


def journal(actor: User, filters: JournalFilter, *, page: int = 1) -> JournalPage:
    """Coordinator: the organisation's entries, newest first, PAGE_SIZE at a time."""
    _require_coordinator(actor)
    query, people_found = _filtered(actor, filters)
    total = db.session.scalar(query.with_only_columns(sa.func.count(AuditEntry.id)))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = db.session.scalars(
        query.options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.seq.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return JournalPage(_rows(actor, entries), page, pages, total, people_found)


def entries(actor: User, *, limit: int = 200) -> list[AuditEntry]:
    """Coordinator: the latest entries, newest first (the journal without filters)."""
    _require_coordinator(actor)
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.organisation_id == actor.organisation_id)
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
    )


def staff_choices(actor: User) -> list[tuple[int, str]]:
    """The organisation's staff (active or not), for the journal's filter."""
    _require_coordinator(actor)
    return [
        (user.id, user.display_name)
        for user in db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == actor.organisation_id)
            .order_by(sa.func.lower(User.display_name), User.id)
        )
    ]


# --- the CSV export ----------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ tab or CR is neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv(actor: User, filters: JournalFilter) -> str:
    """Every entry the filter selects, as CSV (UTF-8 with BOM, for spreadsheets). Audited."""
    _require_coordinator(actor)
    query, _people = _filtered(actor, filters)
    entries = db.session.scalars(
        query.options(joinedload(AuditEntry.actor)).order_by(AuditEntry.seq)
    ).all()
    zone = get_timezone()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Date"),
            _("No."),
            _("Staff member"),
            _("Action"),
            _("Action code"),
            _("Person (public id)"),
            _("Details"),
            _("Hash"),
        ]
    )
    for entry in entries:
        writer.writerow(
            safe_cell(cell)
            for cell in (
                entry.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                entry.seq,
                who(entry),
                label(entry.action),
                entry.action,
                entry.participant_public_id or "",
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
                if entry.details
                else "",
                entry.hash,
            )
        )
    record(
        actor.organisation_id,
        EXPORT_JOURNAL,
        actor=actor,
        entries=len(entries),
        filters=filters.as_details(),
    )
    db.session.commit()
    return "\ufeff" + out.getvalue()
