"""Access rules and their per-instance mapping.

Revision ID: 8e2ef541fd22
Revises: ed80b3d83b8f
Create Date: 2026-11-22 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = '8e2ef541fd22'
down_revision = 'ed80b3d83b8f'
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
        'share_access_map',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_id', UUID,
                  sa.ForeignKey('shares.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('access_type', sa.String(255), nullable=False),
        sa.Column('access_to', sa.String(255), nullable=False),
        sa.Column('access_level', sa.String(255), nullable=False),
        sa.Column('access_key', sa.String(255), nullable=True),
        sa.Index('ix_share_access_map_share_id', 'share_id'))

    _create_table(
        'share_instance_access_map',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_instance_id', UUID,
                  sa.ForeignKey('share_instances.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('access_id', UUID,
                  sa.ForeignKey('share_access_map.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('state', sa.String(255), nullable=False),
        sa.UniqueConstraint(
            'share_instance_id', 'access_id',
            name='uniq_share_instance_access_map0instance0access'),
        sa.Index('ix_share_instance_access_map_access_id', 'access_id'))

    _create_table(
        'share_access_rules_metadata',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('access_id', UUID,
                  sa.ForeignKey('share_access_map.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(1023), nullable=False),
        sa.UniqueConstraint(
            'access_id', 'key',
            name='uniq_share_access_rules_metadata0access0key'))


def downgrade():
    op.drop_table('share_access_rules_metadata')
    op.drop_table('share_instance_access_map')
    op.drop_table('share_access_map')
