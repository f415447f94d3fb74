"""Deciding together, on the live board of a project meeting — not a second voting engine.

"Décider ensemble" puts the question on the meeting's board as an activity of one of the
board's kinds (sense check, poll, ranking, débat mouvant, dot vote on ideas), makes it the
current one and opens it. Phones answer it as any other activity. When the vote closes, the
animator writes the decision in one sentence; what is kept is the question, the date, a
snapshot of the results and the number of people who took part — counts only, never who
voted what. A hand count for people without a phone is kept apart and marked as such.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import get_timezone
from flask_babel import gettext as _

from ...accounts.models import User
from ...core import text
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...live import kinds as live_kinds
from ...live import services as live
from ...live.models import Activity, ActivityKind, ActivityStatus
from ...workshops.models import WorkshopSession
from ..models import Decision, DecisionStatus, Project
from .access import Viewer, announce, changed, check, get_project
from .meetings import get_meeting
from .steps import StepData, add_step

VOTE_KINDS = (
    ActivityKind.SENSECHECK,
    ActivityKind.POLL,
    ActivityKind.RANKING,
    ActivityKind.DEBATE,
    ActivityKind.IDEAS,
)
HAND_KINDS = (ActivityKind.SENSECHECK, ActivityKind.POLL)  # a count per answer makes sense
DECISION_LIMIT = 300
HAND_MAX = 500


def today() -> date:
    return datetime.now(get_timezone()).date()


def get_decision(viewer: Viewer, project: Project, decision_id: int) -> Decision:
    project = check(viewer, project)
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.project_id != project.id:
        raise NotFound
    return decision


def decisions(viewer: Viewer, project: Project, *, limit: int | None = None) -> list[Decision]:
    project = check(viewer, project)
    query = (
        sa.select(Decision)
        .where(Decision.project_id == project.id, Decision.status == DecisionStatus.RECORDED)
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))


def votes_in_progress(viewer: Viewer, project: Project) -> list[Decision]:
    project = check(viewer, project)
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.project_id == project.id, Decision.status == DecisionStatus.VOTING)
            .order_by(Decision.id)
        )
    )


# --- deciding by a vote on the board ----------------------------------------------------


def start_vote(
    actor: User,
    project: Project,
    session: WorkshopSession,
    *,
    question: str,
    kind: ActivityKind | str,
    config: dict | None = None,
) -> Decision:
    """Put the question on the meeting's board, make it current and open it."""
    project = get_project(actor, project.id)
    session = get_meeting(actor, project, session.id)
    try:
        kind = ActivityKind(kind)
    except ValueError:
        kind = None
    if kind not in VOTE_KINDS:
        raise ValidationError(_("Choose how to decide."), "kind")
    question = text.clean(
        question, limit=300, field="question", empty_message=_("Write the question.")
    )
    board = live.board_for_session(actor, session)
    activity = live.add_activity(actor, board, kind=kind, prompt=question, config=config or {})
    actor_on_board = live.Actor(user=actor)
    live.control(actor_on_board, board, "goto", {"activity_id": activity.id})
    live.control(actor_on_board, board, "open")
    decision = Decision(
        project_id=project.id,
        status=DecisionStatus.VOTING,
        question=question,
        session_id=session.id,
        activity_id=activity.id,
        kind=kind.value,
    )
    db.session.add(decision)
    changed(project, "decisions")
    db.session.commit()
    announce(project.id, "decisions")
    return decision


def activity_of(decision: Decision) -> Activity | None:
    return db.session.get(Activity, decision.activity_id) if decision.activity_id else None


def vote(decision: Decision) -> dict:
    """What the projector shows of a vote in progress: counts only."""
    activity = activity_of(decision)
    if activity is None:
        return {"activity": None, "board": None, "results": None, "count": 0}
    return {
        "activity": activity,
        "board": activity.board,
        "results": live.results(activity),
        "count": live.answer_count(activity),
    }


def close_vote(actor: User, project: Project, decision: Decision) -> Decision:
    """Close the answers and show the results on the board (it becomes current if needed)."""
    decision = get_decision(Viewer(user=actor), project, decision.id)
    activity = activity_of(decision)
    if activity is None or decision.status is not DecisionStatus.VOTING:
        raise ValidationError(_("This vote is no longer on the board."))
    board = activity.board
    actor_on_board = live.Actor(user=actor)
    if board.current_activity_id != activity.id:
        live.control(actor_on_board, board, "goto", {"activity_id": activity.id})
    if activity.status is not ActivityStatus.CLOSED:
        live.control(actor_on_board, board, "close")
    if not activity.results_visible:
        live.control(actor_on_board, board, "reveal")
    announce(project.id, "decisions")
    return decision


