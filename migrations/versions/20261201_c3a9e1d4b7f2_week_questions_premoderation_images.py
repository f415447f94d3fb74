"""a mediator's week: questions waiting for approval, tools archived

Revision ID: c3a9e1d4b7f2
Revises: 47bf1f8ebe52
Create Date: 2026-12-01 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a9e1d4b7f2'
down_revision = '47bf1f8ebe52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_column('pending')
