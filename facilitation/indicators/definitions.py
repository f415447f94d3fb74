"""THE registry of indicators: each figure is one entry — its label, its definition (the
text shown next to it on the page and in every export), the SQL query that computes it,
the scopes it applies to, and the package it needs.

A figure whose package is not there yet (bilans) is declared with
``needs=`` and no query: the page shows it as "available once … are in place", never a
crash. When the package lands, its query is written here and nowhere else.

Breakdowns (a distribution, a split by kind…) are entries too: their cells and, when the
cells add up to a figure, the key of that figure (small-cell suppression needs it).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..live import kinds
from . import outcomes
from . import project_queries as pq
from . import queries as q
from .models import BarrierCategory, LogKind, ScopeKind

ALL_SCOPES = frozenset(ScopeKind)
# Figures counted on sessions: a project's are its meetings (sessions of its space).
SESSION_SCOPES = frozenset(
    {ScopeKind.STRUCTURE, ScopeKind.SPACE, ScopeKind.CYCLE, ScopeKind.PROJECT}
)
PLACE_SCOPES = frozenset({ScopeKind.STRUCTURE, ScopeKind.SPACE})  # no cycle on a log entry
STRUCTURE_ONLY = frozenset({ScopeKind.STRUCTURE})

PROJECTS = "facilitation.projects"
BILANS = "facilitation.bilans"
PENDING = {
    PROJECTS: _l("available once collective projects are in place"),
    BILANS: _l("available once bilans are in place"),
}


def package_present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class Figure:
    key: str
    group: str
    label: Any  # lazy text
    definition: Any  # lazy text, shown next to the figure and in every export
    query: Callable[[q.Context], int] | None
    people: bool = False  # a count of people or of their participations: small cells hidden
    scopes: frozenset[ScopeKind] = SESSION_SCOPES
    needs: str | None = None  # a package that must exist (projects, bilans)
    objective: bool = True  # may be the target of a SMART objective

    @property
    def available(self) -> bool:
        return self.query is not None and (self.needs is None or package_present(self.needs))

    @property
    def pending(self) -> Any:
        """Why the figure is not computed yet (the package is missing), or None."""
        if self.available:
            return None
        return PENDING.get(self.needs, _l("not available yet"))

    def applies(self, scope: ScopeKind) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class Breakdown:
    """Cells of people that may add up to a figure: suppression works on them together."""

    key: str
    label: Any
    definition: Any
    cells: Callable[[q.Context], list[int]]
    cell_labels: Callable[[], list[Any]]
    total: str | None = None  # the figure the cells add up to (secondary suppression)
    additive: bool = True
    cell_figures: tuple[str | None, ...] = ()  # figures that *are* a cell (same display)
    scopes: frozenset[ScopeKind] = SESSION_SCOPES


GROUPS = {
    "attendance": _l("Attendance"),
    "co_animation": _l("Co-animation and mobilisation"),
    "activity_log": _l("Mediation work (activity log)"),
    "projects": _l("Collective projects"),
    "bilans": _l("Bilans"),
    "outcomes": _l("Outcomes (T0 / T1)"),
    "veille": _l("Veille: barriers passed on"),
}

LOG_LABELS = {
    LogKind.ORIENTATION: _l("Orientations"),
    LogKind.ACCOMPANIMENT: _l("Physical accompaniments"),
    LogKind.INTERVIEW: _l("Individual interviews"),
    LogKind.PARTNER_MEETING: _l("Partner meetings"),
    LogKind.INFORMATION_SESSION: _l("Information sessions"),
    LogKind.OUTREACH: _l("Aller-vers outings"),
}
# Kinds counted by the people concerned (one orientation per person), the others by entry.
LOG_BY_PEOPLE = (LogKind.ORIENTATION, LogKind.ACCOMPANIMENT, LogKind.INTERVIEW)
LOG_DEFINITIONS = {
    LogKind.ORIENTATION: _l(
        "People oriented towards a professional or a service suited to their needs, as "
        "recorded in the activity log (one entry may count several people)."
    ),
    LogKind.ACCOMPANIMENT: _l(
        "People accompanied in person to a care, social or administrative service (activity log)."
    ),
    LogKind.INTERVIEW: _l("Individual interviews held, one person each (activity log)."),
    LogKind.PARTNER_MEETING: _l(
        "Meetings with partner professionals or institutions (activity log entries)."
    ),
    LogKind.INFORMATION_SESSION: _l(
        "Information sessions held (activity log entries); the people who came are in the "
        "table of the activity log."
    ),
    LogKind.OUTREACH: _l(
        "Outings to meet people where they are — street, squats, shelters, markets "
        "(activity log entries); the people met are in the table of the activity log."
    ),
}

BARRIER_LABELS = {
    BarrierCategory.REFUSAL_OF_CARE: _l("Refusal of care"),
    BarrierCategory.NO_INTERPRETER: _l("No interpreter"),
    BarrierCategory.DIGITAL: _l("Digital barrier"),
    BarrierCategory.RIGHTS_DELAY: _l("Delay in opening rights"),
    BarrierCategory.DOMICILIATION: _l("Domiciliation"),
    BarrierCategory.COST: _l("Cost"),
    BarrierCategory.DISCRIMINATION: _l("Discrimination"),
    BarrierCategory.OTHER: _l("Other"),
}


def _log_figure(kind: LogKind) -> Figure:
    by_people = kind in LOG_BY_PEOPLE
    return Figure(
        key=f"log_{kind.value}",
        group="activity_log",
        label=LOG_LABELS[kind],
        definition=LOG_DEFINITIONS[kind],
        query=q.log_people_of(kind.value) if by_people else q.log_entries_of(kind.value),
        people=by_people,
        scopes=PLACE_SCOPES,
    )


FIGURE_LIST: list[Figure] = [
    # --- attendance --------------------------------------------------------------------
    Figure(
        "sessions_held",
        "attendance",
        _l("Sessions held"),
        _l(
            "Workshop sessions of the scope whose date is in the period and not after today; "
            "archived sessions are left out."
        ),
        q.sessions_held,
    ),
    Figure(
        "participations",
        "attendance",
        _l("Participations"),
        _l(
            "Each time a person was marked present at a session held in the period (one "
            "person at three sessions: three participations)."
        ),
        q.participations,
        people=True,
    ),
    Figure(
        "distinct_people",
        "attendance",
        _l("Distinct people"),
        _l(
            "People who came at least once in the period, counted once even if they came to "
            "several sessions or several spaces. A person erased at their request still "
            "counts, once per space and calendar year (their rows keep an anonymous key per "
            "space and year); two records merged into one count as one person."
        ),
        q.distinct_people,
        people=True,
    ),
    Figure(
        "new_people",
        "attendance",
        _l("New people"),
        _l(
            "Distinct people whose first visit to the structure (the first time they were "
            "marked present, whatever the space) was in the period, in this scope."
        ),
        q.new_people,
        people=True,
    ),
    Figure(
        "returning_people",
        "attendance",
        _l("Returning people"),
        _l(
            "Distinct people who had already come to the structure before: distinct people "
            "minus new people."
        ),
        q.returning_people,
        people=True,
    ),
    # --- co-animation, mobilisation, tools -------------------------------------------------
    Figure(
        "co_animations",
        "co_animation",
        _l("Co-animations"),
        _l(
            "Times a participant animated in the period: on the live board (the board handed "
            "over) or recorded by staff (animated or reused a tool, proposed a space, led a "
            "project group)."
        ),
        q.co_animations,
    ),
    Figure(
        "co_animators",
        "co_animation",
        _l("People who co-animated"),
        _l("Distinct people who co-animated at least once in the period."),
        q.co_animators,
        people=True,
    ),
    Figure(
        "went_on_to_co_animate",
        "co_animation",
        _l("People who went on to co-animate"),
        _l(
            "People whose first co-animation in this scope was in the period, after they had "
            "first come as participants (faire avec)."
        ),
        q.went_on_to_co_animate,
        people=True,
    ),
    Figure(
        "brought_by_others",
        "co_animation",
        _l("People brought by others (mobilisation)"),
        _l(
            "People brought in by another participant, whose first visit was in the period. "
            "A person erased at their request is no longer counted here."
        ),
        q.brought_by_others,
        people=True,
    ),
    Figure(
        "co_built_tools_used",
        "co_animation",
        _l("Tools co-built with the public, used"),
        _l(
            "Animation tools marked « co-built with the public » in the library and used in "
            "the plan of a session held in the period (each tool once)."
        ),
        q.co_built_tools_used,
    ),
    Figure(
        "co_built_tools_added",
        "co_animation",
        _l("Tools co-built with the public, added to the library"),
        _l("Tools marked « co-built with the public » added to the library in the period."),
        q.co_built_tools_added,
        scopes=STRUCTURE_ONLY,
    ),
    # --- the activity log ------------------------------------------------------------------
    *(_log_figure(kind) for kind in LogKind),
    # --- collective projects (facilitation.projects) ----------------------------------------
    Figure(
        "projects_active",
        "projects",
        _l("Collective projects active"),
        _l(
            "Collective projects accepted by the team (proposals still waiting are left out) "
            "with something done in the period: a step done, a decision, an action or a "
            "meeting held. A project finished during the period counts; one finished before "
            "it does not."
        ),
        pq.projects_active,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "projects_finished",
        "projects",
        _l("Collective projects finished"),
        _l("Collective projects marked finished in the period."),
        pq.projects_finished,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "project_steps_done",
        "projects",
        _l("Project steps done"),
        _l(
            "Steps of collective projects marked done in the period (a step put back to « to "
            "do » or moved to the bin no longer counts)."
        ),
        pq.project_steps_done,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "project_decisions",
        "projects",
        _l("Project decisions"),
        _l(
            "Decisions taken by project groups in the period (a vote on the live board or a "
            "choice noted as agreed), by their date."
        ),
        pq.project_decisions,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "project_actions",
        "projects",
        _l("Project actions"),
        _l(
            "Actions of collective projects carried out in the period, of every kind "
            "(letters, events, meetings with partners, tools, testimonies…); an action "
            "proposed from a phone counts once staff confirmed it."
        ),
        pq.project_actions,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "project_tools_co_built",
        "projects",
        _l("Tools co-built with the public (projects)"),
        _l(
            "Project actions of the kind « tool co-built with the public » carried out in "
            "the period."
        ),
        pq.project_tools_co_built,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "project_participants",
        "projects",
        _l("Participants in collective projects"),
        _l(
            "Distinct participants who are members of a collective project active in the "
            "period, counted once even if they are in several projects (staff and partner "
            "guests are not counted; a person erased at their request is no longer counted)."
        ),
        pq.project_participants,
        people=True,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    Figure(
        "project_porteurs",
        "projects",
        _l("Participants who carry a project (porteurs)"),
        _l(
            "Distinct participants who are porteurs of a collective project active in the "
            "period, counted once even if they carry several."
        ),
        pq.project_porteurs,
        people=True,
        scopes=ALL_SCOPES,
        needs=PROJECTS,
    ),
    # --- bilans (their package comes later) ---------------------------------------------------
    Figure(
        "bilans_finalised",
        "bilans",
        _l("Bilans finalised"),
        _l("Shared reviews (bilans partagés) finalised in the period."),
        q.bilans_finalised,
        scopes=ALL_SCOPES,
        needs=BILANS,
    ),
    # --- outcomes (T0 / T1 self-assessment, partner professionals' T1) ----------------------
    Figure(
        "t1_people_paired",
        "outcomes",
        _l("People with a T0 and a T1"),
        _l(
            "People who answered a self-assessment at the start (T0) and at the end (T1) of "
            "the same cycle, from a phone linked to their record at the roll call, the T1 in "
            "the period; one person per cycle. Answers of erased people can no longer be "
            "paired."
        ),
        outcomes.people_paired,
        people=True,
    ),
    *(
        Figure(
            f"outcome_{key}_up",
            "outcomes",
            label,
            _l(
                "People whose answer to « %(statement)s » went up between T0 and T1 (1–5 "
                "scale, same person, same cycle).",
                statement=kinds.STATEMENTS[key],
            ),
            outcomes.up_of(key),
            people=True,
        )
        for key, label in (
            ("steps_alone", _l("People saying they are more autonomous in their health steps")),
            ("know_rights", _l("People saying they know their health rights better")),
            ("understand_health", _l("People saying they understand health information better")),
            ("talk_carer", _l("People saying they are more at ease with carers")),
        )
    ),
    *(
        Figure(
            f"professionals_{key}",
            "outcomes",
            label,
            _l(
                "Answers of partner professionals (guests, T1 questionnaire) to « %(statement)s "
                "» at 4 or 5 on the 1–5 scale.",
                statement=kinds.PROFESSIONAL_STATEMENTS[key],
            ),
            outcomes.agree_of(key),
            people=True,
        )
        for key, label in (
            ("know_public", _l("Professionals saying they know the public better")),
            ("changed_practice", _l("Professionals saying they changed some practices")),
        )
    ),
    # --- veille ------------------------------------------------------------------------------
    Figure(
        "barriers_recorded",
        "veille",
        _l("Barriers recorded"),
        _l(
            "Barriers met in the field (refusal of care, no interpreter…) recorded in the "
            "period, by staff or from a session's notes."
        ),
        q.barriers_recorded,
        scopes=SESSION_SCOPES,
    ),
    Figure(
        "barriers_passed_on",
        "veille",
        _l("Barriers passed on"),
        _l(
            "Barriers of the period passed on to a partner or an institution (transmitted, "
            "answer received or no answer)."
        ),
        q.barriers_passed_on,
        scopes=SESSION_SCOPES,
    ),
    Figure(
        "barrier_people",
        "veille",
        _l("People concerned by the barriers"),
        _l(
            "The number of people each barrier concerns, added up (a person met by two "
            "barriers counts twice)."
        ),
        q.barrier_people,
        people=True,
        scopes=SESSION_SCOPES,
    ),
]

FIGURES: dict[str, Figure] = {f.key: f for f in FIGURE_LIST}


BREAKDOWN_LIST: list[Breakdown] = [
    Breakdown(
        "attendance_distribution",
        _l("Sessions attended per person"),
        _l(
            "How many distinct people came to 1 session, to 2 or 3, to 4 or more in the "
            "period: a distribution, never a list of people (assiduité vs réalités de vie)."
        ),
        q.attendance_distribution,
        lambda: [_l("1 session"), _l("2 or 3 sessions"), _l("4 sessions or more")],
        total="distinct_people",
    ),
    Breakdown(
        "new_and_returning",
        _l("New and returning people"),
        _l("Distinct people of the period: those who came for the first time, and the others."),
        lambda ctx: [q.new_people(ctx), q.returning_people(ctx)],
        lambda: [_l("New people"), _l("Returning people")],
        total="distinct_people",
        cell_figures=("new_people", "returning_people"),
    ),
    Breakdown(
        "log_people",
        _l("People concerned, by kind of work"),
        _l("The people each entry of the activity log concerns, added up by kind of work."),
        lambda ctx: [q.log_people_of(k.value)(ctx) for k in LogKind],
        lambda: [LOG_LABELS[k] for k in LogKind],
        cell_figures=tuple(f"log_{k.value}" if k in LOG_BY_PEOPLE else None for k in LogKind),
        scopes=PLACE_SCOPES,
    ),
    *(
        Breakdown(
            f"outcome_{key}",
            text,
            _l(
                "People (T0 and T1 paired) whose answer to this statement went up, stayed the "
                "same or went down between T0 and T1."
            ),
            outcomes.moved(key),
            lambda: [_l("Went up"), _l("Stayed the same"), _l("Went down")],
            cell_figures=(f"outcome_{key}_up", None, None)
            if key in ("steps_alone", "know_rights", "understand_health", "talk_carer")
            else (),
        )
        for key, text in kinds.STATEMENTS.items()
    ),
    *(
        Breakdown(
            f"professionals_{key}",
            text,
            _l("Answers of partner professionals at T1: agree (4–5), neither (3), disagree (1–2)."),
            outcomes.agreement(key),
            lambda: [_l("Agree"), _l("Neither"), _l("Disagree")],
            cell_figures=(f"professionals_{key}", None, None)
            if key in ("know_public", "changed_practice")
            else (),
        )
        for key, text in kinds.PROFESSIONAL_STATEMENTS.items()
    ),
    Breakdown(
        "barrier_people_by_category",
        _l("People concerned by the barriers, by category"),
        _l("The people each barrier concerns, added up by category."),
        lambda ctx: [
            q.barrier_totals(ctx)["by_category"].get(c.value, {}).get("people", 0)
            for c in BarrierCategory
        ],
        lambda: [BARRIER_LABELS[c] for c in BarrierCategory],
        total="barrier_people",
    ),
]

BREAKDOWNS: dict[str, Breakdown] = {b.key: b for b in BREAKDOWN_LIST}


def objective_figures() -> list[Figure]:
    """Figures a SMART objective may aim at (computed ones, and the pending ones)."""
    return [f for f in FIGURE_LIST if f.objective]
