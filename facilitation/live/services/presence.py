"""Phones joining a board, and who is connected now.

Presence is counted from one ``LiveConnection`` row per open socket (never from
+1/-1 counters, which a replayed or lost disconnect drove wrong): a row is written
when a socket is set up, deleted when it closes, and refreshed by its process's
heartbeat. A process that dies leaves rows that stop counting after
``LIVE_CONNECTION_TTL`` seconds and are deleted by any process's next heartbeat; a
process starting under the same host and pid first deletes what an earlier life left.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core import text
from ...core.database import utcnow
from ...core.exceptions import ValidationError
from ...extensions import db
from ...participants.models import ParticipantDevice
from .. import bus
from ..models import Board, LiveConnection, LiveParticipant
from .boards import hash_device

PSEUDONYM_MAX = 40


def clean_pseudonym(raw: str | None) -> str | None:
    """The pseudonym through the app's text validation; ``None``: stays anonymous."""
    try:
        pseudonym = text.clean_optional(raw, limit=PSEUDONYM_MAX, field="pseudonym")
    except text.TextRefused as refused:
        if refused.code == "too_long":
            raise ValidationError(
                _("A pseudonym has at most %(n)d characters.", n=PSEUDONYM_MAX), "pseudonym"
            ) from None
        raise
    return pseudonym or None


def join(board: Board, device_key: str, *, pseudonym: str | None, language: str) -> LiveParticipant:
    """Join (or re-join) a board from a phone. The same phone stays the same participant."""
    device_hash = hash_device(device_key)
    pseudonym = clean_pseudonym(pseudonym)
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationError(_("Choose a language from the list."), "language")
    for _attempt in range(2):
        participant = participant_for_device(board, device_key)
        if participant is None:
            participant = LiveParticipant(board_id=board.id, device_hash=device_hash)
            db.session.add(participant)
        if participant.participant_id is None:
            # A phone already linked to a participant (an earlier check-in, a sign-in link)
            # is recognised: same pseudonymous identity from one session to the next.
            participant.participant_id = db.session.scalar(
                sa.select(ParticipantDevice.participant_id).where(
                    ParticipantDevice.device_hash == device_hash
                )
            )
        participant.pseudonym = pseudonym
        participant.language = language
        participant.last_seen_at = utcnow()
        try:
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
    bus.publish(bus.PRESENCE, board.id)
    return participant


def participant_for_device(board: Board, device_key: str | None) -> LiveParticipant | None:
    if not device_key:
        return None
    return db.session.scalar(
        sa.select(LiveParticipant).where(
            LiveParticipant.board_id == board.id,
            LiveParticipant.device_hash == hash_device(device_key),
        )
    )


# --- open connections ----------------------------------------------------------------


STARTED_AT = utcnow()  # this module is imported when the app is created, before any socket


