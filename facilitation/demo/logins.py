"""The demo logins, kept so that every ``make run`` can print them again.

``seed-demo`` writes them to ``instance/demo-logins.json`` (readable by this user only:
they are the demo's passwords, nothing else). :func:`logins` gives them back only while
the demo data is in place: each account still exists and its password still works.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.security import check_password_hash

from ..accounts.models import User
from ..extensions import db

FILE = "demo-logins.json"


def _path() -> Path:
    return Path(
        current_app.config.get("DEMO_LOGINS_FILE") or Path(current_app.instance_path) / FILE
    )


def remember(result: dict) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    keep = {
        "coordinator": result["coordinator"],
        "mediators": [
            {"email": m["email"], "password": m["password"], "spaces": m["spaces"]}
            for m in result["mediators"]
        ],
        "join_code": result["live"]["join_code"],
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(keep, out, ensure_ascii=False)


def _still_works(email: str, password: str) -> bool:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    return user is not None and user.active and check_password_hash(user.password_hash, password)


def logins() -> dict | None:
    """The demo's logins and live-board links (URLs need a request context), or None."""
    from ..live.models import Board
    from ..live.routes import join_url, screen_url

    try:
        kept = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    accounts = [kept["coordinator"], *kept["mediators"]]
    if not all(_still_works(a["email"], a["password"]) for a in accounts):
        return None
    result = {
        "login_url": url_for("accounts.login", _external=True),
        "coordinator": kept["coordinator"],
        "mediators": kept["mediators"],
    }
    board = db.session.scalar(sa.select(Board).where(Board.join_code == kept.get("join_code")))
    if board is not None:
        result["live"] = {
            "join_code": board.join_code,
            "join_url": join_url(board),
            "screen_url": screen_url(board),
            "control_url": url_for("live.control", session_id=board.session_id, _external=True),
        }
    return result
