"""A share backend that lives in memory, for tests, demos and benchmarks.

It implements the whole driver interface against a dict of shares,
snapshots, access rules, share servers, replicas and migrations. With
``fake_state_file`` set, every change appends the entries it touched to
a journal next to that JSON snapshot (``<fake_state_file>.journal``),
which is folded into the snapshot on start and whenever it outgrows the
state, so a share service killed and restarted finds its shares again
while an operation costs the same however many shares there are.
Options let a test inject latency and failures, per operation or per
share name, without touching code.

A share whose metadata has ``fake_fail_operations`` (driver methods,
comma-separated, e.g. ``extend_share`` or ``create_snapshot``) fails those
operations, and those on its snapshots, so a test can make one share fail
through the API.

Used space: a share uses 0 GB unless its metadata has ``fake_used_gb``
(read on create and on shrink) or a test calls ``fake_set_used_gb``.
Shrinking below the used space raises ShareShrinkingPossibleDataLoss;
thin pools report free space from used space, thick ones from sizes.
"""

import base64
import copy
import hashlib
import ipaddress
import json
import os
import re
import tempfile
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging

from manila_lite import exception
from manila_lite.share import driver
from manila_lite import states

LOG = logging.getLogger(__name__)
# The injected latency's wait; tests hold it here rather than patch
# time.sleep, which every other thread of the process calls too.
_sleep = time.sleep

fake_opts = [
    cfg.ListOpt('fake_pools', default=['pool0'],
                help='Pools of the fake backend; a share lands in the pool '
                     'named after "#" in its host.'),
    cfg.IntOpt('fake_pool_capacity_gb', default=10000, min=1,
               help='Total capacity of each fake pool, in GiB.'),
    cfg.BoolOpt('fake_thin_provisioning', default=False,
                help='Report thin pools: free space then counts used '
                     'space, not share sizes, and creations never fail '
                     'for lack of room.'),
    cfg.FloatOpt('fake_latency', default=0.0, min=0.0,
                 help='Seconds every backend operation takes.'),
    cfg.DictOpt('fake_operation_latency', default={},
                help='Per-operation latency overriding fake_latency, as '
                     'operation:seconds pairs, e.g. create_share:2.5.'),
    cfg.ListOpt('fake_fail_operations', default=[],
                help='Driver methods that fail (after their latency), e.g. '
                     'create_share, delete_share, extend_share, '
                     'create_snapshot, update_access.'),
    cfg.ListOpt('fake_fail_share_names', default=[],
                help='Share names (display name or share-<instance id>) '
                     'whose creation fails, so a test can make one share '
                     'fail through the API.'),
    cfg.StrOpt('fake_state_file',
               help='JSON file keeping the backend state across restarts, '
                    'e.g. $state_path/fake-<backend>.json; one per backend. '
                    'Changes are appended to <file>.journal beside it and '
                    'folded into the file on start and as the journal '
                    'grows. Unset keeps the state in memory only.'),
    cfg.StrOpt('fake_export_ip', default='127.0.0.1',
               help='Address in the export locations of shares not on a '
                    'share server.'),
    cfg.StrOpt('fake_admin_export_ip', default='127.0.0.2',
               help='Address in the admin-only export locations.'),
    cfg.BoolOpt('fake_snapshot_support', default=True,
                help='Report snapshot_support.'),
    cfg.BoolOpt('fake_create_share_from_snapshot_support', default=True,
                help='Report create_share_from_snapshot_support.'),
    cfg.BoolOpt('fake_revert_to_snapshot_support', default=True,
                help='Report revert_to_snapshot_support.'),
    cfg.BoolOpt('fake_mount_snapshot_support', default=True,
                help='Report mount_snapshot_support and give snapshots '
                     'export locations.'),
    cfg.BoolOpt('fake_security_service_update_support', default=True,
                help='Report security_service_update_support: share servers '
                     'of in-use share networks may change security '
                     'services (2.63).'),
    cfg.StrOpt('fake_replication_type',
               choices=['readable', 'writable', 'dr'],
               help='Replication type to report; unset reports none.'),
    cfg.StrOpt('fake_replication_domain',
               help='Replication domain to report; backends sharing it '
                    'may hold replicas of each other.'),
]

# The manager registers a driver module's driver_opts in the backend
# section.
driver_opts = fake_opts

_DEFAULTS = {opt.dest: opt.default for opt in fake_opts}
_PROTOCOLS = ('NFS', 'CIFS')
_ACCESS_LEVELS = ('rw', 'ro')
_NAME_PATTERNS = {
    'user': re.compile(r'^[\w.@$\\-]{1,255}$'),
    'cert': re.compile(r'^\S(.{0,62}\S)?$'),
    'cephx': re.compile(r'^[\w-]{1,255}$'),
}
# Failures the manager treats specially get the error it expects.
_FAILURE_ERRORS = {
    'manage_existing': exception.ManageInvalidShare,
    'manage_existing_snapshot': exception.ManageInvalidShareSnapshot,
    'unmanage': exception.UnmanageInvalidShare,
    'unmanage_snapshot': exception.UnmanageInvalidShareSnapshot,
}
_CREATE_OPERATIONS = ('create_share', 'create_share_from_snapshot')
_STATE_SECTIONS = ('shares', 'snapshots', 'servers', 'migrations',
                   'consistency_groups', 'cgsnapshots', 'share_groups')
# The journal is folded into the snapshot once it has more lines than
# this many per entry of the state (and at least the minimum), so its
# replay stays short and compaction costs little per operation.
_JOURNAL_LINES_PER_ENTRY = 4
_JOURNAL_MIN_LINES = 1000


def _empty_state():
    return {section: {} for section in _STATE_SECTIONS}


def _journal_path(state_file):
    return state_file + '.journal'


