"""Share networks, subnets, security services and share servers.

Revision ID: a4108c9945cd
Revises: 8e2ef541fd22
Create Date: 2026-11-22 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = 'a4108c9945cd'
down_revision = '8e2ef541fd22'
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
        'share_networks',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=True),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('description', sa.String(255), nullable=True),
        sa.Column('status', sa.String(255), nullable=False),
        sa.Column('async_operation_data', sa.Text, nullable=True),
        sa.Index('ix_share_networks_project_id', 'project_id'))
    _create_table(
        'share_network_subnets',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_network_id', UUID,
                  sa.ForeignKey('share_networks.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('availability_zone', sa.String(255), nullable=True),
        sa.Column('neutron_net_id', sa.String(36), nullable=True),
        sa.Column('neutron_subnet_id', sa.String(36), nullable=True),
        sa.Column('network_type', sa.String(32), nullable=True),
        sa.Column('segmentation_id', sa.Integer, nullable=True),
        sa.Column('cidr', sa.String(64), nullable=True),
        sa.Column('ip_version', sa.Integer, nullable=True),
        sa.Column('gateway', sa.String(64), nullable=True),
        sa.Column('mtu', sa.Integer, nullable=True),
        sa.Index('ix_share_network_subnets_share_network_id',
                 'share_network_id'))
    _create_table(
        'share_network_subnet_metadata',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('share_network_subnet_id', UUID,
                  sa.ForeignKey('share_network_subnets.id',
                                ondelete='CASCADE'), nullable=False),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(1023), nullable=False),
        sa.UniqueConstraint(
            'share_network_subnet_id', 'key',
            name='uniq_share_network_subnet_metadata0subnet0key'),
        sa.Index('ix_share_network_subnet_metadata_share_network_subnet_id',
                 'share_network_subnet_id'))
    _create_table(
        'security_services',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('type', sa.String(32), nullable=False),
        sa.Column('name', sa.String(255), nullable=True),
        sa.Column('description', sa.String(255), nullable=True),
        sa.Column('dns_ip', sa.String(64), nullable=True),
        sa.Column('server', sa.String(255), nullable=True),
        sa.Column('domain', sa.String(255), nullable=True),
        sa.Column('user', sa.String(255), nullable=True),
        sa.Column('password', sa.String(255), nullable=True),
        sa.Column('ou', sa.String(255), nullable=True),
        sa.Column('default_ad_site', sa.String(255), nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Index('ix_security_services_project_id', 'project_id'))
    _create_table(
        'share_network_security_services',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('share_network_id', UUID,
                  sa.ForeignKey('share_networks.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('security_service_id', UUID,
                  sa.ForeignKey('security_services.id', ondelete='CASCADE'),
                  nullable=False),
        sa.UniqueConstraint(
            'share_network_id', 'security_service_id',
            name='uniq_share_network_security_services0network0service'),
        sa.Index('ix_share_network_security_services_share_network_id',
                 'share_network_id'),
        sa.Index('ix_share_network_security_services_security_service_id',
                 'security_service_id'))
    _create_table(
        'share_servers',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('status', sa.String(255), nullable=False),
        sa.Column('share_network_id', UUID, nullable=True),
        sa.Column('project_id', sa.String(255), nullable=True),
        sa.Column('backend_details', sa.Text, nullable=True),
        sa.Column('is_auto_deletable', sa.Boolean, nullable=False),
        sa.Column('identifier', sa.String(255), nullable=True),
        sa.Column('security_service_update_support', sa.Boolean,
                  nullable=False),
        sa.Index('ix_share_servers_host_status', 'host', 'status'),
        sa.Index('ix_share_servers_share_network_id', 'share_network_id'))
    _create_table(
        'share_server_subnet_mappings',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('share_server_id', UUID,
                  sa.ForeignKey('share_servers.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('share_network_subnet_id', UUID,
                  sa.ForeignKey('share_network_subnets.id',
                                ondelete='CASCADE'), nullable=False),
        sa.UniqueConstraint(
            'share_server_id', 'share_network_subnet_id',
            name='uniq_share_server_subnet_mappings0server0subnet'),
        sa.Index('ix_share_server_subnet_mappings_share_server_id',
                 'share_server_id'),
        sa.Index('ix_share_server_subnet_mappings_share_network_subnet_id',
                 'share_network_subnet_id'))
    _create_table(
        'network_allocations',
        sa.Column('id', UUID, primary_key=True),
        sa.Column('share_server_id', UUID,
                  sa.ForeignKey('share_servers.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('share_network_subnet_id', UUID, nullable=True),
        sa.Column('ip_address', sa.String(64), nullable=False),
        sa.Column('ip_version', sa.Integer, nullable=False),
        sa.Column('label', sa.String(32), nullable=False),
        sa.Column('cidr', sa.String(64), nullable=False),
        sa.Column('gateway', sa.String(64), nullable=True),
        sa.Column('mtu', sa.Integer, nullable=True),
        sa.Column('network_type', sa.String(32), nullable=True),
        sa.Column('segmentation_id', sa.Integer, nullable=True),
        sa.UniqueConstraint('cidr', 'ip_address',
                            name='uniq_network_allocations0cidr0ip'),
        sa.Index('ix_network_allocations_share_server_id',
                 'share_server_id'),
        sa.Index('ix_network_allocations_share_network_subnet_id',
                 'share_network_subnet_id'))


def downgrade():
    for table in ('network_allocations',
                  'share_server_subnet_mappings',
                  'share_servers', 'share_network_security_services',
                  'security_services', 'share_network_subnet_metadata',
                  'share_network_subnets', 'share_networks'):
        op.drop_table(table)
