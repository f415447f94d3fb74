"""Outcome indicators: the T0/T1 self-assessment of participants, the T1 questionnaire of
partner professionals (guests). Aggregates only.

The answers are the live board's (activity kind ``self_assessment``, ``live/kinds/``):
``{"<statement index>": point 1–5}``. A participant's T0 and T1 are **paired by the
pseudonymous person**: the phone that answered was linked to their record at the roll
call (``LiveParticipant.participant_id``). The unit is one person in one cycle: the T0 is
their first T0 answer to the statement in the cycle, the T1 their last T1 answer after it,
in the period. The statements are matched by their catalogue key (or their wording when
staff wrote their own), so a T1 may list them in another order.

Answers are JSON documents, so the pairing is done here over the rows one SQL query
returns for the scope: at most one row per phone and self-assessment (a handful per cycle),
not per attendance — the rest of the indicators stay aggregated in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..live import kinds
from ..live.models import Activity, ActivityKind, Answer, Board, LiveParticipant
from ..workshops.models import WorkshopSession
from . import queries as q

AGREE, NEUTRAL, DISAGREE = range(3)


@dataclass
class StatementOutcome:
    """One statement of the participants' self-assessment, over the scope and period."""

    key: str
    text: str
    catalogue: bool
    t1_answers: int = 0  # T1 answers in the period (phones, linked or not)
    up: int = 0
    same: int = 0
    down: int = 0
    t0_points: list[int] = field(default_factory=list, repr=False)
    t1_points: list[int] = field(default_factory=list, repr=False)

    @property
    def pairs(self) -> int:
        return self.up + self.same + self.down

    @property
    def median_t0(self) -> float | None:
        return kinds.median(self.t0_points)

    @property
    def median_t1(self) -> float | None:
        return kinds.median(self.t1_points)


@dataclass
class ProfessionalOutcome:
    """One statement of the partner professionals' T1 questionnaire."""

    key: str
    text: str
    catalogue: bool
    points: list[int] = field(default_factory=list, repr=False)

    @property
    def answers(self) -> int:
        return len(self.points)

    @property
    def levels(self) -> list[int]:
        """Agree (4 or 5), neither (3), disagree (1 or 2)."""
        return [
            sum(1 for p in self.points if p >= 4),
            sum(1 for p in self.points if p == 3),
            sum(1 for p in self.points if p <= 2),
        ]

    @property
    def median(self) -> float | None:
        return kinds.median(self.points)


@dataclass
class Outcomes:
    statements: list[StatementOutcome]
    professionals: list[ProfessionalOutcome]
    people_paired: int  # distinct (person, cycle) with at least one statement paired
    t0_answers: int  # participants' T0 answers in the period
    t1_answers: int
    unlinked_answers: int  # participants' answers from phones not linked to a record

    def statement(self, key: str) -> StatementOutcome | None:
        return next((s for s in self.statements if s.key == key), None)

    def professional(self, key: str) -> ProfessionalOutcome | None:
        return next((s for s in self.professionals if s.key == key), None)


def _self_assessments(ctx: q.Context) -> list:
    """Self-assessments of the scope's cycles that held a session in the period."""
    in_period = q.sessions(ctx).add_columns(WorkshopSession.cycle_id).subquery()
    earlier = q.sessions(ctx, since=date.min).add_columns(WorkshopSession.cycle_id).subquery()
    return db.session.execute(
        sa.select(
            Activity.id,
            Activity.config,
            earlier.c.starts_on,
            earlier.c.starts_at,
            earlier.c.cycle_id,
        )
        .join(Board, Board.id == Activity.board_id)
        .join(earlier, earlier.c.id == Board.session_id)
        .where(
            Activity.kind == ActivityKind.SELF_ASSESSMENT,
            earlier.c.cycle_id.in_(sa.select(in_period.c.cycle_id)),
        )
    ).all()


def compute(ctx: q.Context) -> Outcomes:
    return ctx.memo("outcomes", lambda: _compute(ctx))


