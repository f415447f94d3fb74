"""people seen through spaces: notes per space, phone bindings (origin, who, confirmed),
no trail left by erased people

Revision ID: da7e05bf7bfb
Revises: 3e6555b75077
Create Date: 2026-12-01 09:06:41.103233

- ``space_participants.notes``: a team's notes on a person, read only by that space's
  staff. The one ``participants.notes`` of each person moves to the space where they were
  first known (the team most likely to have written it), then the column goes.
- ``participants.first_visit_detached``: their first visit is on a row no longer theirs.
- ``participant_devices.origin / created_by_id / confirmed_at``: how a phone was linked,
  by whom, and whether the person confirmed it. Phones linked before this revision have
  no recorded author (never revoked by a deactivation) and count as unconfirmed.
- Rows left by people erased before this revision still carried the person's key (a trail
  across spaces and years): they get one fresh random key per group of rows of one space
  that share a calendar year or a cycle, as erasure now does
  (``participants.services.erasure``).
"""

import secrets
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "da7e05bf7bfb"
down_revision = "3e6555b75077"
branch_labels = None
depends_on = None


def _groups(rows):
    """Rows ``(id, space, cycle or None, year)`` → lists of ids sharing a (space, year) or
    a cycle (the same rule as ``erasure.fresh_keys``, copied: migrations stand alone)."""
    parent = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for _id, space, cycle, year in rows:
        a = find(("year", space, year))
        if cycle is not None:
            parent[find(("cycle", cycle))] = a
    groups = defaultdict(list)
    for row in rows:
        groups[find(("year", row[1], row[3]))].append(row)
    return list(groups.values())


def _rekey_erased_rows(connection):
    attendances = sa.table(
        "attendances",
        sa.column("id"),
        sa.column("session_id"),
        sa.column("participant_id"),
        sa.column("person_key"),
    )
    co = sa.table(
        "co_animations",
        sa.column("id"),
        sa.column("participant_id"),
        sa.column("person_key"),
        sa.column("space_id"),
        sa.column("session_id"),
        sa.column("occurred_on", sa.Date),
    )
    sessions = sa.table(
        "workshop_sessions", sa.column("id"), sa.column("cycle_id"), sa.column("starts_on", sa.Date)
    )
    cycles = sa.table("cycles", sa.column("id"), sa.column("space_id"))
    by_person = defaultdict(list)  # old key -> [(table, id, space, cycle, year)]
    for row in connection.execute(
        sa.select(
            attendances.c.id,
            attendances.c.person_key,
            cycles.c.space_id,
            sessions.c.cycle_id,
            sessions.c.starts_on,
        )
        .join(sessions, sessions.c.id == attendances.c.session_id)
        .join(cycles, cycles.c.id == sessions.c.cycle_id)
        .where(attendances.c.participant_id.is_(None))
    ):
        key = row.person_key or f"row:a:{row.id}"
        by_person[key].append(("a", row.id, row.space_id, row.cycle_id, row.starts_on.year))
    for row in connection.execute(
        sa.select(
            co.c.id, co.c.person_key, co.c.space_id, sessions.c.cycle_id, co.c.occurred_on
        )
        .outerjoin(sessions, sessions.c.id == co.c.session_id)
        .where(
            co.c.participant_id.is_(None),
            sa.or_(co.c.person_key.is_(None), co.c.person_key.not_like("phone:%")),
        )
    ):
        key = row.person_key or f"row:c:{row.id}"
        by_person[key].append(("c", row.id, row.space_id, row.cycle_id, row.occurred_on.year))
    for rows in by_person.values():
        for group in _groups([((t, i), s, c, y) for t, i, s, c, y in rows]):
            fresh = secrets.token_hex(16)
            for (table, row_id), *_ in group:
                target = attendances if table == "a" else co
                connection.execute(
                    target.update().where(target.c.id == row_id).values(person_key=fresh)
                )


def _drop_column(table, column):
    """Drop a column without recreating the table: on SQLite, a batch "move and copy" of
    a parent table (participants) runs DROP TABLE with foreign keys on, which deletes or
    nulls every child row (spaces, attendance, phones). SQLite >= 3.35 drops in place."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def upgrade():
    # participant_devices is referenced by no table: recreating it (for the foreign key on
    # SQLite) is safe.
    with op.batch_alter_table("participant_devices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "origin",
                sa.Enum("roll_call", "link", name="deviceorigin", native_enum=False, length=20),
                server_default="roll_call",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_participant_devices_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_participant_devices_created_by_id_users"),
            "users",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.add_column(
        "space_participants", sa.Column("notes", sa.Text(), server_default="", nullable=False)
    )

    connection = op.get_bind()
    participants = sa.table("participants", sa.column("id"), sa.column("notes"))
    space_participants = sa.table(
        "space_participants",
        sa.column("space_id"),
        sa.column("participant_id"),
        sa.column("created_at"),
        sa.column("notes"),
    )
    for participant_id, notes in connection.execute(
        sa.select(participants.c.id, participants.c.notes).where(participants.c.notes != "")
    ).all():
        first = connection.execute(
            sa.select(space_participants.c.space_id)
            .where(space_participants.c.participant_id == participant_id)
            .order_by(space_participants.c.created_at, space_participants.c.space_id)
            .limit(1)
        ).scalar()
        if first is not None:
            connection.execute(
                space_participants.update()
                .where(
                    space_participants.c.participant_id == participant_id,
                    space_participants.c.space_id == first,
                )
                .values(notes=notes)
            )

    op.add_column(
        "participants",
        sa.Column("first_visit_detached", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    _drop_column("participants", "notes")

    _rekey_erased_rows(connection)


def downgrade():
    op.add_column(
        "participants", sa.Column("notes", sa.Text(), server_default="", nullable=False)
    )
    _drop_column("participants", "first_visit_detached")

    connection = op.get_bind()
    participants = sa.table("participants", sa.column("id"), sa.column("notes"))
    space_participants = sa.table(
        "space_participants", sa.column("participant_id"), sa.column("notes")
    )
    notes = defaultdict(list)
    for participant_id, text in connection.execute(
        sa.select(space_participants.c.participant_id, space_participants.c.notes).where(
            space_participants.c.notes != ""
        )
    ):
        notes[participant_id].append(text)
    for participant_id, texts in notes.items():
        connection.execute(
            participants.update()
            .where(participants.c.id == participant_id)
            .values(notes="\n\n".join(texts))
        )

    _drop_column("space_participants", "notes")

    with op.batch_alter_table("participant_devices", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_participant_devices_created_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_participant_devices_created_by_id"))
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("origin")
