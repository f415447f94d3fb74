"""Veille: the barriers people meet (refusal of care, no interpreter…), recorded by staff
or proposed from a session's notes ("Ce qui bloque" on the live board), and passed on to
partners and institutions: *signalé* → *transmis à* → *réponse reçue* / *sans réponse*.

A description holds no name: the form reminds staff, and :mod:`.privacy` refuses e-mail
addresses and phone numbers. Staff see the barriers of their spaces; the coordinator, all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..core.exceptions import NotFound, ValidationError
from ..extensions import db
from ..live.models import Activity, ActivityKind, Board, Contribution
from ..spaces import services as spaces
from ..spaces.models import Space
from ..workshops import services as workshops
from ..workshops.models import WorkshopSession
from . import privacy
from .activity_log import EARLIEST
from .models import Barrier, BarrierCategory, BarrierState

INSTITUTION_MAX = 160
DESCRIPTION_MAX = 1000
ANSWER_MAX = 1000
PEOPLE_MAX = 9999


def visible_select(actor: User) -> sa.Select:
    mine = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return sa.select(Barrier).where(
        Barrier.organisation_id == actor.organisation_id, Barrier.space_id.in_(mine)
    )


@dataclass(frozen=True)
class Filters:
    category: BarrierCategory | None = None
    state: BarrierState | None = None
    start: date | None = None
    end: date | None = None
    space_id: int | None = None


def list_barriers(actor: User, filters: Filters = Filters(), *, limit: int = 500) -> list[Barrier]:
    query = visible_select(actor)
    if filters.space_id is not None:
        spaces.get_space(actor, filters.space_id)
        query = query.where(Barrier.space_id == filters.space_id)
    if filters.category is not None:
        query = query.where(Barrier.category == filters.category)
    if filters.state is not None:
        query = query.where(Barrier.state == filters.state)
    if filters.start is not None:
        query = query.where(Barrier.occurred_on >= filters.start)
    if filters.end is not None:
        query = query.where(Barrier.occurred_on <= filters.end)
    return list(
        db.session.scalars(
            query.order_by(Barrier.occurred_on.desc(), Barrier.id.desc()).limit(limit)
        )
    )


def get_barrier(actor: User, barrier_id: int) -> Barrier:
    barrier = db.session.scalar(visible_select(actor).where(Barrier.id == barrier_id))
    if barrier is None:
        raise NotFound
    return barrier


@dataclass(frozen=True)
class BarrierData:
    space_id: int | None
    occurred_on: date | None
    category: str | None
    institution: str
    description: str
    people: int | None
    contribution_id: int | None = None


def _date(value, today: date, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError(_("Give a date (day, month, year)."), field)
    if value > today:
        raise ValidationError(_("The date is in the future."), field)
    if value < EARLIEST:
        raise ValidationError(_("This date is too far in the past."), field)
    return value


def session_note(actor: User, contribution_id: int) -> tuple[Contribution, WorkshopSession]:
    """A note of a session's board that staff may turn into a barrier (their session)."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.hidden:
        raise NotFound
    activity = db.session.get(Activity, contribution.activity_id)
    board = db.session.get(Board, activity.board_id)
    session = workshops.get_session(actor, board.session_id)  # NotFound outside their spaces
    return contribution, session


def create_barrier(actor: User, data: BarrierData, *, today: date) -> Barrier:
    try:
        space = spaces.get_space(actor, int(data.space_id))
    except (TypeError, ValueError, NotFound):
        raise ValidationError(_("Choose one of your spaces."), "space_id") from None
    try:
        category = BarrierCategory(data.category)
    except ValueError:
        raise ValidationError(_("Choose a category."), "category") from None
    people = data.people
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= PEOPLE_MAX:
        raise ValidationError(
            _("Give a number of people between 1 and %(n)d.", n=PEOPLE_MAX), "people"
        )
    barrier = Barrier(
        organisation_id=actor.organisation_id,
        space_id=space.id,
        occurred_on=_date(data.occurred_on, today, "occurred_on"),
        category=category,
        institution=privacy.clean(
            data.institution,
            limit=INSTITUTION_MAX,
            field="institution",
            required=True,
        ),
        description=privacy.clean(
            data.description, limit=DESCRIPTION_MAX, field="description", multiline=True
        ),
        people=people,
        state=BarrierState.REPORTED,
        recorded_by_id=actor.id,
    )
    if data.contribution_id is not None:
        contribution, session = session_note(actor, data.contribution_id)
        if db.session.scalar(
            sa.select(Barrier.id).where(Barrier.contribution_id == contribution.id)
        ):
            raise ValidationError(_("This note has already been turned into a barrier."))
        barrier.contribution_id = contribution.id
        barrier.session_id = session.id
    db.session.add(barrier)
    db.session.commit()
    return barrier


