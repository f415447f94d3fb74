"""The rules of each activity type: its settings, what an answer may be, its results.

Pure functions over plain values — no database, no request — so every rule is
tested on its own (tests/live/test_kinds.py). Services call :func:`get` and never
branch on the kind themselves.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from ..core import text
from .models import ActivityKind

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
        choices.append({"label": label, "icon": icon})
    return choices


class Kind:
    kind: ClassVar[ActivityKind]
    label: ClassVar[Any]
    takes_contributions: ClassVar[bool] = False
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


class Poll(Kind):
    kind = ActivityKind.POLL
    label = _l("Poll")

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
        return {"total": len(answers), "counts": counts}


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

    def clean_config(self, raw):
        style = raw.get("style") or "faces"
        if style not in ("faces", "weather", "numbers"):
            raise invalid(_l("Unknown scale style."))
        return {"style": style}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        return _int(value, 1, SCALE_POINTS, _l("Choose a point from 1 to 5."))

    def tally(self, config, state, answers, contributions=None):
        counts = [0] * SCALE_POINTS
        for value in answers:
            counts[value - 1] += 1
        total = len(answers)
        mean = round(sum(answers) / total, 1) if total else None
        return {"total": total, "counts": counts, "mean": mean}


class WordCloud(Kind):
    kind = ActivityKind.WORDCLOUD
    label = _l("Word cloud")

    def clean_config(self, raw):
        words = raw.get("max_words", 3)
        if isinstance(words, str) and words.isdigit():
            words = int(words)
        return {"max_words": _int(words, 1, 3, _l("Between 1 and 3 words per person."))}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        if isinstance(value, str):
            value = [value]
        message = _l("Write a word.")
        if not isinstance(value, list):
            raise invalid(message)
        words, keys = [], set()
        for item in value:
            if isinstance(item, str) and not item.strip():
                continue
            word = clean_text(item, limit=MAX_WORD, message=message)
            if fold(word) not in keys:
                keys.add(fold(word))
                words.append(word)
        if not words:
            raise invalid(message)
        if len(words) > config["max_words"]:
            raise invalid(_l("At most %(n)d words.", n=config["max_words"]))
        return words

    def tally(self, config, state, answers, contributions=None):
        hidden = set(state.get("hidden_words", []))
        counts: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for words in answers:
            for word in words:
                key = fold(word)
                if key in hidden:
                    continue
                counts[key] += 1
                spellings.setdefault(key, Counter())[word] += 1
        words = [
            {"key": key, "text": spellings[key].most_common(1)[0][0], "count": count}
            for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:60]
        ]
        return {"total": len(answers), "words": words}


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
        first, final = [0] * SCALE_POINTS, [0] * SCALE_POINTS
        moved = 0
        for value in answers:
            if value.get("first"):
                first[value["first"] - 1] += 1
            final[value["final"] - 1] += 1
            if value.get("first") and value["first"] != value["final"]:
                moved += 1
        return {
            "total": len(answers),
            "first": first,
            "final": final,
            "moved": moved,
            "phase": state.get("phase", "first"),
        }


class Ideas(Kind):
    """Idea wall: post-its, grouped in columns by the animator, then dot voting."""

    kind = ActivityKind.IDEAS
    label = _l("Idea wall")
    takes_contributions = True
    phases = ("collect", "vote")

    def clean_config(self, raw):
        dots = raw.get("dots", 3)
        if isinstance(dots, str) and dots.isdigit():
            dots = int(dots)
        return {"dots": _int(dots, 1, 10, _l("Between 1 and 10 dots per person."))}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        if state.get("phase") != "vote":
            raise Refused("closed", str(_l("Voting has not started yet.")))
        message = _l("Place your dots on the ideas.")
        if not isinstance(value, dict):
            raise invalid(message)
        votes = {}
        for key, count in value.items():
            try:
                idea = int(key)
            except (TypeError, ValueError):
                raise invalid(message) from None
            if visible_ids is not None and idea not in visible_ids:
                raise invalid(message)
            count = _int(count, 0, config["dots"], message)
            if count:
                votes[str(idea)] = count
        if sum(votes.values()) > config["dots"]:
            raise invalid(_l("You have %(n)d dots.", n=config["dots"]))
        return votes

    def tally(self, config, state, answers, contributions=None):
        dots: Counter[str] = Counter()
        for votes in answers:
            dots.update({k: v for k, v in votes.items()})
        ideas = [
            {**c, "dots": dots.get(str(c["id"]), 0)}
            for c in (contributions or [])
            if not c["hidden"]
        ]
        if state.get("phase") == "vote":
            ideas.sort(key=lambda c: (-c["dots"], c["id"]))
        columns = state.get("columns", [])
        return {
            "total": len(answers),
            "ideas": ideas,
            "columns": columns,
            "phase": state.get("phase", "collect"),
            "count": len(ideas),
        }


class Questions(Kind):
    """Questions to the group or a guest, with upvotes and moderation."""

    kind = ActivityKind.QUESTIONS
    label = _l("Questions")
    takes_contributions = True

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        message = _l("Choose the questions you want asked.")
        if not isinstance(value, list):
            raise invalid(message)
        ids = set()
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int):
                raise invalid(message)
            if visible_ids is not None and item not in visible_ids:
                raise invalid(message)
            ids.add(item)
        return sorted(ids)

    def tally(self, config, state, answers, contributions=None):
        votes: Counter[int] = Counter()
        for upvoted in answers:
            votes.update(upvoted)
        questions = [
            {**c, "votes": votes.get(c["id"], 0)} for c in (contributions or []) if not c["hidden"]
        ]
        questions.sort(key=lambda q: (q["answered"], -q["votes"], q["id"]))
        return {"total": len(answers), "questions": questions, "count": len(questions)}


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


# --- self-assessment (T0 / T1), read by the indicators (indicators/outcomes.py) ------------

STATEMENT_MAX = 120
STATEMENTS_MIN, STATEMENTS_MAX = 1, 6
MOMENTS = ("t0", "t1")  # start of a cycle or project, end of it
AUDIENCES = ("participants", "professionals")  # professionals: partner guests, T1
# Statements from the seeds (ARS guide's outcome indicators), translated on each phone.
STATEMENTS = {
    "know_where_care": _l("I know where to go to get care"),
    "steps_alone": _l("I do my health paperwork on my own"),
    "talk_carer": _l("I feel at ease talking with a carer"),
    "know_rights": _l("I know my health rights"),
    "understand_health": _l("I understand the information I am given about my health"),
    "ask_help": _l("I know who to ask for help"),
}
PROFESSIONAL_STATEMENTS = {
    "know_public": _l("I know the people the mediation works with better"),
    "changed_practice": _l("I have changed some of my practices"),
    "questioned_views": _l("I have questioned some of my assumptions about them"),
}
CATALOGUE = {**STATEMENTS, **PROFESSIONAL_STATEMENTS}
AGREEMENT = (
    _l("not at all"),
    _l("a little"),
    _l("somewhat"),
    _l("mostly"),
    _l("completely"),
)


def statement_text(statement: dict) -> str:
    """A statement in the reader's language (catalogue), or as staff wrote it."""
    key = statement.get("key") or ""
    return str(CATALOGUE[key]) if key in CATALOGUE else statement.get("text", "")