def read_state(state_file):
    """The state a driver on ``state_file`` last recorded: the snapshot
    with the journal replayed over it.

    Only the last journal line may be cut short (a crash while it was
    written); damage anywhere else raises rather than losing entries.
    """
    state = _empty_state()
    if os.path.exists(state_file):
        with open(state_file) as f:
            state.update(json.load(f))
    journal = _journal_path(state_file)
    if not os.path.exists(journal):
        return state
    with open(journal) as f:
        lines = f.readlines()
    for number, line in enumerate(lines, 1):
        try:
            section, key, entry = json.loads(line)
            if entry is None:
                state[section].pop(key, None)
            else:
                state[section][key] = entry
        except (ValueError, TypeError, KeyError):
            if number == len(lines):
                LOG.warning('Ignoring the cut-short last line of %s',
                            journal)
                break
            raise exception.ShareBackendException(
                msg='fake backend journal %s is corrupt at line %d of %d' %
                    (journal, number, len(lines)))
    return state


def _pool_of(host):
    return (host or '').partition('#')[2] or None


def _backend_of(host):
    return (host or '').partition('#')[0]


def _first_path(export_locations):
    for location in export_locations or []:
        return location if isinstance(location, str) else location['path']
    return None


def _allocations_of(network_info):
    """Allocations of one network_info dict, a list of them, or a bare
    list of allocations."""
    infos = network_info if isinstance(network_info, list) else [
        network_info]
    for info in infos:
        if 'ip_address' in (info or {}):
            yield info
        else:
            yield from (info or {}).get('network_allocations') or []


def _first_ip(network_info):
    infos = network_info if isinstance(network_info, list) else [
        network_info]
    for info in infos:
        for allocation in info.get('network_allocations') or []:
            return allocation['ip_address']
    return None


def _location(proto, ip, folder, name, admin):
    if proto == 'CIFS':
        path = '\\\\%s\\%s' % (ip, name)
    else:
        path = '%s:/%s/%s' % (ip, folder, name)
    return {'path': path, 'is_admin_only': admin, 'preferred': not admin,
            'metadata': {}}


def _access_key(share_id, access_to):
    """Stable per share and grantee, so a resync hands out the same key."""
    digest = hashlib.sha256(('%s:%s' % (share_id, access_to)).encode())
    return base64.urlsafe_b64encode(digest.digest()).decode()[:40]


def validate_rule(rule, types=('ip', 'user', 'cert', 'cephx'),
                  levels=_ACCESS_LEVELS):
    """Raise InvalidShareAccess unless the backend could apply ``rule``."""
    access_type = rule.get('access_type')
    access_to = rule.get('access_to') or ''
    if access_type not in types:
        raise exception.InvalidShareAccess(
            reason='access type %r is not one of %s' %
                   (access_type, ', '.join(types)))
    if rule.get('access_level', 'rw') not in levels:
        raise exception.InvalidShareAccess(
            reason='access level %r is not one of %s' %
                   (rule.get('access_level'), ', '.join(levels)))
    if access_type == 'ip':
        try:
            ipaddress.ip_network(access_to, strict=False)
        except ValueError:
            raise exception.InvalidShareAccess(
                reason='%r is not an IP address or network' % access_to)
    elif not _NAME_PATTERNS[access_type].match(access_to):
        raise exception.InvalidShareAccess(
            reason='%r is not a valid %s name' % (access_to, access_type))