def transmit(actor: User, barrier_id: int, *, to: str, on: date | None, today: date) -> Barrier:
    """Passed on to a partner or an institution (again, after no answer)."""
    barrier = get_barrier(actor, barrier_id)
    if barrier.state is BarrierState.ANSWERED:
        raise ValidationError(_("An answer was received: this barrier is closed."))
    on = _date(on, today, "on")
    if on < barrier.occurred_on:
        raise ValidationError(_("It was passed on before it was met: check the date."), "on")
    barrier.transmitted_to = privacy.clean(to, limit=INSTITUTION_MAX, field="to")
    barrier.transmitted_on = on
    barrier.answered_on = None
    barrier.state = BarrierState.TRANSMITTED
    db.session.commit()
    return barrier


def close(
    actor: User, barrier_id: int, *, answered: bool, on: date | None, answer: str, today: date
) -> Barrier:
    """The answer received (what it said, without names), or no answer."""
    barrier = get_barrier(actor, barrier_id)
    if barrier.state is not BarrierState.TRANSMITTED and not (
        barrier.state is BarrierState.NO_ANSWER and answered
    ):
        raise ValidationError(_("Say to whom it was passed on first."))
    on = _date(on, today, "on")
    if barrier.transmitted_on and on < barrier.transmitted_on:
        raise ValidationError(_("This date is before it was passed on: check the date."), "on")
    barrier.answered_on = on
    barrier.answer = privacy.clean(
        answer, limit=ANSWER_MAX, field="answer", multiline=True, required=False
    )
    barrier.state = BarrierState.ANSWERED if answered else BarrierState.NO_ANSWER
    db.session.commit()
    return barrier


@dataclass(frozen=True)
class Note:
    contribution: Contribution
    activity: Activity
    barrier_id: int | None  # already turned into this barrier


def notes_of_session(actor: User, session_id: int) -> tuple[WorkshopSession, list[Note]]:
    """The visible notes of a session's idea walls and questions, to turn into barriers."""
    session = workshops.get_session(actor, session_id)
    rows = db.session.execute(
        sa.select(Contribution, Activity, Barrier.id)
        .join(Activity, Activity.id == Contribution.activity_id)
        .join(Board, Board.id == Activity.board_id)
        .outerjoin(Barrier, Barrier.contribution_id == Contribution.id)
        .where(
            Board.session_id == session.id,
            Contribution.hidden.is_(False),
            Activity.kind.in_([ActivityKind.IDEAS, ActivityKind.QUESTIONS]),
        )
        .order_by(Activity.position, Contribution.id)
    ).all()
    return session, [Note(c, a, b) for c, a, b in rows]


def sessions_with_notes(actor: User, *, since: date, limit: int = 12) -> list[WorkshopSession]:
    """Recent sessions (in the actor's spaces) whose board has notes to look at."""
    mine = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    from ..workshops.models import Cycle

    ids = (
        sa.select(Board.session_id)
        .join(Activity, Activity.board_id == Board.id)
        .join(Contribution, Contribution.activity_id == Activity.id)
        .where(Contribution.hidden.is_(False), Activity.kind == ActivityKind.IDEAS)
    )
    return list(
        db.session.scalars(
            sa.select(WorkshopSession)
            .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
            .where(
                Cycle.space_id.in_(mine),
                WorkshopSession.id.in_(ids),
                WorkshopSession.starts_on >= since,
                WorkshopSession.archived_at.is_(None),
            )
            .order_by(WorkshopSession.starts_on.desc())
            .limit(limit)
        )
    )
