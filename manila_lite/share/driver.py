"""The contract between a share manager and the storage backend it drives.

A driver only talks to its storage: it never reads the database or sends
RPC. The manager hands it plain dicts (shares, snapshots, access rules,
share servers) and records whatever the driver returns. Only creating,
deleting and ensuring shares are mandatory; every other capability has a
default that either raises NotImplementedError (the manager then reports
the feature as unsupported, or falls back to a simpler path) or does the
harmless thing. ``get_share_stats`` tells the scheduler which optional
capabilities a driver actually has, by looking at what it overrides.
"""

import abc
import copy

from manila_lite import exception


class ShareDriver(abc.ABC):
    """Base class of share drivers; one instance per configured backend."""

    vendor_name = 'Open Source'
    driver_version = '1.0'
    # e.g. 'NFS', 'CIFS' or 'NFS_CIFS'; the scheduler matches share_proto
    # against it.
    storage_protocol = None

    def __init__(self, driver_handles_share_servers, *args,
                 configuration=None, backend_name=None, **kwargs):
        """Check the configured share server mode against what we support.

        ``driver_handles_share_servers`` is the mode (a bool), or the
        modes (a list of bools), this driver can run in; the backend's
        ``driver_handles_share_servers`` option picks the one in use.
        Extra positional and keyword arguments are accepted so mixins and
        subclasses can share one constructor call.
        """
        if isinstance(driver_handles_share_servers, bool):
            supported = [driver_handles_share_servers]
        else:
            supported = list(driver_handles_share_servers)
        if not supported or any(not isinstance(m, bool) for m in supported):
            raise exception.InvalidDriverError(
                reason='driver_handles_share_servers must be a bool or a '
                       'list of bools, not %r' % (supported,))
        self.configuration = configuration
        self.backend_name = backend_name
        mode = self._conf('driver_handles_share_servers', supported[0])
        if mode not in supported:
            raise exception.InvalidDriverError(
                reason='%s cannot run with driver_handles_share_servers=%s' %
                       (type(self).__name__, mode))
        self._driver_handles_share_servers = mode
        self._stats = {}

    def _conf(self, name, default=None):
        """An option of the backend section, tolerating absent options."""
        if self.configuration is None:
            return default
        value = getattr(self.configuration, name, default)
        return default if value is None else value

    def _overrides(self, *names):
        """Whether this class implements all the given optional methods."""
        return all(getattr(type(self), n) is not getattr(ShareDriver, n)
                   for n in names)

    # -- properties the manager reads ---------------------------------------

    @property
    def driver_handles_share_servers(self):
        return self._driver_handles_share_servers

    @property
    def snapshots_are_supported(self):
        return self._overrides('create_snapshot', 'delete_snapshot')

    @property
    def replication_domain(self):
        """Backends in one domain can hold replicas of each other's shares."""
        return self._conf('replication_domain')

    @property
    def share_backend_name(self):
        return (self._conf('share_backend_name') or self.backend_name
                or type(self).__name__)

    # -- start-up -----------------------------------------------------------

    def do_setup(self, context):
        """Connect to the backend; called once before any other call."""

    def check_for_setup_error(self):
        """Raise if the backend is unusable, so the service refuses to run."""

    # -- shares (mandatory) -------------------------------------------------

    @abc.abstractmethod
    def create_share(self, context, share, share_server=None):
        """Create ``share``; return its export locations.

        Each location is a path string or a dict with ``path``,
        ``is_admin_only``, ``preferred`` and ``metadata``. Creating a
        share that already exists must succeed (the manager retries
        creations interrupted by a restart).
        """

    @abc.abstractmethod
    def delete_share(self, context, share, share_server=None):
        """Delete ``share``; a share the backend does not hold is gone."""

    @abc.abstractmethod
    def ensure_share(self, context, share, share_server=None):
        """Check ``share`` is still exported after a restart.

        Return its current export locations, or None if unchanged.
        """

    def ensure_shares(self, context, shares):
        """Ensure many shares in one call.

        Return ``{share_id: {'export_locations': [...], 'status': ...,
        'reapply_access_rules': bool}}``. Not implementing it makes the
        manager call ``ensure_share`` once per share instead.
        """
        raise NotImplementedError()

    def get_backend_info(self, context):
        """What of the backend's configuration shapes its shares' exports.

        Return a JSON-serialisable dict (addresses, versions, options).
        The manager keeps its hash after each complete ensure run and
        skips the run at start-up while it is unchanged. Not implementing
        it makes every start-up ensure the shares.
        """
        raise NotImplementedError()

    # -- shares (optional) --------------------------------------------------

    def create_share_from_snapshot(self, context, share, snapshot,
                                   share_server=None):
        """Create ``share`` holding a copy of ``snapshot``'s data."""
        raise NotImplementedError()

    def extend_share(self, share, new_size, share_server=None):
        raise NotImplementedError()

    def shrink_share(self, share, new_size, share_server=None):
        """Raise ShareShrinkingPossibleDataLoss if data would not fit."""
        raise NotImplementedError()

    def update_access(self, context, share, access_rules, add_rules,
                      delete_rules, share_server=None):
        """Make the backend's access list for ``share`` match the rules.

        With ``add_rules`` and ``delete_rules`` both empty this is a
        recovery: drop whatever the backend has and apply exactly
        ``access_rules``. Otherwise apply only the two lists. Return None
        or ``{access_id: access_key}`` for rules whose access type issues
        credentials (all of ``access_rules`` during recovery). A value may
        also be ``{'access_key': ..., 'state': 'error'}`` for a rule the
        backend refused while applying the others; raising instead puts
        every rule of the call in error.
        """
        raise NotImplementedError()

    def manage_existing(self, share, driver_options):
        """Adopt a backend share found by ``share['export_locations']``.

        Return a dict with at least ``size``; raise ManageInvalidShare if
        the share cannot be adopted.
        """
        raise NotImplementedError()

    def unmanage(self, share):
        """Forget ``share`` without deleting its data.

        Raise UnmanageInvalidShare when that is not possible.
        """

    def get_pool(self, share):
        """Pool holding ``share``, or None when the driver cannot tell."""
        return None

    def get_periodic_hook_data(self, context, share_instances):
        """Let a driver enrich share instances passed to periodic hooks."""
        return share_instances

    # -- snapshots ----------------------------------------------------------

    def create_snapshot(self, context, snapshot, share_server=None):
        """Snapshot ``snapshot['share']``; return None or a model update.

        The update may carry ``provider_location``, ``size`` and, for
        mountable snapshots, ``export_locations``.
        """
        raise NotImplementedError()

    def delete_snapshot(self, context, snapshot, share_server=None):
        raise NotImplementedError()

    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        """Roll the snapshot's share back to the snapshot's content."""
        raise NotImplementedError()

    def snapshot_update_access(self, context, snapshot, access_rules,
                               add_rules, delete_rules, share_server=None):
        """Like update_access, for mountable snapshots (read-only)."""
        raise NotImplementedError()

    def manage_existing_snapshot(self, snapshot, driver_options):
        """Adopt a backend snapshot found by ``provider_location``.

        Return a dict with at least ``size``; raise
        ManageInvalidShareSnapshot if it cannot be adopted.
        """
        raise NotImplementedError()

    def unmanage_snapshot(self, snapshot):
        """Forget ``snapshot`` without deleting it.

        Raise UnmanageInvalidShareSnapshot when that is not possible.
        """

    # -- share servers (driver_handles_share_servers=True) ------------------

    def get_network_allocations_number(self):
        """How many IPs of the share network a new share server needs."""
        raise NotImplementedError()

    def get_admin_network_allocations_number(self):
        return 0

    def setup_server(self, network_info, metadata=None):
        """Build a share server; return its backend details (str -> str)."""
        raise NotImplementedError()

    def teardown_server(self, server_details, security_services=None):
        raise NotImplementedError()

    def choose_share_server_compatible_with_share(
            self, context, share_servers, share, snapshot=None,
            consistency_group=None):
        """Pick an existing server for ``share``, or None to make a new one.

        The default takes any server of the share network.
        """
        return share_servers[0] if share_servers else None

    def get_share_server_pools(self, share_server):
        """Pools of one share server, in the format of stats ``pools``."""
        return []

    def update_share_server_network_allocations(
            self, context, share_network, share_server,
            current_network_allocations, new_network_allocations,
            share_instances, share_instance_rules, security_services=None,
            delete=False):
        """Plug a share server into a subnet added to its share network,
        or, with ``delete``, unplug it from the subnet whose allocations
        ``new_network_allocations`` then lists (a force-deleted subnet).

        Return ``{'server_details': {...}, 'share_updates':
        {share_instance_id: export_locations}}``.
        """
        raise NotImplementedError()

    def check_update_share_server_network_allocations(
            self, context, share_server, current_network_allocations,
            share_network_subnet, security_services, share_instances,
            share_instances_rules, delete=False):
        """Whether the server can be plugged into (or, with ``delete``,
        unplugged from) ``share_network_subnet`` without disruption."""
        return False

    def update_share_server_security_service(
            self, context, share_server, network_info, share_instances,
            share_instance_rules, new_security_service,
            current_security_service=None):
        """Make a running share server use ``new_security_service``,
        replacing ``current_security_service`` (None: it is added).

        Return ``{'server_details': {...}, 'share_updates':
        {share_instance_id: export_locations}}`` or None. A driver that
        implements it reports ``security_service_update_support``.
        """
        raise NotImplementedError()

    def check_update_share_server_security_service(
            self, context, share_server, network_info, share_instances,
            share_instance_rules, new_security_service,
            current_security_service=None):
        """Whether the server could take ``new_security_service`` (in
        place of ``current_security_service``) without disruption."""
        return False

    # -- replication --------------------------------------------------------

    def create_replica(self, context, replica_list, new_replica,
                       access_rules, replica_snapshots, share_server=None):
        """Build ``new_replica`` on this backend from the active one.

        Return None or a dict with ``export_locations``, ``replica_state``
        and ``access_rules_status``.
        """
        raise NotImplementedError()

    def delete_replica(self, context, replica_list, replica_snapshots,
                       replica, share_server=None):
        raise NotImplementedError()

    def promote_replica(self, context, replica_list, replica, access_rules,
                        share_server=None):
        """Make ``replica`` active; return the updated replica list."""
        raise NotImplementedError()

    def update_replica_state(self, context, replica_list, replica,
                             access_rules, replica_snapshots,
                             share_server=None):
        """Return 'in_sync', 'out_of_sync' or None (unchanged)."""
        raise NotImplementedError()

    def create_replicated_snapshot(self, context, replica_list,
                                   replica_snapshots, share_server=None):
        """Snapshot the active replica; return snapshot instance updates."""
        raise NotImplementedError()

    def delete_replicated_snapshot(self, context, replica_list,
                                   replica_snapshots, share_server=None):
        """Return instance updates; status 'deleted' confirms removal."""
        raise NotImplementedError()

    def update_replicated_snapshot(self, context, replica_list,
                                   share_replica, replica_snapshots,
                                   replica_snapshot, share_server=None):
        """Return an update for one snapshot instance on a replica.

        Raise SnapshotResourceNotFound once a 'deleting' instance is gone.
        """
        raise NotImplementedError()

    # -- migration ----------------------------------------------------------

    def migration_check_compatibility(self, context, source_share,
                                      destination_share, share_server=None,
                                      destination_share_server=None):
        """Whether this driver can move the share itself.

        The default says no, so the manager copies the data instead.
        """
        return {'compatible': False, 'writable': False,
                'preserve_metadata': False, 'nondisruptive': False}

    def migration_start(self, context, source_share, destination_share,
                        share_server=None, destination_share_server=None):
        raise NotImplementedError()

    def migration_continue(self, context, source_share, destination_share,
                           share_server=None, destination_share_server=None):
        """Return True once the first phase (the copy) has finished."""
        raise NotImplementedError()

    def migration_complete(self, context, source_share, destination_share,
                           share_server=None, destination_share_server=None):
        """Cut over to the destination; return its export locations."""
        raise NotImplementedError()

    def migration_cancel(self, context, source_share, destination_share,
                         share_server=None, destination_share_server=None):
        raise NotImplementedError()

    def migration_get_progress(self, context, source_share,
                               destination_share, share_server=None,
                               destination_share_server=None):
        """Return a dict with at least ``total_progress`` (0-100)."""
        raise NotImplementedError()

    def connection_get_info(self, context, share, share_server=None):
        """How a data-copy host mounts ``share`` for host-assisted moves."""
        raise NotImplementedError()

    # -- share groups -------------------------------------------------------

    def create_share_group(self, context, share_group_dict,
                           share_server=None):
        """Make the group on the backend; return a dict of group fields
        to record, or None. A backend with nothing to set up for a group
        (most of them) keeps this default, which succeeds."""
        return None

    def delete_share_group(self, context, share_group_dict,
                           share_server=None):
        """Remove the group from the backend; deleting one it does not
        hold succeeds. Return a dict of group fields, or None."""
        return None

    # -- consistency groups -------------------------------------------------

    def create_consistency_group(self, context, cg_dict, share_server=None):
        """Return (cg_model_update, share_update_list); either may be None."""
        raise NotImplementedError()

    def create_consistency_group_from_cgsnapshot(
            self, context, cg_dict, cgsnapshot_dict, share_server=None):
        """Return (cg_model_update, share_update_list).

        Each share update holds ``id`` and ``export_locations``.
        """
        raise NotImplementedError()

    def delete_consistency_group(self, context, cg_dict, share_server=None):
        """Return cg_model_update or None."""
        raise NotImplementedError()

    def create_cgsnapshot(self, context, snap_dict, share_server=None):
        """Return (cgsnapshot_update, member_update_list)."""
        raise NotImplementedError()

    def delete_cgsnapshot(self, context, snap_dict, share_server=None):
        """Return (cgsnapshot_update, member_update_list)."""
        raise NotImplementedError()

    def choose_share_server_compatible_with_cg(self, context, share_servers,
                                               cg_ref, cgsnapshot=None):
        return share_servers[0] if share_servers else None

    # -- scheduling hints ---------------------------------------------------

    def get_default_filter_function(self):
        """A driver's built-in filter expression, used when none is set."""
        return None

    def get_default_goodness_function(self):
        """A driver's built-in goodness expression, used when none is set."""
        return None

    def get_filter_function(self):
        """Configured filter expression, else the driver default.

        None lets every pool of this backend pass the DriverFilter.
        """
        return (self._conf('filter_function')
                or self.get_default_filter_function())

    def get_goodness_function(self):
        """Configured goodness expression, else the driver default."""
        return (self._conf('goodness_function')
                or self.get_default_goodness_function())

    # -- capabilities -------------------------------------------------------

    def get_share_stats(self, refresh=False):
        """Capabilities for the scheduler; ``refresh`` asks the backend."""
        if refresh or not self._stats:
            self._update_share_stats()
        return copy.deepcopy(self._stats)

    def _update_share_stats(self, data=None):
        """Store the common capabilities, overlaid with ``data``.

        Drivers override this to gather capacity and pools, then call it
        with what they found. ``pools`` is always a list: a driver that
        reports none gets one pool, named after the backend, built from
        the backend-wide figures.
        """
        stats = {
            'share_backend_name': self.share_backend_name,
            'vendor_name': self.vendor_name,
            'driver_version': self.driver_version,
            'storage_protocol': self.storage_protocol,
            'driver_handles_share_servers':
                self.driver_handles_share_servers,
            'total_capacity_gb': 'unknown',
            'free_capacity_gb': 'unknown',
            'thin_provisioning': False,
            'qos': False,
            'snapshot_support': self.snapshots_are_supported,
            'create_share_from_snapshot_support':
                self._overrides('create_share_from_snapshot'),
            'revert_to_snapshot_support':
                self._overrides('revert_to_snapshot'),
            'mount_snapshot_support':
                self._overrides('snapshot_update_access'),
            'security_service_update_support':
                self._overrides('update_share_server_security_service'),
            'replication_domain': self.replication_domain,
            'filter_function': self.get_filter_function(),
            'goodness_function': self.get_goodness_function(),
            # What the backend offers share groups (2.31+): 'pool',
            # 'host' or None for consistent group snapshots.
            'share_group_stats': {'consistent_snapshot_support': None},
            'pools': [],
        }
        stats.update(self._reservation_stats())
        stats.update(data or {})
        if not stats['pools']:
            stats['pools'] = [self._backend_wide_pool(stats)]
        self._stats = stats

    def _reservation_stats(self):
        """The configured headroom figures, reported by every pool."""
        return {
            'reserved_percentage': self._conf('reserved_share_percentage', 0),
            'reserved_snapshot_percentage':
                self._conf('reserved_share_from_snapshot_percentage', 0),
            'max_over_subscription_ratio':
                self._conf('max_over_subscription_ratio', 1.0),
        }

    def _backend_wide_pool(self, stats):
        pool = {'pool_name': stats['share_backend_name'],
                'allocated_capacity_gb': 0,
                'provisioned_capacity_gb': 0,
                'dedupe': False,
                'compression': False}
        for key in ('total_capacity_gb', 'free_capacity_gb',
                    'reserved_percentage', 'reserved_snapshot_percentage',
                    'max_over_subscription_ratio', 'thin_provisioning',
                    'qos', 'snapshot_support',
                    'create_share_from_snapshot_support',
                    'revert_to_snapshot_support', 'mount_snapshot_support',
                    'replication_domain'):
            pool[key] = stats[key]
        return pool
