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
