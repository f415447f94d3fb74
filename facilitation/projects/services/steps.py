"""The steps board: à faire · en cours · fait. Members add and move steps from their phones.

Every save carries the version it started from; the database accepts it only if the step
is still at that version (one ``UPDATE … WHERE version = :seen``, safe across processes).
Otherwise :class:`StepConflict` gives both versions, and the person keeps what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import text
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ..models import Project, ProjectMember, Step, StepState, step_assignees
from .access import Viewer, announce, changed, check, require_staff

TITLE_LIMIT = 160
NEEDS_LIMIT = 300
# More steps than this "en cours" at once: a gentle word, never a block.
DOING_WARNING = 3


@dataclass(frozen=True)
class StepData:
    title: str
    needs: str = ""
    due_on: date | None = None
    assignees: list[int] = field(default_factory=list)  # member ids


class StepConflict(ValidationError):
    """Someone else saved the step first. ``current`` is their version, ``mine`` ours."""

    def __init__(self, step: Step, mine: StepData | None = None, state: StepState | None = None):
        super().__init__(
            _(
                "Someone changed this step while you were working on it. "
                "Here are both versions: check, then save again."
            )
        )
        self.current = snapshot(step)
        self.mine = mine
        self.state = state
        self.version = step.version


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Board:
    columns: dict[StepState, list[Step]]
    progress: Progress
    too_many_doing: bool


def snapshot(step: Step) -> dict:
    return {
        "title": step.title,
        "needs": step.needs,
        "due_on": step.due_on,
        "state": step.state,
        "assignees": [m.name for m in step.assignees],
    }


def live_steps(project: Project) -> list[Step]:
    return list(
        db.session.scalars(
            sa.select(Step)
            .where(Step.project_id == project.id, Step.deleted_at.is_(None))
            .order_by(Step.due_on.is_(None), Step.due_on, Step.id)
        )
    )


def progress(project: Project) -> Progress:
    done, total = db.session.execute(
        sa.select(
            sa.func.count(Step.id).filter(Step.state == StepState.DONE),
            sa.func.count(Step.id),
        ).where(Step.project_id == project.id, Step.deleted_at.is_(None))
    ).one()
    return Progress(done=done or 0, total=total or 0)


def board(viewer: Viewer, project: Project) -> Board:
    project = check(viewer, project)
    columns: dict[StepState, list[Step]] = {state: [] for state in StepState}
    for step in live_steps(project):
        columns[step.state].append(step)
    return Board(
        columns=columns,
        progress=progress(project),
        too_many_doing=len(columns[StepState.DOING]) > DOING_WARNING,
    )


def get_step(viewer: Viewer, project: Project, step_id: int) -> Step:
    project = check(viewer, project)
    step = db.session.get(Step, step_id)
    if step is None or step.project_id != project.id or step.deleted_at is not None:
        raise NotFound
    return step


def _clean(project: Project, data: StepData) -> StepData:
    title = text.clean(
        data.title, limit=TITLE_LIMIT, field="title", empty_message=_("Say what is to be done.")
    )
    needs = text.clean_optional(data.needs, limit=NEEDS_LIMIT, field="needs")
    member_ids = set(
        db.session.scalars(
            sa.select(ProjectMember.id).where(ProjectMember.project_id == project.id)
        )
    )
    wanted = sorted(set(data.assignees or []))
    if any(m not in member_ids for m in wanted):
        raise ValidationError(_("Choose among the project's members."), "assignees")
    return StepData(title=title, needs=needs, due_on=data.due_on, assignees=wanted)


def _set_assignees(step: Step, member_ids: list[int]) -> None:
    db.session.execute(sa.delete(step_assignees).where(step_assignees.c.step_id == step.id))
    for member_id in member_ids:
        db.session.execute(sa.insert(step_assignees).values(step_id=step.id, member_id=member_id))


def add_step(
    viewer: Viewer,
    project: Project,
    data: StepData,
    *,
    state: StepState | str = StepState.TODO,
    from_decision_id: int | None = None,
    commit: bool = True,
) -> Step:
    project = check(viewer, project)
    clean = _clean(project, data)
    state = _state(state)
    step = Step(
        project_id=project.id,
        title=clean.title,
        needs=clean.needs,
        due_on=clean.due_on,
        state=state,
        done_at=utcnow() if state is StepState.DONE else None,
        from_decision_id=from_decision_id,
    )
    db.session.add(step)
    db.session.flush()
    _set_assignees(step, clean.assignees)
    changed(project, "steps")
    if commit:
        db.session.commit()
        announce(project.id, "steps")
    return step


def _state(value: StepState | str) -> StepState:
    try:
        return StepState(value)
    except ValueError:
        raise ValidationError(_("Unknown state."), "state") from None


def _version(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ValidationError(_("This form is out of date. Please reload the page."), "version")
    return value


def _save(step: Step, seen: int, values: dict) -> bool:
    """Compare-and-set: write only if nobody saved since ``seen``."""
    values = {**values, "version": Step.version + 1, "updated_at": utcnow()}
    updated = db.session.execute(
        sa.update(Step)
        .where(Step.id == step.id, Step.version == seen, Step.deleted_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return updated == 1


def update_step(viewer: Viewer, step: Step, data: StepData, version) -> Step:
    """Edit what, who, when, what is needed — refused with both versions if it changed."""
    project = check(viewer, db.session.get(Project, step.project_id))
    seen = _version(version)
    clean = _clean(project, data)
    if not _save(step, seen, {"title": clean.title, "needs": clean.needs, "due_on": clean.due_on}):
        db.session.rollback()
        db.session.refresh(step)
        raise StepConflict(step, mine=clean)
    _set_assignees(step, clean.assignees)
    changed(project, "steps")
    db.session.commit()
    db.session.refresh(step)
    announce(project.id, "steps")
    return step


def move_step(viewer: Viewer, step: Step, state: StepState | str, version) -> Step:
    """À faire → en cours → fait (or back). The second of two movers is asked to check."""
    project = check(viewer, db.session.get(Project, step.project_id))
    seen = _version(version)
    state = _state(state)
    if step.state is state and step.version == seen:
        return step
    done_at = (step.done_at or utcnow()) if state is StepState.DONE else None
    if not _save(step, seen, {"state": state, "done_at": done_at}):
        db.session.rollback()
        db.session.refresh(step)
        if step.state is state:
            return step  # someone made the same move: nothing to ask
        raise StepConflict(step, state=state)
    changed(project, "steps")
    db.session.commit()
    db.session.refresh(step)
    announce(project.id, "steps")
    return step


def delete_step(viewer: Viewer, step: Step) -> None:
    """Into the bin (staff restore it for 30 days)."""
    project = db.session.get(Project, step.project_id)
    require_staff(viewer, project)
    step.deleted_at = utcnow()
    changed(project, "steps")
    db.session.commit()
    announce(project.id, "steps")
