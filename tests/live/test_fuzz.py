"""Socket fuzz test (issue 7, "Checks in CI"): generated payloads on every client event.

Every event a client can send (``connect`` auth, ``answer``, ``contribute``, ``sync``,
``control`` with every action, and names the protocol does not have), as a participant,
a co-animator, a screen and staff, with payloads hypothesis generates: wrong types,
huge integers, lone surrogates, bidi and control characters, nesting, missing and
extra arguments. For each:

- the ack is a dict the protocol documents; a refusal is one of its codes, never
  ``server``, always with a message;
- nothing is logged at ERROR level, and no traceback;
- a refusal changed nothing (rows, the board's version, activities' state);
- presence still counts the phones whose sockets are open.

The board and its sockets are set up once per test and shared by the examples (a
payload acts on what earlier ones left, as in a real session). Bounded: a few hundred
examples, no deadline (the database is real), no example database written.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.models import (
    Activity,
    Answer,
    Board,
    Contribution,
    Handover,
    LiveConnection,
    LiveParticipant,
)
from facilitation.live.ratelimit import control_limiter, participant_limiter
from facilitation.participants.models import CoAnimation

from .conftest import NS, add

ACK_ERRORS = {
    "not_joined",
    "not_found",
    "closed",
    "invalid",
    "too_long",
    "rate_limited",
    "limit_reached",
    "forbidden",
}
CLIENT_EVENTS = {"answer", "contribute", "sync", "control"}
CONNECT_REFUSALS = {"invalid", "not_joined", "forbidden", "rate_limited", "too_many_connections"}
FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --- what a client may throw at the server -----------------------------------------------------

SPECIAL = [
    "\ud800",  # lone surrogates
    "\udfff",
    "\u202e",  # bidi override, isolates, marks
    "\u2066",
    "\u200f",
    "\x00",
    "\x07",
    "\n",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "e\u0301",  # to be normalised (NFC)
    "🙂",
    "ا",
    "<script>",
    " ",
]
texts = st.lists(st.one_of(st.characters(), st.sampled_from(SPECIAL)), max_size=12).map("".join)
big_ints = st.sampled_from(
    [0, -1, 2**31 - 1, 2**31, 2**53, 2**63 - 1, 2**63, 2**64, -(2**63), 10**30, 10**45]
)
ints = st.one_of(st.integers(-3, 40), big_ints)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    ints,
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def _nested(depth: int):
    value: object = "fond"
    for _ in range(depth):
        value = [value]
    return value


deep = st.integers(5, 30).map(_nested)


def junk(good, weight: int = 6):
    """Mostly (``weight`` in ``weight + 2``) a plausible value, else anything at all.

    (``one_of(good, good, good, bad)`` would not weigh: equal branches are merged.)"""
    return st.integers(0, weight + 1).flatmap(
        lambda k: good if k < weight else scalars if k == weight else json_values
    )


FIELD_NAMES = ["choice", "value", "word", "upvote", "rank-0", "rank-1", "rank-2", "dots-1"]
client_ids = junk(st.text(alphabet="0123456789abcdef", min_size=8, max_size=64))


def answer_values(fuzzed, activity_id):
    """An answer of the right shape for that activity's kind (right or wrong values)."""
    known = isinstance(activity_id, int) and not isinstance(activity_id, bool)
    kind = fuzzed.kinds.get(activity_id) if known else None
    ideas = fuzzed.contributions_of.get(activity_id, [1]) if known else [1]
    by_kind = {
        "poll": st.one_of(st.integers(-1, 3), st.lists(st.integers(0, 3), max_size=3)),
        "quiz": st.integers(-1, 2),
        "scale": st.integers(0, 6),
        "debate": st.integers(0, 6),
        "wordcloud": st.lists(texts, max_size=4),
        "ranking": st.permutations([0, 1, 2]),
        "ideas": st.dictionaries(st.sampled_from(ideas).map(str), st.integers(0, 4), max_size=3),
        "questions": st.lists(st.sampled_from(ideas), max_size=3),
    }
    return junk(by_kind.get(kind, json_values))


def answer_payloads(fuzzed):
    fields = st.dictionaries(
        st.one_of(st.sampled_from(FIELD_NAMES), texts),
        st.one_of(st.lists(st.integers(-1, 12).map(str), max_size=3), scalars),
        max_size=5,
    )

    def payload(activity_id):
        common = {"activity_id": st.just(activity_id), "client_id": client_ids}
        values = st.integers(0, 5).flatmap(
            lambda k: deep if k == 0 else answer_values(fuzzed, activity_id)
        )
        extra = {"extra": json_values}
        return st.one_of(
            st.fixed_dictionaries({**common, "value": values}, optional=extra),
            st.fixed_dictionaries({**common, "fields": junk(fields)}, optional=extra),
            st.fixed_dictionaries(common, optional=extra),  # neither
        )

    return junk(st.sampled_from(fuzzed.activity_ids)).flatmap(payload)


