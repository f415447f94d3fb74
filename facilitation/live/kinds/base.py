"""What every activity type shares: refusals, text cleaning, the base class."""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from ...core import text
from ..models import ActivityKind

MAX_CHOICES = 12
MAX_LABEL = 80
MAX_WORD = 30
MAX_TEXT = 280
SCALE_POINTS = 5
ICONS = (
    "",
    "👍",
    "👎",
    "❤️",
    "🙂",
    "😐",
    "🙁",
    "✅",
    "❌",
    "❓",
    "💊",
    "🏥",
    "🩺",
    "🏠",
    "🍎",
    "💶",
    "📄",
    "🚌",
    "👶",
    "🧓",
    "🤝",
    "🗣️",
    "📞",
    "⏰",
    "☀️",
    "🌧️",
)


class Refused(Exception):
    """An answer or a setting is refused. ``code`` is part of the real-time protocol."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message) -> Refused:
    return Refused("invalid", str(message))


def fold(text: str) -> str:
    """Case- and accent-insensitive key: « Santé », « sante » and « SANTÉ » are one word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def clean_text(value: Any, *, limit: int, message) -> str:
    """A text from a phone or a form, through the app's one validation (core.text)."""
    try:
        return text.clean(value, limit=limit, empty_message=message)
    except text.TextRefused as refused:
        raise Refused(refused.code, refused.message) from None


def _int(value: Any, low: int, high: int, message) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(message)
    return value


def _choices(raw: Any) -> list[dict]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_CHOICES:
        raise invalid(_l("Give between 2 and %(n)d choices.", n=MAX_CHOICES))
    choices = []
    for item in raw:
        if isinstance(item, str):
            item = {"label": item}
        if not isinstance(item, dict):
            raise invalid(_l("Give between 2 and %(n)d choices.", n=MAX_CHOICES))
        label = clean_text(item.get("label"), limit=MAX_LABEL, message=_l("A choice is empty."))
        icon = item.get("icon") or ""
        if icon not in ICONS:
            raise invalid(_l("Unknown pictogram."))
        choice = {"label": label, "icon": icon}
        image = item.get("image_id")
        if image is not None:  # a photo of the library (checked against it by the services)
            choice["image_id"] = _int(image, 1, 2**63 - 1, _l("Choose the photos in the library."))
        choices.append(choice)
    return choices


HAND_MAX = 999  # people counted by a show of hands, per option


def hand_counts(state: dict, n: int, key: str = "counts") -> list[int]:
    """The counts added by hand (people without a phone), one per option: state["hand"]."""
    hand = (state or {}).get("hand") or {}
    raw = hand.get(key) if isinstance(hand, dict) else None
    if not isinstance(raw, list):
        return [0] * n
    counts = [v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0 for v in raw]
    return (counts + [0] * n)[:n]


def with_hand(result: dict, hand: int) -> dict:
    """A tally, with ``hand`` (how many were counted by hand) only when there are some."""
    return {**result, "hand": hand} if hand else result


class Kind:
    kind: ClassVar[ActivityKind]
    label: ClassVar[Any]
    takes_contributions: ClassVar[bool] = False
    # Counts by a show of hands can be added (poll, quiz, scale, débat): state["hand"].
    takes_hand_counts: ClassVar[bool] = False
    phases: ClassVar[tuple[str, ...]] = ()

    def clean_config(self, raw: dict) -> dict:
        return {}

    def clean_answer(
        self,
        config: dict,
        state: dict,
        value: Any,
        previous: Any,
        visible_ids: set[int] | None = None,
    ) -> Any:
        raise invalid(_l("This activity takes no answer."))

    def tally(
        self, config: dict, state: dict, answers: list[Any], contributions: list[dict] | None = None
    ) -> dict:
        return {"total": len(answers)}

    def hand_options(self, config: dict) -> int:
        """How many counts a show of hands gives (one per choice or point)."""
        return len(config.get("choices", [])) or SCALE_POINTS
