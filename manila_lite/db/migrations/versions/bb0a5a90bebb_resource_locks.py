"""Resource locks (2.81): share deletion locks and locked access rules.

Revision ID: bb0a5a90bebb
Revises: 30322c6ba9ae
Create Date: 2026-12-06 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
``resource_id`` names a share or an access rule, so it has no foreign
key; the index on (resource_id, resource_action) serves the one query
a share delete or an access deny makes to find what vetoes it.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = 'bb0a5a90bebb'
down_revision = '30322c6ba9ae'
branch_labels = None
depends_on = None

UUID = sa.String(36)


def upgrade():
    op.create_table(
        'resource_locks',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('lock_context', sa.String(16), nullable=False),
        sa.Column('resource_type', sa.String(255), nullable=False),
        sa.Column('resource_id', UUID, nullable=False),
        sa.Column('resource_action', sa.String(255), nullable=False),
        sa.Column('lock_reason', sa.String(1023), nullable=True),
        sa.Column('created_at', types.Timestamp, nullable=False),
        sa.Column('updated_at', types.Timestamp, nullable=True),
        sa.Index('ix_resource_locks_resource', 'resource_id',
                 'resource_action'),
        sa.Index('ix_resource_locks_project_id', 'project_id'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def downgrade():
    op.drop_table('resource_locks')
