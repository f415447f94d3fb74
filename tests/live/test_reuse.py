"""Reusing activities: duplicate, copy to another session, reset (confirmed, audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from facilitation.audit.models import AuditEntry
from facilitation.core.exceptions import NotFound, ValidationError
from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.models import ActivityStatus
from facilitation.workshops.models import WorkshopSession

from .conftest import add, answer_rows, client_id, phone


def test_a_duplicate_comes_right_after_without_the_answers(world, board):
    first = add(world.mediator, board, open_it=True)
    add(world.mediator, board, "scale", "Météo ?", {"style": "faces"})
    services.submit_answer(phone(board), first.id, client_id(), [1])
    copy = services.duplicate_activity(world.mediator, first)
    db.session.expire_all()
    assert [a.id for a in board.activities][:2] == [first.id, copy.id]
    assert copy.prompt == first.prompt and copy.config == first.config
    assert copy.status is ActivityStatus.DRAFT and answer_rows(copy) == 0


def test_a_copy_goes_to_the_end_of_another_session_of_ones_spaces(world, board):
    poll = add(world.mediator, board)
    later = WorkshopSession(
        cycle_id=world.session.cycle_id,
        theme="Suite",
        starts_on=world.session.starts_on + timedelta(days=7),
        starts_at=world.session.starts_at,
    )
    db.session.add(later)
    db.session.commit()
    copy = services.copy_activity(world.mediator, poll, later)
    target = services.board_for_session(world.mediator, later)
    assert [a.id for a in target.activities] == [copy.id]
    assert copy.prompt == poll.prompt
    with pytest.raises(NotFound):  # another team's session
        services.copy_activity(world.mediator, poll, world.other_session)


def test_a_reset_needs_a_confirmation_then_clears_and_is_audited(world, board):
    poll = add(world.mediator, board, open_it=True)
    services.submit_answer(phone(board), poll.id, client_id(), [0])
    with pytest.raises(ValidationError):
        services.reset_activity(world.mediator, poll, confirmed=False)
    assert answer_rows(poll) == 1
    assert services.reset_activity(world.mediator, poll, confirmed=True) == {
        "answers": 1,
        "contributions": 0,
    }
    assert answer_rows(poll) == 0 and poll.status is ActivityStatus.DRAFT
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == services.ACTIVITY_RESET)
    )
    assert entry.actor_id == world.mediator.id and entry.details["answers"] == 1


def test_the_reset_page_asks_first(client, auth, world, board):
    poll = add(world.mediator, board, open_it=True)
    services.submit_answer(phone(board), poll.id, client_id(), [0])
    auth.login(world.mediator)
    page = client.get(f"/activites/{poll.id}/reinitialiser")
    assert "1 réponse sera effacée" in page.get_data(as_text=True)
    refused = client.post(f"/activites/{poll.id}/reinitialiser", data={})
    assert refused.status_code == 422 and answer_rows(poll) == 1
    done = client.post(f"/activites/{poll.id}/reinitialiser", data={"confirm": "1"})
    assert done.status_code == 302 and answer_rows(poll) == 0


def test_duplicate_and_copy_from_the_pages(client, auth, world, board):
    poll = add(world.mediator, board)
    later = WorkshopSession(
        cycle_id=world.session.cycle_id,
        theme="Suite du cycle",
        starts_on=world.session.starts_on + timedelta(days=7),
        starts_at=world.session.starts_at,
    )
    db.session.add(later)
    db.session.commit()
    auth.login(world.mediator)
    assert client.post(f"/activites/{poll.id}/dupliquer").status_code == 302
    db.session.expire_all()
    assert len(board.activities) == 2
    edit = client.get(f"/activites/{poll.id}/modifier").get_data(as_text=True)
    assert "Copier vers une autre séance" in edit and "Suite du cycle" in edit
    assert (
        client.post(f"/activites/{poll.id}/copier", data={"session_id": str(later.id)}).status_code
        == 302
    )
    assert len(services.board_for_session(world.mediator, later).activities) == 1
    response = client.post(
        f"/activites/{poll.id}/copier", data={"session_id": str(world.other_session.id)}
    )
    assert response.status_code == 303  # not one of this mediator's sessions: refused
