"""QoS types (2.94) and share transfers (2.77).

Revision ID: 6168d9b1921c
Revises: bb0a5a90bebb
Create Date: 2026-12-06 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
share_instances.qos_type_id has no foreign key: SQLite can only add one
by rebuilding the table, which its children's ON DELETE CASCADE keys make
unsafe; a plain nullable column is an ALTER TABLE on every database.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = '6168d9b1921c'
down_revision = 'bb0a5a90bebb'
branch_labels = None
depends_on = None

UUID = sa.String(36)


def _timestamps():
    return (sa.Column('created_at', types.Timestamp, nullable=False),
            sa.Column('updated_at', types.Timestamp, nullable=True))


def upgrade():
    op.create_table(
        'qos_types',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.String(255), nullable=True),
        *_timestamps(),
        sa.UniqueConstraint('name'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'qos_type_specs',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('qos_type_id', UUID,
                  sa.ForeignKey('qos_types.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint('qos_type_id', 'key',
                            name='uniq_qos_type_specs0type0key'),
        sa.Index('ix_qos_type_specs_qos_type_id', 'qos_type_id'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'share_transfers',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('resource_type', sa.String(255), nullable=False),
        sa.Column('resource_id', UUID,
                  sa.ForeignKey('shares.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('display_name', sa.String(255), nullable=True),
        sa.Column('salt', sa.String(255), nullable=False),
        sa.Column('crypt_hash', sa.String(255), nullable=False),
        sa.Column('source_project_id', sa.String(255), nullable=False),
        sa.Column('expires_at', types.Timestamp, nullable=True),
        *_timestamps(),
        sa.Index('ix_share_transfers_resource_id', 'resource_id'),
        sa.Index('ix_share_transfers_source_project_id',
                 'source_project_id'),
        sa.Index('ix_share_transfers_expires_at', 'expires_at'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    # Outside batch mode: a plain ADD COLUMN, no table rebuild on SQLite.
    op.add_column('share_instances',
                  sa.Column('qos_type_id', UUID, nullable=True))


def downgrade():
    # A plain DROP COLUMN too (SQLite 3.35+), for the same reason.
    op.drop_column('share_instances', 'qos_type_id')
    op.drop_table('share_transfers')
    op.drop_table('qos_type_specs')
    op.drop_table('qos_types')
