"""SQLAlchemy models; alembic migrations create exactly this schema.

Child rows (metadata, specs, mappings, instances) go with their parent on
every database: the foreign key says ``ondelete='CASCADE'`` and the
parent's relationship ``cascade='all, delete-orphan', passive_deletes=True``
-- the ORM deletes the children it has loaded and leaves the others to
the database. Without the cascade it would set their foreign key to NULL,
which NOT NULL columns refuse (MariaDB, PostgreSQL and SQLite alike).
"""

import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import types


def _uuid():
    return uuidutils.generate_uuid()


def _now():
    return timeutils.utcnow()


class Base(orm.DeclarativeBase):
    """Adds created/updated timestamps and dict-style reads for views."""

    created_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.Timestamp, default=_now, nullable=False)
    updated_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp, onupdate=_now)

    def get(self, key, default=None):
        return getattr(self, key, default)

    def __getitem__(self, key):
        return getattr(self, key)


UUID = sa.String(36)


def _loaded_metadata(row, relationship):
    """{key: value} of a metadata relationship; empty for a row just
    inserted whose metadata was never loaded (it can have none yet)."""
    if relationship in sa.inspect(row).unloaded:
        return {}
    return {item.key: item.value for item in getattr(row, relationship)}


class Service(Base):
    __tablename__ = 'services'
    __table_args__ = (sa.UniqueConstraint('host', 'binary',
                                          name='uniq_services0host0binary'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    host: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    binary: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    topic: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    availability_zone: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    report_count: orm.Mapped[int] = orm.mapped_column(default=0)
    heartbeat_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp)
    disabled: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=False)
    disabled_reason: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    # Ensure shares (2.86+): True while the share manager of this
    # host@backend runs its ensure routine.
    ensuring: orm.Mapped[bool | None] = orm.mapped_column(sa.Boolean,
                                                          default=False)
    # sha256 of the driver's get_backend_info() after the last complete
    # ensure run: an unchanged backend skips the run at start-up.
    backend_info_hash: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(64))


class AvailabilityZone(Base):
    __tablename__ = 'availability_zones'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), unique=True)


class ShareType(Base):
    __tablename__ = 'share_types'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), unique=True)
    description: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    is_public: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=True)

    extra_specs: orm.Mapped[list['ShareTypeExtraSpec']] = orm.relationship(
        back_populates='share_type', cascade='all, delete-orphan',
        passive_deletes=True, lazy='selectin')
    projects: orm.Mapped[list['ShareTypeProject']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True)

    @property
    def specs(self):
        return {spec.key: spec.value for spec in self.extra_specs}


class ShareTypeExtraSpec(Base):
    __tablename__ = 'share_type_extra_specs'
    __table_args__ = (sa.UniqueConstraint(
        'share_type_id', 'key', name='uniq_share_type_extra_specs0type0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_types.id', ondelete='CASCADE'),
        index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(1023))

    share_type: orm.Mapped[ShareType] = orm.relationship(
        back_populates='extra_specs')


class ShareTypeProject(Base):
    __tablename__ = 'share_type_projects'
    __table_args__ = (sa.UniqueConstraint(
        'share_type_id', 'project_id',
        name='uniq_share_type_projects0type0project'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_types.id', ondelete='CASCADE'),
        index=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))


class ShareGroupType(Base):
    """What a share group may be made of (2.31+): its share types and
    group specs."""

    __tablename__ = 'share_group_types'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), unique=True)
    is_public: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=True)

    group_specs: orm.Mapped[list['ShareGroupTypeSpec']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='ShareGroupTypeSpec.id')
    share_type_mappings: orm.Mapped[
        list['ShareGroupTypeShareTypeMapping']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='ShareGroupTypeShareTypeMapping.id')
    projects: orm.Mapped[list['ShareGroupTypeProject']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True)

    @property
    def specs(self):
        return {spec.key: spec.value for spec in self.group_specs}

    @property
    def share_type_ids(self):
        return [m.share_type_id for m in self.share_type_mappings]


class ShareGroupTypeSpec(Base):
    __tablename__ = 'share_group_type_specs'
    __table_args__ = (sa.UniqueConstraint(
        'share_group_type_id', 'key',
        name='uniq_share_group_type_specs0type0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_group_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_group_types.id', ondelete='CASCADE'),
        index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(255))


