"""Share groups (2.31+) and the share types each holds.

Revision ID: ad4cb35ceccf
Revises: 7a4a972c2c25
Create Date: 2026-12-14 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
A group's share type mappings go with it (ON DELETE CASCADE); a group
keeps its group type, and a mapping its share type, from being deleted.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = 'ad4cb35ceccf'
down_revision = '7a4a972c2c25'
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
        'share_groups',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('description', sa.String(255), nullable=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=True),
        sa.Column('status', sa.String(255), nullable=False),
        sa.Column('host', sa.String(255), nullable=True),
        sa.Column('availability_zone', sa.String(255), nullable=True),
        sa.Column('share_group_type_id', UUID,
                  sa.ForeignKey('share_group_types.id'), nullable=False),
        sa.Column('share_network_id', UUID, nullable=True),
        sa.Column('share_server_id', UUID, nullable=True),
        sa.Column('source_share_group_snapshot_id', UUID, nullable=True),
        sa.Column('consistent_snapshot_support', sa.String(36),
                  nullable=True),
        sa.Index('ix_share_groups_project_id', 'project_id'),
        sa.Index('ix_share_groups_share_group_type_id',
                 'share_group_type_id'))
    _create_table(
        'share_group_share_type_mappings',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('share_group_id', UUID,
                  sa.ForeignKey('share_groups.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('share_type_id', UUID, sa.ForeignKey('share_types.id'),
                  nullable=False),
        sa.UniqueConstraint(
            'share_group_id', 'share_type_id',
            name='uniq_share_group_share_type_mappings0group0type'),
        sa.Index('ix_share_group_share_type_mappings_share_group_id',
                 'share_group_id'),
        sa.Index('ix_share_group_share_type_mappings_share_type_id',
                 'share_type_id'))


def downgrade():
    op.drop_table('share_group_share_type_mappings')
    op.drop_table('share_groups')