def labels(kind: ActivityKind, config: dict, results: dict) -> list[str]:
    """The answers' labels, kept with the counts (the board's activity may be deleted)."""
    if kind is ActivityKind.SENSECHECK:
        return [f"{icon} {label}" for icon, label in live_kinds.get(kind).CHOICES]
    if kind in (ActivityKind.POLL, ActivityKind.RANKING, ActivityKind.QUIZ):
        return [
            (f"{c['icon']} " if c.get("icon") else "") + c["label"]
            for c in config.get("choices", [])
        ]
    if kind is ActivityKind.DEBATE:
        return [config.get("left", ""), "", "", "", config.get("right", "")]
    if kind is ActivityKind.IDEAS:
        return [idea["text"] for idea in results.get("ideas", [])]
    return []


def _hand_count(kind: ActivityKind, values: list | None, n: int) -> dict | None:
    if not values or not any(v not in (None, "", 0) for v in values) or kind not in HAND_KINDS:
        return None
    counts = []
    for value in values[:n] + [0] * (n - len(values)):
        try:
            number = int(value or 0)
        except (TypeError, ValueError):
            raise ValidationError(_("A hand count is a whole number."), "hand") from None
        if not 0 <= number <= HAND_MAX:
            raise ValidationError(_("A hand count is a whole number."), "hand")
        counts.append(number)
    return {"counts": counts, "total": sum(counts)}


def record_decision(
    actor: User,
    project: Project,
    decision: Decision,
    *,
    sentence: str,
    hand_counts: list | None = None,
    revisit_on: date | None = None,
) -> Decision:
    """Write the decision: the vote closes if it was still open; the results are kept."""
    decision = get_decision(Viewer(user=actor), project, decision.id)
    if decision.status is not DecisionStatus.VOTING:
        raise ValidationError(_("This decision is already recorded."))
    sentence = text.clean(
        sentence,
        limit=DECISION_LIMIT,
        field="text",
        empty_message=_("Write the decision in one sentence."),
    )
    activity = activity_of(decision)
    if activity is not None:
        kind = ActivityKind(activity.kind)
        if activity.status is not ActivityStatus.CLOSED:
            close_vote(actor, project, decision)
            db.session.refresh(activity)
        results = live.results(activity)
        option_labels = labels(kind, activity.config, results)
        decision.snapshot = {
            "kind": kind.value,
            "labels": option_labels,
            "results": results,
        }
        decision.participant_count = results.get("total", 0)
        decision.hand_count = _hand_count(kind, hand_counts, len(option_labels))
    _finish(actor, project, decision, sentence, today(), revisit_on)
    return decision


def note_decision(
    actor: User,
    project: Project,
    *,
    question: str,
    sentence: str,
    decided_on: date | None = None,
    revisit_on: date | None = None,
) -> Decision:
    """A decision taken without the board (by agreement in the room), noted afterwards."""
    project = get_project(actor, project.id)
    decision = Decision(
        project_id=project.id,
        status=DecisionStatus.VOTING,
        question=text.clean(
            question, limit=300, field="question", empty_message=_("Write the question.")
        ),
    )
    sentence = text.clean(
        sentence,
        limit=DECISION_LIMIT,
        field="text",
        empty_message=_("Write the decision in one sentence."),
    )
    db.session.add(decision)
    db.session.flush()
    _finish(actor, project, decision, sentence, decided_on or today(), revisit_on)
    return decision


def _finish(
    actor: User,
    project: Project,
    decision: Decision,
    sentence: str,
    decided_on: date,
    revisit_on: date | None,
) -> None:
    decision.text = sentence
    decision.status = DecisionStatus.RECORDED
    decision.decided_on = decided_on
    decision.recorded_by_id = actor.id
    decision.revisit_on = revisit_on
    if revisit_on is not None:
        # "On en reparle le …": the date becomes a step of the board.
        add_step(
            Viewer(user=actor),
            project,
            StepData(
                title=_("Talk again about: %(question)s", question=decision.question)[:160],
                due_on=revisit_on,
            ),
            from_decision_id=decision.id,
            commit=False,
        )
    changed(project, "decisions")
    db.session.commit()
    announce(project.id, "decisions")


def cancel_vote(actor: User, project: Project, decision: Decision) -> None:
    """Give up a vote in progress (the board's activity stays, with its answers)."""
    decision = get_decision(Viewer(user=actor), project, decision.id)
    if decision.status is not DecisionStatus.VOTING:
        raise ValidationError(_("This decision is already recorded."))
    db.session.delete(decision)
    changed(project, "decisions")
    db.session.commit()
    announce(project.id, "decisions")


def boards_with_votes() -> dict[int, list[int]]:
    """Board id -> the projects with a vote in progress on it (to tell their viewers)."""
    found: dict[int, list[int]] = {}
    rows = db.session.execute(
        sa.select(Activity.board_id, Decision.project_id)
        .join(Activity, Activity.id == Decision.activity_id)
        .where(Decision.status == DecisionStatus.VOTING)
        .distinct()
    )
    for board_id, project_id in rows:
        found.setdefault(board_id, []).append(project_id)
    return found
