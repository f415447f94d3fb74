"""From bus topics to the Socket.IO rooms ``project:<id>`` (namespace ``/projects``).

Services publish ``TOPIC`` after each committed change of a project; the live board's own
topics (``results``, ``state``) tell us when a vote of a project moved. Changes are
coalesced: at most one ``changed`` event per project every ``INTERVAL`` seconds, carrying
the project's version and what changed; clients then fetch their fragments over HTTP (the
same pages as without JavaScript). With ``REDIS_URL`` the emit goes through Redis, so a
change made on one process reaches viewers connected to another.
"""

from __future__ import annotations

import logging
import threading

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
    def __init__(self) -> None:
        self._projects: dict[int, tuple[Flask, set[str]]] = {}
        self._boards: dict[int, Flask] = {}
        self._lock = threading.Lock()
        self._started = False

    def init_app(self, app: Flask) -> None:
        bus.subscribe(services.TOPIC, self.on_project)
        bus.subscribe(bus.RESULTS, self.on_board)
        bus.subscribe(bus.STATE, self.on_board)

    def on_project(self, project_id: int, what: str = "project", **_):
        with self._lock:
            app, whats = self._projects.get(project_id, (current_app._get_current_object(), set()))
            whats.add(what)
            self._projects[project_id] = (app, whats)
        self._ensure_started()

    def on_board(self, board_id: int, **_):
        """A board changed: cheap here (no query); the flush looks for votes on it."""
        with self._lock:
            self._boards[board_id] = current_app._get_current_object()
        self._ensure_started()

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
            boards, self._boards = self._boards, {}
        for board_id, app in boards.items():
            with app.app_context():
                for project_id in services.projects_voting_on_board(board_id):
                    projects.setdefault(project_id, (app, set()))[1].add("vote")
                db.session.remove()
        for project_id, (app, whats) in projects.items():
            with app.app_context():
                project = db.session.get(Project, project_id)
                if project is not None:
                    socketio.emit(
                        "changed",
                        {"project": project_id, "version": project.version, "what": sorted(whats)},
                        to=project_room(project_id),
                        namespace=NAMESPACE,
                    )
                db.session.remove()


broadcaster = ProjectBroadcaster()
