"""Notes of a section (its idea wall), « dit à l'oral », themes and their dots.

The notes are the idea wall's contributions, anonymous: nothing here reads who sent one.
A note is in one theme at most (``BilanThemeNote``'s primary key). Dots stay on the
notes (the idea wall's vote answers), so moving a note to another theme, renaming or
deleting a theme moves or keeps its dots — a regroup never wipes a vote. The themes are
mirrored into the idea wall's columns, so the board shows the same groups.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core import text
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...live import bus, kinds
from ...live.models import Activity, Answer, Contribution
from ..models import Bilan, BilanSection, BilanTheme, BilanThemeNote
from .access import changed
from .bilans import ORAL_PREFIX, _require_open

THEME_LIMIT = 40


@dataclass
class Note:
    id: int
    text: str
    dots: int
    spoken: bool
    theme_id: int | None


@dataclass
class Theme:
    id: int | None  # None: notes not grouped yet
    name: str
    notes: list[Note] = field(default_factory=list)

    @property
    def dots(self) -> int:
        return sum(n.dots for n in self.notes)


def _dots(activity_id: int) -> Counter[int]:
    dots: Counter[int] = Counter()
    for votes in db.session.scalars(
        sa.select(Answer.value).where(Answer.activity_id == activity_id)
    ):
        if isinstance(votes, dict):
            for key, count in votes.items():
                if str(key).isdigit() and isinstance(count, int):
                    dots[int(key)] += count
    return dots


def notes(section: BilanSection) -> list[Note]:
    """The section's visible notes (hidden by moderation: nowhere), oldest first."""
    if section.activity_id is None:
        return []
    dots = _dots(section.activity_id)
    rows = db.session.execute(
        sa.select(
            Contribution.id, Contribution.text, Contribution.client_id, BilanThemeNote.theme_id
        )
        .outerjoin(BilanThemeNote, BilanThemeNote.contribution_id == Contribution.id)
        .where(Contribution.activity_id == section.activity_id, Contribution.hidden.is_(False))
        .order_by(Contribution.id)
    )
    return [
        Note(id, note, dots.get(id, 0), client.startswith(ORAL_PREFIX), theme)
        for id, note, client, theme in rows
    ]


def themes(section: BilanSection) -> list[Theme]:
    """The themes, most dots first, then the notes not grouped yet (last)."""
    by_id = {t.id: Theme(t.id, t.name) for t in section.themes}
    loose = Theme(None, _("Not grouped yet"))
    for note in notes(section):
        (by_id.get(note.theme_id) or loose).notes.append(note)
    ordered = sorted(by_id.values(), key=lambda t: (-t.dots, t.id))
    return ordered + ([loose] if loose.notes else [])


def revealed(section: BilanSection) -> bool:
    activity = db.session.get(Activity, section.activity_id) if section.activity_id else None
    return bool(activity and activity.results_visible)


def add_spoken_note(section: BilanSection, note: str) -> Contribution:
    """A note a participant said out loud, typed by staff: anonymous like the others."""
    _require_open(section.bilan)
    if section.activity_id is None:
        raise NotFound
    clean = kinds.clean_text(
        note, limit=kinds.MAX_TEXT, message=_("Write something before sending.")
    )
    contribution = Contribution(
        activity_id=section.activity_id,
        participant_id=None,
        client_id=ORAL_PREFIX + secrets.token_hex(12),
        text=clean,
    )
    db.session.add(contribution)
    db.session.commit()
    _announce(section)
    return contribution


def _announce(section: BilanSection) -> None:
    activity = db.session.get(Activity, section.activity_id) if section.activity_id else None
    if activity is not None:
        bus.publish(bus.RESULTS, activity.board_id)
    changed(section.bilan)


def _mirror_columns(section: BilanSection) -> None:
    activity = db.session.get(Activity, section.activity_id) if section.activity_id else None
    if activity is None:
        return
    activity.state = {**activity.state, "columns": [t.name for t in section.themes]}


def _theme_name(name: str) -> str:
    return text.clean(name, limit=THEME_LIMIT, field="name", empty_message=_("Name the theme."))


def _commit_theme() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(_("A theme already has this name."), "name") from None


def add_theme(section: BilanSection, name: str) -> BilanTheme:
    _require_open(section.bilan)
    theme = BilanTheme(section_id=section.id, name=_theme_name(name))
    db.session.add(theme)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(_("A theme already has this name."), "name") from None
    db.session.refresh(section)
    _mirror_columns(section)
    _commit_theme()
    _announce(section)
    return theme


def get_theme(section: BilanSection, theme_id: int) -> BilanTheme:
    theme = db.session.get(BilanTheme, theme_id)
    if theme is None or theme.section_id != section.id:
        raise NotFound
    return theme


def rename_theme(section: BilanSection, theme: BilanTheme, name: str) -> BilanTheme:
    _require_open(section.bilan)
    old, theme.name = theme.name, _theme_name(name)
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.activity_id == section.activity_id, Contribution.column == old)
        .values(column=theme.name)
    )
    _mirror_columns(section)
    _commit_theme()
    _announce(section)
    return theme


def delete_theme(section: BilanSection, theme: BilanTheme) -> None:
    """The notes go back to « not grouped yet », with their dots."""
    _require_open(section.bilan)
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.activity_id == section.activity_id, Contribution.column == theme.name)
        .values(column=None)
    )
    db.session.delete(theme)
    db.session.flush()
    db.session.refresh(section)
    _mirror_columns(section)
    db.session.commit()
    _announce(section)


def move_note(section: BilanSection, contribution_id: int, theme_id: int | None) -> None:
    """Put a note in a theme (or back among the loose notes); its dots go with it."""
    _require_open(section.bilan)
    note = db.session.get(Contribution, contribution_id)
    if note is None or note.activity_id != section.activity_id:
        raise NotFound
    theme = get_theme(section, theme_id) if theme_id is not None else None
    db.session.execute(sa.delete(BilanThemeNote).where(BilanThemeNote.contribution_id == note.id))
    if theme is not None:
        db.session.add(BilanThemeNote(contribution_id=note.id, theme_id=theme.id))
    note.column = theme.name if theme else None
    db.session.commit()
    _announce(section)


def top_themes(bilan: Bilan) -> list[tuple[BilanSection, list[Theme]]]:
    return [(s, [t for t in themes(s) if t.id is not None]) for s in bilan.sections]


BOARD_ACTIONS = ("open", "reveal", "vote", "close")


def drive(actor, section: BilanSection, action: str) -> None:
    """From the bilan's page: put the section's idea wall on the board and open it for the
    phones (step 2), show its notes on the screen, start the dot vote (step 3), close it.
    Through the live board's own controls, as its control page would."""
    from ...live import services as live
    from .bilans import set_step

    bilan = section.bilan
    _require_open(bilan)
    if action not in BOARD_ACTIONS or section.activity_id is None:
        raise ValidationError(_("Unknown step."))
    board = live.get_board_for_staff(actor, db.session.get(Activity, section.activity_id).board_id)
    who = live.Actor(user=actor)
    if board.current_activity_id != section.activity_id:
        live.control(who, board, "goto", {"activity_id": section.activity_id})
    if action == "open":
        live.control(who, board, "open")
        set_step(actor, bilan, 2, section.position)
    elif action == "reveal":
        live.control(who, board, "reveal")
    elif action == "vote":
        live.control(who, board, "open")
        live.control(who, board, "phase", {"phase": "vote"})
        set_step(actor, bilan, 3, section.position)
    else:
        live.control(who, board, "close")
