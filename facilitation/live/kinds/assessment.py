"""Self-assessment (T0 / T1), read by the indicators (indicators/outcomes.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import ActivityKind
from .base import SCALE_POINTS, Kind, _int, clean_text, fold, invalid

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
