"""Kinds answered by picking: poll, quiz, scale, ranking, débat mouvant, sense check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import ActivityKind
from .base import (
    MAX_LABEL,
    SCALE_POINTS,
    Kind,
    _choices,
    _int,
    clean_text,
    hand_counts,
    invalid,
    with_hand,
)


class Poll(Kind):
    kind = ActivityKind.POLL
    label = _l("Poll")
    takes_hand_counts = True

    def clean_config(self, raw):
        return {"choices": _choices(raw.get("choices")), "multiple": bool(raw.get("multiple"))}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        n = len(config["choices"])
        message = _l("Choose one of the answers.")
        if not isinstance(value, list) or not value:
            raise invalid(message)
        picked = sorted({_int(v, 0, n - 1, message) for v in value})
        if not config.get("multiple") and len(picked) != 1:
            raise invalid(_l("Choose only one answer."))
        return picked

    def tally(self, config, state, answers, contributions=None):
        counts = [0] * len(config["choices"])
        for picked in answers:
            for index in picked:
                if 0 <= index < len(counts):
                    counts[index] += 1
        hand = hand_counts(state, len(counts))
        counts = [a + b for a, b in zip(counts, hand, strict=True)]
        return with_hand({"total": len(answers) + sum(hand), "counts": counts}, sum(hand))


class Quiz(Poll):
    kind = ActivityKind.QUIZ
    label = _l("Quiz")

    def clean_config(self, raw):
        choices = _choices(raw.get("choices"))
        correct = raw.get("correct")
        if isinstance(correct, int) and not isinstance(correct, bool):
            correct = [correct]
        if (
            not isinstance(correct, list)
            or not correct
            or not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c < len(choices)
                for c in correct
            )
        ):
            raise invalid(_l("Say which answer is right."))
        return {"choices": choices, "correct": sorted(set(correct)), "multiple": False}

    def tally(self, config, state, answers, contributions=None):
        result = super().tally(config, state, answers, contributions)
        if state.get("answer_revealed"):
            result["correct"] = config["correct"]
        return result


class Scale(Kind):
    kind = ActivityKind.SCALE
    label = _l("Scale / météo")
    takes_hand_counts = True

    def clean_config(self, raw):
        style = raw.get("style") or "faces"
        if style not in ("faces", "weather", "numbers"):
            raise invalid(_l("Unknown scale style."))
        return {"style": style}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        return _int(value, 1, SCALE_POINTS, _l("Choose a point from 1 to 5."))

    def tally(self, config, state, answers, contributions=None):
        counts = hand_counts(state, SCALE_POINTS)
        hand = sum(counts)
        for value in answers:
            counts[value - 1] += 1
        total = sum(counts)
        points = sum(point * n for point, n in enumerate(counts, start=1))
        mean = round(points / total, 1) if total else None
        return with_hand({"total": total, "counts": counts, "mean": mean}, hand)


class Ranking(Kind):
    kind = ActivityKind.RANKING
    label = _l("Ranking")

    def clean_config(self, raw):
        items = _choices(raw.get("items") or raw.get("choices"))
        return {"choices": items}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        n = len(config["choices"])
        if (
            not isinstance(value, list)
            # ints only: a string made sorted() raise, a float (1.0) passed and broke the tally
            or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
            or sorted(value) != list(range(n))
        ):
            raise invalid(_l("Put every item in an order."))
        return value

    def tally(self, config, state, answers, contributions=None):
        n = len(config["choices"])
        scores = [0] * n
        rank_sums = [0] * n
        for order in answers:
            for rank, index in enumerate(order):
                scores[index] += n - rank  # Borda count
                rank_sums[index] += rank + 1
        total = len(answers)
        order = sorted(range(n), key=lambda i: (-scores[i], i))
        return {
            "total": total,
            "order": [
                {
                    "index": i,
                    "score": scores[i],
                    "mean_rank": round(rank_sums[i] / total, 1) if total else None,
                }
                for i in order
            ],
        }


class Debate(Kind):
    """Débat mouvant: everyone places themself, may move after discussion."""

    kind = ActivityKind.DEBATE
    label = _l("Débat mouvant")
    phases = ("first", "final")
    takes_hand_counts = True

    def clean_config(self, raw):
        return {
            "left": clean_text(
                raw.get("left") or str(_l("Disagree")),
                limit=MAX_LABEL,
                message=_l("Name both ends."),
            ),
            "right": clean_text(
                raw.get("right") or str(_l("Agree")), limit=MAX_LABEL, message=_l("Name both ends.")
            ),
        }

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        position = _int(value, 1, SCALE_POINTS, _l("Choose a place from 1 to 5."))
        previous = previous if isinstance(previous, dict) else {}
        if state.get("phase", "first") == "first":
            return {"first": position, "final": position}
        return {"first": previous.get("first"), "final": position}

    def tally(self, config, state, answers, contributions=None):
        # By hand: the places counted in the room, at the first step and after moving.
        first = hand_counts(state, SCALE_POINTS, "first")
        final = hand_counts(state, SCALE_POINTS, "final")
        if not any(final):
            final = list(first)
        hand = max(sum(first), sum(final))
        moved = 0
        for value in answers:
            if value.get("first"):
                first[value["first"] - 1] += 1
            final[value["final"] - 1] += 1
            if value.get("first") and value["first"] != value["final"]:
                moved += 1
        return with_hand(
            {
                "total": len(answers) + hand,
                "first": first,
                "final": final,
                "moved": moved,
                "phase": state.get("phase", "first"),
            },
            hand,
        )


class SenseCheck(Kind):
    """A quick sense check before deciding: 👍 agree, 🤔 not sure yet, 👎 disagree."""

    kind = ActivityKind.SENSECHECK
    label = _l("Sense check 👍 🤔 👎")
    CHOICES = (("👍", _l("Agree")), ("🤔", _l("Not sure yet")), ("👎", _l("Disagree")))

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        return _int(value, 0, len(self.CHOICES) - 1, _l("Choose 👍, 🤔 or 👎."))

    def tally(self, config, state, answers, contributions=None):
        counts = [0] * len(self.CHOICES)
        for value in answers:
            if isinstance(value, int) and 0 <= value < len(counts):
                counts[value] += 1
        return {"total": len(answers), "counts": counts}
