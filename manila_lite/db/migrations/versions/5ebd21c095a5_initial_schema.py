"""Initial schema: the tables of manila_lite/db/models.py.

Revision ID: 5ebd21c095a5
Revises:
Create Date: 2025-01-01 00:00:00

Every column carries only what models.py declares: no server defaults
(defaults are applied by the models), the same nullability, the same index
and constraint names. The unique constraints and foreign keys models.py
leaves unnamed stay unnamed here, so each database names them its own way.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = '5ebd21c095a5'
down_revision = None
branch_labels = None
depends_on = None

# The tables in creation order: every table after those it refers to.
TABLES = (
    'services', 'availability_zones', 'share_types',
    'share_type_extra_specs', 'share_type_projects', 'shares',
    'share_metadata', 'share_instances', 'share_instance_export_locations',
    'quotas', 'quota_usages', 'reservations', 'messages',
)
UUID = sa.String(36)


def _create_table(name, *items):
    """Create a table with the columns every model has (see models.Base).

    InnoDB and utf8mb4 are spelled out for MySQL/MariaDB rather than left to
    the server defaults; other databases ignore these keywords.
    """
    op.create_table(
        name, *items,
        sa.Column('created_at', types.Timestamp, nullable=False),
        sa.Column('updated_at', types.Timestamp, nullable=True),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def _int_id():
    return sa.Column('id', sa.Integer, primary_key=True, autoincrement=True)


def _uuid_id():
    return sa.Column('id', UUID, primary_key=True)


def upgrade():
    _create_table(
        'services',
        _int_id(),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('binary', sa.String(255), nullable=False),
        sa.Column('topic', sa.String(255), nullable=False),
        sa.Column('availability_zone', sa.String(255), nullable=False),
        sa.Column('report_count', sa.Integer, nullable=False),
        sa.Column('heartbeat_at', types.Timestamp, nullable=True),
        sa.Column('disabled', sa.Boolean, nullable=False),
        sa.Column('disabled_reason', sa.String(255), nullable=True),
        sa.UniqueConstraint('host', 'binary',
                            name='uniq_services0host0binary'))

    _create_table(
        'availability_zones',
        _uuid_id(),
        sa.Column('name', sa.String(255), nullable=False),
        sa.UniqueConstraint('name'))

    _create_table(
        'share_types',
        _uuid_id(),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.String(255), nullable=True),
        sa.Column('is_public', sa.Boolean, nullable=False),
        sa.UniqueConstraint('name'))

    _create_table(
        'share_type_extra_specs',
        _int_id(),
        sa.Column('share_type_id', UUID,
                  sa.ForeignKey('share_types.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(1023), nullable=False),
        sa.UniqueConstraint('share_type_id', 'key',
                            name='uniq_share_type_extra_specs0type0key'),
        sa.Index('ix_share_type_extra_specs_share_type_id', 'share_type_id'))

    _create_table(
        'share_type_projects',
        _int_id(),
        sa.Column('share_type_id', UUID,
                  sa.ForeignKey('share_types.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.UniqueConstraint('share_type_id', 'project_id',
                            name='uniq_share_type_projects0type0project'),
        sa.Index('ix_share_type_projects_share_type_id', 'share_type_id'))

    _create_table(
        'shares',
        _uuid_id(),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=True),
        sa.Column('display_name', sa.String(255), nullable=True),
        sa.Column('display_description', sa.String(255), nullable=True),
        sa.Column('size', sa.Integer, nullable=False),
        sa.Column('share_proto', sa.String(255), nullable=False),
        sa.Column('is_public', sa.Boolean, nullable=False),
        sa.Column('snapshot_id', UUID, nullable=True),
        sa.Column('task_state', sa.String(255), nullable=True),
        sa.Column('snapshot_support', sa.Boolean, nullable=False),
        sa.Column('create_share_from_snapshot_support', sa.Boolean,
                  nullable=False),
        sa.Column('revert_to_snapshot_support', sa.Boolean, nullable=False),
        sa.Column('mount_snapshot_support', sa.Boolean, nullable=False),
        sa.Column('replication_type', sa.String(255), nullable=True),
        sa.Index('ix_shares_project_id_created_at',
                 'project_id', 'created_at'))

    _create_table(
        'share_metadata',
        _int_id(),
        sa.Column('share_id', UUID,
                  sa.ForeignKey('shares.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(1023), nullable=False),
        sa.UniqueConstraint('share_id', 'key',
                            name='uniq_share_metadata0share0key'),
        sa.Index('ix_share_metadata_share_id', 'share_id'))

    _create_table(
        'share_instances',
        _uuid_id(),
        sa.Column('share_id', UUID,
                  sa.ForeignKey('shares.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('host', sa.String(255), nullable=True),
        sa.Column('status', sa.String(255), nullable=False),
        sa.Column('availability_zone', sa.String(255), nullable=True),
        sa.Column('share_type_id', UUID, sa.ForeignKey('share_types.id'),
                  nullable=True),
        sa.Column('share_network_id', UUID, nullable=True),
        sa.Column('share_server_id', UUID, nullable=True),
        sa.Column('access_rules_status', sa.String(255), nullable=False),
        sa.Column('replica_state', sa.String(255), nullable=True),
        sa.Column('progress', sa.String(32), nullable=True),
        sa.Column('scheduled_at', types.Timestamp, nullable=True),
        sa.Column('launched_at', types.Timestamp, nullable=True),
        sa.UniqueConstraint('share_id'),
        sa.Index('ix_share_instances_host_status', 'host', 'status'))

    _create_table(
        'share_instance_export_locations',
        _int_id(),
        sa.Column('uuid', UUID, nullable=False),
        sa.Column('share_instance_id', UUID,
                  sa.ForeignKey('share_instances.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('path', sa.String(2000), nullable=False),
        sa.Column('is_admin_only', sa.Boolean, nullable=False),
        sa.Column('preferred', sa.Boolean, nullable=False),
        sa.UniqueConstraint('uuid'),
        sa.Index('ix_share_instance_export_locations_share_instance_id',
                 'share_instance_id'))

    # user_id and share_type_id hold '' rather than NULL for "any", so the
    # unique constraints also hold on databases that treat NULLs as distinct.
    _create_table(
        'quotas',
        _int_id(),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('share_type_id', sa.String(36), nullable=False),
        sa.Column('resource', sa.String(64), nullable=False),
        sa.Column('hard_limit', sa.Integer, nullable=False),
        sa.UniqueConstraint('project_id', 'user_id', 'share_type_id',
                            'resource',
                            name='uniq_quotas0project0user0type0resource'))

    _create_table(
        'quota_usages',
        _int_id(),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('share_type_id', sa.String(36), nullable=False),
        sa.Column('resource', sa.String(64), nullable=False),
        sa.Column('in_use', sa.Integer, nullable=False),
        sa.Column('reserved', sa.Integer, nullable=False),
        sa.UniqueConstraint(
            'project_id', 'user_id', 'share_type_id', 'resource',
            name='uniq_quota_usages0project0user0type0resource'))

    _create_table(
        'reservations',
        _uuid_id(),
        sa.Column('usage_id', sa.Integer,
                  sa.ForeignKey('quota_usages.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('delta', sa.Integer, nullable=False),
        sa.Column('expire', types.Timestamp, nullable=False),
        sa.Index('ix_reservations_usage_id', 'usage_id'),
        sa.Index('ix_reservations_expire', 'expire'))

    _create_table(
        'messages',
        _uuid_id(),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('request_id', sa.String(255), nullable=True),
        sa.Column('resource_type', sa.String(255), nullable=False),
        sa.Column('resource_id', UUID, nullable=True),
        sa.Column('action_id', sa.String(10), nullable=False),
        sa.Column('detail_id', sa.String(10), nullable=False),
        sa.Column('message_level', sa.String(255), nullable=False),
        sa.Column('expires_at', types.Timestamp, nullable=True),
        sa.Index('ix_messages_project_id', 'project_id'),
        sa.Index('ix_messages_expires_at', 'expires_at'))


def downgrade():
    """Drop everything; only useful on a database holding no data."""
    for name in reversed(TABLES):
        op.drop_table(name)