class ShareGroupTypeProject(Base):
    __tablename__ = 'share_group_type_projects'
    __table_args__ = (sa.UniqueConstraint(
        'share_group_type_id', 'project_id',
        name='uniq_share_group_type_projects0type0project'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_group_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_group_types.id', ondelete='CASCADE'),
        index=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))


class ShareGroupTypeShareTypeMapping(Base):
    """A share type a group type may hold; a share type so named cannot
    be deleted (no cascade from share_types)."""

    __tablename__ = 'share_group_type_share_type_mappings'
    __table_args__ = (sa.UniqueConstraint(
        'share_group_type_id', 'share_type_id',
        name='uniq_share_group_type_share_type_mappings0group_type0type'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_group_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_group_types.id', ondelete='CASCADE'),
        index=True)
    share_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_types.id'), index=True)


class ShareGroup(Base):
    """A set of shares a backend keeps together (2.31+); placed on one
    ``host@backend``. Shares cannot join one yet (docs/share-groups.rst).
    """

    __tablename__ = 'share_groups'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    description: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255),
                                                    index=True)
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    status: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    host: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    availability_zone: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    share_group_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_group_types.id'), index=True)
    share_network_id: orm.Mapped[str | None] = orm.mapped_column(UUID)
    share_server_id: orm.Mapped[str | None] = orm.mapped_column(UUID)
    source_share_group_snapshot_id: orm.Mapped[str | None] = \
        orm.mapped_column(UUID)
    consistent_snapshot_support: orm.Mapped[str | None] = \
        orm.mapped_column(sa.String(36))

    share_type_mappings: orm.Mapped[
        list['ShareGroupShareTypeMapping']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='ShareGroupShareTypeMapping.id')

    @property
    def share_type_ids(self):
        return [m.share_type_id for m in self.share_type_mappings]


class ShareGroupShareTypeMapping(Base):
    """A share type a share group holds shares of."""

    __tablename__ = 'share_group_share_type_mappings'
    __table_args__ = (sa.UniqueConstraint(
        'share_group_id', 'share_type_id',
        name='uniq_share_group_share_type_mappings0group0type'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_group_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_groups.id', ondelete='CASCADE'),
        index=True)
    share_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_types.id'), index=True)


class Share(Base):
    """What a user asked for; its data lives in its share instance."""

    __tablename__ = 'shares'
    __table_args__ = (
        sa.Index('ix_shares_project_id_created_at', 'project_id',
                 'created_at'),
        sa.Index('ix_shares_soft_deleted_expiry', 'is_soft_deleted',
                 'scheduled_to_be_deleted_at'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    display_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    display_description: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    size: orm.Mapped[int] = orm.mapped_column()
    share_proto: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    is_public: orm.Mapped[bool] = orm.mapped_column(sa.Boolean,
                                                    default=False)
    snapshot_id: orm.Mapped[str | None] = orm.mapped_column(UUID)
    task_state: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    snapshot_support: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, default=False)
    create_share_from_snapshot_support: orm.Mapped[bool] = \
        orm.mapped_column(sa.Boolean, default=False)
    revert_to_snapshot_support: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, default=False)
    mount_snapshot_support: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, default=False)
    replication_type: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    # Recycle bin (2.69): a soft-deleted share keeps its quota until it is
    # restored or purged at scheduled_to_be_deleted_at.
    is_soft_deleted: orm.Mapped[bool | None] = orm.mapped_column(
        sa.Boolean, default=False)
    scheduled_to_be_deleted_at: orm.Mapped[datetime.datetime | None] = \
        orm.mapped_column(types.Timestamp)
    mount_point_name: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    encryption_key_ref: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    snapshot_inherit_share_access_support: orm.Mapped[bool | None] = \
        orm.mapped_column(sa.Boolean, default=False)

    instance: orm.Mapped['ShareInstance'] = orm.relationship(
        back_populates='share', uselist=False, lazy='joined',
        innerjoin=True, cascade='all, delete-orphan', passive_deletes=True)
    share_metadata: orm.Mapped[list['ShareMetadata']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True, lazy='selectin')

    # Fields views read that live on the instance, so views need not care.
    @property
    def status(self):
        return self.instance.status

    @property
    def host(self):
        return self.instance.host

    @property
    def availability_zone(self):
        return self.instance.availability_zone

    @property
    def share_type_id(self):
        return self.instance.share_type_id

    @property
    def share_network_id(self):
        return self.instance.share_network_id

    @property
    def share_server_id(self):
        return self.instance.share_server_id

    @property
    def access_rules_status(self):
        return self.instance.access_rules_status

    @property
    def progress(self):
        return self.instance.progress

    @property
    def export_locations(self):
        return self.instance.export_locations

    @property
    def metadata_dict(self):
        return {item.key: item.value for item in self.share_metadata}


