"""The btrfs pool: one filesystem holding shares as subvolumes.

Layout inside the pool filesystem::

    shares/<share name>        a writable subvolume per share
    snapshots/<snapshot name>  a read-only snapshot subvolume per snapshot

A share's size is a qgroup limit on its subvolume (referenced bytes), set
by subvolume id: the path form of ``btrfs qgroup limit`` fails on a share
already over its limit, and a snapshot inherits its source's limit, so
every new subvolume gets its own limit explicitly.

A deleted subvolume's qgroup is left to the kernel: destroying it right
after ``subvolume delete`` -- before the cleaner has dropped the
subvolume, while the qgroup still counts its bytes -- is what left the
pool's qgroups "inconsistent, rescan recommended" (kernels that allow
it). Recent kernels remove the qgroup once the subvolume is dropped;
``clear_stale_qgroups`` removes the ones older kernels keep, and
``check_quota`` starts a rescan whenever the kernel reports the numbers
inconsistent (limits are not enforced reliably until it ends).

The pool filesystem comes from a block device, an existing btrfs mount,
or a loop file created on first use.
"""

import math
import os
import re

from oslo_log import log as logging

from manila_lite import exception
from manila_lite.share.drivers.local import process

LOG = logging.getLogger(__name__)
GiB = 1024 ** 3
SHARES = 'shares'
SNAPSHOTS = 'snapshots'
_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$')
_QGROUP_LINE = re.compile(r'^0/(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)')


def check_name(name):
    """Subvolume names come from ids; refuse anything path-like."""
    if not name or not _NAME.match(name):
        raise exception.InvalidShare(
            reason='%r is not a valid backend share name' % (name,))
    return name


def _mounts():
    """[(source, target, fstype, options)] from /proc/self/mounts."""
    result = []
    with open('/proc/self/mounts') as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 4:
                target = fields[1].replace('\\040', ' ')
                result.append((fields[0], target, fields[2], fields[3]))
    return result


def mounted_at(path):
    """The (source, fstype, options) mounted at ``path``, or None."""
    path = os.path.realpath(path)
    found = None
    for source, target, fstype, options in _mounts():
        if target == path:
            found = (source, fstype, options)  # the last one is on top
    return found


