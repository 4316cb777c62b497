"""Deferred deletion and ensuring shares.

Revision ID: e73bf9eea619
Revises: a4108c9945cd
Create Date: 2026-11-22 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
Deferred deletion needs no column: its statuses are new values of the
existing ``status`` columns, and the retry delay of a failed deletion is
measured from the instance's ``updated_at``.
"""

from alembic import op
import sqlalchemy as sa

revision = 'e73bf9eea619'
down_revision = 'a4108c9945cd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('services') as batch:
        batch.add_column(sa.Column('ensuring', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('backend_info_hash', sa.String(64),
                                   nullable=True))
    op.create_index('ix_share_snapshot_instances_status',
                    'share_snapshot_instances', ['status'])


def downgrade():
    op.drop_index('ix_share_snapshot_instances_status',
                  table_name='share_snapshot_instances')
    with op.batch_alter_table('services') as batch:
        batch.drop_column('backend_info_hash')
        batch.drop_column('ensuring')