class ShareMetadata(Base):
    __tablename__ = 'share_metadata'
    __table_args__ = (sa.UniqueConstraint(
        'share_id', 'key', name='uniq_share_metadata0share0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('shares.id', ondelete='CASCADE'), index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(1023))


class ShareInstance(Base):
    """The copy of a share a backend holds, and its status."""

    __tablename__ = 'share_instances'
    __table_args__ = (
        sa.Index('ix_share_instances_host_status', 'host', 'status'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('shares.id', ondelete='CASCADE'), unique=True)
    host: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    status: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    availability_zone: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    share_type_id: orm.Mapped[str | None] = orm.mapped_column(
        UUID, sa.ForeignKey('share_types.id'))
    share_network_id: orm.Mapped[str | None] = orm.mapped_column(UUID)
    share_server_id: orm.Mapped[str | None] = orm.mapped_column(UUID)
    access_rules_status: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), default='active')
    replica_state: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    progress: orm.Mapped[str | None] = orm.mapped_column(sa.String(32))
    scheduled_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp)
    launched_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp)
    # The QoS type (2.94) the share type named when the share was
    # created. No foreign key: the column is added to a table SQLite
    # could only rebuild to add one; deleting a QoS type checks it.
    qos_type_id: orm.Mapped[str | None] = orm.mapped_column(UUID)

    share: orm.Mapped[Share] = orm.relationship(back_populates='instance',
                                                lazy='raise')
    export_locations: orm.Mapped[list['ExportLocation']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='ExportLocation.id')


class ExportLocation(Base):
    __tablename__ = 'share_instance_export_locations'

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    uuid: orm.Mapped[str] = orm.mapped_column(UUID, default=_uuid,
                                              unique=True)
    share_instance_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_instances.id', ondelete='CASCADE'),
        index=True)
    path: orm.Mapped[str] = orm.mapped_column(sa.String(2000))
    is_admin_only: orm.Mapped[bool] = orm.mapped_column(sa.Boolean,
                                                        default=False)
    preferred: orm.Mapped[bool] = orm.mapped_column(sa.Boolean,
                                                    default=False)
    # Set on creation too: Manila shows a location's updated_at from then.
    updated_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp, default=_now, onupdate=_now)

    # Metadata (2.87+).
    el_metadata: orm.Mapped[list['ExportLocationMetadata']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='selectin')

    @property
    def metadata_dict(self):
        return _loaded_metadata(self, 'el_metadata')


class ExportLocationMetadata(Base):
    __tablename__ = 'share_instance_export_locations_metadata'
    __table_args__ = (sa.UniqueConstraint(
        'export_location_id', 'key',
        name='uniq_export_locations_metadata0location0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    export_location_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey('share_instance_export_locations.id',
                      ondelete='CASCADE'), index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(1023))


class ShareAccessRule(Base):
    """A grant a user asked for on a share (Manila's share_access_map).

    What state it is in lives per share instance, in
    ShareInstanceAccessRule; deleting the share deletes its rules.
    """

    __tablename__ = 'share_access_map'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('shares.id', ondelete='CASCADE'), index=True)
    access_type: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    access_to: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    access_level: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    # Credential the backend issued (cephx), 2.21+.
    access_key: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))

    instance_mappings: orm.Mapped[list['ShareInstanceAccessRule']] = \
        orm.relationship(back_populates='access_rule', lazy='selectin',
                         cascade='all, delete-orphan', passive_deletes=True)
    access_metadata: orm.Mapped[list['ShareAccessRuleMetadata']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='selectin')

    @property
    def metadata_dict(self):
        return {item.key: item.value for item in self.access_metadata}


