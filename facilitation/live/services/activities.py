"""Activities of a board, prepared and edited by staff (the session's plan)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core import text
from ...core.exceptions import ValidationError
from ...extensions import db
from .. import bus, kinds
from ..kinds import Refused
from ..models import Activity, ActivityKind, Answer, Board, Contribution
from ..payloads import require_id
from .boards import get_board_for_staff


def _require_staff(actor: User, board: Board) -> None:
    get_board_for_staff(actor, board.id)


def _clean_prompt(prompt: str) -> str:
    return text.clean(
        prompt,
        limit=300,
        field="prompt",
        empty_message=_("Write the question or the statement."),
    )


def _clean_config(kind: ActivityKind, config: dict, board: Board) -> dict:
    """The kind's settings, plus an optional photo on the prompt (any kind); every photo
    named (prompt, choices, photolangage) must be of the structure's library."""
    from ...images import services as images  # the library imports nothing of the board

    config = config or {}
    try:
        cleaned = kinds.get(kind).clean_config(config)
        image = config.get("image_id")
        if image not in (None, "", 0):
            if isinstance(image, str) and image.isascii() and image.isdigit():
                image = int(image)
            if isinstance(image, bool) or not isinstance(image, int):
                raise Refused("invalid", _("Choose the photos in the library."))
            cleaned["image_id"] = image
    except Refused as refused:
        raise ValidationError(refused.message, "config") from refused
    images.check_ids(board.session.cycle.space.organisation_id, images.referenced_ids(cleaned))
    return cleaned


def add_activity(
    actor: User, board: Board, *, kind: ActivityKind | str, prompt: str, config: dict
) -> Activity:
    _require_staff(actor, board)
    kind = ActivityKind(kind)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Activity.position), -1)).where(
            Activity.board_id == board.id
        )
    )
    activity = Activity(
        board_id=board.id,
        position=position + 1,
        kind=kind,
        prompt=_clean_prompt(prompt),
        config=_clean_config(kind, config, board),
        state=kinds.initial_state(kind),
    )
    db.session.add(activity)
    if board.current_activity_id is None:
        db.session.flush()
        board.current_activity_id = activity.id
        board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board.id)
    return activity


def _has_answers(activity: Activity) -> bool:
    for model in (Answer, Contribution):
        if db.session.scalar(sa.select(model.id).where(model.activity_id == activity.id).limit(1)):
            return True
    return False


def update_activity(actor: User, activity: Activity, *, prompt: str, config: dict) -> Activity:
    _require_staff(actor, activity.board)
    cleaned = _clean_config(activity.kind, config, activity.board)
    if cleaned != activity.config and _has_answers(activity):
        raise ValidationError(
            _("People have already answered: only the wording can change now."), "config"
        )
    activity.prompt = _clean_prompt(prompt)
    activity.config = cleaned
    activity.board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, activity.board_id)
    return activity


def delete_activity(actor: User, activity: Activity) -> None:
    board = activity.board
    _require_staff(actor, board)
    was_current = board.current_activity_id == activity.id
    if was_current:
        board.current_activity_id = None
    db.session.delete(activity)
    db.session.flush()
    remaining = list(
        db.session.scalars(
            sa.select(Activity).where(Activity.board_id == board.id).order_by(Activity.position)
        )
    )
    for position, item in enumerate(remaining):
        item.position = position
    if was_current and remaining:
        # The board shows the activity that took its place (or the last one).
        board.current_activity_id = remaining[min(activity.position, len(remaining) - 1)].id
    board.version += 1
    db.session.commit()
    bus.publish(bus.STATE, board.id)


def move_activity(actor: User, activity: Activity, offset: int) -> None:
    """Move an activity up (-1) or down (+1) in the session's order."""
    board = activity.board
    _require_staff(actor, board)
    ordered = list(board.activities)
    index = ordered.index(activity)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        db.session.commit()
        bus.publish(bus.STATE, board.id)


def get_activity(board: Board | int, activity_id: Any) -> Activity:
    """The board's activity with this id (``board``: the board, or only its id).

    An id that cannot be one (not an integer, out of range) is ``invalid``; an id of no
    activity of this board is ``not_found``.
    """
    activity_id = require_id(activity_id)
    board_id = board if isinstance(board, int) else board.id
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.board_id != board_id:
        raise Refused("not_found", _("This activity does not exist."))
    return activity
