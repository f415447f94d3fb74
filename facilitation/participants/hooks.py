"""What other capabilities add to "everything held on a person".

Participants do not import the packages built on them (projects, bilans…); those register
here the part of a person's data they hold, so that the person's own export
(``/moi/donnees``) and a staff export list it too::

    hooks.register_export_section("projects", lambda participant, space_ids: [...])

``space_ids`` is ``None`` for the person's own export (everything), else the spaces the
member of staff may see: a section returns only what happened there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ExportSection = Callable[[Any, "set[int] | None"], list]
_export_sections: dict[str, ExportSection] = {}


def register_export_section(name: str, section: ExportSection) -> None:
    _export_sections.setdefault(name, section)


def export_sections(participant, space_ids: set[int] | None) -> dict[str, list]:
    return {name: section(participant, space_ids) for name, section in _export_sections.items()}