def statement_key(statement: dict) -> str:
    """What pairs a T0 statement with its T1: the catalogue key, or the folded wording."""
    return statement.get("key") or "text:" + fold(statement.get("text", ""))


def _statement(item: Any) -> dict:
    if isinstance(item, dict) and item.get("key") in CATALOGUE:
        return {"key": item["key"], "text": str(CATALOGUE[item["key"]])}
    raw = (item.get("text") or item.get("label")) if isinstance(item, dict) else item
    wording = clean_text(raw, limit=STATEMENT_MAX, message=_l("A statement is empty."))
    for key, label in CATALOGUE.items():  # typed as in the list: the catalogue's own
        if fold(str(label)).rstrip(".") == fold(wording).rstrip("."):
            return {"key": key, "text": str(label)}
    return {"key": "", "text": wording}


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


class SelfAssessment(Kind):
    """Auto-évaluation: a few statements, each on a 1–5 pictogram scale, marked T0 or T1.

    Taken at the start (T0) and the end (T1) of a cycle; the indicators pair each
    person's answers through the phone's link to their pseudonymous record and report
    aggregates only. An answer is ``{"<statement index>": point}``; a statement may be
    left unanswered.
    """

    kind = ActivityKind.SELF_ASSESSMENT
    label = _l("Self-assessment (T0/T1)")

    def clean_config(self, raw):
        items = raw.get("statements") or raw.get("choices") or []
        if not isinstance(items, list):
            items = []
        statements, keys = [], set()
        for item in items:
            statement = _statement(item)
            if statement_key(statement) not in keys:
                keys.add(statement_key(statement))
                statements.append(statement)
        if not STATEMENTS_MIN <= len(statements) <= STATEMENTS_MAX:
            raise invalid(
                _l(
                    "Choose between %(low)d and %(high)d statements.",
                    low=STATEMENTS_MIN,
                    high=STATEMENTS_MAX,
                )
            )
        moment = raw.get("moment") or "t0"
        audience = raw.get("audience") or "participants"
        if moment not in MOMENTS or audience not in AUDIENCES:
            raise invalid(_l("Say whether this is the start (T0) or the end (T1)."))
        return {"statements": statements, "moment": moment, "audience": audience}

    def clean_answer(self, config, state, value, previous, visible_ids=None):
        message = _l("Choose a point from 1 to 5.")
        n = len(config["statements"])
        if not isinstance(value, dict):
            raise invalid(message)
        points = {}
        for key, point in value.items():
            if not (isinstance(key, str) and key.isdigit() and int(key) < n):
                raise invalid(message)
            points[str(int(key))] = _int(point, 1, SCALE_POINTS, message)
        if not points:
            raise invalid(_l("Answer at least one statement."))
        return points

    def tally(self, config, state, answers, contributions=None):
        statements = []
        for index in range(len(config["statements"])):
            points = [a[str(index)] for a in answers if str(index) in a]
            counts = [0] * SCALE_POINTS
            for point in points:
                counts[point - 1] += 1
            statements.append({"counts": counts, "answered": len(points), "median": median(points)})
        return {"total": len(answers), "statements": statements}

    @staticmethod
    def answer_from_fields(fields: dict[str, list[str]]) -> dict:
        """The phone form's fields (``s-<index>`` = point) as an answer."""
        answer: dict[str, Any] = {}
        for name, values in fields.items():
            if name.startswith("s-") and values and values[0] not in ("", None):
                try:
                    answer[name[2:]] = int(values[0])
                except (TypeError, ValueError):
                    answer[name[2:]] = values[0]  # refused with a clear message
        return answer


KINDS: dict[ActivityKind, Kind] = {
    k.kind: k()
    for k in (
        Poll,
        Scale,
        WordCloud,
        Ideas,
        Ranking,
        Quiz,
        Debate,
        Questions,
        SenseCheck,
        SelfAssessment,
    )
}


def get(kind: ActivityKind | str) -> Kind:
    return KINDS[ActivityKind(kind)]


def initial_state(kind: ActivityKind | str) -> dict:
    phases = get(kind).phases
    return {"phase": phases[0]} if phases else {}
