"""What the scheduler knows about the pools, and how it picks one.

Share services report ``driver.get_share_stats()`` for each backend
('host@backend'); every pool in the report becomes a :class:`PoolState`
named 'host@backend#pool' whose capabilities are the backend's merged
with the pool's own.  :meth:`HostManager.select` runs the filters and
weighers over the pools of backends whose service is up and enabled.
"""

import copy
import re
import threading

from oslo_log import log as logging
from oslo_utils import timeutils
from stevedore import named

from manila_lite import conf
from manila_lite import exception
from manila_lite.scheduler import filters as filters_module
from manila_lite.scheduler import hint_filters
from manila_lite.scheduler import weighers as weighers_module

CONF = conf.CONF
LOG = logging.getLogger(__name__)

FILTER_NAMESPACE = 'manila_lite.scheduler.filters'
WEIGHER_NAMESPACE = 'manila_lite.scheduler.weighers'

# Capacity fields copied from the capabilities onto PoolState attributes.
_CAPACITY_FIELDS = ('total_capacity_gb', 'free_capacity_gb',
                    'allocated_capacity_gb', 'provisioned_capacity_gb')
# Fields offered as ``stats.<name>`` to filter and goodness functions.
_STATS_FIELDS = (
    'share_backend_name', 'vendor_name', 'driver_version',
    'storage_protocol', 'qos', 'driver_handles_share_servers',
    'snapshot_support', 'create_share_from_snapshot_support',
    'revert_to_snapshot_support', 'mount_snapshot_support',
    'replication_domain', 'replication_type', 'dedupe', 'compression',
)


def load_plugins(namespace, names, modules, base):
    """Classes named ``names``, in order, from entry points or the first
    of ``modules`` that has them.

    Entry points let operators add their own filters and weighers; the
    module lookup keeps the built-in ones working from a source tree
    that is not pip-installed.
    """
    found = {}
    try:
        manager = named.NamedExtensionManager(
            namespace, names=list(names), invoke_on_load=False,
            on_missing_entrypoints_callback=lambda missing: None)
        found = {extension.name: extension.plugin for extension in manager}
    except Exception:  # a broken entry point must not hide the built-ins
        LOG.exception('Cannot load entry points of %s.', namespace)
    classes = []
    for name in names:
        plugin = found.get(name) or next(
            (getattr(module, name) for module in modules
             if hasattr(module, name)), None)
        if not (isinstance(plugin, type) and issubclass(plugin, base)):
            raise exception.InvalidParameterValue(
                err="Unknown plugin '%s' in %s." % (name, namespace))
        classes.append(plugin)
    return classes


def _utc(timestamp):
    if timestamp is None:
        return timeutils.utcnow()
    if isinstance(timestamp, str):
        timestamp = timeutils.parse_isotime(timestamp)
    return timeutils.normalize_time(timestamp)


def _group_specs_met(pool, group_specs):
    """Whether the backend's share_group_stats satisfy the group specs
    (``consistent_snapshot_support``: 'pool' or 'host')."""
    return filters_module.capabilities_satisfied(
        pool.capabilities.get('share_group_stats') or {}, group_specs)


