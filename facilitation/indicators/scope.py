"""The period and the scope of an indicators view, read from the page's query string, and
who may see which scope: a mediator their spaces (and their cycles and collective
projects), the coordinator the whole structure too. A space, cycle or project outside the
actor's reach is NotFound (404): the project's space decides, as everywhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from ..accounts.models import User
from ..core.exceptions import Forbidden, NotFound, ValidationError
from ..core.web import parse_id
from ..projects import services as projects
from ..projects.models import Project
from ..spaces import services as spaces
from ..spaces.models import Space
from ..workshops import services as workshops
from ..workshops.models import Cycle
from . import definitions
from .models import ScopeKind

MAX_DAYS = 10 * 366  # a custom period of at most ten years
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    kind: str  # "year", "quarter", "custom"
    start: date
    end: date
    year: int | None = None
    quarter: int | None = None

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31), year=year)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * quarter - 2, 1)
        after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return cls("quarter", first, after - timedelta(days=1), year=year, quarter=quarter)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Year %(year)d", year=self.year)
        if self.kind == "quarter":
            if self.quarter == 1:  # French: « 1er trimestre », then « 2e trimestre »
                return _("First quarter of %(year)d", year=self.year)
            return _("Quarter %(q)d of %(year)d", q=self.quarter, year=self.year)
        return _(
            "From %(start)s to %(end)s",
            start=format_date(self.start, "long"),
            end=format_date(self.end, "long"),
        )

    @property
    def dates(self) -> str:
        return _(
            "from %(start)s to %(end)s",
            start=format_date(self.start, "long"),
            end=format_date(self.end, "long"),
        )

    def args(self) -> dict[str, Any]:
        """The query string that gives this period back."""
        if self.kind == "year":
            return {"periode": "annee", "annee": self.year}
        if self.kind == "quarter":
            return {"periode": "trimestre", "annee": self.year, "trimestre": self.quarter}
        return {"periode": "dates", "du": self.start.isoformat(), "au": self.end.isoformat()}


def _int(raw: Any, low: int, high: int, message: str, field: str) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError(message, field) from None
    if not low <= value <= high:
        raise ValidationError(message, field)
    return value


def _date(raw: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Give a date (day, month, year)."), field) from None


def parse_period(args, today: date) -> Period:
    """``periode=annee|trimestre|dates``, ``annee``, ``trimestre``, ``du``, ``au``."""
    kind = args.get("periode") or "annee"
    year_message = _("Choose a year between %(a)d and %(b)d.", a=FIRST_YEAR, b=LAST_YEAR)
    if kind == "dates":
        start, end = _date(args.get("du"), "du"), _date(args.get("au"), "au")
        if end < start:
            raise ValidationError(_("The end of the period comes before its start."), "au")
        if (end - start).days > MAX_DAYS:
            raise ValidationError(_("Choose a period of at most ten years."), "au")
        return Period("custom", start, end)
    year = (
        _int(args.get("annee"), FIRST_YEAR, LAST_YEAR, year_message, "annee")
        if args.get("annee")
        else today.year
    )
    if kind == "trimestre":
        quarter = _int(args.get("trimestre"), 1, 4, _("Choose a quarter from 1 to 4."), "trimestre")
        return Period.of_quarter(year, quarter)
    if kind != "annee":
        raise ValidationError(_("Choose a year, a quarter or dates."), "periode")
    return Period.of_year(year)


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    organisation_id: int
    organisation_name: str
    space: Space | None = None
    cycle: Cycle | None = None
    project: Project | None = None

    @property
    def label(self) -> str:
        if self.kind is ScopeKind.PROJECT:
            return _(
                "Project « %(project)s » (%(space)s)",
                project=self.project.title,
                space=self.space.name,
            )
        if self.kind is ScopeKind.CYCLE:
            return _(
                "Cycle « %(cycle)s » (%(space)s)", cycle=self.cycle.title, space=self.space.name
            )
        if self.kind is ScopeKind.SPACE:
            return _("Space « %(space)s »", space=self.space.name)
        return _("The whole structure")

    @property
    def space_id(self) -> int | None:
        return self.space.id if self.space else None

    @property
    def cycle_id(self) -> int | None:
        return self.cycle.id if self.cycle else None

    @property
    def project_id(self) -> int | None:
        return self.project.id if self.project else None

    @property
    def key(self) -> str:
        if self.kind is ScopeKind.PROJECT:
            return f"project:{self.project.id}"
        if self.kind is ScopeKind.CYCLE:
            return f"cycle:{self.cycle.id}"
        if self.kind is ScopeKind.SPACE:
            return f"space:{self.space.id}"
        return "structure"

    def args(self) -> dict[str, Any]:
        if self.kind is ScopeKind.PROJECT:
            return {"perimetre": "projet", "projet": self.project.id}
        if self.kind is ScopeKind.CYCLE:
            return {"perimetre": "cycle", "cycle": self.cycle.id}
        if self.kind is ScopeKind.SPACE:
            return {"perimetre": "espace", "espace": self.space.id}
        return {"perimetre": "structure"}

    @property
    def target(self) -> str:
        """The value of the page's scope select."""
        if self.kind is ScopeKind.PROJECT:
            return f"projet:{self.project.id}"
        if self.kind is ScopeKind.CYCLE:
            return f"cycle:{self.cycle.id}"
        if self.kind is ScopeKind.SPACE:
            return f"espace:{self.space.id}"
        return "structure"


