"""A real single-host backend: btrfs subvolumes over NFS-Ganesha and Samba.

Each share is a subvolume of one btrfs pool, sized by a qgroup limit,
mounted on its own (``-o subvol=``) under ``<state dir>/exports/`` and
exported from there: by Ganesha (VFS FSAL) for NFS shares, by a Samba
registry share for CIFS ones. Snapshots are read-only snapshot
subvolumes; a share from a snapshot is a writable snapshot of it; a
revert swaps the share's subvolume for a writable copy of the snapshot.

Access is denied until a rule allows it: NFS ``ip`` rules become CLIENT
blocks (rw/ro), CIFS ``ip`` and ``user`` rules hosts allow / valid users
/ read list; a rule the server cannot express (a ro ip rule beside rw
ones on a CIFS share, a user rule on an NFS share) is refused alone, as
an ``error`` rule, and the others apply. Changes are applied to the
running servers, per share, without disturbing other shares' clients.

``ensure_shares`` re-mounts and re-exports whatever a reboot or a lost
configuration took away, restarting the daemons if needed, and asks the
manager to reapply the access rules of every share it had to re-export.
"""

import os
import shutil
import threading

from oslo_log import log as logging

from manila_lite import conf
from manila_lite import exception
from manila_lite.share import driver
from manila_lite.share.drivers.local import btrfs
from manila_lite.share.drivers.local import ganesha
from manila_lite.share.drivers.local import options
from manila_lite.share.drivers.local import process
from manila_lite.share.drivers.local import samba
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)
# The manager registers a driver module's driver_opts in the backend
# section.
driver_opts = options.local_opts
_DEFAULTS = {opt.dest: opt.default for opt in options.local_opts}
_TOOLS = {
    None: ('btrfs', 'mount', 'umount', 'losetup', 'blkid', 'mkfs.btrfs',
           'nsenter', 'ss'),
    'NFS': ('ganesha.nfsd', 'dbus-daemon', 'dbus-send'),
    'CIFS': ('smbd', 'net', 'smbcontrol'),
}
_PACKAGES = 'nfs-ganesha nfs-ganesha-vfs samba btrfs-progs dbus iproute2'


def _last_component(path):
    """The share or subvolume name an export path ends with."""
    path = (path or '').strip().rstrip('/\\')
    for sep in ('\\', '/', ':'):
        path = path.rpartition(sep)[2] if sep in path else path
    return path


