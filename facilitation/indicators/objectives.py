"""SMART objectives (seed 004): a target for one indicator, one year and one scope — "30
distinct people in the tronc commun in 2027". The indicators page shows the progress
towards each. The coordinator sets them; a mediator sees those of their spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..core.exceptions import Forbidden, NotFound, ValidationError
from ..extensions import db
from ..projects.models import Project
from ..spaces import services as spaces
from ..spaces.models import Space
from ..workshops.models import Cycle
from . import definitions, privacy
from . import scope as scopes
from .models import Objective, ScopeKind

TITLE_MAX = 200
TARGET_MAX = 1_000_000


def visible_select(actor: User) -> sa.Select:
    query = sa.select(Objective).where(Objective.organisation_id == actor.organisation_id)
    if actor.is_coordinator:
        return query
    mine = spaces.visible_spaces_select(actor).with_only_columns(Space.id)
    return query.where(Objective.space_id.in_(mine))


def list_objectives(
    actor: User, *, years: tuple[int, int] | None = None, scope: scopes.Scope | None = None
) -> list[Objective]:
    query = visible_select(actor)
    if years is not None:
        query = query.where(Objective.year >= years[0], Objective.year <= years[1])
    if scope is not None:
        query = query.where(Objective.scope_kind == scope.kind)
        if scope.kind is ScopeKind.SPACE:
            query = query.where(Objective.space_id == scope.space_id)
        if scope.kind is ScopeKind.CYCLE:
            query = query.where(Objective.cycle_id == scope.cycle_id)
        if scope.kind is ScopeKind.PROJECT:
            query = query.where(Objective.project_id == scope.project_id)
    return list(db.session.scalars(query.order_by(Objective.year.desc(), Objective.id)))


def get_objective(actor: User, objective_id: int) -> Objective:
    objective = db.session.scalar(visible_select(actor).where(Objective.id == objective_id))
    if objective is None:
        raise NotFound
    return objective


def scope_of(actor: User, objective: Objective) -> scopes.Scope:
    if objective.scope_kind is ScopeKind.PROJECT:
        return scopes.of_project(actor, objective.project_id)
    if objective.scope_kind is ScopeKind.CYCLE:
        return scopes.of_cycle(actor, objective.cycle_id)
    if objective.scope_kind is ScopeKind.SPACE:
        return scopes.of_space(actor, objective.space_id)
    return scopes.structure(actor)


@dataclass(frozen=True)
class ObjectiveData:
    year: int | None
    scope: str  # "structure", "space:<id>", "cycle:<id>", "project:<id>"
    indicator: str | None
    target: int | None
    title: str = ""


def _scope(actor: User, raw: str) -> scopes.Scope:
    kind, _sep, ident = (raw or "").partition(":")
    try:
        if kind == "structure":
            return scopes.structure(actor)
        if kind == "space":
            return scopes.of_space(actor, int(ident))
        if kind == "cycle":
            return scopes.of_cycle(actor, int(ident))
        if kind == "project":
            return scopes.of_project(actor, int(ident))
    except (ValueError, NotFound):
        pass
    raise ValidationError(_("Choose the scope of the objective."), "scope")


def _apply(actor: User, objective: Objective, data: ObjectiveData) -> Objective:
    if not isinstance(data.year, int) or not scopes.FIRST_YEAR <= data.year <= scopes.LAST_YEAR:
        raise ValidationError(
            _("Choose a year between %(a)d and %(b)d.", a=scopes.FIRST_YEAR, b=scopes.LAST_YEAR),
            "year",
        )
    figure = definitions.FIGURES.get(data.indicator or "")
    if figure is None or not figure.objective:
        raise ValidationError(_("Choose the indicator the objective is about."), "indicator")
    scope = _scope(actor, data.scope)
    if not figure.applies(scope.kind):
        raise ValidationError(_("This indicator is not counted for this scope."), "indicator")
    if (
        isinstance(data.target, bool)
        or not isinstance(data.target, int)
        or not 1 <= data.target <= TARGET_MAX
    ):
        raise ValidationError(_("Give the target as a whole number (at least 1)."), "target")
    title = privacy.clean(data.title, limit=TITLE_MAX, field="title", required=False)
    objective.year = data.year
    objective.scope_kind = scope.kind
    objective.space_id = scope.space_id
    objective.cycle_id = scope.cycle_id
    objective.project_id = scope.project_id
    objective.indicator = figure.key
    objective.target = data.target
    objective.title = title or default_title(figure, data.target, scope, data.year)
    return objective


def default_title(figure, target: int, scope: scopes.Scope, year: int) -> str:
    return _(
        "%(target)d · %(indicator)s · %(scope)s · %(year)d",
        target=target,
        indicator=figure.label,
        scope=scope.label,
        year=year,
    )


def _coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise Forbidden


def create_objective(actor: User, data: ObjectiveData) -> Objective:
    _coordinator(actor)
    objective = _apply(
        actor, Objective(organisation_id=actor.organisation_id, created_by_id=actor.id), data
    )
    db.session.add(objective)
    db.session.commit()
    return objective


def update_objective(actor: User, objective_id: int, data: ObjectiveData) -> Objective:
    _coordinator(actor)
    objective = _apply(actor, get_objective(actor, objective_id), data)
    db.session.commit()
    return objective


def delete_objective(actor: User, objective_id: int) -> None:
    _coordinator(actor)
    db.session.delete(get_objective(actor, objective_id))
    db.session.commit()


def scope_choices(actor: User) -> list[tuple[str, str]]:
    """Scopes an objective may have: the structure, each space, each cycle, each accepted
    collective project."""
    choices = [("structure", _("The whole structure"))]
    for space in spaces.list_spaces(actor, include_archived=True):
        choices.append((f"space:{space.id}", _("Space « %(space)s »", space=space.name)))
        for cycle in db.session.scalars(
            sa.select(Cycle).where(Cycle.space_id == space.id).order_by(Cycle.title)
        ):
            choices.append(
                (
                    f"cycle:{cycle.id}",
                    _("Cycle « %(cycle)s » (%(space)s)", cycle=cycle.title, space=space.name),
                )
            )
        for project in db.session.scalars(
            sa.select(Project)
            .where(Project.space_id == space.id, Project.accepted_at.is_not(None))
            .order_by(Project.title)
        ):
            choices.append(
                (
                    f"project:{project.id}",
                    _(
                        "Project « %(project)s » (%(space)s)",
                        project=project.title,
                        space=space.name,
                    ),
                )
            )
    return choices


def scope_value(objective: Objective) -> str:
    if objective.scope_kind is ScopeKind.PROJECT:
        return f"project:{objective.project_id}"
    if objective.scope_kind is ScopeKind.CYCLE:
        return f"cycle:{objective.cycle_id}"
    if objective.scope_kind is ScopeKind.SPACE:
        return f"space:{objective.space_id}"
    return "structure"