SCOPE_WORDS = {
    "structure": ScopeKind.STRUCTURE,
    "espace": ScopeKind.SPACE,
    "cycle": ScopeKind.CYCLE,
    "projet": ScopeKind.PROJECT,
}


def projects_available() -> bool:
    return definitions.package_present(definitions.PROJECTS)


def structure(actor: User) -> Scope:
    if not actor.is_coordinator:
        raise Forbidden
    return Scope(ScopeKind.STRUCTURE, actor.organisation_id, actor.organisation.name)


def of_space(actor: User, space_id: int) -> Scope:
    space = spaces.get_space(actor, space_id)
    return Scope(ScopeKind.SPACE, actor.organisation_id, actor.organisation.name, space=space)


def of_cycle(actor: User, cycle_id: int) -> Scope:
    cycle = workshops.get_cycle(actor, cycle_id)
    return Scope(
        ScopeKind.CYCLE, actor.organisation_id, actor.organisation.name, cycle.space, cycle
    )


def of_project(actor: User, project_id: int) -> Scope:
    """A collective project of the actor's spaces (its space's visibility), else NotFound."""
    project = projects.get_project(actor, project_id)
    if project.is_proposal:
        raise NotFound  # a proposal waiting for staff has no figures yet
    return Scope(
        ScopeKind.PROJECT,
        actor.organisation_id,
        actor.organisation.name,
        space=project.space,
        project=project,
    )


def default_scope(actor: User) -> Scope | None:
    """The coordinator's structure; a mediator's first space (None: no space yet)."""
    if actor.is_coordinator:
        return structure(actor)
    mine = spaces.list_spaces(actor, include_archived=True)
    return of_space(actor, mine[0].id) if mine else None


def parse_scope(actor: User, args) -> Scope | None:
    """``perimetre=structure|espace|cycle|projet`` with ``espace``, ``cycle`` or ``projet``;
    NotFound outside the actor's spaces, Forbidden for a mediator asking for the whole
    structure."""
    target = args.get("cible")  # the page's one select: "structure", "espace:3", "projet:5"
    if target:
        word, _sep, ident = target.partition(":")
        args = {"perimetre": word, word: ident}
    word = args.get("perimetre")
    if not word:
        return default_scope(actor)
    kind = SCOPE_WORDS.get(word)
    if kind is ScopeKind.STRUCTURE:
        return structure(actor)
    readers = {ScopeKind.SPACE: of_space, ScopeKind.CYCLE: of_cycle, ScopeKind.PROJECT: of_project}
    if kind in readers:
        ident = parse_id(args.get(word))
        if ident is None:
            raise NotFound
        return readers[kind](actor, ident)
    raise NotFound


def scope_options(actor: User) -> list[tuple[str, str, str]]:
    """(value, label, group label) for the page's scope select: what the actor may look at
    (a space, then its cycles, then its accepted collective projects)."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..workshops.models import Cycle

    options = []
    if actor.is_coordinator:
        options.append(("structure", _("The whole structure"), ""))
    for space in spaces.list_spaces(actor, include_archived=True):
        options.append((f"espace:{space.id}", _("Space « %(space)s »", space=space.name), ""))
        cycles_group = _("Cycles of %(space)s", space=space.name)
        for cycle in db.session.scalars(
            sa.select(Cycle).where(Cycle.space_id == space.id).order_by(Cycle.title)
        ):
            options.append((f"cycle:{cycle.id}", cycle.title, cycles_group))
        projects_group = _("Collective projects of %(space)s", space=space.name)
        for project in db.session.scalars(
            sa.select(Project)
            .where(Project.space_id == space.id, Project.accepted_at.is_not(None))
            .order_by(Project.title)
        ):
            options.append((f"projet:{project.id}", project.title, projects_group))
    return options
