"""The compte rendu de séance: every activity of a session with its final results.

For staff of the session's space only (``workshops.get_session`` raises NotFound
elsewhere). What it holds is what the projector held — each activity's tally, revealed
or not, and says which were revealed — plus counts of people: phones that joined the
board, people marked present, people who took part in each activity. Counts only:
nothing says who answered what or who wrote which note, and notes hidden by moderation
appear nowhere (only their number).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _

from ..accounts.models import User
from ..core.database import utcnow
from ..extensions import db
from ..live import kinds
from ..live import services as live
from ..live.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Answer,
    Board,
    Contribution,
    LiveParticipant,
)
from ..participants.models import Attendance, AttendanceStatus
from ..workshops import services as workshops
from ..workshops.models import WorkshopSession
from . import export, tables
from .export import Table, Workbook


@dataclass(frozen=True)
class ActivityReport:
    number: int  # 1, 2, 3… in the session's order
    prompt: str
    kind: ActivityKind
    kind_label: str
    status: ActivityStatus
    revealed: bool  # results shown on the screen
    people: int  # phones that answered or contributed
    answers: int  # the count the screen showed (answers, visible notes or questions)
    hidden: int  # contributions hidden by moderation: their number only
    table: Table

    @property
    def status_label(self) -> str:
        return {
            ActivityStatus.DRAFT: _("not started"),
            ActivityStatus.OPEN: _("answers still open"),
            ActivityStatus.CLOSED: _("answers closed"),
        }[self.status]

    @property
    def revealed_label(self) -> str:
        return (
            _("results shown on the screen")
            if self.revealed
            else _("results not shown on the screen")
        )


@dataclass(frozen=True)
class Figures:
    phones: int  # phones that joined the board
    present: int  # people marked present at the roll call
    first_visits: int  # of whom, first time
    activities: int
    revealed: int  # activities whose results were shown


@dataclass(frozen=True)
class SessionReport:
    session: WorkshopSession
    figures: Figures
    activities: list[ActivityReport]
    has_board: bool
    made_at: datetime = field(default_factory=utcnow)
    # The session's bilan, once the bilans issue links one here: (title, url).
    bilan: tuple[str, str] | None = None

    @property
    def space(self):
        return self.session.cycle.space

    @property
    def organisation_name(self) -> str:
        return self.space.organisation.name


BilanLink = Callable[[WorkshopSession], "tuple[str, str] | None"]
_bilan_links: list[BilanLink] = []


def register_bilan_link(provider: BilanLink) -> None:
    """The bilans feature gives, for a session, (title, url) of its bilan or None."""
    if provider not in _bilan_links:
        _bilan_links.append(provider)


def _bilan_link(session: WorkshopSession) -> tuple[str, str] | None:
    for provider in _bilan_links:
        link = provider(session)
        if link:
            return link
    return None


def _count(query) -> int:
    return db.session.scalar(query) or 0


def _people(activity: Activity) -> int:
    """Phones that answered or contributed (each counted once), never which ones."""
    answered = sa.select(Answer.participant_id).where(Answer.activity_id == activity.id)
    contributed = sa.select(Contribution.participant_id).where(
        Contribution.activity_id == activity.id, Contribution.participant_id.is_not(None)
    )
    both = sa.union(answered, contributed).subquery()
    return _count(sa.select(sa.func.count()).select_from(both))


def _hidden(activity: Activity) -> int:
    return _count(
        sa.select(sa.func.count(Contribution.id)).where(
            Contribution.activity_id == activity.id, Contribution.hidden.is_(True)
        )
    )


def _activity_report(number: int, activity: Activity) -> ActivityReport:
    results = live.results(activity)
    table = tables.table(activity.kind, activity.config, activity.state, results)
    hidden = _hidden(activity)
    if hidden:
        table.notes.append(hidden_note(hidden))
    return ActivityReport(
        number=number,
        prompt=activity.prompt,
        kind=activity.kind,
        kind_label=str(kinds.get(activity.kind).label),
        status=activity.status,
        revealed=activity.results_visible,
        people=_people(activity),
        answers=live.answer_count(activity),
        hidden=hidden,
        table=table,
    )


def session_report(actor: User, session_id: int) -> SessionReport:
    """The compte rendu of a session (staff of its space; NotFound for anyone else)."""
    session = workshops.get_session(actor, session_id)
    board = db.session.scalar(sa.select(Board).where(Board.session_id == session.id))
    activities = list(board.activities) if board is not None else []
    reports = [_activity_report(n, a) for n, a in enumerate(activities, start=1)]
    present = sa.select(sa.func.count(Attendance.id)).where(
        Attendance.session_id == session.id, Attendance.status == AttendanceStatus.PRESENT
    )
    phones = 0
    if board is not None:
        phones = _count(
            sa.select(sa.func.count(LiveParticipant.id)).where(LiveParticipant.board_id == board.id)
        )
    figures = Figures(
        phones=phones,
        present=_count(present),
        first_visits=_count(present.where(Attendance.first_visit.is_(True))),
        activities=len(reports),
        revealed=sum(r.revealed for r in reports),
    )
    return SessionReport(
        session=session,
        figures=figures,
        activities=reports,
        has_board=board is not None,
        bilan=_bilan_link(session),
    )


# --- as a workbook: a summary sheet, then one sheet per activity ------------------------


def when(session: WorkshopSession) -> str:
    """« mardi 3 mars 2026, 14:00–16:30 »"""
    day = format_date(session.starts_on, "full")
    start = format_time(session.starts_at, "short")
    if session.ends_at is None:
        return f"{day}, {start}"
    return f"{day}, {start}–{format_time(session.ends_at, 'short')}"


def scope_line(report: SessionReport) -> str:
    session = report.session
    return " · ".join([report.organisation_name, report.space.name, session.cycle.title])


def workbook(report: SessionReport) -> Workbook:
    session = report.session
    title = _("Session report: %(theme)s", theme=session.theme)
    book = Workbook(title)
    lines = [scope_line(report), when(session)]
    if session.place:
        lines.append(_("Place: %(place)s", place=session.place))
    lines.append(_("Made on %(date)s", date=format_date(report.made_at, "long")))
    summary = book.sheet(_("Summary"), title, lines)
    figures = summary.table([_("Figure"), _("Value")], caption=_("The session in figures"))
    f = report.figures
    figures.row(_("Date"), session.starts_on)
    figures.row(_("Phones that joined the live board"), f.phones)
    figures.row(_("People marked present"), f.present)
    figures.row(_("… of whom came for the first time"), f.first_visits)
    figures.row(_("Activities on the board"), f.activities)
    figures.row(_("… whose results were shown on the screen"), f.revealed)
    figures.row(_("Bilan of the session"), report.bilan[0] if report.bilan else _("none yet"))
    figures.notes.append(
        _("Counts only: nothing in this report says who answered what or who wrote which note.")
    )
    listing = summary.table(
        [
            _("No."),
            _("Activity"),
            _("Type"),
            _("State"),
            _("Results shown on the screen"),
            _("People who took part"),
            _("Answers (as on the screen)"),
        ],
        caption=_("Activities"),
    )
    for a in report.activities:
        listing.row(
            a.number,
            a.prompt,
            a.kind_label,
            a.status_label,
            export.text(_("yes") if a.revealed else _("no")),
            a.people,
            a.answers,
        )
    for a in report.activities:
        sheet = book.sheet(
            f"{a.number}. {a.kind_label}",
            f"{a.number}. {a.prompt}",
            [
                f"{a.kind_label} · {a.status_label} · {a.revealed_label}",
                _("People who took part: %(num)d", num=a.people),
            ],
        )
        sheet.tables.append(a.table)
    return book


def hidden_note(count: int) -> str:
    return ngettext(
        "%(num)d contribution hidden by moderation (not shown).",
        "%(num)d contributions hidden by moderation (not shown).",
        count,
    )