def _compute(ctx: q.Context) -> Outcomes:
    activities = {row.id: row for row in _self_assessments(ctx)}
    rows = (
        db.session.execute(
            sa.select(Answer.activity_id, Answer.value, LiveParticipant.participant_id)
            .join(LiveParticipant, LiveParticipant.id == Answer.participant_id)
            .where(Answer.activity_id.in_(list(activities)))
        ).all()
        if activities
        else []
    )
    statements: dict[str, StatementOutcome] = {}
    professionals: dict[str, ProfessionalOutcome] = {}
    # (person, cycle, statement) -> [(moment, point)] at T0, at T1 (T1 in the period only)
    t0: dict[tuple, list] = {}
    t1: dict[tuple, list] = {}
    counts = {"t0": 0, "t1": 0, "unlinked": 0}
    texts: dict[str, str] = {}  # each statement translated once, not once per answer
    parsed = {}
    for activity_id, activity in activities.items():
        config = activity.config or {}
        items = []
        for index, statement in enumerate(config.get("statements", [])):
            key = kinds.statement_key(statement)
            if key not in texts:
                texts[key] = kinds.statement_text(statement)
            items.append((str(index), key, bool(statement.get("key"))))
        parsed[activity_id] = (
            items,
            config.get("audience") == "professionals",
            config.get("moment") == "t1",
            ctx.start <= activity.starts_on <= ctx.held_end,
            (activity.starts_on, activity.starts_at, activity_id),
        )
    for activity_id, value, participant_id in rows:
        items, professional, is_t1, in_period, moment = parsed[activity_id]
        cycle_id = activities[activity_id].cycle_id
        value = value if isinstance(value, dict) else {}
        for index, key, catalogue in items:
            point = value.get(index)
            if not isinstance(point, int):
                continue
            if professional:
                if in_period:
                    item = professionals.get(key)
                    if item is None:
                        item = professionals[key] = ProfessionalOutcome(key, texts[key], catalogue)
                    item.points.append(point)
                continue
            item = statements.get(key)
            if item is None:
                item = statements[key] = StatementOutcome(key, texts[key], catalogue)
            if is_t1 and in_period:
                item.t1_answers += 1
            if participant_id is None:
                continue
            person = (participant_id, cycle_id, key)
            if is_t1:
                if in_period:
                    t1.setdefault(person, []).append((moment, point))
            else:
                t0.setdefault(person, []).append((moment, point))
        if not professional and in_period:
            counts["t1" if is_t1 else "t0"] += 1
            if participant_id is None:
                counts["unlinked"] += 1
    paired_people = set()
    for person, answers in t1.items():
        before = t0.get(person)
        if not before:
            continue
        first_moment, first = min(before)
        last_moment, last = max(answers)
        if not first_moment < last_moment:
            continue
        item = statements[person[2]]
        item.t0_points.append(first)
        item.t1_points.append(last)
        if last > first:
            item.up += 1
        elif last < first:
            item.down += 1
        else:
            item.same += 1
        paired_people.add(person[:2])

    def order(items: dict, catalogue_keys) -> list:
        known = [items[k] for k in catalogue_keys if k in items]
        return known + sorted(
            (v for k, v in items.items() if k not in catalogue_keys), key=lambda v: v.text
        )

    return Outcomes(
        statements=order(statements, list(kinds.STATEMENTS)),
        professionals=order(professionals, list(kinds.PROFESSIONAL_STATEMENTS)),
        people_paired=len(paired_people),
        t0_answers=counts["t0"],
        t1_answers=counts["t1"],
        unlinked_answers=counts["unlinked"],
    )


def people_paired(ctx: q.Context) -> int:
    return compute(ctx).people_paired


def moved(key: str) -> list:
    """Cells [up, same, down] of a catalogue statement (zeros when nobody answered it)."""

    def cells(ctx: q.Context) -> list[int]:
        item = compute(ctx).statement(key)
        return [item.up, item.same, item.down] if item else [0, 0, 0]

    return cells


def agreement(key: str) -> list:
    def cells(ctx: q.Context) -> list[int]:
        item = compute(ctx).professional(key)
        return item.levels if item else [0, 0, 0]

    return cells


def up_of(key: str):
    def query(ctx: q.Context) -> int:
        return moved(key)(ctx)[0]

    query.__name__ = f"up_{key}"
    return query


def agree_of(key: str):
    def query(ctx: q.Context) -> int:
        return agreement(key)(ctx)[AGREE]

    query.__name__ = f"agree_{key}"
    return query