class FakeShareDriver(driver.ShareDriver):
    """Every driver capability, with state in a dict; see the module doc."""

    vendor_name = 'manila-lite'
    driver_version = '1.0'
    storage_protocol = 'NFS_CIFS'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._journal = None
        path = self._opt('fake_state_file')
        self._state = read_state(path) if path else _empty_state()
        if path:
            self._compact()

    # -- options, state and injected behaviour -------------------------------

    def _opt(self, name):
        return self._conf(name, _DEFAULTS[name])

    def _save(self, section, *keys):
        """Journal the current entries (or their removal) of ``keys``.

        Callers hold the lock and name every top-level entry they
        changed: an entry left out is lost on restart.
        """
        if self._journal is None or not keys:
            return
        lines = ''.join(json.dumps([section, key,
                                    self._state[section].get(key)]) + '\n'
                        for key in keys)
        self._journal.write(lines)
        self._journal_lines += len(keys)
        entries = sum(len(self._state[name]) for name in _STATE_SECTIONS)
        if self._journal_lines > max(_JOURNAL_MIN_LINES,
                                     _JOURNAL_LINES_PER_ENTRY * entries):
            self._compact()

    def _compact(self):
        """Write the whole state as a new snapshot, then empty the journal.

        A crash in between leaves the old journal, which replays to the
        same state over the new snapshot.
        """
        path = self._opt('fake_state_file')
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix='.fake-state-')
        # dumps, not dump: dump streams through the pure-Python encoder,
        # dumps encodes in one go with the C one (several times faster).
        with os.fdopen(fd, 'w') as f:
            f.write(json.dumps(self._state))
        os.replace(tmp, path)
        if self._journal is None:
            self._journal = open(_journal_path(path), 'a', buffering=1)
        self._journal.truncate(0)
        self._journal_lines = 0

    def _begin(self, operation, share=None):
        """Wait out the injected latency, then fail if told to.

        Called before taking the lock so slow operations overlap.
        """
        latency = float(self._opt('fake_operation_latency').get(
            operation, self._opt('fake_latency')))
        if latency > 0:
            _sleep(latency)
        if operation in self._opt('fake_fail_operations'):
            LOG.info('Injected failure of %s', operation)
            reason = 'injected failure of %s' % operation
            error = _FAILURE_ERRORS.get(operation)
            if error:
                raise error(reason=reason)
            raise exception.ShareBackendException(msg=reason)
        failing = ((share or {}).get('metadata') or {}).get(
            'fake_fail_operations') or ''
        if operation in [op.strip() for op in failing.split(',')]:
            LOG.info('Injected failure of %s for share %s', operation,
                     share.get('id'))
            raise exception.ShareBackendException(
                msg='injected failure of %s for %s'
                    % (operation, share.get('id')))
        if share is not None and operation in _CREATE_OPERATIONS:
            names = self._opt('fake_fail_share_names')
            if share.get('display_name') in names or share.get(
                    'name') in names:
                LOG.info('Injected failure creating share %s', share['id'])
                raise exception.ShareBackendException(
                    msg='injected failure creating %s' % share['id'])

    def _share_record(self, share_id):
        record = self._state['shares'].get(share_id)
        if record is None:
            raise exception.ShareResourceNotFound(share_id=share_id)
        return record

    def _snapshot_record(self, snapshot_id):
        snap = self._state['snapshots'].get(snapshot_id)
        if snap is None:
            raise exception.SnapshotResourceNotFound(name=snapshot_id)
        return snap

    def _find_share_by_path(self, path):
        for record in self._state['shares'].values():
            if path in record['export_paths']:
                return record
        return None

    # -- capacity -----------------------------------------------------------

    def _pool_usage(self, pool):
        records = [r for r in self._state['shares'].values()
                   if r['pool'] == pool]
        return (sum(r['size'] for r in records),
                sum(r['used_gb'] for r in records))

    def _check_room(self, pool, extra_gb):
        if self._opt('fake_thin_provisioning') or extra_gb <= 0:
            return
        allocated, _used = self._pool_usage(pool)
        free = self._opt('fake_pool_capacity_gb') - allocated
        if extra_gb > free:
            raise exception.ShareBackendException(
                msg='pool %s has %s GiB free, %s GiB needed' %
                    (pool, free, extra_gb))

    def _pick_pool(self, host):
        pools = self._opt('fake_pools')
        pool = _pool_of(host) or pools[0]
        if pool not in pools:
            raise exception.ShareBackendException(
                msg='pool %s does not exist on this backend' % pool)
        return pool

    def _pools(self):
        thin = self._opt('fake_thin_provisioning')
        total = self._opt('fake_pool_capacity_gb')
        pools = []
        for name in self._opt('fake_pools'):
            allocated, used = self._pool_usage(name)
            pool = {
                'pool_name': name,
                'total_capacity_gb': total,
                'free_capacity_gb': max(
                    total - (used if thin else allocated), 0),
                'allocated_capacity_gb': allocated,
                'provisioned_capacity_gb': allocated,
                'thin_provisioning': thin,
                'dedupe': False,
                'compression': False,
                'qos': False,
                'replication_domain': self.replication_domain,
            }
            pool.update(self._reservation_stats())
            pool.update(self._capabilities())
            pools.append(pool)
        return pools

    def _capabilities(self):
        caps = {
            'snapshot_support': self._opt('fake_snapshot_support'),
            'create_share_from_snapshot_support':
                self._opt('fake_create_share_from_snapshot_support'),
            'revert_to_snapshot_support':
                self._opt('fake_revert_to_snapshot_support'),
            'mount_snapshot_support':
                self._opt('fake_mount_snapshot_support'),
        }
        if self._opt('fake_replication_type'):
            caps['replication_type'] = self._opt('fake_replication_type')
        caps['security_service_update_support'] = self._opt(
            'fake_security_service_update_support')
        return caps

    @property
    def replication_domain(self):
        return self._opt('fake_replication_domain')

    def _update_share_stats(self, data=None):
        with self._lock:
            pools = self._pools()
        stats = {
            'total_capacity_gb': sum(p['total_capacity_gb'] for p in pools),
            'free_capacity_gb': sum(p['free_capacity_gb'] for p in pools),
            'thin_provisioning': self._opt('fake_thin_provisioning'),
            'pools': pools,
        }
        stats.update(self._capabilities())
        stats.update(data or {})
        super()._update_share_stats(stats)

    def check_for_setup_error(self):
        if not self._opt('fake_pools'):
            raise exception.ShareBackendException(
                msg='fake_pools must name at least one pool')

    # -- shares -------------------------------------------------------------

    def _exports(self, record):
        ip = record.get('server_ip') or self._opt('fake_export_ip')
        return [
            _location(record['proto'], ip, 'shares', record['export_name'],
                      False),
            _location(record['proto'], self._opt('fake_admin_export_ip'),
                      'shares', record['export_name'], True),
        ]

    def _refresh_exports(self, record):
        """Recompute exports from today's options; True if they moved."""
        exports = self._exports(record)
        paths = [loc['path'] for loc in exports]
        moved = paths != record['export_paths']
        record['export_paths'] = paths
        return exports, moved

    def _add_share(self, share, share_server, used_gb=0, **extra):
        """Record a new backend share (callers hold the lock).

        Adding a share that exists returns its exports unchanged, so a
        retried creation succeeds without counting the share twice.
        """
        existing = self._state['shares'].get(share['id'])
        if existing is not None:
            return self._exports(existing)
        proto = (share.get('share_proto') or '').upper()
        if proto not in _PROTOCOLS:
            raise exception.InvalidShare(
                reason='protocol %r is not one of %s' %
                       (share.get('share_proto'), ', '.join(_PROTOCOLS)))
        pool = self._pick_pool(share.get('host'))
        size = int(share['size'])
        self._check_room(pool, size)
        server = share_server or {}
        record = {
            'id': share['id'],
            'share_id': share.get('share_id'),
            'display_name': share.get('display_name'),
            'export_name': share.get('name') or 'share-%s' % share['id'],
            'proto': proto,
            'pool': pool,
            'size': size,
            'used_gb': used_gb,
            'managed': True,
            'share_server_id': server.get('id'),
            'server_ip': (server.get('backend_details') or {}).get('ip'),
            'access': {},
            'export_paths': [],
        }
        record.update(extra)
        self._state['shares'][share['id']] = record
        exports, _moved = self._refresh_exports(record)
        self._save('shares', share['id'])
        return exports

    def _require_server(self, share_server):
        if self.driver_handles_share_servers and not share_server:
            raise exception.ShareBackendException(
                msg='a share server is required when the driver handles '
                    'share servers')

    @staticmethod
    def _metadata_used_gb(share):
        value = (share.get('metadata') or {}).get('fake_used_gb')
        return None if value is None else float(value)

    def create_share(self, context, share, share_server=None):
        self._begin('create_share', share)
        self._require_server(share_server)
        with self._lock:
            return self._add_share(
                share, share_server,
                used_gb=self._metadata_used_gb(share) or 0)

    def create_share_from_snapshot(self, context, share, snapshot,
                                   share_server=None):
        self._begin('create_share_from_snapshot', share)
        self._require_server(share_server)
        with self._lock:
            snap = self._snapshot_record(snapshot['id'])
            if int(share['size']) < snap['size']:
                raise exception.ShareBackendException(
                    msg='share of %s GiB cannot hold snapshot of %s GiB' %
                        (share['size'], snap['size']))
            return self._add_share(share, share_server,
                                   used_gb=snap['used_gb'],
                                   source_snapshot_id=snap['id'])

    def delete_share(self, context, share, share_server=None):
        """Also drops the share's snapshots, like a recursive destroy."""
        self._begin('delete_share', share)
        with self._lock:
            if self._state['shares'].pop(share['id'], None) is None:
                LOG.info('Share %s already absent from the backend',
                         share['id'])
                return
            self._save('shares', share['id'])
            self._save('snapshots', *self._drop_snapshots_of(share['id']))

    def _drop_snapshots_of(self, share_id):
        """Forget the share's snapshots; return their ids."""
        snapshots = self._state['snapshots']
        dropped = [s['id'] for s in snapshots.values()
                   if s['share_instance_id'] == share_id]
        for snap_id in dropped:
            del snapshots[snap_id]
        return dropped

    def ensure_share(self, context, share, share_server=None):
        self._begin('ensure_share')
        with self._lock:
            exports, moved = self._refresh_exports(
                self._share_record(share['id']))
            if moved:
                self._save('shares', share['id'])
        return exports

    def ensure_shares(self, context, shares):
        """Report each share; exports that moved ask for access reapplied."""
        self._begin('ensure_shares')
        result = {}
        with self._lock:
            moved_ids = []
            for share in shares:
                record = self._state['shares'].get(share['id'])
                if record is None:
                    result[share['id']] = {'export_locations': [],
                                           'status': states.ERROR,
                                           'reapply_access_rules': False}
                    continue
                exports, moved = self._refresh_exports(record)
                if moved:
                    moved_ids.append(share['id'])
                result[share['id']] = {'export_locations': exports,
                                       'status': states.AVAILABLE,
                                       'reapply_access_rules': moved}
            self._save('shares', *moved_ids)
        return result

    def get_backend_info(self, context):
        """The options export locations are made of."""
        return {'export_ip': self._opt('fake_export_ip'),
                'admin_export_ip': self._opt('fake_admin_export_ip'),
                'pools': list(self._opt('fake_pools'))}

    def extend_share(self, share, new_size, share_server=None):
        self._begin('extend_share', share)
        with self._lock:
            record = self._share_record(share['id'])
            self._check_room(record['pool'], int(new_size) - record['size'])
            record['size'] = int(new_size)
            self._save('shares', share['id'])

    def shrink_share(self, share, new_size, share_server=None):
        self._begin('shrink_share', share)
        with self._lock:
            record = self._share_record(share['id'])
            used = self._metadata_used_gb(share)
            if used is not None:
                record['used_gb'] = used
            try:
                if record['used_gb'] > int(new_size):
                    raise exception.ShareShrinkingPossibleDataLoss(
                        share_id=share['id'])
                record['size'] = int(new_size)
            finally:
                # The used space just read is kept even if refused.
                self._save('shares', share['id'])

    def fake_set_used_gb(self, share_id, used_gb):
        """Test hook: pretend ``used_gb`` of data was written."""
        with self._lock:
            self._share_record(share_id)['used_gb'] = used_gb
            self._save('shares', share_id)

    def fake_get_share(self, share_id):
        """Test hook: a copy of the backend's record of one share."""
        with self._lock:
            return copy.deepcopy(self._state['shares'].get(share_id))

    def get_pool(self, share):
        with self._lock:
            record = (self._state['shares'].get(share['id'])
                      or self._find_share_by_path(
                          _first_path(share.get('export_locations'))))
        if record is not None:
            return record['pool']
        return _pool_of(share.get('host'))

    # -- access -------------------------------------------------------------

    @staticmethod
    def _rule_entry(share_id, rule):
        entry = {'access_type': rule['access_type'],
                 'access_to': rule['access_to'],
                 'access_level': rule.get('access_level', 'rw')}
        if rule['access_type'] == 'cephx':
            entry['access_key'] = _access_key(share_id, rule['access_to'])
        return entry

    def _apply_rules(self, share_id, access, access_rules, add_rules,
                     delete_rules):
        """Update one access dict in place; return keys of cephx rules."""
        recovery = not add_rules and not delete_rules
        if recovery:
            access.clear()
        for rule in delete_rules or []:
            access.pop(rule['id'], None)
        keys = {}
        for rule in (access_rules if recovery else add_rules) or []:
            entry = self._rule_entry(share_id, rule)
            access[rule['id']] = entry
            if 'access_key' in entry:
                keys[rule['id']] = entry['access_key']
        return keys

    def update_access(self, context, share, access_rules, add_rules,
                      delete_rules, share_server=None):
        """Recovery replaces every rule; otherwise only the two lists apply.

        All rules to apply are checked first, so an invalid one leaves
        the backend unchanged.
        """
        self._begin('update_access', share)
        recovery = not add_rules and not delete_rules
        for rule in (access_rules if recovery else add_rules) or []:
            validate_rule(rule)
        with self._lock:
            record = self._share_record(share['id'])
            keys = self._apply_rules(share['id'], record['access'],
                                     access_rules, add_rules, delete_rules)
            self._save('shares', share['id'])
        return keys or None

    def fake_get_access(self, share_id):
        """Test hook: the rules the backend applies, by access id."""
        with self._lock:
            return copy.deepcopy(self._share_record(share_id)['access'])

    def manage_existing(self, share, driver_options):
        """Adopt a share this backend holds but Manila does not.

        The share is found by its export path, so a share unmanaged
        earlier can be managed again under a new id.
        """
        self._begin('manage_existing')
        path = _first_path(share.get('export_locations'))
        with self._lock:
            record = self._find_share_by_path(path) if path else None
            if record is None:
                raise exception.ManageInvalidShare(
                    reason='no share is exported at %s' % path)
            if record['managed']:
                raise exception.ManageInvalidShare(
                    reason='share at %s is already managed' % path)
            if (share.get('share_proto') or '').upper() != record['proto']:
                raise exception.ManageInvalidShare(
                    reason='share at %s is exported over %s' %
                           (path, record['proto']))
            pool = _pool_of(share.get('host'))
            if pool and pool != record['pool']:
                raise exception.ManageInvalidShare(
                    reason='share at %s is in pool %s, not %s' %
                           (path, record['pool'], pool))
            shares = self._state['shares']
            old_id = record['id']
            del shares[old_id]
            moved_snaps = []
            for snap in self._state['snapshots'].values():
                if snap['share_instance_id'] == old_id:
                    snap['share_instance_id'] = share['id']
                    moved_snaps.append(snap['id'])
            record.update(id=share['id'], share_id=share.get('share_id'),
                          display_name=share.get('display_name'),
                          managed=True)
            shares[share['id']] = record
            self._save('shares', old_id, share['id'])
            self._save('snapshots', *moved_snaps)
            return {'size': record['size'],
                    'export_locations': self._exports(record)}

    def unmanage(self, share):
        self._begin('unmanage')
        with self._lock:
            record = self._state['shares'].get(share['id'])
            if record is not None:
                record['managed'] = False
                self._save('shares', share['id'])

    # -- snapshots ----------------------------------------------------------

    def _add_snapshot(self, snapshot, share_record, size=None):
        """Record a snapshot of ``share_record`` (callers hold the lock)."""
        snaps = self._state['snapshots']
        if snapshot['id'] not in snaps:
            name = snapshot.get('name') or 'share-snapshot-%s' % (
                snapshot['id'])
            snaps[snapshot['id']] = {
                'id': snapshot['id'],
                'snapshot_id': snapshot.get('snapshot_id'),
                'share_instance_id': share_record['id'],
                'name': name,
                'proto': share_record['proto'],
                'size': size or share_record['size'],
                'used_gb': share_record['used_gb'],
                'provider_location': '/shares/%s@%s' % (
                    share_record['export_name'], name),
                'managed': True,
                'access': {},
            }
            self._save('snapshots', snapshot['id'])
        return snaps[snapshot['id']]

    def _snapshot_update(self, snap):
        update = {'provider_location': snap['provider_location'],
                  'size': snap['size']}
        if self._opt('fake_mount_snapshot_support'):
            update['export_locations'] = [
                _location(snap['proto'], self._opt('fake_export_ip'),
                          'snapshots', snap['name'], False),
                _location(snap['proto'], self._opt('fake_admin_export_ip'),
                          'snapshots', snap['name'], True),
            ]
        return update

    @staticmethod
    def _snapshot_share_id(snapshot):
        return (snapshot.get('share_instance_id')
                or (snapshot.get('share') or {}).get('id'))

    def create_snapshot(self, context, snapshot, share_server=None):
        self._begin('create_snapshot', snapshot.get('share'))
        with self._lock:
            record = self._share_record(self._snapshot_share_id(snapshot))
            return self._snapshot_update(self._add_snapshot(snapshot, record))

    def delete_snapshot(self, context, snapshot, share_server=None):
        self._begin('delete_snapshot', snapshot.get('share'))
        with self._lock:
            if self._state['snapshots'].pop(snapshot['id'], None):
                self._save('snapshots', snapshot['id'])

    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        """Bring back the used space the share had when snapshotted."""
        self._begin('revert_to_snapshot', snapshot.get('share'))
        with self._lock:
            snap = self._snapshot_record(snapshot['id'])
            record = self._share_record(snap['share_instance_id'])
            record['used_gb'] = snap['used_gb']
            self._save('shares', record['id'])

    def snapshot_update_access(self, context, snapshot, access_rules,
                               add_rules, delete_rules, share_server=None):
        """Mounted snapshots are read-only, reached by IP (NFS) or by
        user (CIFS)."""
        self._begin('snapshot_update_access', snapshot.get('share'))
        recovery = not add_rules and not delete_rules
        for rule in (access_rules if recovery else add_rules) or []:
            validate_rule(rule, types=('ip', 'user'), levels=('ro',))
        with self._lock:
            snap = self._snapshot_record(snapshot['id'])
            self._apply_rules(snapshot['id'], snap['access'], access_rules,
                              add_rules, delete_rules)
            self._save('snapshots', snapshot['id'])

    def fake_get_snapshot_access(self, snapshot_id):
        """Test hook: the rules the backend applies to a snapshot
        (instance id), by access id."""
        with self._lock:
            return copy.deepcopy(self._snapshot_record(snapshot_id)['access'])

    def manage_existing_snapshot(self, snapshot, driver_options):
        self._begin('manage_existing_snapshot')
        location = snapshot.get('provider_location')
        with self._lock:
            snap = next((s for s in self._state['snapshots'].values()
                         if s['provider_location'] == location), None)
            if snap is None or snap['managed']:
                raise exception.ManageInvalidShareSnapshot(
                    reason='no unmanaged snapshot at %s' % location)
            snaps = self._state['snapshots']
            old_id = snap['id']
            del snaps[old_id]
            snap.update(id=snapshot['id'],
                        snapshot_id=snapshot.get('snapshot_id'),
                        managed=True)
            snaps[snapshot['id']] = snap
            self._save('snapshots', old_id, snapshot['id'])
            return self._snapshot_update(snap)

    def unmanage_snapshot(self, snapshot):
        self._begin('unmanage_snapshot')
        with self._lock:
            snap = self._state['snapshots'].get(snapshot['id'])
            if snap is not None:
                snap['managed'] = False
                self._save('snapshots', snapshot['id'])

    # -- share servers ------------------------------------------------------

    def get_network_allocations_number(self):
        return 1

    def setup_server(self, network_info, metadata=None):
        # The share the server is made for may ask for the failure.
        self._begin('setup_server', (metadata or {}).get('share'))
        infos = network_info if isinstance(network_info, list) else [
            network_info]
        server_id = infos[0]['server_id']
        details = {'server_id': server_id,
                   'name': 'fake-server-%s' % server_id,
                   'ip': _first_ip(network_info) or self._opt(
                       'fake_export_ip'),
                   'interfaces': sorted(
                       a['ip_address'] for a in _allocations_of(
                           network_info))}
        with self._lock:
            self._state['servers'][server_id] = details
            self._save('servers', server_id)
        return dict(details)

    def teardown_server(self, server_details, security_services=None):
        self._begin('teardown_server')
        with self._lock:
            server_id = (server_details or {}).get('server_id')
            if self._state['servers'].pop(server_id, None):
                self._save('servers', server_id)

    def choose_share_server_compatible_with_share(
            self, context, share_servers, share, snapshot=None,
            consistency_group=None):
        """Keep a share made from a snapshot next to the snapshot's share."""
        if snapshot is not None:
            with self._lock:
                source = self._state['shares'].get(
                    self._snapshot_share_id(snapshot)) or {}
            for server in share_servers:
                if server['id'] == source.get('share_server_id'):
                    return server
        return super().choose_share_server_compatible_with_share(
            context, share_servers, share, snapshot, consistency_group)

    def get_share_server_pools(self, share_server):
        with self._lock:
            return self._pools()

    def check_update_share_server_network_allocations(
            self, context, share_server, current_network_allocations,
            share_network_subnet, security_services, share_instances,
            share_instances_rules, delete=False):
        try:
            self._begin('check_update_share_server_network_allocations')
        except exception.ShareBackendException:
            return False
        return True

    def check_update_share_server_security_service(
            self, context, share_server, network_info, share_instances,
            share_instance_rules, new_security_service,
            current_security_service=None):
        try:
            self._begin('check_update_share_server_security_service')
        except exception.ShareBackendException:
            return False
        return bool(self._opt('fake_security_service_update_support'))

    def update_share_server_security_service(
            self, context, share_server, network_info, share_instances,
            share_instance_rules, new_security_service,
            current_security_service=None):
        """Record which security service of each type the server uses;
        applying the same change twice is harmless."""
        self._begin('update_share_server_security_service')
        with self._lock:
            details = self._state['servers'].setdefault(
                share_server['id'], {'server_id': share_server['id']})
            details['security_service_%s' % new_security_service['type']] \
                = new_security_service['id']
            self._save('servers', share_server['id'])
            return {'server_details': dict(details)}

    def fake_get_server(self, server_id):
        with self._lock:
            return copy.deepcopy(self._state['servers'].get(server_id))

    def update_share_server_network_allocations(
            self, context, share_network, share_server,
            current_network_allocations, new_network_allocations,
            share_instances, share_instance_rules, security_services=None,
            delete=False):
        """Plug the server's interfaces into (or out of, ``delete``) a
        subnet; share exports stay as they are."""
        self._begin('update_share_server_network_allocations')
        with self._lock:
            details = self._state['servers'].setdefault(
                share_server['id'], {'server_id': share_server['id']})
            moved_shares = []
            interfaces = set(details.get('interfaces') or [])
            changed = {a['ip_address'] for a in _allocations_of(
                new_network_allocations)}
            interfaces = (interfaces - changed if delete
                          else interfaces | changed)
            details['interfaces'] = sorted(interfaces)
            new_ip = _first_ip(new_network_allocations)
            if new_ip and not delete:
                details['subnet_ip'] = new_ip
            if delete and details.get('ip') in changed and interfaces:
                # Exports move to an address the server still has.
                details['ip'] = details['interfaces'][0]
                for record in self._state['shares'].values():
                    if record.get('share_server_id') == share_server['id']:
                        record['server_ip'] = details['ip']
                        self._refresh_exports(record)
                        moved_shares.append(record['id'])
            updates = {}
            for instance in share_instances:
                record = self._state['shares'].get(instance['id'])
                if record is not None:
                    updates[instance['id']] = self._exports(record)
            self._save('servers', share_server['id'])
            self._save('shares', *moved_shares)
            return {'server_details': dict(details),
                    'share_updates': updates}

    # -- replication --------------------------------------------------------

    @staticmethod
    def _active_replica(replica_list):
        return next((r for r in replica_list
                     if r.get('replica_state') == 'active'), None)

    def _sync_replica_snapshots(self, record, replica_snapshots):
        for pair in replica_snapshots or []:
            active = pair.get('active_replica_snapshot') or {}
            self._add_snapshot(pair['share_replica_snapshot'], record,
                               size=active.get('size'))

    @staticmethod
    def _valid_rules(rules):
        """Rules a replica can take; the others are left out, not fatal."""
        valid = []
        for rule in rules or []:
            try:
                validate_rule(rule)
            except exception.InvalidShareAccess:
                LOG.info('Replica skips access rule %s', rule.get('id'))
                continue
            valid.append(rule)
        return valid

    def create_replica(self, context, replica_list, new_replica,
                       access_rules, replica_snapshots, share_server=None):
        self._begin('create_replica')
        active = self._active_replica(replica_list) or {}
        with self._lock:
            source = self._state['shares'].get(active.get('id')) or {}
            replica = dict(new_replica)
            if not replica.get('share_proto'):
                replica['share_proto'] = source.get(
                    'proto', active.get('share_proto'))
            if not replica.get('size'):
                replica['size'] = source.get('size', active.get('size'))
            exports = self._add_share(replica, share_server,
                                      used_gb=source.get('used_gb', 0))
            record = self._state['shares'][new_replica['id']]
            self._apply_rules(record['id'], record['access'],
                              self._valid_rules(access_rules), [], [])
            self._sync_replica_snapshots(record, replica_snapshots)
            self._save('shares', record['id'])
        writable = self._opt('fake_replication_type') == 'writable'
        return {'export_locations': exports,
                'replica_state': 'active' if writable else 'in_sync',
                'access_rules_status': states.ACCESS_ACTIVE}

    def delete_replica(self, context, replica_list, replica_snapshots,
                       replica, share_server=None):
        self._begin('delete_replica')
        with self._lock:
            self._state['shares'].pop(replica['id'], None)
            dropped = self._drop_snapshots_of(replica['id'])
            for snap in replica_snapshots or []:
                self._state['snapshots'].pop(snap['id'], None)
                dropped.append(snap['id'])
            self._save('shares', replica['id'])
            self._save('snapshots', *dropped)

    def promote_replica(self, context, replica_list, replica, access_rules,
                        share_server=None):
        self._begin('promote_replica')
        with self._lock:
            record = self._share_record(replica['id'])
            self._apply_rules(record['id'], record['access'],
                              self._valid_rules(access_rules), [], [])
            self._save('shares', record['id'])
            exports = self._exports(record)
        demoted = ('active' if self._opt('fake_replication_type') ==
                   'writable' else 'in_sync')
        updates = []
        for other in replica_list:
            if other['id'] == replica['id']:
                updates.append({'id': other['id'], 'replica_state': 'active',
                                'export_locations': exports,
                                'access_rules_status': states.ACCESS_ACTIVE})
            elif other.get('replica_state') == 'active':
                updates.append({'id': other['id'], 'replica_state': demoted})
            else:
                updates.append({'id': other['id'],
                                'replica_state': other.get('replica_state')})
        return updates

    def update_replica_state(self, context, replica_list, replica,
                             access_rules, replica_snapshots,
                             share_server=None):
        """Catch the replica up on rules and snapshots; it is then in sync."""
        self._begin('update_replica_state')
        with self._lock:
            record = self._share_record(replica['id'])
            self._apply_rules(record['id'], record['access'],
                              self._valid_rules(access_rules), [], [])
            self._sync_replica_snapshots(record, [
                pair for pair in replica_snapshots or []
                if (pair.get('active_replica_snapshot') or {}).get(
                    'status') == states.AVAILABLE])
            self._save('shares', record['id'])
        return 'in_sync'

    def create_replicated_snapshot(self, context, replica_list,
                                   replica_snapshots, share_server=None):
        """Snapshot the replicas held here; others are left to their hosts."""
        self._begin('create_replicated_snapshot')
        updates = []
        with self._lock:
            for instance in replica_snapshots:
                record = self._state['shares'].get(
                    instance['share_instance_id'])
                if record is None:
                    updates.append({'id': instance['id']})
                    continue
                snap = self._add_snapshot(instance, record)
                updates.append({'id': instance['id'],
                                'status': states.AVAILABLE,
                                'progress': '100%',
                                'provider_location':
                                    snap['provider_location']})
        return updates

    def delete_replicated_snapshot(self, context, replica_list,
                                   replica_snapshots, share_server=None):
        self._begin('delete_replicated_snapshot')
        updates = []
        with self._lock:
            for instance in replica_snapshots:
                if instance['share_instance_id'] in self._state['shares']:
                    self._state['snapshots'].pop(instance['id'], None)
                    self._save('snapshots', instance['id'])
                    updates.append({'id': instance['id'],
                                    'status': states.DELETED})
                else:
                    updates.append({'id': instance['id']})
        return updates

    def update_replicated_snapshot(self, context, replica_list,
                                   share_replica, replica_snapshots,
                                   replica_snapshot, share_server=None):
        self._begin('update_replicated_snapshot')
        snapshot_id = replica_snapshot['id']
        with self._lock:
            if replica_snapshot.get('status') == states.DELETING:
                self._state['snapshots'].pop(snapshot_id, None)
                self._save('snapshots', snapshot_id)
                raise exception.SnapshotResourceNotFound(name=snapshot_id)
            record = self._share_record(share_replica['id'])
            snap = self._add_snapshot(replica_snapshot, record)
        return {'id': snapshot_id, 'status': states.AVAILABLE,
                'progress': '100%',
                'provider_location': snap['provider_location']}

    # -- migration ----------------------------------------------------------

    def _can_move(self, source_share, destination_share):
        """Only between pools of this backend: both ends share one state."""
        return (_backend_of(source_share['host'])
                == _backend_of(destination_share['host'])
                and (_pool_of(destination_share['host']) or
                     self._opt('fake_pools')[0]) in self._opt('fake_pools'))

    def migration_check_compatibility(self, context, source_share,
                                      destination_share, share_server=None,
                                      destination_share_server=None):
        ok = self._can_move(source_share, destination_share)
        return {'compatible': ok, 'writable': ok, 'preserve_metadata': ok,
                'nondisruptive': False}

    def migration_start(self, context, source_share, destination_share,
                        share_server=None, destination_share_server=None):
        self._begin('migration_start')
        if not self._can_move(source_share, destination_share):
            raise exception.ShareBackendException(
                msg='cannot move share %s to %s' %
                    (source_share['id'], destination_share['host']))
        with self._lock:
            record = self._share_record(source_share['id'])
            pool = self._pick_pool(destination_share['host'])
            if pool != record['pool']:
                self._check_room(pool, record['size'])
            self._state['migrations'][destination_share['id']] = {
                'source_id': source_share['id'], 'progress': 0}
            self._save('migrations', destination_share['id'])

    def _migration(self, destination_share):
        migration = self._state['migrations'].get(destination_share['id'])
        if migration is None:
            raise exception.ShareBackendException(
                msg='no migration to %s is under way' %
                    destination_share['id'])
        return migration

    def migration_continue(self, context, source_share, destination_share,
                           share_server=None, destination_share_server=None):
        """The copy is instant: the first call ends the first phase."""
        self._begin('migration_continue')
        with self._lock:
            self._migration(destination_share)['progress'] = 100
            self._save('migrations', destination_share['id'])
        return True

    def migration_get_progress(self, context, source_share,
                               destination_share, share_server=None,
                               destination_share_server=None):
        with self._lock:
            return {'total_progress':
                    self._migration(destination_share)['progress']}

    def migration_complete(self, context, source_share, destination_share,
                           share_server=None, destination_share_server=None):
        """Rename the share to the destination instance, in its pool."""
        self._begin('migration_complete')
        with self._lock:
            migration = self._migration(destination_share)
            pool = self._pick_pool(destination_share['host'])
            shares = self._state['shares']
            record = shares.pop(migration['source_id'])
            dropped = self._drop_snapshots_of(record['id'])
            del self._state['migrations'][destination_share['id']]
            server = destination_share_server or {}
            record.update(
                id=destination_share['id'],
                share_id=destination_share.get('share_id'),
                export_name=destination_share.get('name') or
                'share-%s' % destination_share['id'],
                pool=pool,
                share_server_id=server.get('id'),
                server_ip=(server.get('backend_details') or {}).get('ip'))
            shares[record['id']] = record
            exports, _moved = self._refresh_exports(record)
            self._save('shares', migration['source_id'], record['id'])
            self._save('snapshots', *dropped)
            self._save('migrations', destination_share['id'])
        return exports

    def migration_cancel(self, context, source_share, destination_share,
                         share_server=None, destination_share_server=None):
        self._begin('migration_cancel')
        with self._lock:
            if self._state['migrations'].pop(destination_share['id'], None):
                self._save('migrations', destination_share['id'])

    def connection_get_info(self, context, share, share_server=None):
        with self._lock:
            record = self._share_record(share['id'])
            admin_path = self._exports(record)[1]['path']
        if record['proto'] == 'CIFS':
            return {'mount': 'mount -t cifs %s %%(path)s -o guest' %
                             admin_path.replace('\\', '/'),
                    'unmount': 'umount %(path)s',
                    'access_mapping': {'ip': ['cifs']}}
        return {'mount': 'mount -t nfs %s %%(path)s' % admin_path,
                'unmount': 'umount %(path)s',
                'access_mapping': {'ip': ['nfs']}}

    # -- share groups -------------------------------------------------------

    def create_share_group(self, context, share_group_dict,
                           share_server=None):
        """Record the group; creating one held already succeeds."""
        self._begin('create_share_group')
        group_id = share_group_dict['id']
        with self._lock:
            self._state['share_groups'][group_id] = {
                'id': group_id, 'host': share_group_dict.get('host'),
                'share_types': list(share_group_dict.get('share_types')
                                    or [])}
            self._save('share_groups', group_id)
        return None

    def delete_share_group(self, context, share_group_dict,
                           share_server=None):
        self._begin('delete_share_group')
        group_id = share_group_dict['id']
        with self._lock:
            if self._state['share_groups'].pop(group_id, None):
                self._save('share_groups', group_id)
        return None

    def fake_get_share_group(self, share_group_id):
        """The backend's record of a group, or None (for tests)."""
        with self._lock:
            return copy.deepcopy(
                self._state['share_groups'].get(share_group_id))

    # -- consistency groups -------------------------------------------------

    def create_consistency_group(self, context, cg_dict, share_server=None):
        self._begin('create_consistency_group')
        with self._lock:
            self._state['consistency_groups'][cg_dict['id']] = {
                'id': cg_dict['id']}
            self._save('consistency_groups', cg_dict['id'])
        return None, None

    def create_consistency_group_from_cgsnapshot(
            self, context, cg_dict, cgsnapshot_dict, share_server=None):
        self._begin('create_consistency_group_from_cgsnapshot')
        with self._lock:
            cgsnapshot = self._state['cgsnapshots'].get(cgsnapshot_dict['id'])
            if cgsnapshot is None:
                raise exception.SnapshotResourceNotFound(
                    name=cgsnapshot_dict['id'])
            self._state['consistency_groups'][cg_dict['id']] = {
                'id': cg_dict['id']}
            self._save('consistency_groups', cg_dict['id'])
            updates = []
            for share in cg_dict.get('shares') or []:
                member = cgsnapshot['members'].get(
                    share.get('source_cgsnapshot_member_id')) or {}
                exports = self._add_share(share, share_server,
                                          used_gb=member.get('used_gb', 0))
                updates.append({'id': share['id'],
                                'export_locations': exports})
        return None, updates

    def delete_consistency_group(self, context, cg_dict, share_server=None):
        self._begin('delete_consistency_group')
        with self._lock:
            if self._state['consistency_groups'].pop(cg_dict['id'], None):
                self._save('consistency_groups', cg_dict['id'])
        return None

    def create_cgsnapshot(self, context, snap_dict, share_server=None):
        self._begin('create_cgsnapshot')
        members = {}
        updates = []
        with self._lock:
            for member in snap_dict.get('cgsnapshot_members') or []:
                share_id = (member.get('share_instance_id')
                            or member.get('share_id'))
                record = self._share_record(share_id)
                members[member['id']] = {'share_instance_id': share_id,
                                         'size': record['size'],
                                         'used_gb': record['used_gb']}
                updates.append({'id': member['id'],
                                'status': states.AVAILABLE,
                                'provider_location': '/shares/%s@cg-%s' % (
                                    record['export_name'], snap_dict['id'])})
            self._state['cgsnapshots'][snap_dict['id']] = {
                'id': snap_dict['id'], 'members': members}
            self._save('cgsnapshots', snap_dict['id'])
        return None, updates

    def delete_cgsnapshot(self, context, snap_dict, share_server=None):
        self._begin('delete_cgsnapshot')
        with self._lock:
            if self._state['cgsnapshots'].pop(snap_dict['id'], None):
                self._save('cgsnapshots', snap_dict['id'])
        return None, None