class LocalShareDriver(driver.ShareDriver):
    """Shares on this host's btrfs, served by Ganesha and Samba."""

    vendor_name = 'manila-lite'
    driver_version = '1.0'

    def __init__(self, *args, **kwargs):
        super().__init__([False], *args, **kwargs)
        self._lock = threading.RLock()
        self.protocols = [p.strip().upper()
                          for p in self._opt('local_share_protocols')]
        unknown = set(self.protocols) - {'NFS', 'CIFS'}
        if unknown or not self.protocols:
            raise exception.InvalidDriverError(
                reason='local_share_protocols must name NFS and/or CIFS, '
                       'not %s' % ', '.join(self.protocols))
        self.storage_protocol = '_'.join(self.protocols)
        for name in ('local_export_address', 'local_admin_export_address'):
            self._check_address(name)
        self.state_dir = os.path.abspath(
            self._opt('local_state_dir') or os.path.join(
                CONF.state_path, 'local-%s' % (self.backend_name or 'local')))
        self.exports_dir = os.path.join(self.state_dir, 'exports')
        self.pool = btrfs.Pool(
            self._opt('local_btrfs_mount_point')
            or os.path.join(self.state_dir, 'pool'),
            device=self._opt('local_btrfs_device'),
            loop_file=self._opt('local_btrfs_loop_file'),
            loop_size_gb=self._opt('local_btrfs_loop_size_gb'),
            mkfs=self._opt('local_btrfs_mkfs'))
        manage = self._opt('local_manage_daemons')
        netns = self._opt('local_daemon_netns')
        self.nfs = self.cifs = None
        if 'NFS' in self.protocols:
            self.nfs = ganesha.Ganesha(
                self.state_dir, versions=self._opt('local_nfs_versions'),
                bind_address=self._opt('local_nfs_bind_address'),
                port=self._opt('local_nfs_port'), manage_daemons=manage,
                netns=netns)
        if 'CIFS' in self.protocols:
            self.cifs = samba.Samba(
                self.state_dir,
                bind_address=self._opt('local_cifs_bind_address'),
                port=self._opt('local_cifs_port'), manage_daemons=manage,
                netns=netns, system_config=self._opt('local_samba_config'))

    def _opt(self, name):
        return self._conf(name, _DEFAULTS[name])

    def _check_address(self, name):
        """Stop the backend at start, not at its first export: oslo.config
        keeps a comment written after a value as part of it."""
        try:
            self._opt(name)
        except ValueError as err:
            raise exception.InvalidDriverError(
                reason='%s of backend %s must be an IP address or a host '
                       'name (put comments on lines of their own): %s' % (
                           name, self.backend_name, err))

    # -- start-up and supervision -------------------------------------------

    def _check_tools(self):
        missing = [tool for proto in [None] + self.protocols
                   for tool in _TOOLS[proto] if not shutil.which(tool)]
        if missing:
            raise exception.ShareBackendException(
                msg='the local driver needs %s on the PATH (Debian: '
                    'apt-get install %s)' % (', '.join(missing), _PACKAGES))

    def do_setup(self, context):
        self._check_tools()
        os.makedirs(self.exports_dir, exist_ok=True)
        with self._lock:
            self.pool.setup()
            self._remount_exports()
            running = {id(d) for d in self._daemons() if d.running()}
            try:
                self._supervise()
            except Exception:
                # The backend will not run: leave nothing behind that this
                # start began (a dbus-daemon started for a Ganesha that
                # could not bind its port), but keep servers that ran
                # before, whose clients may still use them.
                for daemon in reversed(self._daemons()):
                    if id(daemon) not in running:
                        daemon.stop()
                raise

    def _daemons(self):
        return [d for s in self._servers() for d in s.daemons]

    def _remount_exports(self):
        """Mount every exported share again (after a reboot) before a
        server starts: one started first would serve the empty mount
        point directories instead."""
        for name in sorted(os.listdir(self.exports_dir)):
            try:
                path = self.pool.share_path(name)
            except exception.InvalidShare:
                continue
            if self.pool.is_subvolume(path):
                self._mount(name)
            else:
                LOG.error('Exported share %s has no subvolume %s', name,
                          path)

    def check_for_setup_error(self):
        if btrfs.mounted_at(self.pool.mount_point) is None:
            raise exception.ShareBackendException(
                msg='the btrfs pool is not mounted at %s'
                    % self.pool.mount_point)

    def _servers(self):
        return [s for s in (self.nfs, self.cifs) if s is not None]

    def _supervise(self):
        """Start the servers (again) if they are not running."""
        for server in self._servers():
            server.start()

    def stop_daemons(self):
        """Stop the daemons this driver started (``manila-lite-manage
        local stop``, tests); none in the system-managed mode."""
        stopped = []
        for server in self._servers():
            if server.manage_daemons:
                stopped += [d.name for d in server.daemons if d.running()]
                server.stop()
        return stopped

    def release_pool(self):
        """Unmount the exported subvolumes and the pool, and detach a loop
        file's device (``manila-lite-manage local cleanup``); the data
        stays and the next start mounts and exports it again."""
        released = []
        with self._lock:
            names = (sorted(os.listdir(self.exports_dir))
                     if os.path.isdir(self.exports_dir) else [])
            for name in names:
                if btrfs.mounted_at(os.path.join(self.exports_dir, name)):
                    released.append(self._mount_path(name))
                    self._unmount_keep_dir(name)
            if btrfs.mounted_at(self.pool.mount_point):
                released.append(self.pool.mount_point)
            released += self.pool.teardown()
        return released

    def _unmount_keep_dir(self, name):
        """Unmount an export but keep its directory: it is what tells the
        next start to mount and export that share again."""
        target = self._mount_path(name)
        while btrfs.mounted_at(target):
            if process.execute('umount', target, check=False).returncode:
                process.execute('umount', '-l', target)

    # -- mounts and exports -------------------------------------------------

    def _server(self, share):
        proto = (share.get('share_proto') or '').upper()
        server = {'NFS': self.nfs, 'CIFS': self.cifs}.get(proto)
        if server is None:
            raise exception.InvalidShare(
                reason='this backend serves %s, not %r' % (
                    ' and '.join(self.protocols), share.get('share_proto')))
        return server

    def _mount_path(self, name):
        return os.path.join(self.exports_dir, btrfs.check_name(name))

    def _mount(self, name):
        target = self._mount_path(name)
        if btrfs.mounted_at(target):
            return target
        os.makedirs(target, exist_ok=True)
        process.execute('mount', '-t', 'btrfs', '-o',
                        'subvol=%s/%s' % (btrfs.SHARES, name),
                        self.pool.block_device, target)
        return target

    def _unmount(self, name):
        target = self._mount_path(name)
        while btrfs.mounted_at(target):
            result = process.execute('umount', target, check=False)
            if result.returncode != 0:
                LOG.warning('umount %s: %s; detaching it lazily', target,
                            result.stderr.strip())
                process.execute('umount', '-l', target)
        if os.path.isdir(target):
            os.rmdir(target)

    def _export(self, share, rules):
        name = share['name']
        server = self._server(share)
        path = self._mount(name)
        if server is self.nfs:
            self.nfs.export(name, path, rules)
        else:
            self.cifs.export(name, path, rules,
                             comment='manila-lite share %s' % (
                                 share.get('share_id') or share['id']))

    def _unexport(self, share):
        server = self._server(share)
        server.unexport(share['name'])
        self._unmount(share['name'])

    def _is_exported(self, share):
        server = self._server(share)
        if server is self.nfs:
            return self.nfs.has_export(share['name'])
        return self.cifs.has_share(share['name'])

    def _locations(self, share):
        name = share['name']
        server = self._server(share)
        addresses = [(self._opt('local_export_address'), False)]
        if self._opt('local_admin_export_address'):
            addresses.append((self._opt('local_admin_export_address'), True))
        result = []
        for address, admin in addresses:
            if server is self.nfs:
                host = '[%s]' % address if ':' in address else address
                path = '%s:%s' % (host, self._mount_path(name))
            else:
                path = '\\\\%s\\%s' % (address, name)
            result.append({'path': path, 'is_admin_only': admin,
                           'preferred': not admin, 'metadata': {}})
        return result

    # -- shares -------------------------------------------------------------

    def create_share(self, context, share, share_server=None):
        self._server(share)
        with self._lock:
            self._supervise()
            path = self.pool.share_path(share['name'])
            self.pool.create_subvolume(path)
            os.chmod(path, 0o777)
            self.pool.set_limit(path, share['size'])
            self._export(share, [])
        return self._locations(share)

    def create_share_from_snapshot(self, context, share, snapshot,
                                   share_server=None):
        self._server(share)
        with self._lock:
            self._supervise()
            source = self._snapshot_source(snapshot)
            path = self.pool.share_path(share['name'])
            self.pool.snapshot(source, path, readonly=False)
            # A snapshot inherits its source's limit: set the new size.
            self.pool.set_limit(path, share['size'])
            self._export(share, [])
        return self._locations(share)

    def delete_share(self, context, share, share_server=None):
        with self._lock:
            self._supervise()
            self._unexport(share)
            self.pool.delete_subvolume(self.pool.share_path(share['name']))

    def ensure_share(self, context, share, share_server=None):
        result = self.ensure_shares(context, [share])[share['id']]
        if result['status'] != states.AVAILABLE:
            raise exception.ShareResourceNotFound(share_id=share['id'])
        return result['export_locations']

    def ensure_shares(self, context, shares):
        """Mount and export again whatever is missing.

        A share exported anew starts with no client allowed, so it asks
        the manager to reapply its access rules.
        """
        result = {}
        with self._lock:
            self.pool.setup()
            self._remount_exports()
            self._supervise()
            for share in shares:
                path = self.pool.share_path(share['name'])
                if not self.pool.is_subvolume(path):
                    LOG.error('Share %s has no subvolume %s', share['id'],
                              path)
                    result[share['id']] = {'export_locations': [],
                                           'status': states.ERROR,
                                           'reapply_access_rules': False}
                    continue
                self._mount(share['name'])
                reapply = not self._is_exported(share)
                if reapply:
                    LOG.info('Exporting share %s again', share['id'])
                    self._export(share, [])
                result[share['id']] = {
                    'export_locations': self._locations(share),
                    'status': states.AVAILABLE,
                    'reapply_access_rules': reapply}
        return result

    def get_backend_info(self, context):
        """What shapes the exports; the boot id makes the share manager
        ensure every share after a reboot (mounts and daemons gone)."""
        try:
            with open('/proc/sys/kernel/random/boot_id') as f:
                boot_id = f.read().strip()
        except OSError:
            boot_id = None
        keys = ('local_export_address', 'local_admin_export_address',
                'local_nfs_versions', 'local_nfs_port',
                'local_nfs_bind_address', 'local_cifs_port',
                'local_cifs_bind_address', 'local_manage_daemons',
                'local_daemon_netns')
        info = {key: self._opt(key) for key in keys}
        info.update(driver_version=self.driver_version, boot_id=boot_id,
                    state_dir=self.state_dir, protocols=self.protocols)
        return info

    def extend_share(self, share, new_size, share_server=None):
        with self._lock:
            self.pool.set_limit(self.pool.share_path(share['name']),
                                new_size)

    def shrink_share(self, share, new_size, share_server=None):
        """Refuse when the data does not fit: btrfs would accept a limit
        below usage silently."""
        with self._lock:
            path = self.pool.share_path(share['name'])
            used, _limit = self.pool.usage(path)
            if used > int(new_size) * btrfs.GiB:
                raise exception.ShareShrinkingPossibleDataLoss(
                    share_id=share.get('share_id') or share['id'])
            self.pool.set_limit(path, new_size)

    def get_pool(self, share):
        return self._opt('local_pool_name')

    # -- access -------------------------------------------------------------

    def update_access(self, context, share, access_rules, add_rules,
                      delete_rules, share_server=None):
        """Export with exactly ``access_rules`` (always the full set).

        A rule the server cannot express, alone or beside the rules
        already applied (say a ro ip rule on a CIFS share with rw ones),
        is left out and reported as ``{access_id: {'state': 'error'}}``:
        the manager marks just that rule ``error`` and the rest applies.
        """
        server = self._server(share)
        check = (ganesha.check_nfs_rules if server is self.nfs
                 else samba.check_cifs_rules)
        added = {r.get('id') for r in add_rules or []}
        # Rules already on the share win over the ones being added.
        ordered = sorted(access_rules or [],
                         key=lambda r: r.get('id') in added)
        accepted, refused = [], {}
        for rule in ordered:
            candidate = {'access_type': rule.get('access_type'),
                         'access_to': (rule.get('access_to') or '').strip(),
                         'access_level': rule.get('access_level') or 'rw'}
            try:
                check(accepted + [candidate])
            except exception.InvalidShareAccess as err:
                LOG.warning('Refusing access rule %s (%s %s %s) of share '
                            '%s: %s', rule.get('id'), candidate['access_type'],
                            candidate['access_to'], candidate['access_level'],
                            share['id'], err)
                refused[rule.get('id')] = {'state': states.ACCESS_ERROR}
                continue
            accepted.append(candidate)
        with self._lock:
            self._supervise()
            self._export(share, accepted)
        return refused or None

    # -- manage -------------------------------------------------------------

    def _manage_source(self, share, driver_options):
        """The subvolume an administrator asks to adopt."""
        relative = (driver_options or {}).get('subvolume')
        if relative:
            path = os.path.realpath(os.path.join(self.pool.mount_point,
                                                 relative))
            if not path.startswith(self.pool.mount_point + os.sep):
                raise exception.ManageInvalidShare(
                    reason='subvolume %r is outside the pool' % relative)
            return path
        locations = share.get('export_locations') or []
        export = locations[0]['path'] if locations else ''
        name = _last_component(export)
        try:
            return self.pool.share_path(name)
        except exception.InvalidShare:
            raise exception.ManageInvalidShare(
                reason='%r names no share of this backend' % export)

    def manage_existing(self, share, driver_options):
        """Adopt a subvolume of the pool: the one named by the export path
        (a share unmanaged earlier) or by the ``subvolume`` driver option
        (relative to the pool). It is renamed after the new share, keeps
        its limit (or gets one fitting its data) and is exported with no
        client allowed."""
        self._server(share)
        with self._lock:
            self._supervise()
            source = self._manage_source(share, driver_options)
            target = self.pool.share_path(share['name'])
            if not self.pool.is_subvolume(source):
                raise exception.ManageInvalidShare(
                    reason='%s is not a btrfs subvolume of the pool'
                           % self.pool.relative(source))
            if self.pool.is_readonly(source):
                raise exception.ManageInvalidShare(
                    reason='%s is a read-only snapshot'
                           % self.pool.relative(source))
            if source != target:
                old = os.path.basename(source)
                if (os.path.dirname(source) == os.path.dirname(target)
                        and self._exported_name(old)):
                    raise exception.ManageInvalidShare(
                        reason='%s is exported by another share' % old)
                self.pool.rename(source, target)
            used, limit = self.pool.usage(target)
            size = btrfs.Pool.gib(max(used, limit or 0))
            self.pool.set_limit(target, size)
            self._export(share, [])
        return {'size': size, 'export_locations': self._locations(share)}

    def _exported_name(self, name):
        """Whether some share is exported under this backend name."""
        return (btrfs.mounted_at(self._mount_path(name)) is not None
                or (self.nfs is not None
                    and os.path.exists(self.nfs.export_file(name)))
                or (self.cifs is not None and self.cifs.has_share(name)))

    def unmanage(self, share):
        """Stop exporting; the subvolume stays, to be managed again by
        the same export path."""
        with self._lock:
            self._unexport(share)

    # -- snapshots ----------------------------------------------------------

    def _snapshot_source(self, snapshot):
        path = self.pool.snapshot_path(snapshot['name'])
        if not self.pool.is_subvolume(path):
            raise exception.SnapshotResourceNotFound(name=snapshot['name'])
        return path

    def create_snapshot(self, context, snapshot, share_server=None):
        with self._lock:
            source = self.pool.share_path(snapshot['share']['name'])
            target = self.pool.snapshot_path(snapshot['name'])
            self.pool.snapshot(source, target, readonly=True)
        return {'provider_location': self.pool.relative(target)}

    def delete_snapshot(self, context, snapshot, share_server=None):
        with self._lock:
            self.pool.delete_subvolume(
                self.pool.snapshot_path(snapshot['name']))

    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        """Swap the share's subvolume for a writable copy of the snapshot.

        The export is withdrawn while the mount is swapped (clients of
        this share see a short outage) and put back with its rules.
        """
        share = snapshot['share']
        name = share['name']
        with self._lock:
            self._supervise()
            source = self._snapshot_source(snapshot)
            path = self.pool.share_path(name)
            fresh = path + '.reverting'
            old = path + '.replaced'
            if not self.pool.is_subvolume(path) and self.pool.is_subvolume(
                    old):
                self.pool.rename(old, path)  # an interrupted earlier try
            self.pool.delete_subvolume(fresh)
            self.pool.delete_subvolume(old)
            self.pool.snapshot(source, fresh, readonly=False)
            self.pool.set_limit(fresh, share['size'])
            server = self._server(share)
            self._suspend(server, name)
            self._unmount(name)
            self.pool.rename(path, old)
            self.pool.rename(fresh, path)
            self._mount(name)
            self._resume(server, name)
            try:
                self.pool.delete_subvolume(old)
            except process.CommandFailed as err:
                # Still busy (a lazily unmounted client): the next revert
                # of this share removes it.
                LOG.warning('Could not delete the replaced subvolume of '
                            'share %s yet: %s', share['id'], err)

    def _suspend(self, server, name):
        """Withdraw an export but keep its configuration."""
        if server is self.nfs:
            self.nfs.withdraw(name)
        else:
            self.cifs.disconnect(name)

    def _resume(self, server, name):
        if server is self.nfs:
            self.nfs.restore(name)

    def manage_existing_snapshot(self, snapshot, driver_options):
        """Adopt a read-only snapshot subvolume named by
        ``provider_location`` (relative to the pool)."""
        relative = snapshot.get('provider_location') or ''
        with self._lock:
            source = os.path.realpath(os.path.join(self.pool.mount_point,
                                                   relative))
            if (not relative or not source.startswith(
                    self.pool.mount_point + os.sep)
                    or not self.pool.is_subvolume(source)
                    or not self.pool.is_readonly(source)):
                raise exception.ManageInvalidShareSnapshot(
                    reason='%r is no read-only snapshot of the pool'
                           % relative)
            target = self.pool.snapshot_path(snapshot['name'])
            if source != target:
                self.pool.rename(source, target)
            used, _limit = self.pool.usage(target)
        return {'size': btrfs.Pool.gib(used),
                'provider_location': self.pool.relative(target)}

    def unmanage_snapshot(self, snapshot):
        """Nothing to undo: the snapshot subvolume simply stays."""

    # -- capacity -----------------------------------------------------------

    def _provisioned_gb(self):
        """Sum of the limits of the shares' subvolumes, in GiB."""
        listing = process.execute('btrfs', 'subvolume', 'list', '-o',
                                  os.path.join(self.pool.mount_point,
                                               btrfs.SHARES)).stdout
        ids = set()
        for line in listing.splitlines():
            fields = line.split()
            if len(fields) > 1 and fields[0] == 'ID':
                ids.add(int(fields[1]))
        qgroups = self.pool.qgroups()
        return sum((qgroups.get(i, (0, None))[1] or 0) for i in ids) / (
            float(btrfs.GiB))

    def _update_share_stats(self, data=None):
        with self._lock:
            try:
                self._supervise()
            except exception.ManilaLiteException as err:
                LOG.error('Could not restart the share servers: %s', err)
            total, free = self.pool.capacity()
            provisioned = self._provisioned_gb()
            try:
                self.pool.clear_stale_qgroups()
                self.pool.check_quota()
            except exception.ManilaLiteException as err:
                LOG.warning('Could not tidy the pool\'s qgroups: %s', err)
        pool = {
            'pool_name': self._opt('local_pool_name'),
            'total_capacity_gb': round(total / float(btrfs.GiB), 2),
            'free_capacity_gb': round(free / float(btrfs.GiB), 2),
            'allocated_capacity_gb': round(provisioned, 2),
            'provisioned_capacity_gb': round(provisioned, 2),
            # Limits are not reservations: space is promised, not taken.
            'thin_provisioning': True,
            'dedupe': False,
            'compression': False,
            'qos': False,
            'snapshot_support': True,
            'create_share_from_snapshot_support': True,
            'revert_to_snapshot_support': True,
            'mount_snapshot_support': False,
            'replication_domain': self.replication_domain,
        }
        pool.update(self._reservation_stats())
        stats = {'total_capacity_gb': pool['total_capacity_gb'],
                 'free_capacity_gb': pool['free_capacity_gb'],
                 'thin_provisioning': True,
                 'pools': [pool]}
        stats.update(data or {})
        super()._update_share_stats(stats)
