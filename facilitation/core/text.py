"""The one validation every text goes through before it enters the app.

Answers, post-its, pseudonyms, prompts, notes, form fields: whatever the channel
(HTML form, htmx, Socket.IO), text is

1. proper Unicode — a lone surrogate (``"\\ud800"``, which JSON can carry) is refused;
2. normalised to NFC, so that « é » typed two ways is one letter and one length;
3. stripped of control characters (tabs become spaces; line breaks are kept only in
   multi-line fields) and of bidirectional embeddings, overrides and isolates
   (``U+202E`` would reverse text on the projector), and of non-characters;
4. folded: runs of spaces become one (each line of a multi-line text is trimmed, at
   most one empty line in a row);
5. length-checked in characters *after* all of the above.

Left alone on purpose: the marks that Arabic and Persian need (LRM, RLM, ALM, ZWNJ,
ZWJ — emoji sequences use ZWJ too) and every printable character of every script.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l

from .exceptions import ValidationError

# Bidirectional embeddings, overrides and isolates (not the plain marks LRM/RLM/ALM).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Format characters that are fine inside text (ZWNJ, ZWJ, LRM, RLM, ALM, soft hyphen).
ALLOWED_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c\u00ad")
_BLANK_LINES = re.compile(r"\n{3,}")


class TextRefused(ValidationError):
    """A text that cannot enter the app. ``code`` matches the live protocol's codes."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message, field)
        self.code = code


def _is_noncharacter(code_point: int) -> bool:
    return 0xFDD0 <= code_point <= 0xFDEF or (code_point & 0xFFFE) == 0xFFFE


def has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _keep(char: str, multiline: bool) -> str:
    if char in BIDI_CONTROLS:
        return ""
    category = unicodedata.category(char)
    if category == "Cc":
        if char == "\n" and multiline:
            return "\n"
        if char in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85":
            return " "
        return ""
    if category == "Cf" and char not in ALLOWED_FORMAT:
        return ""
    if category == "Cs" or _is_noncharacter(ord(char)):
        return ""
    if char in "\u2028\u2029":  # line and paragraph separators
        return "\n" if multiline else " "
    return char


def normalise(value: str, *, multiline: bool = False) -> str:
    """NFC, controls and bidi overrides removed, spaces folded. Never raises.

    Lone surrogates are dropped here; :func:`clean` refuses them instead.
    """
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(_keep(c, multiline) for c in value)
    value = unicodedata.normalize("NFC", value)
    if not multiline:
        return " ".join(value.split())
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def clean(
    value: Any,
    *,
    limit: int,
    multiline: bool = False,
    required: bool = True,
    field: str | None = None,
    empty_message: Any = None,
) -> str:
    """The text, validated and normalised; :class:`TextRefused` (a ``ValidationError``)
    with a French sentence otherwise. ``None`` counts as empty."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise TextRefused("invalid", str(_l("This text could not be read.")), field)
    if has_lone_surrogate(value):
        raise TextRefused(
            "invalid",
            str(_l("This text contains characters that cannot be read. Please type it again.")),
            field,
        )
    text = normalise(value, multiline=multiline)
    if not text and required:
        raise TextRefused(
            "invalid", str(empty_message or _l("Write something before sending.")), field
        )
    if len(text) > limit:
        raise TextRefused(
            "too_long", str(_l("This is too long (at most %(n)d characters).", n=limit)), field
        )
    return text


def clean_optional(value: Any, *, limit: int, multiline: bool = False, field: str | None = None):
    """Like :func:`clean`, but an empty text is allowed (returned as ``""``)."""
    return clean(value, limit=limit, multiline=multiline, required=False, field=field)
