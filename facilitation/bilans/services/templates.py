"""Bilan templates: four built-ins, copied into each structure, editable and copyable by
the coordinator (a mediator only chooses one)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...core import text
from ...core.exceptions import NotFound, ValidationError
from ...extensions import db
from ...spaces import services as spaces
from ..models import BilanTemplate

MAX_QUESTIONS = 8
QUESTION_LIMIT = 300
NAME_LIMIT = 120

# key → (name, questions, with a météo). French is the source of the seeds' words.
BUILTINS = {
    "seance": (
        _l("Session review"),
        [_l("One word for today"), _l("And next time?")],
        True,
    ),
    "cycle": (
        _l("Cycle review"),
        [
            _l("What worked"),
            _l("What worked less well"),
            _l("What we learned"),
            _l("And now?"),
        ],
        False,
    ),
    "projet": (
        _l("Project review"),
        [
            _l("What worked"),
            _l("What worked less well"),
            _l("What we learned"),
            _l("And now?"),
        ],
        False,
    ),
    "4l": (
        _l("4L review"),
        [_l("Liked"), _l("Learned"), _l("Lacked"), _l("Longed for")],
        False,
    ),
}


def ensure_builtins(organisation_id: int) -> None:
    """Copy the built-ins into the structure once (then they are its own to edit).
    Called before any other change of the request: it commits."""
    have = set(
        db.session.scalars(
            sa.select(BilanTemplate.builtin).where(
                BilanTemplate.organisation_id == organisation_id,
                BilanTemplate.builtin.is_not(None),
            )
        )
    )
    added = False
    for key, (name, questions, meteo) in BUILTINS.items():
        if key in have:
            continue
        db.session.add(
            BilanTemplate(
                organisation_id=organisation_id,
                name=str(name),
                builtin=key,
                questions=[str(q) for q in questions],
                with_meteo=meteo,
            )
        )
        added = True
    if added:
        # Committed at once: the ids a form offers must still be there when it is posted
        # (a rolled-back insert would give other ids on PostgreSQL). Two first visits at
        # the same time: the unique name keeps one copy, the other request uses it.
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()


def list_templates(actor: User) -> list[BilanTemplate]:
    ensure_builtins(actor.organisation_id)
    return list(
        db.session.scalars(
            sa.select(BilanTemplate)
            .where(BilanTemplate.organisation_id == actor.organisation_id)
            .order_by(BilanTemplate.id)
        )
    )


def get_template(actor: User, template_id: int) -> BilanTemplate:
    ensure_builtins(actor.organisation_id)
    template = db.session.get(BilanTemplate, template_id)
    if template is None or template.organisation_id != actor.organisation_id:
        raise NotFound
    return template


def builtin(organisation_id: int, key: str) -> BilanTemplate:
    ensure_builtins(organisation_id)
    return db.session.scalar(
        sa.select(BilanTemplate).where(
            BilanTemplate.organisation_id == organisation_id, BilanTemplate.builtin == key
        )
    )


def clean_questions(raw: str | list[str]) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    questions = [
        text.clean(line, limit=QUESTION_LIMIT, field="questions")
        for line in lines
        if isinstance(line, str) and line.strip()
    ]
    if not questions:
        raise ValidationError(_("Write at least one question, one per line."), "questions")
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("At most %(n)d questions.", n=MAX_QUESTIONS), "questions")
    return questions


def _commit_unique() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(_("A template already has this name."), "name") from None


def update_template(
    actor: User, template: BilanTemplate, *, name: str, questions, with_meteo: bool
) -> BilanTemplate:
    spaces.ensure_coordinator(actor)
    template.name = text.clean(name, limit=NAME_LIMIT, field="name")
    template.questions = clean_questions(questions)
    template.with_meteo = bool(with_meteo)
    _commit_unique()
    return template


def copy_template(actor: User, template: BilanTemplate) -> BilanTemplate:
    spaces.ensure_coordinator(actor)
    base = _("Copy of %(name)s", name=template.name)[:NAME_LIMIT]
    name, n = base, 2
    taken = set(
        db.session.scalars(
            sa.select(BilanTemplate.name).where(
                BilanTemplate.organisation_id == template.organisation_id
            )
        )
    )
    while name in taken:
        name = f"{base[: NAME_LIMIT - 5]} ({n})"
        n += 1
    copy = BilanTemplate(
        organisation_id=template.organisation_id,
        name=name,
        questions=list(template.questions),
        with_meteo=template.with_meteo,
    )
    db.session.add(copy)
    _commit_unique()
    return copy
