"""Starting a bilan from a template, its figures, its steps, finalising and reopening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...core import text
from ...core.database import utcnow
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...live import services as live
from ...live.models import Activity, Answer, Contribution
from ...participants.models import Attendance, AttendanceStatus, CoAnimation
from ...projects.models import Decision, Project, Step, StepState
from ...projects.services import access as project_access
from ...workshops import services as workshops
from ...workshops.models import Cycle, WorkshopSession
from ..models import (
    Bilan,
    BilanEvent,
    BilanProposal,
    BilanScope,
    BilanSection,
    BilanStatus,
    BilanTemplate,
)
from .access import changed

STEPS = 5
STEP_LABELS = {
    1: _l("Prepare"),
    2: _l("Collect from the phones"),
    3: _l("Group and prioritise"),
    4: _l("Decide what next"),
    5: _l("Write together"),
}
SCOPE_LABELS = {
    BilanScope.SESSION: _l("Session"),
    BilanScope.CYCLE: _l("Cycle"),
    BilanScope.PROJECT: _l("Collective project"),
    BilanScope.SPACE_YEAR: _l("Year of the space"),
}
REASON_LIMIT = 300
DOTS = 3
ORAL_PREFIX = "oral "  # client id of a note « dit à l'oral » (phones' ids have no space)


@dataclass(frozen=True)
class Figure:
    label: str
    value: int


def _sessions_of(bilan: Bilan) -> sa.Select:
    """Ids of the workshop sessions the bilan's scope covers, held up to today."""
    query = sa.select(WorkshopSession.id).where(
        WorkshopSession.archived_at.is_(None), WorkshopSession.starts_on <= date.today()
    )
    if bilan.scope is BilanScope.SESSION:
        return sa.select(WorkshopSession.id).where(WorkshopSession.id == bilan.session_id)
    if bilan.scope is BilanScope.CYCLE:
        return query.where(WorkshopSession.cycle_id == bilan.cycle_id)
    if bilan.scope is BilanScope.PROJECT:
        from ...projects.models import ProjectMeeting

        return sa.select(ProjectMeeting.session_id).where(
            ProjectMeeting.project_id == bilan.project_id
        )
    return query.join(Cycle, Cycle.id == WorkshopSession.cycle_id).where(
        Cycle.space_id == bilan.space_id,
        WorkshopSession.starts_on >= date(bilan.year, 1, 1),
        WorkshopSession.starts_on <= date(bilan.year, 12, 31),
    )


def _count(query) -> int:
    return db.session.scalar(query) or 0


def compute_figures(bilan: Bilan) -> list[Figure]:
    """Counts only, from the app: sessions held, people who came, new people, co-animations,
    and the project's steps and decisions."""
    sessions = _sessions_of(bilan)
    present = (Attendance.session_id.in_(sessions), Attendance.status == AttendanceStatus.PRESENT)
    person = sa.func.coalesce(
        Attendance.person_key,
        sa.cast(Attendance.participant_id, sa.String),
        sa.cast(Attendance.id, sa.String),
    )
    figures = [
        Figure(
            str(_("Sessions held")),
            _count(sa.select(sa.func.count()).select_from(sessions.subquery())),
        ),
        Figure(
            str(_("People who came")),
            _count(sa.select(sa.func.count(sa.distinct(person))).where(*present)),
        ),
        Figure(
            str(_("New people")),
            _count(
                sa.select(sa.func.count(Attendance.id)).where(
                    *present, Attendance.first_visit.is_(True)
                )
            ),
        ),
        Figure(
            str(_("Co-animations")),
            _count(
                sa.select(sa.func.count(CoAnimation.id)).where(CoAnimation.session_id.in_(sessions))
            ),
        ),
    ]
    if bilan.project_id is not None:
        live_steps = sa.select(sa.func.count(Step.id)).where(
            Step.project_id == bilan.project_id, Step.deleted_at.is_(None)
        )
        figures += [
            Figure(str(_("Project steps")), _count(live_steps)),
            Figure(
                str(_("… of which done")), _count(live_steps.where(Step.state == StepState.DONE))
            ),
            Figure(
                str(_("Decisions of the project")),
                _count(
                    sa.select(sa.func.count(Decision.id)).where(
                        Decision.project_id == bilan.project_id
                    )
                ),
            ),
        ]
    return figures


