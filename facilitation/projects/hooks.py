"""Where later features plug into projects without a change here.

The shared-review feature (bilans) registers a function that gives, for a project, the
link to its bilan: ``hooks.register_bilan_link(lambda project: (label, url) or None)``.
The project page and its timeline show it; until then they say the bilan is to come.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Project

BilanLink = Callable[[Project], "tuple[str, str] | None"]
_bilan_links: list[BilanLink] = []


def register_bilan_link(provider: BilanLink) -> None:
    if provider not in _bilan_links:
        _bilan_links.append(provider)


def bilan_link(project: Project) -> tuple[str, str] | None:
    for provider in _bilan_links:
        link = provider(project)
        if link:
            return link
    return None


def _memberships(participant, space_ids: set[int] | None) -> list[dict]:
    """The person's part in projects, for "everything held on me" and staff exports."""
    import sqlalchemy as sa

    from ..extensions import db
    from .models import ProjectMember

    query = (
        sa.select(ProjectMember, Project)
        .join(Project, Project.id == ProjectMember.project_id)
        .where(ProjectMember.participant_id == participant.id)
        .order_by(Project.created_at, Project.id)
    )
    if space_ids is not None:
        query = query.where(Project.space_id.in_(space_ids))
    return [
        {
            "project": project.title,
            "status": project.status.value,
            "porteur": member.is_porteur,
            "pseudonym_shown_on_screen": member.shown_on_screen,
            "since": member.created_at.date().isoformat(),
        }
        for member, project in db.session.execute(query)
    ]


def init_app() -> None:
    from ..audit import retention
    from ..participants import hooks as participants
    from .services import bin as project_bin

    participants.register_export_section("projects", _memberships)
    # `flask purge` empties the bin of what was deleted more than 30 days ago.
    retention.register_cleaner(
        retention.Cleaner(
            kind="project_bin",
            count=project_bin.count_expired,
            apply=lambda now: project_bin.purge(now=now, commit=False),
        )
    )
