"""Reusing activities: duplicate one, copy it to another session, reset its answers.

A copy takes the wording and settings, never the answers. Resetting clears the answers
and contributions of an activity (a test run before the group came, a false start): it
asks for a confirmation on the page and is written in the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...audit import actions as audit_actions
from ...audit import services as audit
from ...core.exceptions import ValidationError
from ...extensions import db
from .. import bus, kinds
from ..models import Activity, ActivityStatus, Answer, Board, Contribution
from .activities import _require_staff
from .boards import board_for_session

if TYPE_CHECKING:
    from ...workshops.models import WorkshopSession

ACTIVITY_RESET = "activity_reset"  # details: session, kind, answers and contributions cleared
audit_actions.register(ACTIVITY_RESET, _l("cleared the answers of a live-board activity"))


def _append(board: Board, source: Activity) -> Activity:
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Activity.position), -1)).where(
            Activity.board_id == board.id
        )
    )
    copy = Activity(
        board_id=board.id,
        position=position + 1,
        kind=source.kind,
        prompt=source.prompt,
        config=dict(source.config or {}),
        state=kinds.initial_state(source.kind),
    )
    db.session.add(copy)
    db.session.flush()
    if board.current_activity_id is None:
        board.current_activity_id = copy.id
    return copy


def duplicate_activity(actor: User, activity: Activity) -> Activity:
    """A copy of the activity, without answers, right after it in the plan."""
    board = activity.board
    _require_staff(actor, board)
    copy = _append(board, activity)
    ordered = [a for a in board.activities if a.id != copy.id]
    ordered.insert(ordered.index(activity) + 1, copy)
    for position, item in enumerate(ordered):
        item.position = position
    board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board.id)
    return copy


def copy_activity(actor: User, activity: Activity, session: WorkshopSession) -> Activity:
    """A copy of the activity, without answers, at the end of another session's plan."""
    _require_staff(actor, activity.board)
    if session.id == activity.board.session_id:
        return duplicate_activity(actor, activity)
    board = board_for_session(actor, session)  # raises NotFound outside the actor's spaces
    copy = _append(board, activity)
    board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board.id)
    return copy


def reset_activity(actor: User, activity: Activity, *, confirmed: bool) -> dict:
    """Clear the activity's answers and contributions; its wording and settings stay."""
    board = activity.board
    _require_staff(actor, board)
    if not confirmed:
        raise ValidationError(
            _("Tick the box to confirm: the answers will be cleared for good."), "confirm"
        )
    answers = db.session.execute(sa.delete(Answer).where(Answer.activity_id == activity.id))
    contributions = db.session.execute(
        sa.delete(Contribution).where(Contribution.activity_id == activity.id)
    )
    cleared = {"answers": answers.rowcount, "contributions": contributions.rowcount}
    activity.state = kinds.initial_state(activity.kind)
    activity.status = ActivityStatus.DRAFT
    activity.results_visible = False
    board.version += 1
    audit.record(
        board.session.cycle.space.organisation_id,
        ACTIVITY_RESET,
        actor=actor,
        session=board.session_id,
        kind=activity.kind.value,
        **cleared,
    )
    db.session.commit()
    bus.publish(bus.STATE, board.id)
    return cleared