class ShareInstanceAccessRule(Base):
    """A rule as one share instance's backend holds it, with its state."""

    __tablename__ = 'share_instance_access_map'
    __table_args__ = (
        sa.UniqueConstraint(
            'share_instance_id', 'access_id',
            name='uniq_share_instance_access_map0instance0access'),
        sa.Index('ix_share_instance_access_map_access_id', 'access_id'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_instance_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_instances.id', ondelete='CASCADE'))
    access_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_access_map.id', ondelete='CASCADE'))
    state: orm.Mapped[str] = orm.mapped_column(sa.String(255))

    access_rule: orm.Mapped[ShareAccessRule] = orm.relationship(
        back_populates='instance_mappings', lazy='raise')


class ShareAccessRuleMetadata(Base):
    __tablename__ = 'share_access_rules_metadata'
    __table_args__ = (sa.UniqueConstraint(
        'access_id', 'key',
        name='uniq_share_access_rules_metadata0access0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    access_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_access_map.id', ondelete='CASCADE'))
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(1023))


class ResourceLock(Base):
    """A user's veto on one action of a share or an access rule (2.81).

    ``resource_id`` names a share or a rule, so it has no foreign key;
    locks of a share and of its rules go with the share (db/shares.py),
    those of a rule with the rule (db/access_rules.py).
    """

    __tablename__ = 'resource_locks'
    __table_args__ = (
        sa.Index('ix_resource_locks_resource', 'resource_id',
                 'resource_action'),
        sa.Index('ix_resource_locks_project_id', 'project_id'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    user_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    # Who placed it: user, admin or service; decides who may lift it.
    lock_context: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    resource_type: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    resource_id: orm.Mapped[str] = orm.mapped_column(UUID)
    resource_action: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    lock_reason: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(1023))


class Quota(Base):
    """A hard limit set for a project, a user in it, or a share type."""

    __tablename__ = 'quotas'
    __table_args__ = (sa.UniqueConstraint(
        'project_id', 'user_id', 'share_type_id', 'resource',
        name='uniq_quotas0project0user0type0resource'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    # '' rather than NULL so the unique constraint holds on every database.
    user_id: orm.Mapped[str] = orm.mapped_column(sa.String(255), default='')
    share_type_id: orm.Mapped[str] = orm.mapped_column(sa.String(36),
                                                       default='')
    resource: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    hard_limit: orm.Mapped[int] = orm.mapped_column()


class QuotaClass(Base):
    """A hard limit of a named quota class. Class ``default`` holds the
    defaults of every project's quotas, overriding the configured ones."""

    __tablename__ = 'quota_classes'
    __table_args__ = (sa.UniqueConstraint(
        'class_name', 'resource', name='uniq_quota_classes0class0resource'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    class_name: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    resource: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    hard_limit: orm.Mapped[int] = orm.mapped_column()


class QuotaUsage(Base):
    """What a project (or one user or share type of it) holds now."""

    __tablename__ = 'quota_usages'
    __table_args__ = (sa.UniqueConstraint(
        'project_id', 'user_id', 'share_type_id', 'resource',
        name='uniq_quota_usages0project0user0type0resource'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    user_id: orm.Mapped[str] = orm.mapped_column(sa.String(255), default='')
    share_type_id: orm.Mapped[str] = orm.mapped_column(sa.String(36),
                                                       default='')
    resource: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    in_use: orm.Mapped[int] = orm.mapped_column(default=0)
    reserved: orm.Mapped[int] = orm.mapped_column(default=0)


class Reservation(Base):
    """An amount held against a usage until its operation ends."""

    __tablename__ = 'reservations'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    usage_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey('quota_usages.id', ondelete='CASCADE'), index=True)
    delta: orm.Mapped[int] = orm.mapped_column()
    expire: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.Timestamp, index=True)


class Message(Base):
    """A user-visible record of an asynchronous failure."""

    __tablename__ = 'messages'
    __table_args__ = (sa.Index('ix_messages_project_id', 'project_id'),)

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    request_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    resource_type: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    resource_id: orm.Mapped[str | None] = orm.mapped_column(UUID)
    action_id: orm.Mapped[str] = orm.mapped_column(sa.String(10))
    detail_id: orm.Mapped[str] = orm.mapped_column(sa.String(10))
    message_level: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    expires_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp, index=True)


class ShareSnapshot(Base):
    """A point-in-time copy of a share, as its user asked for it.

    Shares cannot be deleted while they have snapshots, so the foreign key
    to the share restricts rather than cascades.
    """

    __tablename__ = 'share_snapshots'
    __table_args__ = (
        sa.Index('ix_share_snapshots_project_id_created_at', 'project_id',
                 'created_at'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('shares.id'), index=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    display_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    display_description: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    size: orm.Mapped[int] = orm.mapped_column()
    share_size: orm.Mapped[int] = orm.mapped_column()
    share_proto: orm.Mapped[str] = orm.mapped_column(sa.String(255))

    instance: orm.Mapped['ShareSnapshotInstance'] = orm.relationship(
        back_populates='snapshot', uselist=False, lazy='joined',
        innerjoin=True, cascade='all, delete-orphan', passive_deletes=True)

    # Fields views read that live on the instance.
    @property
    def status(self):
        return self.instance.status

    @property
    def progress(self):
        return self.instance.progress

    @property
    def provider_location(self):
        return self.instance.provider_location

    @property
    def share_instance_id(self):
        return self.instance.share_instance_id

    # Metadata (2.73+).
    snapshot_metadata: orm.Mapped[list['ShareSnapshotMetadata']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='selectin')

    @property
    def metadata_dict(self):
        return _loaded_metadata(self, 'snapshot_metadata')

    # Access rules of a mountable snapshot (2.32+), read by their own
    # queries (db/snapshot_access.py).
    access_rules: orm.Mapped[list['ShareSnapshotAccessRule']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='raise')


class ShareSnapshotMetadata(Base):
    __tablename__ = 'share_snapshot_metadata'
    __table_args__ = (sa.UniqueConstraint(
        'snapshot_id', 'key',
        name='uniq_share_snapshot_metadata0snapshot0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    snapshot_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_snapshots.id', ondelete='CASCADE'),
        index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(1023))


class ShareSnapshotInstance(Base):
    """The snapshot as the backend of its share instance holds it."""

    __tablename__ = 'share_snapshot_instances'
    # The deferred deletion sweep looks snapshot instances up by status.
    __table_args__ = (
        sa.Index('ix_share_snapshot_instances_status', 'status'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    snapshot_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_snapshots.id', ondelete='CASCADE'),
        unique=True)
    share_instance_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_instances.id'), index=True)
    status: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    progress: orm.Mapped[str | None] = orm.mapped_column(sa.String(32))
    provider_location: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))

    snapshot: orm.Mapped[ShareSnapshot] = orm.relationship(
        back_populates='instance', lazy='raise')
    # Where a mountable snapshot is exported (2.32+).
    export_locations: orm.Mapped[
        list['ShareSnapshotInstanceExportLocation']] = orm.relationship(
            cascade='all, delete-orphan', passive_deletes=True,
            lazy='raise')


class ShareSnapshotInstanceExportLocation(Base):
    """A path a mountable snapshot instance is reached by (2.32+)."""

    __tablename__ = 'share_snapshot_instance_export_locations'
    # Named: the generated name would pass the 63 characters PostgreSQL
    # and MariaDB allow.
    __table_args__ = (
        sa.Index('ix_snapshot_instance_export_locations_instance_id',
                 'share_snapshot_instance_id'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_snapshot_instance_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_snapshot_instances.id',
                            ondelete='CASCADE'))
    path: orm.Mapped[str] = orm.mapped_column(sa.String(2000))
    is_admin_only: orm.Mapped[bool] = orm.mapped_column(sa.Boolean,
                                                        default=False)


class ShareSnapshotAccessRule(Base):
    """A grant on a mountable snapshot (Manila's share_snapshot_access_map).

    Always read-only. Its state lives per snapshot instance, in
    ShareSnapshotInstanceAccessRule; deleting the snapshot deletes it.
    """

    __tablename__ = 'share_snapshot_access_map'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_snapshot_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_snapshots.id', ondelete='CASCADE'),
        index=True)
    access_type: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    access_to: orm.Mapped[str] = orm.mapped_column(sa.String(255))

    instance_mappings: orm.Mapped[
        list['ShareSnapshotInstanceAccessRule']] = orm.relationship(
            back_populates='access_rule', lazy='selectin',
            cascade='all, delete-orphan', passive_deletes=True)


class ShareSnapshotInstanceAccessRule(Base):
    """A snapshot rule as one snapshot instance's backend holds it."""

    __tablename__ = 'share_snapshot_instance_access_map'
    __table_args__ = (
        sa.UniqueConstraint(
            'share_snapshot_instance_id', 'access_id',
            name='uniq_share_snapshot_instance_access_map0instance0access'),
        sa.Index('ix_share_snapshot_instance_access_map_access_id',
                 'access_id'),
    )

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_snapshot_instance_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_snapshot_instances.id',
                            ondelete='CASCADE'))
    access_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_snapshot_access_map.id',
                            ondelete='CASCADE'))
    state: orm.Mapped[str] = orm.mapped_column(sa.String(255))

    access_rule: orm.Mapped[ShareSnapshotAccessRule] = orm.relationship(
        back_populates='instance_mappings', lazy='raise')


# -- share networks, security services, share servers -------------------------

class ShareNetwork(Base):
    """A project's network description; its subnets say where, per zone."""

    __tablename__ = 'share_networks'
    __table_args__ = (sa.Index('ix_share_networks_project_id', 'project_id'),)

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    description: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    status: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    # Results of the asynchronous subnet checks, as JSON by check key.
    async_operation_data: orm.Mapped[str | None] = orm.mapped_column(
        sa.Text)

    subnets: orm.Mapped[list['ShareNetworkSubnet']] = orm.relationship(
        back_populates='share_network', cascade='all, delete-orphan',
        passive_deletes=True, lazy='selectin',
        order_by='ShareNetworkSubnet.created_at')
    security_services: orm.Mapped[list['SecurityService']] = \
        orm.relationship(secondary='share_network_security_services',
                         lazy='selectin', viewonly=True)


class ShareNetworkSubnet(Base):
    """Where in a share network servers of one zone (or all) get IPs."""

    __tablename__ = 'share_network_subnets'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_network_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_networks.id', ondelete='CASCADE'),
        index=True)
    availability_zone: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    neutron_net_id: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    neutron_subnet_id: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    network_type: orm.Mapped[str | None] = orm.mapped_column(sa.String(32))
    segmentation_id: orm.Mapped[int | None] = orm.mapped_column()
    cidr: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    ip_version: orm.Mapped[int | None] = orm.mapped_column()
    gateway: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    mtu: orm.Mapped[int | None] = orm.mapped_column()

    share_network: orm.Mapped[ShareNetwork] = orm.relationship(
        back_populates='subnets', lazy='raise')
    subnet_metadata: orm.Mapped[list['ShareNetworkSubnetMetadata']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='selectin')

    @property
    def is_default(self):
        return self.availability_zone is None

    @property
    def metadata_dict(self):
        return {item.key: item.value for item in self.subnet_metadata}