def figures(bilan: Bilan) -> list[Figure]:
    """The figures shown beside the text: frozen when the bilan was finalised."""
    if bilan.finalised and bilan.figures:
        return [Figure(label, value) for label, value in bilan.figures]
    return compute_figures(bilan)


def _title(scope: BilanScope, session: WorkshopSession, project, year) -> str:
    if scope is BilanScope.SESSION:
        return _("Bilan of the session « %(theme)s »", theme=session.theme)
    if scope is BilanScope.CYCLE:
        return _("Bilan of the cycle « %(title)s »", title=session.cycle.title)
    if scope is BilanScope.PROJECT:
        return _("Bilan of the project « %(title)s »", title=project.title)
    return _("Bilan %(year)d of the space %(space)s", year=year, space=session.cycle.space.name)


def start_bilan(
    actor: User,
    session_id: int,
    template_id: int,
    *,
    scope: BilanScope | str,
    project_id: int | None = None,
    year: int | None = None,
) -> Bilan:
    """A bilan run on the session's board: one idea wall per question (+ a météo)."""
    from .templates import get_template

    session = workshops.get_session(actor, session_id)
    template: BilanTemplate = get_template(actor, template_id)
    try:
        scope = BilanScope(scope)
    except ValueError:
        raise ValidationError(_("Choose what the bilan is about."), "scope") from None
    space = session.cycle.space
    project = None
    if scope is BilanScope.PROJECT:
        if project_id is None:
            raise ValidationError(_("Choose the project."), "project_id")
        project = project_access.get_project(actor, project_id)
        if project.space_id != space.id:
            raise ValidationError(_("Choose a project of this space."), "project_id")
    if scope is BilanScope.SPACE_YEAR:
        year = year or session.starts_on.year
        if not 2000 <= year <= 2100:
            raise ValidationError(_("Choose a year."), "year")
    else:
        year = None
    bilan = Bilan(
        organisation_id=space.organisation_id,
        space_id=space.id,
        scope=scope,
        cycle_id=session.cycle_id if scope is not BilanScope.SPACE_YEAR else None,
        project_id=project.id if project else None,
        year=year,
        session_id=session.id,
        title=_title(scope, session, project, year)[:160],
        template_name=template.name,
        created_by_id=actor.id,
    )
    db.session.add(bilan)
    db.session.flush()
    board = live.board_for_session(actor, session)
    if template.with_meteo:
        meteo = live.add_activity(
            actor, board, kind="scale", prompt=_("Your weather today?"), config={"style": "weather"}
        )
        bilan = db.session.get(Bilan, bilan.id)
        bilan.meteo_activity_id = meteo.id
    for position, question in enumerate(template.questions):
        wall = live.add_activity(actor, board, kind="ideas", prompt=question, config={"dots": DOTS})
        db.session.add(
            BilanSection(
                bilan_id=bilan.id, position=position, question=question, activity_id=wall.id
            )
        )
    db.session.commit()
    return bilan


def bilans_of_session(actor: User, session: WorkshopSession) -> list[Bilan]:
    from .access import visible_bilans_select

    return list(
        db.session.scalars(
            visible_bilans_select(actor).where(Bilan.session_id == session.id).order_by(Bilan.id)
        )
    )


def _require_open(bilan: Bilan) -> None:
    if bilan.finalised:
        raise ValidationError(_("This bilan is finalised. Reopen it to change it."))


def set_step(actor: User, bilan: Bilan, step: int, position: int | None = None) -> Bilan:
    if not 1 <= step <= STEPS:
        raise ValidationError(_("Unknown step."))
    bilan.step = step
    if position is not None:
        if not 0 <= position < len(bilan.sections):
            raise NotFound
        bilan.current_position = position
    db.session.commit()
    changed(bilan)
    return bilan


def current_section(bilan: Bilan) -> BilanSection | None:
    if not bilan.sections:
        return None
    return bilan.sections[min(bilan.current_position, len(bilan.sections) - 1)]


