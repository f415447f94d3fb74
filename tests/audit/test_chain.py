"""The audit log can be trusted: a person is named by a public id that is never reused,
entries are chained by hashes and append-only, and ``flask audit-verify`` finds a change
made behind the app's back (tampering is done here with plain SQL)."""

from __future__ import annotations

import threading
import uuid
from itertools import pairwise

import pytest
import sqlalchemy as sa

from facilitation.audit import chain
from facilitation.audit import services as audit
from facilitation.audit.models import GENESIS, AppendOnly, AuditChain, AuditEntry
from facilitation.extensions import db
from facilitation.participants import services as participants

from .. import factories
from ..conftest import text_of


def entries(organisation_id: int | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.organisation_id, AuditEntry.seq)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def seed(world, n: int = 5) -> list[AuditEntry]:
    colibri = factories.participant(world.space, "Colibri")
    for i in range(n):
        audit.record(
            world.org.id, audit.VIEW_JOURNEY, actor=world.mediator, participant=colibri, n=i
        )
    db.session.commit()
    return entries(world.org.id)


def tamper(sql: str, **params) -> None:
    """Change the table as someone with database access would (the trigger disabled)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    db.session.execute(sa.text(sql), params)
    db.session.commit()


# --- people named by a public id ---------------------------------------------------------


def test_an_entry_names_the_person_by_a_random_public_id(world):
    colibri = participants.create_participant(world.mediator, world.space, "Colibri")
    participants.staff_journey(world.mediator, colibri)
    (entry,) = entries()
    assert entry.participant_public_id == colibri.public_id
    assert uuid.UUID(colibri.public_id).version == 4
    assert entry.actor_id == world.mediator.id and entry.action == audit.VIEW_JOURNEY


def test_record_takes_the_participant_or_their_row_id(world):
    colibri = factories.participant(world.space, "Colibri")
    audit.record(world.org.id, audit.EXPORT, actor=world.mediator, participant_id=colibri.id)
    audit.record(world.org.id, audit.EXPORT, actor=world.mediator, participant=colibri)
    audit.record(world.org.id, audit.LOGIN, actor=world.mediator)
    db.session.commit()
    assert [e.participant_public_id for e in entries()] == [
        colibri.public_id,
        colibri.public_id,
        None,
    ]


def test_every_person_has_their_own_public_id(world):
    people = [factories.participant(world.space, f"P{i}") for i in range(20)]
    assert len({p.public_id for p in people}) == 20


def test_an_erased_persons_id_is_never_given_to_the_next_newcomer(client, auth, world):
    """Found: on SQLite the next newcomer got the erased person's row id, so the journal's
    past entries about the erased person pointed at her."""
    nour = participants.create_participant(world.mediator, world.space, "Nour")
    participants.staff_journey(world.mediator, nour)
    nour_id, nour_public_id = nour.id, nour.public_id
    participants.staff_erase(world.coordinator, nour)

    mimosa = participants.create_participant(world.mediator, world.space, "Mimosa")
    assert mimosa.id != nour_id
    assert mimosa.public_id != nour_public_id

    auth.login(world.coordinator)
    about_mimosa = text_of(client.get("/journal?personne=Mimosa"))
    assert "0 entrée" in about_mimosa
    about_nour = client.get(f"/journal?personne={nour_public_id}")
    text = text_of(about_nour)
    assert "2 entrées" in text and "Mimosa" not in text
    assert "personne effacée" in text


# --- the hash chain ----------------------------------------------------------------------------


def test_each_entry_holds_the_hash_of_the_one_before(world):
    rows = seed(world)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(rows))
    head = db.session.get(AuditChain, world.org.id)
    assert (head.length, head.head_hash) == (5, rows[-1].hash)
    assert chain.verify().ok


def test_each_organisation_has_its_own_chain(world):
    seed(world, 2)
    other = factories.organisation("Autre structure")
    audit.record(other.id, audit.LOGIN, actor=None)
    db.session.commit()
    (first,) = entries(other.id)
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    result = chain.verify()
    assert (result.ok, result.chains, result.entries) == (True, 2, 3)


def test_the_hash_covers_every_field(world):
    (entry,) = seed(world, 1)
    fields = dict(
        organisation_id=entry.organisation_id,
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        action=entry.action,
        participant_public_id=entry.participant_public_id,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )
    assert chain.entry_hash(**fields) == entry.hash
    for name, other in [
        ("organisation_id", 99),
        ("seq", 2),
        ("actor_id", None),
        ("action", "export"),
        ("participant_public_id", None),
        ("details", {"n": 1}),
        ("prev_hash", "f" * 64),
    ]:
        assert chain.entry_hash(**{**fields, name: other}) != entry.hash, name


def test_two_writers_at_once_never_fork_the_chain(app, world):
    organisation_id, writers, per_writer = world.org.id, 4, 10
    start = threading.Barrier(writers)
    errors: list[Exception] = []

    def write() -> None:
        with app.app_context():
            try:
                start.wait()
                for i in range(per_writer):
                    audit.record(organisation_id, audit.LOGIN, actor=None, n=i)
                    db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [e.seq for e in entries(organisation_id)] == list(range(1, writers * per_writer + 1))
    assert chain.verify().ok


# --- append-only ---------------------------------------------------------------------------------


def test_the_app_cannot_change_or_remove_an_entry(world):
    (entry,) = seed(world, 1)
    entry.action = "export"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    assert chain.verify().ok


def test_the_database_refuses_to_change_an_entry(world):
    seed(world, 2)
    if db.engine.dialect.name != "postgresql":
        # SQLite has no such trigger: there, the chain is what shows the change.
        tamper("UPDATE audit_entries SET action = 'export' WHERE seq = 1")
        assert not chain.verify().ok
        return
    for sql in ("UPDATE audit_entries SET action = 'export'", "DELETE FROM audit_entries"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(sql))
        db.session.rollback()
    # The purge's switch, for its own transaction only, allows deleting, never changing.
    db.session.execute(sa.text("SELECT set_config('facilitation.audit_purge', 'on', true)"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("UPDATE audit_entries SET action = 'export'"))
    db.session.rollback()
    db.session.execute(sa.text("SELECT set_config('facilitation.audit_purge', 'on', true)"))
    assert db.session.execute(sa.text("DELETE FROM audit_entries WHERE seq = 1")).rowcount == 1
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_entries"))
    db.session.rollback()
    assert len(entries()) == 2


# --- flask audit-verify -----------------------------------------------------------------------


def test_audit_verify_says_ok_on_an_intact_log(runner, world):
    seed(world)
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 5 audit entries in 1 chains" in result.output


def _forge(entry: AuditEntry) -> str:
    """The hash a forger would compute for an entry whose details they changed."""
    return chain.entry_hash(
        organisation_id=entry.organisation_id,
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        action=entry.action,
        participant_public_id=entry.participant_public_id,
        details={"n": 99},
        prev_hash=entry.prev_hash,
    )


@pytest.mark.parametrize(
    ("tampering", "broken_seq", "reason"),
    [
        ("changed", 3, "its content was changed"),
        ("forged", 4, "its link to the previous entry does not match"),
        ("removed", 4, "entries 3 to 3 before this one were removed"),
        ("removed_last", 4, "the last ones were removed"),
        ("actor_changed", 2, "its content was changed"),
    ],
)
def test_audit_verify_reports_the_first_broken_link(runner, world, tampering, broken_seq, reason):
    rows = seed(world)
    third = rows[2]
    broken = {r.seq: (r.id, r.created_at) for r in rows}[broken_seq]
    if tampering == "changed":
        tamper("UPDATE audit_entries SET details = '{\"n\": 99}' WHERE id = :id", id=third.id)
    elif tampering == "forged":  # the entry's own hash recomputed: the next link breaks
        tamper(
            "UPDATE audit_entries SET details = '{\"n\": 99}', hash = :hash WHERE id = :id",
            id=third.id,
            hash=_forge(third),
        )
    elif tampering == "removed":
        tamper("DELETE FROM audit_entries WHERE id = :id", id=third.id)
    elif tampering == "removed_last":
        tamper("DELETE FROM audit_entries WHERE id = :id", id=rows[-1].id)
    else:
        tamper("UPDATE audit_entries SET actor_id = NULL WHERE id = :id", id=rows[1].id)

    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1
    broken_id, broken_at = broken
    assert f"entry id {broken_id} (no. {broken_seq}, " in result.output
    assert broken_at.isoformat(timespec="seconds") in result.output
    assert reason in result.output
