"""Photolangage: the animator shows a set of photos; each person picks one or two that
speak to them, optionally with a word; the projector shows the photos chosen and their
counts, and can show one photo large (``state["spotlight"]``)."""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l

from ..models import ActivityKind
from .base import MAX_WORD, Kind, _int, clean_text, fold, invalid

PHOTOS_MIN, PHOTOS_MAX = 2, 24


def _photo_ids(raw) -> list[int]:
    ids = []
    for value in raw or []:
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise invalid(_l("Choose the photos in the library."))
        if value not in ids:
            ids.append(value)
    return ids


class Photolangage(Kind):
    kind = ActivityKind.PHOTOLANGAGE
    label = _l("Photolangage")

    def clean_config(self, raw):
        photos = _photo_ids(raw.get("photos"))
        if not PHOTOS_MIN <= len(photos) <= PHOTOS_MAX:
            raise invalid(
                _l("Choose between %(low)d and %(high)d photos.", low=PHOTOS_MIN, high=PHOTOS_MAX)
            )
        picks = raw.get("picks", 1)
        if isinstance(picks, str) and picks.isdigit():
            picks = int(picks)
        picks = _int(picks, 1, 2, _l("Each person picks one or two photos."))
        return {"photos": photos, "picks": picks, "word": bool(raw.get("word"))}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        message = _l("Choose a photo.")
        if not isinstance(value, dict):
            raise invalid(message)
        picked = _photo_ids(value.get("photos") if isinstance(value.get("photos"), list) else None)
        if not picked or any(p not in config["photos"] for p in picked):
            raise invalid(message)
        if len(picked) > config["picks"]:
            raise invalid(_l("Choose at most %(n)d photos.", n=config["picks"]))
        answer: dict = {"photos": picked}
        word = value.get("word")
        if config.get("word") and isinstance(word, str) and word.strip():
            answer["word"] = clean_text(word, limit=MAX_WORD, message=message)
        return answer

    def tally(self, config, state, answers, contributions=None):
        counts: Counter[int] = Counter()
        words: dict[int, Counter[str]] = {}
        spellings: dict[str, str] = {}
        for answer in answers:
            for photo in answer.get("photos", []):
                counts[photo] += 1
                if answer.get("word"):
                    key = fold(answer["word"])
                    spellings.setdefault(key, answer["word"])
                    words.setdefault(photo, Counter())[key] += 1
        chosen = [
            {
                "id": photo,
                "count": counts[photo],
                "words": [spellings[k] for k, _n in words.get(photo, Counter()).most_common(5)],
            }
            for photo in config["photos"]
            if counts[photo]
        ]
        chosen.sort(key=lambda p: -p["count"])  # stable: the animator's order among equals
        return {"total": len(answers), "photos": chosen, "spotlight": state.get("spotlight")}