def contribute_payloads(activity_ids):
    return st.fixed_dictionaries(
        {
            "activity_id": junk(st.sampled_from(activity_ids)),
            "client_id": client_ids,
            "text": junk(texts),
        },
        optional={"extra": json_values},
    )


def control_payloads(activity_ids, contribution_ids, participant_ids):
    return st.fixed_dictionaries(
        {"action": junk(st.sampled_from(sorted(services.ACTIONS)))},
        optional={
            "activity_id": junk(st.sampled_from(activity_ids)),
            "contribution_id": junk(st.sampled_from(contribution_ids)),
            "participant_id": junk(st.sampled_from(participant_ids)),
            "phase": junk(st.sampled_from(["first", "final", "collect", "vote"])),
            "hidden": junk(st.booleans()),
            "revealed": junk(st.booleans()),
            "answered": junk(st.booleans()),
            "word": junk(st.sampled_from(["santé", "logement"])),
            "name": junk(st.sampled_from(["Accès", "Droits"])),
            "column": junk(st.sampled_from(["Accès", "", None])),
            "scope": junk(st.sampled_from(["session", "activity"])),
        },
    )


# --- the board under fuzz ----------------------------------------------------------------------


class Board_:
    """A board with every kind of activity, phones, a co-animator, a screen, staff."""

    def __init__(self, world, board, sockets):
        self.board = board
        kinds = [
            ("poll", {"choices": ["Oui", "Non", "Peut-être"]}),
            ("quiz", {"choices": ["Vrai", "Faux"], "correct": [0]}),
            ("scale", {}),
            ("wordcloud", {}),
            ("ranking", {"items": ["Logement", "Santé", "Droits"]}),
            ("debate", {}),
            ("ideas", {}),
            ("questions", {}),
        ]
        self.activities = [
            add(world.mediator, board, kind, f"Activité {kind}", config, open_it=True)
            for kind, config in kinds
        ]
        self.phones = [sockets.phone(board, f"Téléphone {n}") for n in range(3)]
        self.co_animator = sockets.phone(board, "Colibri")
        self.screen = sockets.screen(board)
        self.staff = sockets.staff(board, world.mediator)
        colibri = db.session.scalar(
            sa.select(LiveParticipant.id).where(LiveParticipant.pseudonym == "Colibri")
        )
        ack = self.staff.emit(
            "control",
            {"action": "handover", "participant_id": colibri},
            namespace=NS,
            callback=True,
        )
        assert ack["ok"], ack
        ideas, questions = self.activities[6], self.activities[7]
        for activity in (ideas, questions):
            for n, sio in enumerate(self.phones):
                ack = sio.emit(
                    "contribute",
                    {
                        "activity_id": activity.id,
                        "client_id": f"setup-{activity.id}-{n}",
                        "text": "Idée",
                    },
                    namespace=NS,
                    callback=True,
                )
                assert ack["ok"], ack
        self.activity_ids = [*(a.id for a in self.activities), 999_999]
        self.kinds = {a.id: a.kind.value for a in self.activities}
        self.contributions_of = {
            activity.id: list(
                db.session.scalars(
                    sa.select(Contribution.id).where(Contribution.activity_id == activity.id)
                )
            )
            for activity in (ideas, questions)
        }
        self.contribution_ids = [*db.session.scalars(sa.select(Contribution.id)), 999_999]
        self.participant_ids = [*db.session.scalars(sa.select(LiveParticipant.id)), 999_999]
        self.phone_http = self.phones[1].http
        self.staff_http = self.staff.http
        self.clients = {
            "participant": self.phones[0],
            "co-animator": self.co_animator,
            "screen": self.screen,
            "staff": self.staff,
        }

    def snapshot(self) -> tuple:
        db.session.expire_all()

        def count(model):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

        activities = db.session.execute(
            sa.select(Activity.id, Activity.status, Activity.results_visible, Activity.state)
            .where(Activity.board_id == self.board.id)
            .order_by(Activity.id)
        ).all()
        contributions = db.session.execute(
            sa.select(
                Contribution.id, Contribution.hidden, Contribution.column, Contribution.answered
            ).order_by(Contribution.id)
        ).all()
        answers = db.session.execute(
            sa.select(Answer.id, Answer.client_id, Answer.value).order_by(Answer.id)
        ).all()
        return (
            [tuple(a) for a in activities],
            [tuple(c) for c in contributions],
            [tuple(a) for a in answers],
            count(Handover),
            count(CoAnimation),
            count(LiveParticipant),
            db.session.scalar(sa.select(Board.version).where(Board.id == self.board.id)),
            db.session.scalar(
                sa.select(Board.current_activity_id).where(Board.id == self.board.id)
            ),
        )

    def presence_is_right(self) -> None:
        db.session.expire_all()
        for sio in (*self.phones, self.co_animator, self.screen, self.staff):
            assert sio.is_connected(NS)
        assert services.connected_count(self.board) == len(self.phones) + 1
        assert db.session.scalar(sa.select(sa.func.count(LiveConnection.id))) == 6


