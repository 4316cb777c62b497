"""A network for trying the local backend on one host: a server
namespace and clients (the local backend's functional tests and
benchmarks/bench_local.py use it).

The backend's own daemons run in the server namespace (the driver's
``local_daemon_netns``); each client is a namespace of its own with one
address on a bridge in the server namespace, so access rules by IP are
tested on the wire. Clients are the userspace ones (libnfs-utils'
nfs-cp/nfs-cat, smbclient): the kernel has no NFS or CIFS client here.

``missing_requirements`` says what the host lacks (root, loop devices,
the Debian packages); the tests skip on it (or fail, under CI=true: see
manila_lite/tests/functional/services.py), the benchmark stops.
"""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import uuid

PACKAGES = ('nfs-ganesha nfs-ganesha-vfs samba smbclient libnfs-utils '
            'btrfs-progs dbus')
TOOLS = ('ganesha.nfsd', 'dbus-daemon', 'dbus-send', 'rpcbind', 'smbd',
         'net', 'smbcontrol', 'smbclient', 'nfs-cp', 'nfs-cat', 'nfs-ls',
         'mkfs.btrfs', 'btrfs', 'losetup', 'nsenter', 'ip', 'smbpasswd',
         'fallocate')
SUBNET = '10.231.7.'
SERVER_IP = SUBNET + '1'


def missing_requirements():
    """Why the local backend cannot run here, or None if it can."""
    if os.geteuid() != 0:
        return ('the local backend tests need root (mounts, loop '
                'devices, network namespaces)')
    if not os.path.exists('/dev/loop-control'):
        return ('the local backend tests need loop devices '
                '(/dev/loop-control is missing)')
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        return 'missing %s; apt-get install -y %s' % (', '.join(missing),
                                                      PACKAGES)
    return None


def run(*argv, check=True, input=None, timeout=120):
    result = subprocess.run([str(a) for a in argv], capture_output=True,
                            input=input, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError('%s exited %s: %s %s' % (
            ' '.join(map(str, argv)), result.returncode,
            result.stdout.decode(errors='replace'),
            result.stderr.decode(errors='replace')))
    return result


class Network:
    """``server`` namespace with a bridge; clients added by ``client()``.
    """

    def __init__(self):
        tag = uuid.uuid4().hex[:6]
        self.tag = tag
        self.server = 'mls%s' % tag
        self.clients = {}
        run('ip', 'netns', 'add', self.server)
        self._ns(self.server, 'link', 'set', 'lo', 'up')
        self._ns(self.server, 'link', 'add', 'br0', 'type', 'bridge')
        self._ns(self.server, 'addr', 'add', SERVER_IP + '/24', 'dev', 'br0')
        self._ns(self.server, 'link', 'set', 'br0', 'up')

    @staticmethod
    def _ns(ns, *args):
        run('ip', '-n', ns, *args)

    def client(self, host_number):
        """A client namespace with address SUBNET.<host_number>."""
        ns = 'mlc%s%d' % (self.tag, host_number)
        veth = 'mlv%s%d' % (self.tag, host_number)
        run('ip', 'netns', 'add', ns)
        run('ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name',
            'eth0', 'netns', ns)
        run('ip', 'link', 'set', veth, 'netns', self.server)
        self._ns(self.server, 'link', 'set', veth, 'master', 'br0')
        self._ns(self.server, 'link', 'set', veth, 'up')
        self._ns(ns, 'link', 'set', 'lo', 'up')
        self._ns(ns, 'addr', 'add', '%s%d/24' % (SUBNET, host_number),
                 'dev', 'eth0')
        self._ns(ns, 'link', 'set', 'eth0', 'up')
        client = Client(ns, SUBNET + str(host_number))
        self.clients[ns] = client
        return client

    def close(self):
        for ns in list(self.clients) + [self.server]:
            run('ip', 'netns', 'del', ns, check=False)


@contextlib.contextmanager
def network():
    net = Network()
    try:
        yield net
    finally:
        net.close()


def nfs_url(location, filename, version=3):
    host, _, path = location.partition(':')
    return 'nfs://%s%s/%s?version=%d' % (host, path, filename, version)


def cifs_service(location):
    """//host/share from \\\\host\\share."""
    return location.replace('\\', '/')


class Client:
    """A client host: reads and writes through the userspace clients."""

    def __init__(self, ns, address):
        self.ns = ns
        self.address = address

    def _exec(self, *argv, input=None, timeout=120):
        return run('ip', 'netns', 'exec', self.ns, *argv, check=False,
                   input=input, timeout=timeout)

    def nfs_write(self, location, filename, data, version=3):
        """True if the write went through; False when refused."""
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            result = self._exec('nfs-cp', f.name,
                                nfs_url(location, filename, version))
        return result.returncode == 0

    def nfs_read(self, location, filename, version=3):
        """The file's bytes, or None when refused or missing."""
        result = self._exec('nfs-cat', nfs_url(location, filename, version))
        return result.stdout if result.returncode == 0 else None

    def _smb(self, location, command, user=None):
        argv = ['smbclient', cifs_service(location), '-m', 'SMB3']
        if user:
            argv += ['-U', user]
        else:
            argv += ['-N']
        return self._exec(*(argv + ['-c', command]))

    def smb_write(self, location, filename, data, user=None):
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            result = self._smb(location, 'put %s %s' % (f.name, filename),
                               user)
        out = result.stdout + result.stderr
        return result.returncode == 0 and b'NT_STATUS' not in out

    def smb_disk(self, location, user=None):
        """(total bytes, free bytes) of the share as smbclient reports
        it; None when refused."""
        result = self._smb(location, 'du', user)
        found = re.search(rb'(\d+) blocks of size (\d+)\. (\d+) blocks '
                          rb'available', result.stdout)
        if result.returncode != 0 or not found:
            return None
        size = int(found.group(2))
        return int(found.group(1)) * size, int(found.group(3)) * size

    def smb_read(self, location, filename, user=None):
        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, 'got')
            result = self._smb(location, 'get %s %s' % (filename, target),
                               user)
            if result.returncode != 0 or not os.path.exists(target):
                return None
            with open(target, 'rb') as f:
                return f.read()


def export_path(location):
    """The local mount path behind an NFS location host:/path."""
    return location.partition(':')[2]


def fill(path, size_bytes):
    """Take ``size_bytes`` of a share's quota fast, from the server side.
    """
    run('fallocate', '-l', str(size_bytes), path)


@contextlib.contextmanager
def samba_user(smb_conf, name, password):
    """A Unix account with a Samba password in the driver's passdb."""
    created = run('useradd', '-M', '-s', '/usr/sbin/nologin', name,
                  check=False).returncode == 0
    try:
        run('smbpasswd', '-c', smb_conf, '-s', '-a', name,
            input=('%s\n%s\n' % (password, password)).encode())
        yield name
    finally:
        run('smbpasswd', '-c', smb_conf, '-x', name, check=False)
        if created:
            run('userdel', name, check=False)