class PoolState:
    """One pool as the scheduler sees it between two reports."""

    def __init__(self, host, pool_name):
        self.host = host
        self.pool_name = pool_name
        self.name = '%s#%s' % (host, pool_name)
        self.capabilities = {}
        self.availability_zone = None
        self.total_capacity_gb = None
        self.free_capacity_gb = None
        self.allocated_capacity_gb = 0
        self.provisioned_capacity_gb = 0
        self.reserved_percentage = 0
        self.reserved_snapshot_percentage = 0
        self.max_over_subscription_ratio = (
            filters_module.DEFAULT_MAX_OVER_SUBSCRIPTION_RATIO)
        self.thin_provisioning = False
        self.updated_at = None

    def __repr__(self):
        return '<PoolState %s free=%s>' % (self.name, self.free_capacity_gb)

    @property
    def backend(self):
        return self.host.partition('@')[2] or None

    @property
    def share_backend_name(self):
        return self.capabilities.get('share_backend_name')

    @property
    def driver_handles_share_servers(self):
        return self.capabilities.get('driver_handles_share_servers')

    def update(self, backend_capabilities, pool_capabilities,
               availability_zone, timestamp):
        """Take a new report; False if it is older than what we know.

        A report older than the last local consume() predates the share
        placed then, so applying it would forget that share.
        """
        if self.updated_at is not None and timestamp < self.updated_at:
            LOG.debug('Ignoring a report of %s older than its state.',
                      self.name)
            return False
        caps = {key: value for key, value in backend_capabilities.items()
                if key != 'pools'}
        caps.update(pool_capabilities)
        caps['pool_name'] = self.pool_name
        caps.setdefault('share_backend_name', self.backend)
        caps['timestamp'] = timestamp.isoformat()
        caps.setdefault('allocated_capacity_gb', 0)
        caps.setdefault('provisioned_capacity_gb',
                        caps['allocated_capacity_gb'])
        caps.setdefault('reserved_percentage', 0)
        caps.setdefault('reserved_snapshot_percentage',
                        caps['reserved_percentage'])
        caps.setdefault('max_over_subscription_ratio',
                        filters_module.DEFAULT_MAX_OVER_SUBSCRIPTION_RATIO)
        caps.setdefault('thin_provisioning', False)
        self.capabilities = caps
        for field in _CAPACITY_FIELDS:
            setattr(self, field, caps.get(field))
        self.reserved_percentage = caps['reserved_percentage'] or 0
        self.reserved_snapshot_percentage = (
            caps['reserved_snapshot_percentage'] or 0)
        self.max_over_subscription_ratio = (
            caps['max_over_subscription_ratio'])
        self.thin_provisioning = caps['thin_provisioning']
        self.availability_zone = availability_zone
        self.updated_at = timestamp
        return True

    def consume(self, size):
        """Account a share just placed here until the next report."""
        size = size or 0
        if isinstance(self.free_capacity_gb, (int, float)):
            self.free_capacity_gb -= size
        for field in ('allocated_capacity_gb', 'provisioned_capacity_gb'):
            value = getattr(self, field)
            if isinstance(value, (int, float)):
                setattr(self, field, value + size)
        for field in _CAPACITY_FIELDS:
            self.capabilities[field] = getattr(self, field)
        self.updated_at = timeutils.utcnow()

    def stats(self):
        """The ``stats`` namespace of filter and goodness functions."""
        stats = {field: self.capabilities.get(field)
                 for field in _STATS_FIELDS}
        stats.update({
            'host': self.name,
            'pool_name': self.pool_name,
            'availability_zone': self.availability_zone,
            'total_capacity_gb': self.total_capacity_gb,
            'free_capacity_gb': self.free_capacity_gb,
            'allocated_capacity_gb': self.allocated_capacity_gb,
            'provisioned_capacity_gb': self.provisioned_capacity_gb,
            'reserved_percentage': self.reserved_percentage,
            'reserved_snapshot_percentage':
                self.reserved_snapshot_percentage,
            'max_over_subscription_ratio': self.max_over_subscription_ratio,
            'thin_provisioning': self.thin_provisioning,
            'updated': (self.updated_at.isoformat()
                        if self.updated_at else None),
        })
        return stats

    def to_dict(self):
        """The pool in the shape of the scheduler-stats API."""
        host = self.host.partition('@')[0]
        return {
            'name': self.name,
            'host': host,
            'backend': self.backend,
            'pool': self.pool_name,
            'capabilities': copy.deepcopy(self.capabilities),
        }


