"""From bus topics to the Socket.IO rooms ``project:<id>`` (namespace ``/projects``).

Services publish ``TOPIC`` after each committed change of a project; the live board's own
topics (``results``, ``state``) tell us when a vote of a project moved (the list of boards
with a vote in progress is read at most every ``VOTING_TTL`` seconds, not at each answer).
Changes are coalesced: at most one ``changed`` event per project every ``INTERVAL``
seconds, carrying the project's version (``null`` for a vote's answers) and what changed;
clients then fetch their pages over HTTP (the same as without JavaScript). With
``REDIS_URL`` the emit goes through Redis, so a change made on one process reaches
viewers connected to another.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from flask import Flask, current_app

from ..extensions import db, socketio
from ..live import bus
from . import services
from .models import Project

NAMESPACE = "/projects"
INTERVAL = 0.2
log = logging.getLogger(__name__)


def project_room(project_id: int) -> str:
    return f"project:{project_id}"


class ProjectBroadcaster:
    """Everything that reads the database happens in the request that made the change;
    the background loop only emits. (A background thread holding a transaction would
    compete with the request threads — and with a test emptying the tables.)"""

    VOTING_TTL = 0.5  # s: how old the list of boards with a vote in progress may be

    def __init__(self) -> None:
        # project id -> (app, version, what changed)
        self._projects: dict[int, tuple[Flask, int | None, set[str]]] = {}
        self._voting: dict[int, list[int]] = {}  # board id -> projects voting on it
        self._voting_read_at = float("-inf")
        self._lock = threading.Lock()
        self._started = False

    def init_app(self, app: Flask) -> None:
        bus.subscribe(services.TOPIC, self.on_project)
        bus.subscribe(bus.RESULTS, self.on_board)
        bus.subscribe(bus.STATE, self.on_board)

    def _mark(self, project_id: int, version: int | None, what: str) -> None:
        with self._lock:
            app, known, whats = self._projects.get(
                project_id, (current_app._get_current_object(), None, set())
            )
            whats.add(what)
            if version is not None:
                known = max(version, known or 0)
            self._projects[project_id] = (app, known, whats)
        self._ensure_started()

    def on_project(self, project_id: int, what: str = "project", **_):
        """A committed change of a project (called by its services)."""
        if what == "decisions":
            self.forget_votes()  # a vote may have started or ended
        version = db.session.scalar(sa.select(Project.version).where(Project.id == project_id))
        self._mark(project_id, version, what)

    def on_board(self, board_id: int, **_):
        """A board changed (an answer, an opening…): tell the projects voting on it."""
        for project_id in self._projects_voting_on(board_id):
            self._mark(project_id, None, "vote")

    def _projects_voting_on(self, board_id: int) -> list[int]:
        now = time.monotonic()
        if now - self._voting_read_at > self.VOTING_TTL:
            self._voting = services.boards_with_votes()
            self._voting_read_at = now
        return self._voting.get(board_id, [])

    def forget_votes(self) -> None:
        """A vote started or ended: read the list again at the next board change."""
        self._voting_read_at = float("-inf")

    def _ensure_started(self) -> None:
        if current_app.config.get("LIVE_BROADCAST_SYNC"):
            self.flush()
            return
        if self._started:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
        socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            socketio.sleep(INTERVAL)
            try:
                self.flush()
            except Exception:
                log.exception("project broadcast failed")

    def flush(self) -> None:
        with self._lock:
            projects, self._projects = self._projects, {}
        for project_id, (_app, version, whats) in projects.items():
            socketio.emit(
                "changed",
                {"project": project_id, "version": version, "what": sorted(whats)},
                to=project_room(project_id),
                namespace=NAMESPACE,
            )


broadcaster = ProjectBroadcaster()
