"""Finding pictograms: by emoji (the helper) and by French words (the picker)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from flask import url_for
from markupsafe import Markup

from .catalogue import ENTRIES

OPENMOJI_VERSION = "17.0.0"
VS16 = "\ufe0f"


@dataclass(frozen=True)
class Pictogram:
    emoji: str
    name: str
    keywords: str
    hexcode: str

    @property
    def filename(self) -> str:
        return f"pictograms/{self.hexcode}.svg"


def _hexcode(emoji: str) -> str:
    """OpenMoji's file name: code points in hex, without the variation selector."""
    return "-".join(f"{ord(ch):X}" for ch in emoji if ch != VS16)


def _fold(text: str) -> str:
    """Lower case, no accents, apostrophes as spaces: "Hôpital" ≈ "hopital"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("'", " ").replace("’", " ").replace("-", " ").split())


@cache
def catalogue() -> tuple[Pictogram, ...]:
    return tuple(Pictogram(e, name, kw, _hexcode(e)) for e, name, kw in ENTRIES)


@cache
def _by_emoji() -> dict[str, Pictogram]:
    found: dict[str, Pictogram] = {}
    for item in catalogue():
        found.setdefault(item.emoji.replace(VS16, ""), item)
    return found


def lookup(emoji: str) -> Pictogram | None:
    return _by_emoji().get((emoji or "").replace(VS16, "").strip())


def search(query: str, limit: int = 48) -> list[Pictogram]:
    """Pictograms whose French name or words match every word of the query (accents and
    case ignored); names that start with the query first. An empty query: all of them."""
    words = _fold(query or "").split()
    if not words:
        return list(catalogue()[:limit])
    scored = []
    for index, item in enumerate(catalogue()):
        name, keywords = _fold(item.name), _fold(item.keywords)
        haystack = f"{name} {keywords}".split()
        if not all(any(token.startswith(word) for token in haystack) for word in words):
            continue
        rank = 0 if name.startswith(" ".join(words)) else 1 if words[0] in name else 2
        scored.append((rank, index, item))
    scored.sort(key=lambda row: row[:2])
    return [item for _rank, _index, item in scored[:limit]]


def pictogram(emoji: str, alt: str | None = "", size: str = "") -> Markup:
    """An ``<img>`` of the pictogram. ``alt=""`` (default): decorative, a word is next to
    it; ``alt=None``: its French name; any other text: that text."""
    item = lookup(emoji)
    css = " ".join(part for part in ("picto", f"picto-{size}" if size else "") if part)
    if item is None:
        if not emoji:
            return Markup("")
        if alt == "":
            return Markup('<span class="{}" aria-hidden="true">{}</span>').format(css, emoji)
        return Markup('<span class="{}" role="img" aria-label="{}">{}</span>').format(
            css, alt or emoji, emoji
        )
    text = item.name if alt is None else alt
    src = url_for("static", filename=item.filename)
    return Markup(
        '<img class="{}" src="{}" alt="{}" width="72" height="72" loading="lazy">'
    ).format(css, src, text)