class Pool:
    """Subvolume, snapshot and qgroup operations on one btrfs filesystem.

    ``mount_point`` is where the filesystem is (or gets) mounted. With
    ``device`` it is mounted from that block device; with ``loop_file`` a
    sparse file of ``loop_size_gb`` is created, formatted and mounted
    through a loop device; with neither, ``mount_point`` must already be a
    btrfs mount.
    """

    def __init__(self, mount_point, device=None, loop_file=None,
                 loop_size_gb=None, mkfs=False):
        self.mount_point = os.path.abspath(mount_point)
        self.device = device
        self.loop_file = loop_file and os.path.abspath(loop_file)
        self.loop_size_gb = loop_size_gb
        self.mkfs = mkfs

    # -- the filesystem -----------------------------------------------------

    def setup(self):
        """Mount the pool if needed and enable quotas; idempotent."""
        current = mounted_at(self.mount_point)
        if current is None:
            source = self._source()
            os.makedirs(self.mount_point, exist_ok=True)
            process.execute('mount', '-t', 'btrfs', source, self.mount_point)
            LOG.info('Mounted btrfs pool %s at %s', source, self.mount_point)
        elif current[1] != 'btrfs':
            raise exception.ShareBackendException(
                msg='%s is a %s mount, not btrfs' % (
                    self.mount_point, current[1]))
        process.execute('btrfs', 'quota', 'enable', self.mount_point)
        for folder in (SHARES, SNAPSHOTS):
            path = os.path.join(self.mount_point, folder)
            if not os.path.isdir(path):
                os.makedirs(path)
        self.clear_stale_qgroups()
        self.check_quota(wait=True)

    def _source(self):
        if self.loop_file:
            return self._loop_device()
        if self.device:
            if not self._has_btrfs(self.device):
                if not self.mkfs:
                    raise exception.ShareBackendException(
                        msg='%s holds no btrfs filesystem; format it or set '
                            'local_btrfs_mkfs = true' % self.device)
                self._format(self.device)
            return self.device
        raise exception.ShareBackendException(
            msg='%s is not mounted and no local_btrfs_device or '
                'local_btrfs_loop_file says what to mount there'
                % self.mount_point)

    @staticmethod
    def _has_btrfs(device):
        result = process.execute('blkid', '-o', 'value', '-s', 'TYPE',
                                 device, check=False)
        if result.returncode not in (0, 2):
            raise process.CommandFailed(['blkid', device], result.returncode,
                                        result.stdout, result.stderr)
        fstype = result.stdout.strip()
        if fstype and fstype != 'btrfs':
            raise exception.ShareBackendException(
                msg='%s holds a %s filesystem, not btrfs; refusing to '
                    'format it' % (device, fstype))
        return fstype == 'btrfs'

    @staticmethod
    def _format(target):
        process.execute('mkfs.btrfs', '-q', target)
        LOG.info('Formatted %s with btrfs', target)

    def _loop_device(self):
        """The loop device of the pool file, attaching (and creating and
        formatting) it when needed."""
        if not os.path.exists(self.loop_file):
            if not self.loop_size_gb:
                raise exception.ShareBackendException(
                    msg='local_btrfs_loop_size_gb is needed to create %s'
                        % self.loop_file)
            os.makedirs(os.path.dirname(self.loop_file), exist_ok=True)
            with open(self.loop_file, 'wb') as f:
                f.truncate(int(self.loop_size_gb * GiB))
            self._format(self.loop_file)
        attached = process.execute('losetup', '-j', self.loop_file)
        for line in attached.stdout.splitlines():
            device = line.split(':', 1)[0].strip()
            if device:
                return device
        return process.execute('losetup', '--find', '--show',
                               self.loop_file).stdout.strip()

    def teardown(self):
        """Unmount the pool and detach its loop device (tests, tools);
        return the loop devices detached."""
        if mounted_at(self.mount_point):
            process.execute('umount', self.mount_point)
        detached = []
        if self.loop_file and os.path.exists(self.loop_file):
            attached = process.execute('losetup', '-j', self.loop_file,
                                       check=False)
            for line in attached.stdout.splitlines():
                device = line.split(':', 1)[0].strip()
                if device:
                    process.execute('losetup', '-d', device, check=False)
                    detached.append(device)
        return detached

    @property
    def block_device(self):
        """What to name in ``mount -o subvol=``: the pool's device."""
        current = mounted_at(self.mount_point)
        if current is None:
            raise exception.ShareBackendException(
                msg='the btrfs pool at %s is not mounted' % self.mount_point)
        return current[0]

    def capacity(self):
        """(total bytes, free bytes) of the filesystem."""
        st = os.statvfs(self.mount_point)
        return st.f_blocks * st.f_frsize, st.f_bavail * st.f_frsize

    # -- subvolumes ---------------------------------------------------------

    def share_path(self, name):
        return os.path.join(self.mount_point, SHARES, check_name(name))

    def snapshot_path(self, name):
        return os.path.join(self.mount_point, SNAPSHOTS, check_name(name))

    def relative(self, path):
        return os.path.relpath(path, self.mount_point)

    @staticmethod
    def is_subvolume(path):
        if not os.path.isdir(path):
            return False
        # A subvolume's root directory always has inode number 256.
        return os.stat(path).st_ino == 256

    def subvolume_id(self, path):
        return int(process.execute('btrfs', 'inspect-internal', 'rootid',
                                   path).stdout.strip())

    def create_subvolume(self, path):
        if not self.is_subvolume(path):
            process.execute('btrfs', 'subvolume', 'create', path)

    def snapshot(self, source, target, readonly):
        if self.is_subvolume(target):
            return
        argv = ['btrfs', 'subvolume', 'snapshot']
        if readonly:
            argv.append('-r')
        process.execute(*(argv + [source, target]))

    def delete_subvolume(self, path):
        if not self.is_subvolume(path):
            return
        subvol_id = self.subvolume_id(path)
        process.execute('btrfs', 'property', 'set', '-ts', path, 'ro',
                        'false', check=False)
        process.execute('btrfs', 'subvolume', 'delete', '-c', path)
        # Its qgroup still counts the bytes the cleaner has yet to drop:
        # see clear_stale_qgroups.
        LOG.debug('Deleted subvolume %s (id %s)', path, subvol_id)

    def rename(self, source, target):
        os.rename(source, target)

    def is_readonly(self, path):
        out = process.execute('btrfs', 'property', 'get', '-ts', path,
                              'ro').stdout
        return out.strip().endswith('true')

    # -- sizes --------------------------------------------------------------

    def set_limit(self, path, size_gb):
        """Limit the subvolume's referenced bytes to ``size_gb`` GiB."""
        limit = 'none' if size_gb is None else str(int(size_gb) * GiB)
        process.execute('btrfs', 'qgroup', 'limit', limit,
                        '0/%d' % self.subvolume_id(path), self.mount_point)

    def _subvolume_ids(self, *flags):
        out = process.execute('btrfs', 'subvolume', 'list', *(
            list(flags) + [self.mount_point])).stdout
        return {int(line.split()[1]) for line in out.splitlines()
                if line.startswith('ID ')}

    def clear_stale_qgroups(self):
        """Destroy the qgroups of subvolumes the cleaner has dropped
        completely (older kernels keep them); never one of a subvolume
        still being dropped."""
        alive = self._subvolume_ids('-a') | self._subvolume_ids('-d') | {5}
        stale = sorted(set(self.qgroups()) - alive)
        for subvol_id in stale:
            process.execute('btrfs', 'qgroup', 'destroy', '0/%d' % subvol_id,
                            self.mount_point, check=False)
        return stale

    def check_quota(self, wait=False):
        """Start a quota rescan when the kernel says the numbers are
        inconsistent; True if one was needed."""
        result = process.execute('btrfs', 'qgroup', 'show', '--raw',
                                 self.mount_point, check=False)
        if 'inconsistent' not in result.stderr:
            return False
        LOG.warning('Quota numbers of the btrfs pool at %s are '
                    'inconsistent; rescanning', self.mount_point)
        argv = ['btrfs', 'quota', 'rescan'] + (['-w'] if wait else [])
        # Fails harmlessly when a rescan is already running.
        process.execute(*(argv + [self.mount_point]), check=False,
                        timeout=None if wait else process.DEFAULT_TIMEOUT)
        return True

    def qgroups(self):
        """{subvolume id: (referenced bytes, limit bytes or None)}."""
        out = process.execute('btrfs', 'qgroup', 'show', '-re', '--raw',
                              '--sync', self.mount_point).stdout
        result = {}
        for line in out.splitlines():
            match = _QGROUP_LINE.match(line.strip())
            if match:
                limit = match.group(4)
                result[int(match.group(1))] = (
                    int(match.group(2)),
                    int(limit) if limit.isdigit() else None)
        return result

    def usage(self, path):
        """(referenced bytes, limit bytes or None) of one subvolume."""
        subvol_id = self.subvolume_id(path)
        return self.qgroups().get(subvol_id, (0, None))

    @staticmethod
    def gib(size_bytes):
        """Whole GiB holding ``size_bytes`` (at least 1)."""
        return max(1, int(math.ceil(size_bytes / float(GiB))))