class HostManager:
    """Pools reported by the share services, and the choice among them."""

    def __init__(self, filter_names=None, weigher_names=None):
        filter_names = (CONF.scheduler_default_filters
                        if filter_names is None else filter_names)
        weigher_names = (CONF.scheduler_default_weighers
                         if weigher_names is None else weigher_names)
        self.filters = [cls() for cls in load_plugins(
            FILTER_NAMESPACE, filter_names, (filters_module, hint_filters),
            filters_module.BaseFilter)]
        self.weighers = [cls() for cls in load_plugins(
            WEIGHER_NAMESPACE, weigher_names, (weighers_module,),
            weighers_module.BaseWeigher)]
        self._pools = {}            # host -> {pool_name: PoolState}
        self._service_states = None
        # Reports, selections and their consume() must not interleave.
        self._lock = threading.RLock()

    def update_capabilities(self, host, capabilities, availability_zone,
                            timestamp=None):
        """Replace what is known of backend ``host`` ('host@backend').

        A backend that reports no ``pools`` list is one pool named after
        its share_backend_name; pools missing from a report are gone.
        """
        timestamp = _utc(timestamp)
        capabilities = copy.deepcopy(capabilities or {})
        reported = capabilities.get('pools')
        if reported is None:
            name = (capabilities.get('share_backend_name') or
                    host.partition('@')[2] or host)
            reported = [{'pool_name': name}]
        with self._lock:
            known = self._pools.get(host, {})
            current = {}
            for pool_capabilities in reported:
                pool_name = pool_capabilities.get('pool_name')
                if not pool_name:
                    LOG.warning('Ignoring a pool without pool_name '
                                'reported by %s.', host)
                    continue
                pool = known.get(pool_name) or PoolState(host, pool_name)
                pool.update(capabilities, pool_capabilities,
                            availability_zone, timestamp)
                current[pool_name] = pool
            self._pools[host] = current

    def set_service_states(self, states):
        """Record which share services may take shares.

        ``states`` maps 'host@backend' to {'up': bool, 'disabled': bool};
        once given, backends missing from it are not eligible.  None
        forgets the states, making every reported backend eligible.
        """
        with self._lock:
            self._service_states = (None if states is None else
                                    {host: dict(state) for host, state
                                     in states.items()})

    def _eligible(self, host):
        if self._service_states is None:
            return True
        state = self._service_states.get(host)
        return bool(state and state.get('up') and
                    not state.get('disabled'))

    def _eligible_pools(self):
        return sorted((pool for host, pools in self._pools.items()
                       if self._eligible(host) for pool in pools.values()),
                      key=lambda pool: pool.name)

    def get_pools(self, filters=None):
        """Pools of eligible backends, as the scheduler-stats API shows.

        ``host``, ``backend`` and ``pool`` filters are regular expressions
        that must match the whole value; ``capabilities`` is a dict of
        values the capabilities must match (extra spec syntax accepted).
        """
        filters = {key: value for key, value in (filters or {}).items()
                   if value is not None}
        patterns = {}
        for key in ('host', 'backend', 'pool'):
            if key in filters:
                try:
                    patterns[key] = re.compile(str(filters[key]))
                except re.error as err:
                    raise exception.InvalidInput(
                        reason="Invalid %s filter %r: %s"
                        % (key, filters[key], err))
        unknown = set(filters) - set(patterns) - {'capabilities'}
        with self._lock:
            pools = [pool.to_dict() for pool in self._eligible_pools()]
        if unknown:
            return []
        wanted_caps = filters.get('capabilities') or {}
        return [
            pool for pool in pools
            if all(pool[key] is not None and pattern.fullmatch(pool[key])
                   for key, pattern in patterns.items())
            and filters_module.capabilities_satisfied(
                pool['capabilities'], wanted_caps)
        ]

    def select(self, spec):
        """The best pool for the request spec, with the share consumed.

        Raises NoValidHost naming the filter that removed the last
        candidates.
        """
        with self._lock:
            candidates = self._eligible_pools()
            if not candidates:
                raise exception.NoValidHost(
                    reason='No share backend is available.')
            candidates = self._near_snapshot(candidates, spec)
            for pool_filter in self.filters:
                candidates = self._run_filter(pool_filter, candidates, spec)
                if not candidates:
                    raise exception.NoValidHost(
                        reason='No pool passed the %s.' % pool_filter.name)
            best = self._best(candidates, spec)
            best.consume(spec.get('size') or 0)
            LOG.debug('Chose pool %s for share %s.', best.name,
                      spec.get('share_id'))
            return best

    def select_for_group(self, group_spec):
        """The best pool that could hold a share of every share type of
        a share group (its backend is where the group goes).

        Each share type runs through the filters as a share of size 0
        would, with the group's zone; the group specs must match the
        backend's ``share_group_stats``. Raises NoValidHost.
        """
        type_specs = [
            {'share_id': group_spec.get('share_group_id'),
             'project_id': group_spec.get('project_id'), 'size': 0,
             'availability_zone': group_spec.get('availability_zone'),
             'availability_zones': group_spec.get('availability_zones'),
             'share_type': share_type}
            for share_type in group_spec.get('share_types') or []]
        group_specs = group_spec.get('group_specs') or {}
        with self._lock:
            candidates = [
                pool for pool in self._eligible_pools()
                if _group_specs_met(pool, group_specs)]
            if not candidates:
                raise exception.NoValidHost(
                    reason='No share backend is available for the share '
                           'group type.')
            for pool_filter in self.filters:
                for type_spec in type_specs:
                    candidates = self._run_filter(pool_filter, candidates,
                                                  type_spec)
                    if not candidates:
                        raise exception.NoValidHost(
                            reason='No pool passed the %s for share type '
                                   '%s.' % (pool_filter.name,
                                            type_spec['share_type']['name']))
            return self._best(candidates, type_specs[0] if type_specs
                              else {})

    def check_pool(self, host, spec):
        """Whether the pool ``host`` ('host@backend#pool') passes every
        filter for ``spec``, its size consumed if so; for requests bound to
        a pool already (extending a share, managing one).

        Raises NoValidHost naming the reason, or KeyError when the pool
        has not been reported (yet).
        """
        backend, _sep, pool_name = host.partition('#')
        with self._lock:
            pool = self._pools.get(backend, {})[pool_name]
            if not self._eligible(backend):
                raise exception.NoValidHost(
                    reason='The share service %s is down or disabled.'
                    % backend)
            for pool_filter in self.filters:
                if not self._run_filter(pool_filter, [pool], spec):
                    raise exception.NoValidHost(
                        reason='Pool %s did not pass the %s.'
                        % (host, pool_filter.name))
            pool.consume(spec.get('size') or 0)
            return pool

    def _near_snapshot(self, candidates, spec):
        """Shares made from a snapshot stay where the snapshot can be read:
        its own backend, or one sharing its replication domain."""
        snapshot_host = spec.get('snapshot_host')
        if not snapshot_host:
            return candidates
        backend = snapshot_host.partition('#')[0]
        domain = next((pool.capabilities.get('replication_domain')
                       for pool in self._pools.get(backend, {}).values()),
                      None)
        kept = [pool for pool in candidates
                if pool.host == backend or
                (domain and
                 pool.capabilities.get('replication_domain') == domain)]
        if not kept:
            raise exception.NoValidHost(
                reason='No pool can reach the backend %s of the snapshot.'
                % backend)
        return kept

    @staticmethod
    def _run_filter(pool_filter, pools, spec):
        passed = []
        for pool in pools:
            try:
                if pool_filter.host_passes(pool, spec):
                    passed.append(pool)
            except Exception:  # one odd report must not stop scheduling
                LOG.exception('%s failed on pool %s; skipping the pool.',
                              pool_filter.name, pool.name)
        return passed

    def _best(self, pools, spec):
        totals = [0.0] * len(pools)
        for weigher in self.weighers:
            try:
                weights = weigher.weigh_all(pools, spec)
            except Exception:
                LOG.exception('%s failed; ignoring it.', weigher.name)
                continue
            multiplier = weigher.weight_multiplier()
            for index, weight in enumerate(weights):
                totals[index] += multiplier * weight
        # Ties go to the first pool by name, keeping choices repeatable.
        best = max(range(len(pools)), key=lambda index: totals[index])
        return pools[best]