class ShareNetworkSubnetMetadata(Base):
    __tablename__ = 'share_network_subnet_metadata'
    __table_args__ = (sa.UniqueConstraint(
        'share_network_subnet_id', 'key',
        name='uniq_share_network_subnet_metadata0subnet0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_network_subnet_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_network_subnets.id', ondelete='CASCADE'),
        index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(1023))


class SecurityService(Base):
    """Directory/Kerberos settings share servers of a network join."""

    __tablename__ = 'security_services'
    __table_args__ = (sa.Index('ix_security_services_project_id',
                               'project_id'),)

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    type: orm.Mapped[str] = orm.mapped_column(sa.String(32))
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    description: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    dns_ip: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    server: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    domain: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    user: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    password: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    ou: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    default_ad_site: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    status: orm.Mapped[str] = orm.mapped_column(sa.String(16))

    share_networks: orm.Mapped[list[ShareNetwork]] = orm.relationship(
        secondary='share_network_security_services', lazy='selectin',
        viewonly=True)


class ShareNetworkSecurityService(Base):
    __tablename__ = 'share_network_security_services'
    __table_args__ = (sa.UniqueConstraint(
        'share_network_id', 'security_service_id',
        name='uniq_share_network_security_services0network0service'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_network_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_networks.id', ondelete='CASCADE'),
        index=True)
    security_service_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('security_services.id', ondelete='CASCADE'),
        index=True)


