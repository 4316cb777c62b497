"""Share snapshots and their instances.

Revision ID: ed80b3d83b8f
Revises: 5ebd21c095a5
Create Date: 2025-01-02 00:00:00

As in the initial schema, columns carry exactly what models.py declares:
no server defaults, the same nullability and constraint names.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = 'ed80b3d83b8f'
down_revision = '5ebd21c095a5'
branch_labels = None
depends_on = None

UUID = sa.String(36)


def _create_table(name, *items):
    op.create_table(
        name, *items,
        sa.Column('created_at', types.Timestamp, nullable=False),
        sa.Column('updated_at', types.Timestamp, nullable=True),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def upgrade():
    _create_table(
        'share_snapshots',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_id', UUID, sa.ForeignKey('shares.id'),
                  nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=True),
        sa.Column('display_name', sa.String(255), nullable=True),
        sa.Column('display_description', sa.String(255), nullable=True),
        sa.Column('size', sa.Integer, nullable=False),
        sa.Column('share_size', sa.Integer, nullable=False),
        sa.Column('share_proto', sa.String(255), nullable=False),
        sa.Index('ix_share_snapshots_share_id', 'share_id'),
        sa.Index('ix_share_snapshots_project_id_created_at',
                 'project_id', 'created_at'))

    _create_table(
        'share_snapshot_instances',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('snapshot_id', UUID,
                  sa.ForeignKey('share_snapshots.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('share_instance_id', UUID,
                  sa.ForeignKey('share_instances.id'), nullable=False),
        sa.Column('status', sa.String(255), nullable=False),
        sa.Column('progress', sa.String(32), nullable=True),
        sa.Column('provider_location', sa.String(255), nullable=True),
        sa.UniqueConstraint('snapshot_id'),
        sa.Index('ix_share_snapshot_instances_share_instance_id',
                 'share_instance_id'))


def downgrade():
    op.drop_table('share_snapshot_instances')
    op.drop_table('share_snapshots')
