"""Forms of the live board: preparing activities (staff) and joining (participants)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import Form
from . import kinds
from .models import ActivityKind


def kind_choices():
    return [SelectChoice(k.value, kinds.get(k).label) for k in ActivityKind]


class ActivityForm(Form):
    kind = SelectField(_l("Type of activity"), choices=kind_choices)
    prompt = StringField(
        _l("Question or statement"),
        validators=[DataRequired(_l("Write the question or the statement.")), Length(max=300)],
    )
    choices = TextAreaField(
        _l("Choices, one per line"),
        description=_l(
            "For a poll, a quiz or a ranking. Start a line with a pictogram if you like "
            "(👍 Yes), or with a photo's number in the library (#12 Yes). For a quiz, put * "
            "before the right answer."
        ),
    )
    multiple = BooleanField(_l("Several answers allowed"))
    style = SelectField(
        _l("Scale shown as"),
        choices=[
            SelectChoice("faces", _l("Faces 🙁 … 🙂")),
            SelectChoice("weather", _l("Weather 🌧️ … ☀️")),
            SelectChoice("numbers", _l("Numbers 1 … 5")),
        ],
    )
    max_words = IntegerField(
        _l("Words per person (word cloud)"),
        default=3,
        validators=[Optional(), NumberRange(1, 3, _l("Between 1 and 3."))],
    )
    dots = IntegerField(
        _l("Dots per person (idea wall)"),
        default=3,
        validators=[Optional(), NumberRange(1, 10, _l("Between 1 and 10."))],
    )
    moment = SelectField(
        _l("When (self-assessment)"),
        choices=[
            SelectChoice("t0", _l("T0: start of the cycle")),
            SelectChoice("t1", _l("T1: end of the cycle")),
            SelectChoice("t1-professionals", _l("T1: partner professionals (guests)")),
        ],
        description=_l("For a self-assessment: one statement per line in the choices above."),
        default="t0",
    )
    # Photos of the structure's library (checkboxes and a select rendered from it).
    image_id = StringField(_l("Photo shown with the question (optional)"))
    photos = SelectMultipleField(_l("Photos shown (photolangage)"), validate_choice=False)
    picks = SelectField(
        _l("Each person picks"),
        choices=[SelectChoice("1", _l("one photo")), SelectChoice("2", _l("one or two photos"))],
        default="1",
    )
    word = BooleanField(_l("With a word on the chosen photo (optional for each person)"))
    premoderation = BooleanField(
        _l("Questions wait for my approval before they are shown"),
    )
    left = StringField(_l("Left end (débat mouvant)"), validators=[Length(max=80)])
    right = StringField(_l("Right end (débat mouvant)"), validators=[Length(max=80)])

    def config(self) -> dict:
        """The kind-specific settings, read from the fields that concern this kind."""
        config = self._kind_config()
        if self.image_id.data:
            config["image_id"] = self.image_id.data  # checked against the library
        return config

    def _kind_config(self) -> dict:
        kind = ActivityKind(self.kind.data)
        lines = [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()]
        correct = [i for i, line in enumerate(lines) if line.startswith("*")]
        items = [_choice(line.lstrip("* ").strip()) for line in lines]
        if kind is ActivityKind.POLL:
            return {"choices": items, "multiple": self.multiple.data}
        if kind is ActivityKind.QUIZ:
            return {"choices": items, "correct": correct}
        if kind is ActivityKind.RANKING:
            return {"items": items}
        if kind is ActivityKind.SCALE:
            return {"style": self.style.data}
        if kind is ActivityKind.WORDCLOUD:
            return {"max_words": self.max_words.data or 3}
        if kind is ActivityKind.IDEAS:
            return {"dots": self.dots.data or 3}
        if kind is ActivityKind.DEBATE:
            return {"left": self.left.data, "right": self.right.data}
        if kind is ActivityKind.QUESTIONS:
            return {"premoderation": self.premoderation.data}
        if kind is ActivityKind.PHOTOLANGAGE:
            return {
                "photos": self.photos.data or [],
                "picks": self.picks.data,
                "word": self.word.data,
            }
        if kind is ActivityKind.SELF_ASSESSMENT:
            moment, _sep, audience = (self.moment.data or "t0").partition("-")
            return {
                "statements": [item["label"] for item in items],
                "moment": moment,
                "audience": audience or "participants",
            }
        return {}

    def fill_from(self, activity) -> None:
        """Show an activity's settings in the fields (to edit it)."""
        config = activity.config
        self.kind.data = activity.kind.value
        self.prompt.data = activity.prompt
        correct = set(config.get("correct", []))
        self.choices.data = "\n".join(
            ("* " if i in correct else "")
            + (f"#{c['image_id']} " if c.get("image_id") else "")
            + (c["icon"] + " " if c.get("icon") else "")
            + c["label"]
            for i, c in enumerate(config.get("choices", []))
        )
        self.multiple.data = config.get("multiple", False)
        self.style.data = config.get("style", "faces")
        self.max_words.data = config.get("max_words", 3)
        self.dots.data = config.get("dots", 3)
        self.left.data = config.get("left", "")
        self.premoderation.data = config.get("premoderation", False)
        self.image_id.data = str(config["image_id"]) if config.get("image_id") else ""
        self.photos.data = [str(p) for p in config.get("photos", [])]
        self.picks.data = str(config.get("picks", 1))
        self.word.data = config.get("word", False)
        if activity.kind is ActivityKind.SELF_ASSESSMENT:
            self.choices.data = "\n".join(kinds.statement_text(s) for s in config["statements"])
            audience = config.get("audience", "participants")
            self.moment.data = config.get("moment", "t0") + (
                "-professionals" if audience == "professionals" else ""
            )
        self.right.data = config.get("right", "")


