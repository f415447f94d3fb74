"""What next: actions with who and when. In a project's bilan each becomes a step of the
project (« à faire »); otherwise it is a proposal for the next cycle. Either way the
actions stay their own block in the bilan and in every export."""

from __future__ import annotations

from flask_babel import gettext as _

from ...accounts.models import User
from ...core import text
from ...core.exceptions import NotFound
from ...extensions import db
from ...projects.services import access as project_access
from ...projects.services import steps
from ..models import Bilan, BilanAction
from .access import changed
from .bilans import _require_open


def add_action(
    actor: User, bilan: Bilan, *, what: str, who: str = "", due: str = ""
) -> BilanAction:
    _require_open(bilan)
    what = text.clean(what, limit=160, field="what", empty_message=_("Say what will be done."))
    who = text.clean_optional(who, limit=120, field="who")
    due = text.clean_optional(due, limit=60, field="due")
    action = BilanAction(bilan_id=bilan.id, what=what, who=who, due=due)
    if bilan.project_id is not None:
        project = project_access.get_project(actor, bilan.project_id)
        needs = _("From the bilan. Who: %(who)s. When: %(due)s.", who=who or "—", due=due or "—")
        step = steps.add_step(
            project_access.Viewer(user=actor),
            project,
            steps.StepData(title=what, needs=needs[: steps.NEEDS_LIMIT]),
            commit=False,
        )
        action.step_id = step.id
    db.session.add(action)
    db.session.commit()
    if action.step_id is not None:
        project_access.announce(bilan.project_id, "steps")
    changed(bilan)
    return action


def delete_action(actor: User, bilan: Bilan, action_id: int) -> None:
    """The action leaves the bilan (a project step it made stays the project's)."""
    _require_open(bilan)
    action = db.session.get(BilanAction, action_id)
    if action is None or action.bilan_id != bilan.id:
        raise NotFound
    db.session.delete(action)
    db.session.commit()
    changed(bilan)