@pytest.fixture
def fuzzed(world, board, sockets):
    return Board_(world, board, sockets)


@pytest.fixture
def quiet(caplog):
    """Records of level ERROR and above, or with a traceback, since the last clear."""
    caplog.set_level(logging.WARNING)

    def bad():
        found = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        caplog.clear()
        return [f"{r.name}: {r.getMessage()}" for r in found]

    return bad


def _check_reply(reply, before, after) -> None:
    assert isinstance(reply, dict), reply
    assert isinstance(reply.get("ok"), bool), reply
    if not reply["ok"]:
        assert reply.get("error") in ACK_ERRORS, reply  # never "server"
        assert isinstance(reply.get("message"), str) and reply["message"], reply
        assert after == before, reply  # a refusal wrote nothing


# --- the tests -----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_every_event_from_every_role_gets_a_documented_ack_and_breaks_nothing(fuzzed, quiet, data):
    role = data.draw(st.sampled_from(sorted(fuzzed.clients)), label="role")
    others = st.one_of(
        st.sampled_from(["connect", "disconnect", "message", "state", "join"]),
        st.text(min_size=1, max_size=20),
    )
    name = data.draw(
        junk(st.sampled_from(sorted(CLIENT_EVENTS))).flatmap(
            lambda drawn: (
                st.just(drawn) if isinstance(drawn, str) and drawn in CLIENT_EVENTS else others
            )
        ),
        label="event",
    )
    payloads = {
        "answer": answer_payloads(fuzzed),
        "contribute": contribute_payloads(fuzzed.activity_ids),
        "sync": st.sampled_from([None, {}]),
        "control": control_payloads(
            fuzzed.activity_ids, fuzzed.contribution_ids, fuzzed.participant_ids
        ),
    }
    payload = junk(payloads.get(name, json_values))
    count = data.draw(st.sampled_from([1] * 8 + [0, 2]), label="arguments")
    args = [data.draw(payload, label="payload") for _ in range(count)]
    participant_limiter._buckets.clear()
    control_limiter._buckets.clear()
    before = fuzzed.snapshot()

    reply = fuzzed.clients[role].emit(name, *args, namespace=NS, callback=True)

    event(f"{role} {name if name in CLIENT_EVENTS else '(other)'}: {reply.get('error', 'ok')}")
    _check_reply(reply, before, fuzzed.snapshot())
    assert quiet() == []
    fuzzed.presence_is_right()


@FUZZ
@given(data=st.data())
def test_every_connect_auth_is_refused_cleanly_or_admitted_once(app, fuzzed, sockets, quiet, data):
    code = fuzzed.board.join_code
    auth = data.draw(
        junk(
            st.fixed_dictionaries(
                {},
                optional={
                    "code": junk(st.sampled_from([code, code.lower(), f" {code[:3]}-{code[3:]} "])),
                    "role": junk(st.sampled_from(["participant", "screen", "control"])),
                    "key": junk(st.sampled_from([fuzzed.board.screen_key, ""])),
                },
            ),
        ),
        label="auth",
    )
    who = data.draw(st.sampled_from(["new phone", "joined phone", "staff"]), label="who")
    http = {
        "new phone": app.test_client(),
        "joined phone": fuzzed.phone_http,
        "staff": fuzzed.staff_http,
    }[who]
    rows_before = db.session.scalar(sa.select(sa.func.count(LiveConnection.id)))

    sio, refusal = sockets.attempt(http, auth=auth)

    event(f"{who}: {refusal or 'connected'}")
    if sio.is_connected(NS):
        assert refusal is None
        sio.disconnect(namespace=NS)
    else:
        assert refusal in CONNECT_REFUSALS, refusal
    sockets.opened.remove(sio)
    assert quiet() == []
    assert db.session.scalar(sa.select(sa.func.count(LiveConnection.id))) == rows_before
    fuzzed.presence_is_right()