def _choice(line: str) -> dict:
    """A choice line: an optional photo number (#12), an optional pictogram, the label."""
    image = None
    head, _sep, rest = line.partition(" ")
    if head.startswith("#") and head[1:].isascii() and head[1:].isdigit() and rest.strip():
        image, line = int(head[1:]), rest.strip()
    choice = {"icon": "", "label": line}
    for icon in sorted((i for i in kinds.ICONS if i), key=len, reverse=True):
        if line.startswith(icon):
            choice = {"icon": icon, "label": line[len(icon) :].strip()}
            break
    if image is not None:
        choice["image_id"] = image
    return choice


def _ints(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            out.append(value)  # refused with a clear message by the kind's rules
    return out


def answer_from_fields(kind: ActivityKind | str, fields: dict[str, list[str]]) -> object:
    """Read an answer from form fields (plain HTML form, or the phone's script sending them).

    ``fields`` maps each field name to its list of values, like a submitted form.
    """
    kind = ActivityKind(kind)

    def one(name):
        values = fields.get(name) or [None]
        return values[0]

    if kind is ActivityKind.POLL:
        return _ints(fields.get("choice", []))
    if kind is ActivityKind.QUIZ:
        return _ints(fields.get("choice", []))[:1] or None
    if kind in (ActivityKind.SCALE, ActivityKind.DEBATE, ActivityKind.SENSECHECK):
        return (_ints([one("value")]) or [None])[0]
    if kind is ActivityKind.WORDCLOUD:
        return [w for w in fields.get("word", []) if isinstance(w, str)]
    if kind is ActivityKind.RANKING:
        ranks = {}
        for name, values in fields.items():
            if name.startswith("rank-") and values:
                ranks[name[5:]] = values[0]
        if len(set(ranks.values())) != len(ranks):
            return None  # two items at the same place: refused, not silently reordered
        try:
            return [int(item) for item, _rank in sorted(ranks.items(), key=lambda kv: int(kv[1]))]
        except (TypeError, ValueError):
            return None
    if kind is ActivityKind.IDEAS:
        votes = {}
        for name, values in fields.items():
            if name.startswith("dots-") and values and values[0] not in ("", None):
                try:
                    votes[name[5:]] = int(values[0])
                except (TypeError, ValueError):
                    return None
        return votes
    if kind is ActivityKind.QUESTIONS:
        return _ints(fields.get("upvote", []))
    if kind is ActivityKind.SELF_ASSESSMENT:
        return kinds.SelfAssessment.answer_from_fields(fields)
    if kind is ActivityKind.PHOTOLANGAGE:
        answer = {"photos": _ints(fields.get("photo", []))}
        if one("word"):
            answer["word"] = one("word")
        return answer
    return None
