"""objectives of a collective project (the indicators' project scope)

Revision ID: c4e1a9d27f60
Revises: 47bf1f8ebe52
Create Date: 2026-12-01 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a9d27f60'
down_revision = '47bf1f8ebe52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_objectives_project_id_projects'),
            'projects',
            ['project_id'],
            ['id'],
            ondelete='CASCADE',
        )


def downgrade():
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_objectives_project_id_projects'), type_='foreignkey')
        batch_op.drop_column('project_id')