class ShareServer(Base):
    """A backend's server for the shares of one share network."""

    __tablename__ = 'share_servers'
    __table_args__ = (sa.Index('ix_share_servers_host_status', 'host',
                               'status'),)

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    host: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    status: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    share_network_id: orm.Mapped[str | None] = orm.mapped_column(
        UUID, index=True)
    project_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    # What the driver's setup_server returned, as JSON.
    backend_details: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    is_auto_deletable: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, default=True)
    identifier: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    # Whether its backend can change its security services in place
    # (2.63); a share network allows it when all its servers do.
    security_service_update_support: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, default=False)

    subnet_mappings: orm.Mapped[list['ShareServerSubnetMapping']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='selectin')
    network_allocations: orm.Mapped[list['NetworkAllocation']] = \
        orm.relationship(cascade='all, delete-orphan', passive_deletes=True,
                         lazy='selectin',
                         order_by='NetworkAllocation.created_at')

    @property
    def share_network_subnet_ids(self):
        return sorted(m.share_network_subnet_id for m in self.subnet_mappings)


class ShareServerSubnetMapping(Base):
    """Subnets a share server is plugged into (2.70: one or more).

    Removing a subnet removes its mappings; the server keeps its other
    subnets and the share manager unplugs the gone one.
    """

    __tablename__ = 'share_server_subnet_mappings'
    __table_args__ = (sa.UniqueConstraint(
        'share_server_id', 'share_network_subnet_id',
        name='uniq_share_server_subnet_mappings0server0subnet'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    share_server_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_servers.id', ondelete='CASCADE'),
        index=True)
    share_network_subnet_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_network_subnets.id', ondelete='CASCADE'),
        index=True)


