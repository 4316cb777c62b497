"""Fields for the changes of microversions 2.65 to 2.99.

Revision ID: c895e5a0c112
Revises: e73bf9eea619
Create Date: 2026-11-22 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
The recycle bin (2.69), mount point names (2.84), encryption key
references (2.90) and snapshot_inherit_share_access_support (2.99) are
columns of shares; snapshot metadata (2.73) and export location metadata
(2.87) are tables of their own.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = 'c895e5a0c112'
down_revision = 'e73bf9eea619'
branch_labels = None
depends_on = None

UUID = sa.String(36)


def _metadata_table(name, parent_column, parent_type, parent_table,
                    unique_name):
    op.create_table(
        name,
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(parent_column, parent_type,
                  sa.ForeignKey('%s.id' % parent_table, ondelete='CASCADE'),
                  nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(1023), nullable=False),
        sa.Column('created_at', types.Timestamp, nullable=False),
        sa.Column('updated_at', types.Timestamp, nullable=True),
        sa.UniqueConstraint(parent_column, 'key', name=unique_name),
        sa.Index('ix_%s_%s' % (name, parent_column), parent_column),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def upgrade():
    with op.batch_alter_table('shares') as batch:
        batch.add_column(sa.Column('is_soft_deleted', sa.Boolean(),
                                   nullable=True))
        batch.add_column(sa.Column('scheduled_to_be_deleted_at',
                                   types.Timestamp, nullable=True))
        batch.add_column(sa.Column('mount_point_name', sa.String(255),
                                   nullable=True))
        batch.add_column(sa.Column('encryption_key_ref', sa.String(36),
                                   nullable=True))
        batch.add_column(sa.Column('snapshot_inherit_share_access_support',
                                   sa.Boolean(), nullable=True))
    shares = sa.table('shares', sa.column('is_soft_deleted', sa.Boolean),
                      sa.column('snapshot_inherit_share_access_support',
                                sa.Boolean))
    op.execute(shares.update().values(
        is_soft_deleted=False, snapshot_inherit_share_access_support=False))
    op.create_index('ix_shares_soft_deleted_expiry', 'shares',
                    ['is_soft_deleted', 'scheduled_to_be_deleted_at'])
    _metadata_table('share_snapshot_metadata', 'snapshot_id', UUID,
                    'share_snapshots',
                    'uniq_share_snapshot_metadata0snapshot0key')
    _metadata_table('share_instance_export_locations_metadata',
                    'export_location_id', sa.Integer,
                    'share_instance_export_locations',
                    'uniq_export_locations_metadata0location0key')


def downgrade():
    op.drop_table('share_instance_export_locations_metadata')
    op.drop_table('share_snapshot_metadata')
    op.drop_index('ix_shares_soft_deleted_expiry', table_name='shares')
    with op.batch_alter_table('shares') as batch:
        for column in ('snapshot_inherit_share_access_support',
                       'encryption_key_ref', 'mount_point_name',
                       'scheduled_to_be_deleted_at', 'is_soft_deleted'):
            batch.drop_column(column)
