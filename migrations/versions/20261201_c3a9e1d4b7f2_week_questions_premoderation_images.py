"""a mediator's week: questions waiting for approval, tools archived, photo library

Revision ID: c3a9e1d4b7f2
Revises: ba3747725148
Create Date: 2026-12-01 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a9e1d4b7f2'
down_revision = 'ba3747725148'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('library_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('alt', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_library_images_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_library_images_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_library_images_upload_id_uploads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_images')),
    sa.UniqueConstraint('upload_id', name=op.f('uq_library_images_upload_id'))
    )
    with op.batch_alter_table('library_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_images_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    op.drop_table('library_images')
    with op.batch_alter_table('tools', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_column('pending')
