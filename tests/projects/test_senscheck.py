"""The sense-check kind of the live board (👍 / 🤔 / 👎): its rules, pure functions."""

from __future__ import annotations

import pytest

from facilitation.live import kinds
from facilitation.live.forms import answer_from_fields
from facilitation.live.models import ActivityKind

SENSE = kinds.get(ActivityKind.SENSECHECK)


def test_three_answers_counted_apart():
    answers = [SENSE.clean_answer({}, {}, v, None) for v in (0, 0, 1, [2], 0)]
    assert SENSE.tally({}, {}, answers) == {"total": 5, "counts": [3, 1, 1]}


@pytest.mark.parametrize("value", [3, -1, True, "0", None, [0, 1], {"v": 0}, 2**70])
def test_anything_else_is_refused_as_invalid(value):
    with pytest.raises(kinds.Refused) as refused:
        SENSE.clean_answer({}, {}, value, None)
    assert refused.value.code == "invalid"


def test_it_needs_no_settings_and_reads_the_phone_form():
    assert SENSE.clean_config({"anything": 1}) == {}
    assert answer_from_fields("senscheck", {"value": ["1"]}) == 1
    assert [icon for icon, _label in SENSE.CHOICES] == ["👍", "🤔", "👎"]
