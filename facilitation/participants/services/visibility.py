"""What staff may see of a person: the one start of every read.

A person belongs to several spaces; a mediator is a member of some. What a reader sees
of a person is cut to a :class:`Scope` — the spaces whose part they may read — and every
read of a person (page, timeline, export, breadcrumb, "brought by", counts, merge
candidates, the co-animation form's spaces) is built from :func:`person_view`, never
from the raw relationships of the row. ``visible_space_ids`` is the one query that says
which spaces those are: a coordinator's are every space of the organisation, a
mediator's the spaces they are a member of. The person themself reads everything
(:data:`EVERYTHING`, from their phone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ...accounts.models import User
from ...core.exceptions import NotFound
from ...extensions import db
from ...spaces import services as spaces
from ...spaces.models import Space
from ..models import Participant, SpaceParticipant


def visible_space_ids(actor: User) -> frozenset[int]:
    """The spaces whose part of a person the actor may read (archived ones included)."""
    return frozenset(
        db.session.scalars(spaces.visible_spaces_select(actor).with_only_columns(Space.id))
    )


@dataclass(frozen=True)
class Scope:
    """The spaces a reader sees a person through; ``None``: everything (the person)."""

    space_ids: frozenset[int] | None

    def sees(self, space_id: int | None) -> bool:
        return self.space_ids is None or space_id in self.space_ids

    def where(self, column) -> sa.ColumnElement[bool]:
        """A filter on a column holding a space id."""
        if self.space_ids is None:
            return sa.true()
        return column.in_(sorted(self.space_ids))


EVERYTHING = Scope(None)


def scope_of(actor: User) -> Scope:
    return Scope(visible_space_ids(actor))


def known_in(scope: Scope) -> sa.Select:
    """Ids of the people known in at least one space of the scope."""
    return sa.select(SpaceParticipant.participant_id).where(scope.where(SpaceParticipant.space_id))


def _get(participant_id: int, scope: Scope) -> Participant:
    participant = db.session.scalar(
        sa.select(Participant).where(
            Participant.id == participant_id, Participant.id.in_(known_in(scope))
        )
    )
    if participant is None:
        raise NotFound
    return participant


def get_participant(actor: User, participant_id: int) -> Participant:
    """The person if they are known in one of the actor's spaces; else :class:`NotFound`."""
    return _get(participant_id, scope_of(actor))


@dataclass
class Membership:
    space: Space
    since: date
    notes: str


@dataclass
class PersonView:
    """A person as one reader may see them: only the part inside the reader's scope."""

    participant: Participant
    scope: Scope
    memberships: list[Membership]  # the person's spaces inside the scope, by name
    brought_by: Participant | None  # only when that person is known inside the scope too

    @property
    def spaces(self) -> list[Space]:
        return [m.space for m in self.memberships]

    @property
    def space_ids(self) -> set[int]:
        return {m.space.id for m in self.memberships}

    @property
    def known_since(self) -> date:
        """The day they were first known in these spaces (for the person: registered)."""
        if self.scope.space_ids is None or not self.memberships:
            return self.participant.created_at.date()
        return min(m.since for m in self.memberships)

    def sees(self, participant_id: int | None) -> bool:
        """Whether another person is known in the scope (e.g. whom they brought)."""
        return is_known_in(self.scope, participant_id)


def is_known_in(scope: Scope, participant_id: int | None) -> bool:
    if participant_id is None:
        return False
    if scope.space_ids is None:
        return True
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SpaceParticipant)
            .where(
                SpaceParticipant.participant_id == participant_id,
                scope.where(SpaceParticipant.space_id),
            )
        )
    )


def _view(participant: Participant, scope: Scope) -> PersonView:
    memberships = [
        Membership(space, row.created_at.date(), row.notes or "")
        for row, space in db.session.execute(
            sa.select(SpaceParticipant, Space)
            .join(Space, Space.id == SpaceParticipant.space_id)
            .where(
                SpaceParticipant.participant_id == participant.id,
                scope.where(SpaceParticipant.space_id),
            )
            .order_by(Space.name, Space.id)
        )
    ]
    view = PersonView(participant, scope, memberships, None)
    if view.sees(participant.brought_by_id):
        view.brought_by = db.session.get(Participant, participant.brought_by_id)
    return view


def person_view(actor: User, participant_id: int) -> PersonView:
    """What the actor may see of a person; :class:`NotFound` outside their spaces."""
    scope = scope_of(actor)
    return _view(_get(participant_id, scope), scope)


def own_view(participant: Participant) -> PersonView:
    """The person reading what is held on them, from their phone: everything."""
    return _view(participant, EVERYTHING)