def process_key() -> str:
    """This process, as written on its connection rows (read each time: workers fork)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _alive_since():
    return utcnow() - timedelta(seconds=current_app.config["LIVE_CONNECTION_TTL"])


def _alive():
    return LiveConnection.seen_at > _alive_since()


def connection_opened(
    sid: str, board_id: int, *, role: str, participant_id: int | None = None
) -> bool:
    """Record an open socket. A phone may hold ``LIVE_MAX_SOCKETS_PER_PHONE``: beyond,
    nothing is kept and ``False`` is returned (the connection is then refused)."""
    now = utcnow()
    db.session.add(
        LiveConnection(
            sid=sid,
            process=process_key(),
            board_id=board_id,
            participant_id=participant_id,
            role=role,
            connected_at=now,
            seen_at=now,
        )
    )
    db.session.commit()
    if participant_id is None:
        return True
    # Counted after the commit: two sockets opening at once both see each other.
    open_sockets = db.session.scalar(
        sa.select(sa.func.count(LiveConnection.id)).where(
            LiveConnection.participant_id == participant_id, _alive()
        )
    )
    if open_sockets > current_app.config["LIVE_MAX_SOCKETS_PER_PHONE"]:
        db.session.execute(sa.delete(LiveConnection).where(LiveConnection.sid == sid))
        db.session.commit()
        return False
    bus.publish(bus.PRESENCE, board_id)
    return True


def connection_closed(sid: str) -> None:
    """Forget a socket that closed (again: nothing happens)."""
    row = db.session.execute(
        sa.select(LiveConnection.board_id, LiveConnection.participant_id).where(
            LiveConnection.sid == sid
        )
    ).first()
    if row is None:
        return
    db.session.execute(sa.delete(LiveConnection).where(LiveConnection.sid == sid))
    db.session.commit()
    if row.participant_id is not None:
        bus.publish(bus.PRESENCE, row.board_id)


def heartbeat(open_sids: Callable[[], set[str]] | None = None) -> None:
    """This process's connections are alive; the ones no process refreshed are not.

    ``open_sids()``: the sockets this process really holds (the transport knows them). A
    row of this process for another socket (its disconnect was lost) is deleted too. It
    is asked *after* the rows are read: a socket is known to the transport before its
    row is written, so one connecting meanwhile is never taken for lost.
    """
    now = utcnow()
    mine = LiveConnection.process == process_key()
    lost: set[str] = set()
    if open_sids is not None:
        rows = set(db.session.scalars(sa.select(LiveConnection.sid).where(mine)))
        lost = rows - open_sids()
    db.session.execute(sa.update(LiveConnection).where(mine).values(seen_at=now))
    gone = (~_alive() | LiveConnection.sid.in_(lost)) if lost else ~_alive()
    boards = set(
        db.session.scalars(
            sa.select(LiveConnection.board_id)
            .where(gone, LiveConnection.participant_id.is_not(None))
            .distinct()
        )
    )
    db.session.execute(sa.delete(LiveConnection).where(gone))
    db.session.commit()
    for board_id in boards:  # their screens count fewer phones now
        bus.publish(bus.PRESENCE, board_id)


def forget_process() -> None:
    """At start: rows under this host and pid, older than this process, were left by an
    earlier life of it (a container restarts with the same pid). Rows written since the
    start are kept, so this may run while the first sockets connect."""
    db.session.execute(
        sa.delete(LiveConnection).where(
            LiveConnection.process == process_key(), LiveConnection.connected_at < STARTED_AT
        )
    )
    db.session.commit()


def _connected_ids(board: Board):
    return sa.select(LiveConnection.participant_id).where(
        LiveConnection.board_id == board.id,
        LiveConnection.participant_id.is_not(None),
        _alive(),
    )


def connected_participants(board: Board) -> list[LiveParticipant]:
    """The phones with at least one open socket, by pseudonym."""
    return list(
        db.session.scalars(
            sa.select(LiveParticipant)
            .where(LiveParticipant.id.in_(_connected_ids(board)))
            .order_by(
                LiveParticipant.pseudonym.is_(None), LiveParticipant.pseudonym, LiveParticipant.id
            )
        )
    )


PAGE_PROCESS = "page"  # rows of phones without JavaScript: no socket, no process holds them


def page_seen(board: Board, participant: LiveParticipant) -> None:
    """A phone without JavaScript is on the board's page (its meta refresh came back):
    it counts as connected for ``LIVE_CONNECTION_TTL`` seconds, like a socket's row."""
    sid = f"page:{participant.id}"
    now = utcnow()
    updated = db.session.execute(
        sa.update(LiveConnection).where(LiveConnection.sid == sid).values(seen_at=now)
    ).rowcount
    if not updated:
        db.session.add(
            LiveConnection(
                sid=sid,
                process=PAGE_PROCESS,
                board_id=board.id,
                participant_id=participant.id,
                role="participant",
                connected_at=now,
                seen_at=now,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:  # two refreshes at once: the other one wrote it
        db.session.rollback()
        return
    if not updated:
        bus.publish(bus.PRESENCE, board.id)


def connected_ids(board: Board):
    """The ids of the phones connected now, as a subquery (for counts joined to it)."""
    return _connected_ids(board)


def connected_count(board: Board) -> int:
    """Phones with at least one open socket (a phone with two tabs counts once)."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(LiveConnection.participant_id))).where(
            LiveConnection.board_id == board.id,
            LiveConnection.participant_id.is_not(None),
            _alive(),
        )
    )
