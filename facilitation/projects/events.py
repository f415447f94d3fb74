"""Socket.IO namespace ``/projects``: join the room of one project, then hear ``changed``.

``connect`` with ``auth={"project": <id>}``: staff of the project's space (their login
cookie) or a member's phone (its ``fac_device`` cookie). Anyone else is refused with
``not_found`` — the same answer whether the project exists or not. The protocol is in
docs/realtime.md.
"""

from __future__ import annotations

import logging

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from ..core.exceptions import NotFound
from ..extensions import db
from ..live.events import DEVICE_COOKIE
from . import services
from .broadcast import NAMESPACE, broadcaster, project_room
from .models import Project

log = logging.getLogger(__name__)
MAX_ID = 2**31 - 1


def _project_id(auth) -> int:
    value = auth.get("project") if isinstance(auth, dict) else None
    if isinstance(value, str) and value.isdigit() and len(value) < 11:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise NotFound
    return value


def authorise(auth) -> Project:
    """The project this connection may follow, else :class:`NotFound`."""
    project_id = _project_id(auth)
    if current_user.is_authenticated:
        return services.get_project(current_user, project_id)
    participant = services.participant_for_device(request.cookies.get(DEVICE_COOKIE))
    member = services.member_for(participant, project_id)
    return db.session.get(Project, member.project_id)


class ProjectsNamespace(Namespace):
    def on_connect(self, auth=None):
        try:
            project = authorise(auth)
        except NotFound:
            db.session.rollback()
            raise ConnectionRefusedError("not_found") from None
        join_room(project_room(project.id))
        return None

    def on_sync(self, data=None):
        """The project's current version (after a reconnection: refetch if it moved)."""
        try:
            project = authorise(data)
        except NotFound:
            db.session.rollback()
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "version": project.version}


def init_app(app) -> None:
    from ..extensions import socketio

    socketio.on_namespace(ProjectsNamespace(NAMESPACE))
    broadcaster.init_app(app)
