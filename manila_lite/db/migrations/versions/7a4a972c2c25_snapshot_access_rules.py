"""Mountable snapshots (2.32): export locations and access rules.

Revision ID: 7a4a972c2c25
Revises: 6168d9b1921c
Create Date: 2026-12-13 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
Each table hangs off a snapshot or a snapshot instance and goes with it
(ON DELETE CASCADE).
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = '7a4a972c2c25'
down_revision = '6168d9b1921c'
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
        'share_snapshot_instance_export_locations',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_snapshot_instance_id', UUID,
                  sa.ForeignKey('share_snapshot_instances.id',
                                ondelete='CASCADE'),
                  nullable=False),
        sa.Column('path', sa.String(2000), nullable=False),
        sa.Column('is_admin_only', sa.Boolean, nullable=False),
        sa.Index('ix_snapshot_instance_export_locations_instance_id',
                 'share_snapshot_instance_id'))

    _create_table(
        'share_snapshot_access_map',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_snapshot_id', UUID,
                  sa.ForeignKey('share_snapshots.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('access_type', sa.String(255), nullable=False),
        sa.Column('access_to', sa.String(255), nullable=False),
        sa.Index('ix_share_snapshot_access_map_share_snapshot_id',
                 'share_snapshot_id'))

    _create_table(
        'share_snapshot_instance_access_map',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_snapshot_instance_id', UUID,
                  sa.ForeignKey('share_snapshot_instances.id',
                                ondelete='CASCADE'),
                  nullable=False),
        sa.Column('access_id', UUID,
                  sa.ForeignKey('share_snapshot_access_map.id',
                                ondelete='CASCADE'),
                  nullable=False),
        sa.Column('state', sa.String(255), nullable=False),
        sa.UniqueConstraint(
            'share_snapshot_instance_id', 'access_id',
            name='uniq_share_snapshot_instance_access_map0instance0access'),
        sa.Index('ix_share_snapshot_instance_access_map_access_id',
                 'access_id'))


def downgrade():
    op.drop_table('share_snapshot_instance_access_map')
    op.drop_table('share_snapshot_access_map')
    op.drop_table('share_snapshot_instance_export_locations')
