"""The activity log of the mediation work: orientations, physical accompaniments,
individual interviews, partner meetings, information sessions, aller-vers outings.

Each entry: a date, a space, a kind, a number of people, an optional partner — no name,
no health data. Staff enter one in a few seconds from a phone, or a week at once. A
mediator sees and writes the entries of their spaces; the coordinator, all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..spaces import services as spaces
from ..spaces.models import Space
from . import privacy
from .models import ActivityLogEntry, LogKind

PARTNER_MAX = 120
PEOPLE_MAX = 999
EARLIEST = date(2000, 1, 1)
WEEK_LINES = 12


def _visible_space_ids(actor: User) -> sa.Select:
    return spaces.visible_spaces_select(actor).with_only_columns(Space.id)


def visible_select(actor: User) -> sa.Select:
    return sa.select(ActivityLogEntry).where(
        ActivityLogEntry.organisation_id == actor.organisation_id,
        ActivityLogEntry.space_id.in_(_visible_space_ids(actor)),
    )


def list_entries(
    actor: User,
    *,
    space_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    kind: LogKind | None = None,
    limit: int = 200,
) -> list[ActivityLogEntry]:
    query = visible_select(actor)
    if space_id is not None:
        spaces.get_space(actor, space_id)
        query = query.where(ActivityLogEntry.space_id == space_id)
    if start is not None:
        query = query.where(ActivityLogEntry.occurred_on >= start)
    if end is not None:
        query = query.where(ActivityLogEntry.occurred_on <= end)
    if kind is not None:
        query = query.where(ActivityLogEntry.kind == kind)
    return list(
        db.session.scalars(
            query.order_by(ActivityLogEntry.occurred_on.desc(), ActivityLogEntry.id.desc()).limit(
                limit
            )
        )
    )


def _space(actor: User, space_id) -> Space:
    try:
        space = spaces.get_space(actor, int(space_id))
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a space."), "space_id") from None
    except NotFound:
        raise ValidationError(_("Choose one of your spaces."), "space_id") from None
    if space.is_archived:
        raise ValidationError(
            _("This space is archived: reopen it before adding to it."), "space_id"
        )
    return space


def _day(value, today: date, field: str = "occurred_on") -> date:
    if not isinstance(value, date):
        raise ValidationError(_("Give a date (day, month, year)."), field)
    if value > today:
        raise ValidationError(_("The date is in the future: log the work once it is done."), field)
    if value < EARLIEST:
        raise ValidationError(_("This date is too far in the past."), field)
    return value


def _people(value, field: str = "people") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= PEOPLE_MAX:
        raise ValidationError(
            _("Give a number of people between 1 and %(n)d.", n=PEOPLE_MAX), field
        )
    return value


def _kind(value, field: str = "kind") -> LogKind:
    try:
        return LogKind(value)
    except ValueError:
        raise ValidationError(_("Choose the kind of work."), field) from None


@dataclass(frozen=True)
class EntryData:
    space_id: int | None
    occurred_on: date | None
    kind: str | None
    people: int | None
    partner: str = ""


def _build(actor: User, data: EntryData, today: date, line: int | None = None) -> ActivityLogEntry:
    """An entry, checked; on a week's line ``n`` the fields are ``day_n``, ``kind_n``…"""

    def name(field: str) -> str:
        return field if line is None else f"{'day' if field == 'occurred_on' else field}_{line}"

    space = _space(actor, data.space_id)
    return ActivityLogEntry(
        organisation_id=actor.organisation_id,
        space_id=space.id,
        occurred_on=_day(data.occurred_on, today, name("occurred_on")),
        kind=_kind(data.kind, name("kind")),
        people=_people(data.people, name("people")),
        partner=privacy.clean(
            data.partner, limit=PARTNER_MAX, field=name("partner"), required=False
        ),
        recorded_by_id=actor.id,
    )


def create_entry(actor: User, data: EntryData, *, today: date) -> ActivityLogEntry:
    entry = _build(actor, data, today)
    db.session.add(entry)
    db.session.commit()
    return entry


def week_of(day: date) -> date:
    """The Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekLine:
    day: int | None  # 0 Monday … 6 Sunday
    kind: str | None
    people: int | None
    partner: str = ""

    @property
    def empty(self) -> bool:
        return not self.kind and not self.people and not (self.partner or "").strip()


def create_week(
    actor: User, *, space_id, monday: date | None, lines: list[WeekLine], today: date
) -> list[ActivityLogEntry]:
    """Several entries of one week and one space at once: all saved, or none."""
    if not isinstance(monday, date):
        raise ValidationError(_("Choose the week."), "monday")
    monday = week_of(monday)
    entries = []
    for number, line in enumerate(lines):
        if line.empty:
            continue
        if line.day is None or not 0 <= line.day <= 6:
            raise ValidationError(_("Choose the day."), f"day_{number}")
        entries.append(
            _build(
                actor,
                EntryData(
                    space_id=space_id,
                    occurred_on=monday + timedelta(days=line.day),
                    kind=line.kind,
                    people=line.people,
                    partner=line.partner,
                ),
                today,
                number,
            )
        )
    if not entries:
        raise ValidationError(_("Fill in at least one line."))
    db.session.add_all(entries)
    db.session.commit()
    return entries


def get_entry(actor: User, entry_id: int) -> ActivityLogEntry:
    entry = db.session.scalar(visible_select(actor).where(ActivityLogEntry.id == entry_id))
    if entry is None:
        raise NotFound
    return entry


def delete_entry(actor: User, entry_id: int) -> None:
    entry = get_entry(actor, entry_id)
    db.session.delete(entry)
    db.session.commit()
