"""Share group types, their specs, share types and project access.

Revision ID: 30322c6ba9ae
Revises: eec8cf4ca2e2
Create Date: 2026-12-06 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
Specs, projects and share type mappings go with their group type
(ON DELETE CASCADE); a mapping keeps its share type from being deleted.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = '30322c6ba9ae'
down_revision = 'eec8cf4ca2e2'
branch_labels = None
depends_on = None

UUID = sa.String(36)
GROUP_TYPE_FK = 'share_group_types.id'


def _create_table(name, *items):
    op.create_table(
        name, *items,
        sa.Column('created_at', types.Timestamp, nullable=False),
        sa.Column('updated_at', types.Timestamp, nullable=True),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def _child(name, *items, unique, unique_name):
    """A table of rows belonging to one share group type."""
    _create_table(
        name,
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('share_group_type_id', UUID,
                  sa.ForeignKey(GROUP_TYPE_FK, ondelete='CASCADE'),
                  nullable=False),
        *items,
        sa.UniqueConstraint('share_group_type_id', unique, name=unique_name),
        sa.Index('ix_%s_share_group_type_id' % name, 'share_group_type_id'))


def upgrade():
    _create_table(
        'share_group_types',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('is_public', sa.Boolean, nullable=False),
        sa.UniqueConstraint('name'))
    _child('share_group_type_specs',
           sa.Column('key', sa.String(255), nullable=False),
           sa.Column('value', sa.String(255), nullable=False),
           unique='key', unique_name='uniq_share_group_type_specs0type0key')
    _child('share_group_type_projects',
           sa.Column('project_id', sa.String(255), nullable=False),
           unique='project_id',
           unique_name='uniq_share_group_type_projects0type0project')
    _child('share_group_type_share_type_mappings',
           sa.Column('share_type_id', UUID, sa.ForeignKey('share_types.id'),
                     nullable=False),
           sa.Index('ix_share_group_type_share_type_mappings_share_type_id',
                    'share_type_id'),
           unique='share_type_id',
           unique_name='uniq_share_group_type_share_type_mappings0group_'
                       'type0type')


def downgrade():
    for name in ('share_group_type_share_type_mappings',
                 'share_group_type_projects', 'share_group_type_specs',
                 'share_group_types'):
        op.drop_table(name)