class NetworkAllocation(Base):
    """One IP address a share server holds on a subnet.

    ``share_network_subnet_id`` has no foreign key: the allocations of a
    force-deleted subnet outlive it until the share manager has unplugged
    them from the server.
    """

    __tablename__ = 'network_allocations'
    __table_args__ = (sa.UniqueConstraint(
        'cidr', 'ip_address', name='uniq_network_allocations0cidr0ip'),)

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    share_server_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('share_servers.id', ondelete='CASCADE'),
        index=True)
    share_network_subnet_id: orm.Mapped[str | None] = orm.mapped_column(
        UUID, index=True)
    ip_address: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    ip_version: orm.Mapped[int] = orm.mapped_column()
    label: orm.Mapped[str] = orm.mapped_column(sa.String(32))
    cidr: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    gateway: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    mtu: orm.Mapped[int | None] = orm.mapped_column()
    network_type: orm.Mapped[str | None] = orm.mapped_column(sa.String(32))
    segmentation_id: orm.Mapped[int | None] = orm.mapped_column()


# -- QoS types (2.94) and share transfers (2.77) ------------------------------

class QosType(Base):
    """A named set of QoS specs a share type refers to by name (its extra
    spec ``default_qos_type``)."""

    __tablename__ = 'qos_types'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), unique=True)
    description: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))

    qos_specs: orm.Mapped[list['QosTypeSpec']] = orm.relationship(
        cascade='all, delete-orphan', passive_deletes=True, lazy='selectin',
        order_by='QosTypeSpec.id')

    @property
    def specs(self):
        return {spec.key: spec.value for spec in self.qos_specs}


class QosTypeSpec(Base):
    __tablename__ = 'qos_type_specs'
    __table_args__ = (sa.UniqueConstraint(
        'qos_type_id', 'key', name='uniq_qos_type_specs0type0key'),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True,
                                            autoincrement=True)
    qos_type_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('qos_types.id', ondelete='CASCADE'), index=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    value: orm.Mapped[str] = orm.mapped_column(sa.String(255))


class ShareTransfer(Base):
    """A share offered to another project until accepted, deleted or
    expired. Only the salted hash of its auth key is kept; accepting or
    deleting it removes the row, and so does deleting its share."""

    __tablename__ = 'share_transfers'

    id: orm.Mapped[str] = orm.mapped_column(UUID, primary_key=True,
                                            default=_uuid)
    resource_type: orm.Mapped[str] = orm.mapped_column(sa.String(255),
                                                       default='share')
    resource_id: orm.Mapped[str] = orm.mapped_column(
        UUID, sa.ForeignKey('shares.id', ondelete='CASCADE'), index=True)
    display_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    salt: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    crypt_hash: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    source_project_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), index=True)
    expires_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        types.Timestamp, index=True)
