"""audit chain and public ids: people named by a random public id in the audit log,
entries hash-chained per organisation and append-only, participants' row ids never reused

Revision ID: 78e44da737aa
Revises: da7e05bf7bfb
Create Date: 2026-12-01 09:07:50.122339

"""
import hashlib
import json
import uuid
from datetime import UTC

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '78e44da737aa'
down_revision = 'da7e05bf7bfb'
branch_labels = None
depends_on = None

GENESIS = "0" * 64

# PostgreSQL: entries can be neither changed nor removed, except by the retention purge,
# which sets `facilitation.audit_purge` to 'on' for its own transaction (SET LOCAL), and
# may then only delete. (TRUNCATE and a table owner who drops the trigger are not stopped
# here: `flask audit-verify` shows what they did.)
APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('facilitation.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
"""


def _entry_hash(*, organisation_id, seq, created_at, actor_id, action, public_id, details,
                prev_hash):
    """Frozen copy of facilitation.audit.chain.entry_hash, version 1 (tests compare them)."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    payload = {
        "v": 1,
        "org": organisation_id,
        "seq": seq,
        "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "person": public_id,
        "details": details,
        "prev": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade():
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"

    op.create_table('audit_chains',
    sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('anchor_seq', sa.Integer(), nullable=False),
    sa.Column('anchor_hash', sa.String(length=64), nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_audit_chains_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_audit_chains'))
    )

    # --- participants: a random public id each; SQLite row ids never reused (AUTOINCREMENT)
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=36), nullable=True))
    participants = sa.table('participants', sa.column('id', sa.Integer),
                            sa.column('public_id', sa.String),
                            sa.column('created_at', sa.DateTime(timezone=True)))
    created = {}
    for participant_id, created_at in connection.execute(
        sa.select(participants.c.id, participants.c.created_at)
    ).all():
        created[participant_id] = created_at
        connection.execute(
            participants.update().where(participants.c.id == participant_id)
            .values(public_id=str(uuid.uuid4()))
        )
    public_ids = dict(connection.execute(sa.select(participants.c.id, participants.c.public_id)).all())
    with op.batch_alter_table(
        'participants', schema=None, recreate='always' if sqlite else 'auto',
        table_kwargs={'sqlite_autoincrement': True},
    ) as batch_op:
        batch_op.alter_column('public_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_participants_public_id'), ['public_id'])

    # --- audit entries: the person by public id, seq and hashes, then the chain heads
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('participant_public_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    entries = sa.table(
        'audit_entries', sa.column('id', sa.Integer), sa.column('organisation_id', sa.Integer),
        sa.column('created_at', sa.DateTime(timezone=True)), sa.column('actor_id', sa.Integer),
        sa.column('action', sa.String), sa.column('participant_ref', sa.Integer),
        sa.column('details', sa.JSON), sa.column('seq', sa.Integer),
        sa.column('participant_public_id', sa.String), sa.column('prev_hash', sa.String),
        sa.column('hash', sa.String),
    )
    chains = sa.table(
        'audit_chains', sa.column('organisation_id', sa.Integer), sa.column('length', sa.Integer),
        sa.column('head_hash', sa.String), sa.column('anchor_seq', sa.Integer),
        sa.column('anchor_hash', sa.String),
    )
    # An old entry's row id names today's holder of that id only if they already existed
    # when the entry was written; otherwise it was someone erased since (the bug this
    # fixes): they get a fresh public id, the same one for all their entries.
    erased = {}

    def person(ref, at):
        if ref is None:
            return None
        holder_since = created.get(ref)
        if holder_since is not None and _aware(holder_since) <= _aware(at):
            return public_ids[ref]
        return erased.setdefault(ref, str(uuid.uuid4()))

    heads = {}
    for row in connection.execute(
        sa.select(entries).order_by(entries.c.organisation_id, entries.c.created_at, entries.c.id)
    ).all():
        seq, prev = heads.get(row.organisation_id, (0, GENESIS))
        seq += 1
        details = json.loads(json.dumps(row.details or {}, sort_keys=True, default=str))
        if isinstance(details.get("merged"), int):
            # The merged record was removed by the merge: whoever holds its id now came after.
            details["merged"] = erased.setdefault(details["merged"], str(uuid.uuid4()))
        public_id = person(row.participant_ref, row.created_at)
        digest = _entry_hash(
            organisation_id=row.organisation_id, seq=seq, created_at=row.created_at,
            actor_id=row.actor_id, action=row.action, public_id=public_id, details=details,
            prev_hash=prev,
        )
        connection.execute(
            entries.update().where(entries.c.id == row.id).values(
                seq=seq, participant_public_id=public_id, details=details, prev_hash=prev,
                hash=digest,
            )
        )
        heads[row.organisation_id] = (seq, digest)
    for organisation_id, (length, head) in heads.items():
        connection.execute(chains.insert().values(
            organisation_id=organisation_id, length=length, head_hash=head, anchor_seq=0,
            anchor_hash=GENESIS,
        ))

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_index(batch_op.f('ix_audit_entries_participant_ref'))
        batch_op.create_index(batch_op.f('ix_audit_entries_participant_public_id'), ['participant_public_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entries_organisation_id_seq'), ['organisation_id', 'seq'])
        batch_op.drop_column('participant_ref')

    if connection.dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def _aware(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def downgrade():
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    if connection.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")

    with op.batch_alter_table(
        'participants', schema=None, recreate='always' if sqlite else 'auto',
        table_kwargs={'sqlite_autoincrement': False},
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participants_public_id'), type_='unique')
        batch_op.drop_column('public_id')

    # The person's row id cannot be told from a public id: old entries lose it.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_ref', sa.INTEGER(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_audit_entries_organisation_id_seq'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_audit_entries_participant_public_id'))
        batch_op.create_index(batch_op.f('ix_audit_entries_participant_ref'), ['participant_ref'], unique=False)
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('participant_public_id')
        batch_op.drop_column('seq')

    op.drop_table('audit_chains')