def activity_ids(bilan: Bilan) -> list[int]:
    ids = [s.activity_id for s in bilan.sections if s.activity_id is not None]
    if bilan.meteo_activity_id is not None:
        ids.append(bilan.meteo_activity_id)
    return ids


def contributor_count(bilan: Bilan) -> int:
    """Distinct phones that sent a note, voted, rated or proposed a sentence: a count only."""
    ids = activity_ids(bilan)
    noted = sa.select(Contribution.participant_id.label("p")).where(
        Contribution.activity_id.in_(ids), Contribution.participant_id.is_not(None)
    )
    answered = sa.select(Answer.participant_id.label("p")).where(Answer.activity_id.in_(ids))
    proposed = (
        sa.select(BilanProposal.participant_id.label("p"))
        .join(BilanSection, BilanSection.id == BilanProposal.section_id)
        .where(BilanSection.bilan_id == bilan.id, BilanProposal.participant_id.is_not(None))
    )
    every = sa.union(noted, answered, proposed).subquery()
    return _count(sa.select(sa.func.count()).select_from(every))


def spoken_count(bilan: Bilan) -> int:
    return _count(
        sa.select(sa.func.count(Contribution.id)).where(
            Contribution.activity_id.in_(activity_ids(bilan)),
            Contribution.client_id.startswith(ORAL_PREFIX),
            Contribution.hidden.is_(False),
        )
    )


def finalise(actor: User, bilan: Bilan) -> Bilan:
    """Locked, dated, with the number of contributors and its figures as they are today."""
    _require_open(bilan)
    if not any(s.text.strip() for s in bilan.sections):
        raise ValidationError(_("Write at least one section before finalising the bilan."))
    bilan.status = BilanStatus.FINALISED
    bilan.finalised_at = utcnow()
    bilan.contributor_count = contributor_count(bilan)
    bilan.figures = [[f.label, f.value] for f in compute_figures(bilan)]
    for section in bilan.sections:
        section.pen = None
    db.session.add(BilanEvent(bilan_id=bilan.id, kind="finalised", user_id=actor.id))
    _close_walls(bilan)
    db.session.commit()
    changed(bilan)
    return bilan


def _close_walls(bilan: Bilan) -> None:
    from ...live.models import ActivityStatus

    for activity_id in activity_ids(bilan):
        activity = db.session.get(Activity, activity_id)
        if activity is not None and activity.status is ActivityStatus.OPEN:
            activity.status = ActivityStatus.CLOSED


def reopen(actor: User, bilan: Bilan, reason: str) -> Bilan:
    if not bilan.finalised:
        raise ValidationError(_("This bilan is not finalised."))
    reason = text.clean(
        reason,
        limit=REASON_LIMIT,
        field="reason",
        empty_message=_("Say why the bilan is reopened (it stays in its history)."),
    )
    bilan.status = BilanStatus.OPEN
    db.session.add(BilanEvent(bilan_id=bilan.id, kind="reopened", reason=reason, user_id=actor.id))
    db.session.commit()
    changed(bilan)
    return bilan


# --- for other packages -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSummary:
    title: str
    finalised_on: date
    space_name: str
    summary: str


def finalised_for_report(actor: User, scope, start: date, end: date) -> list[ReportSummary]:
    """Finalised bilans of the period in the actor's spaces (the annual activity report)."""
    from .access import visible_bilans_select

    query = visible_bilans_select(actor).where(Bilan.status == BilanStatus.FINALISED)
    space_id = getattr(scope, "space_id", None)
    if space_id:
        query = query.where(Bilan.space_id == space_id)
    out = []
    for bilan in db.session.scalars(query.order_by(Bilan.finalised_at)):
        day = bilan.finalised_at.date()
        if not start <= day <= end:
            continue
        first = next((s.text for s in bilan.sections if s.text.strip()), "")
        out.append(ReportSummary(bilan.title, day, bilan.space.name, first[:300]))
    return out


def project_of(bilan: Bilan) -> Project | None:
    return db.session.get(Project, bilan.project_id) if bilan.project_id else None
