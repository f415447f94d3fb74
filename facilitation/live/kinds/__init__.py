"""The rules of each activity type: its settings, what an answer may be, its results.

Pure functions over plain values — no database, no request — so every rule is
tested on its own (tests/live/test_kinds.py). Services call :func:`get` and never
branch on the kind themselves. One module per kind family; this module is the registry
and re-exports what callers use (``kinds.get``, ``kinds.Refused``, ``kinds.fold``…).
"""

from __future__ import annotations

from ..models import ActivityKind
from .assessment import (
    AGREEMENT,
    AUDIENCES,
    CATALOGUE,
    MOMENTS,
    PROFESSIONAL_STATEMENTS,
    STATEMENT_MAX,
    STATEMENTS,
    STATEMENTS_MAX,
    STATEMENTS_MIN,
    SelfAssessment,
    median,
    statement_key,
    statement_text,
)
from .base import (
    HAND_MAX,
    ICONS,
    MAX_CHOICES,
    MAX_LABEL,
    MAX_TEXT,
    MAX_WORD,
    SCALE_POINTS,
    Kind,
    Refused,
    clean_text,
    fold,
    invalid,
)
from .choices import Debate, Poll, Quiz, Ranking, Scale, SenseCheck
from .contributions import Ideas, Questions, WordCloud
from .photos import Photolangage

__all__ = [
    "AGREEMENT",
    "AUDIENCES",
    "CATALOGUE",
    "HAND_MAX",
    "ICONS",
    "KINDS",
    "MAX_CHOICES",
    "MAX_LABEL",
    "MAX_TEXT",
    "MAX_WORD",
    "MOMENTS",
    "PROFESSIONAL_STATEMENTS",
    "SCALE_POINTS",
    "STATEMENTS",
    "STATEMENTS_MAX",
    "STATEMENTS_MIN",
    "STATEMENT_MAX",
    "Debate",
    "Ideas",
    "Kind",
    "Photolangage",
    "Poll",
    "Questions",
    "Quiz",
    "Ranking",
    "Refused",
    "Scale",
    "SelfAssessment",
    "SenseCheck",
    "WordCloud",
    "clean_text",
    "fold",
    "get",
    "initial_state",
    "invalid",
    "median",
    "statement_key",
    "statement_text",
]

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
        Photolangage,
    )
}


def get(kind: ActivityKind | str) -> Kind:
    return KINDS[ActivityKind(kind)]


def initial_state(kind: ActivityKind | str) -> dict:
    phases = get(kind).phases
    return {"phase": phases[0]} if phases else {}
