"""Preparing a T0/T1 self-assessment on a session's live board: staff choose statements
from the seeds' list and can add their own; the board then carries one activity of the
kind ``self_assessment`` (``live/kinds/``), answered from the phones."""

from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.models import User
from ..core import text
from ..core.exceptions import ValidationError
from ..live import kinds
from ..live import services as live
from ..live.models import Activity, ActivityKind
from ..workshops import services as workshops

MOMENTS = {
    "t0": ("t0", "participants"),
    "t1": ("t1", "participants"),
    "t1-professionals": ("t1", "professionals"),
}


def default_prompt(moment: str) -> str:
    return {
        "t0": _("Where I stand today (start of the cycle)"),
        "t1": _("Where I stand today (end of the cycle)"),
        "t1-professionals": _("What the cycle changed for you"),
    }.get(moment, _("Where I stand today (start of the cycle)"))


def add(
    actor: User,
    session_id: int,
    *,
    moment: str,
    statements: list[str],
    own: str,
    prompt: str,
) -> Activity:
    """Add the self-assessment at the end of the session's board (staff of its space)."""
    session = workshops.get_session(actor, session_id)
    if moment not in MOMENTS:
        raise ValidationError(_("Say whether this is the start (T0) or the end (T1)."), "moment")
    moment_value, audience = MOMENTS[moment]
    catalogue = kinds.PROFESSIONAL_STATEMENTS if audience == "professionals" else kinds.STATEMENTS
    items: list = [{"key": key} for key in statements if key in catalogue]
    for line in (own or "").splitlines():
        if line.strip():
            items.append(text.clean(line, limit=kinds.STATEMENT_MAX, field="own"))
    if not items:
        raise ValidationError(_("Choose at least one statement, or write your own."), "statements")
    board = live.board_for_session(actor, session)
    try:
        return live.add_activity(
            actor,
            board,
            kind=ActivityKind.SELF_ASSESSMENT,
            prompt=prompt,
            config={"statements": items, "moment": moment_value, "audience": audience},
        )
    except ValidationError as error:
        raise ValidationError(
            error.message, "statements" if error.field == "config" else error.field
        ) from None
