"""NFS exports through NFS-Ganesha's VFS FSAL.

One export file per share (``exports/<share name>.conf``) holds its
EXPORT block with one CLIENT block per access level; ``exports.conf``
includes them all, so a Ganesha (re)started from its config serves every
share. Changes reach a running Ganesha through its D-Bus export manager
(AddExport, UpdateExport, RemoveExport), which touches only the export
named: the clients of other shares keep their sessions.

With ``manage_daemons`` the helper runs its own dbus-daemon (a private
bus under the state directory), rpcbind when NFSv3 is served, and
ganesha.nfsd, all in the configured network namespace. Without it, the
system's Ganesha must ``%include`` the ``exports.conf`` written here and
listen on the system bus.
"""

import ipaddress
import os
import re
import tempfile
import time

from oslo_log import log as logging

from manila_lite import exception
from manila_lite.share.drivers.local import process

LOG = logging.getLogger(__name__)
_EXPORT_ID = re.compile(r'Export_Id\s*=\s*(\d+)\s*;')
_DEST = 'org.ganesha.nfsd'
_EXPORT_MGR = '/org/ganesha/nfsd/ExportMgr'
_FIRST_EXPORT_ID = 100
_RPCBIND_SOCKET = '/run/rpcbind.sock'
_MAX_EXPORT_ID = 65535
HEADER = "# Written by manila-lite's local driver; changes are overwritten.\n"
_MAIN_CONF = HEADER + """NFS_CORE_PARAM {
    Protocols = %(protocols)s;
    NFS_Port = %(port)d;
    Bind_addr = %(bind)s;
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
}
NFSV4 {
    Graceless = true;
    RecoveryBackend = fs;
    RecoveryRoot = "%(recovery)s";
}
NFS_KRB5 { Active_krb5 = false; }
EXPORT_DEFAULTS { Access_Type = None; }
%%include "%(exports)s"
"""


def write_atomic(path, text):
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-')
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.rename(tmp, path)


def client_blocks(rules):
    """CLIENT blocks for ip rules; the most specific network first, since
    Ganesha takes the first block matching a client."""
    ordered = sorted(
        rules, key=lambda r: -ipaddress.ip_network(
            r['access_to'], strict=False).prefixlen)
    blocks = []
    for rule in ordered:
        network = ipaddress.ip_network(rule['access_to'], strict=False)
        client = (str(network.network_address)
                  if network.prefixlen == network.max_prefixlen
                  else str(network))
        blocks.append('    CLIENT {\n        Clients = %s;\n'
                      '        Access_Type = %s;\n    }\n' % (
                          client, 'RW' if rule['access_level'] == 'rw'
                          else 'RO'))
    return ''.join(blocks)


class Ganesha:
    """Export files, the D-Bus export manager, and optionally the daemons.
    """

    def __init__(self, state_dir, versions=('4',), bind_address='0.0.0.0',
                 port=2049, manage_daemons=True, netns=None):
        self.dir = os.path.join(state_dir, 'ganesha')
        self.exports_dir = os.path.join(self.dir, 'exports')
        self.exports_conf = os.path.join(self.dir, 'exports.conf')
        self.main_conf = os.path.join(self.dir, 'ganesha.conf')
        self.versions = sorted({str(v).strip().split('.')[0]
                                for v in versions})
        if not self.versions or set(self.versions) - {'3', '4'}:
            raise exception.InvalidDriverError(
                reason='local_nfs_versions must be 3 and/or 4, not %s'
                       % ', '.join(map(str, versions)))
        self.bind_address = bind_address
        self.port = port
        self.manage_daemons = manage_daemons
        self.netns = netns
        self.env = {}
        self.daemons = []
        if manage_daemons:
            self._own_daemons(state_dir)

    # -- daemons ------------------------------------------------------------

    def _own_daemons(self, state_dir):
        dbus_dir = os.path.join(state_dir, 'dbus')
        self.dbus_socket = os.path.join(dbus_dir, 'system_bus_socket')
        self.env = {'DBUS_SYSTEM_BUS_ADDRESS':
                    'unix:path=%s' % self.dbus_socket}
        self.dbus_conf = os.path.join(dbus_dir, 'bus.conf')
        self.dbus = process.Daemon(
            'dbus-daemon', ['dbus-daemon', '--nofork', '--nopidfile',
                            '--config-file=%s' % self.dbus_conf],
            os.path.join(dbus_dir, 'dbus.pid'),
            os.path.join(dbus_dir, 'dbus.log'),
            ready=lambda: os.path.exists(self.dbus_socket))
        self.rpcbind = process.Daemon(
            'rpcbind', ['rpcbind', '-f'],
            os.path.join(self.dir, 'rpcbind.pid'),
            os.path.join(self.dir, 'rpcbind.log'), netns=self.netns,
            ready=lambda: os.path.exists(_RPCBIND_SOCKET))
        self.nfsd = process.Daemon(
            'ganesha.nfsd', ['ganesha.nfsd', '-F', '-f', self.main_conf,
                             '-L', os.path.join(self.dir, 'ganesha.log'),
                             '-p', os.path.join(self.dir, 'ganesha.pid'),
                             '-N', 'NIV_EVENT'],
            os.path.join(self.dir, 'ganesha.pid'),
            os.path.join(self.dir, 'ganesha.out'), netns=self.netns,
            env=self.env, ready=self._serving, start_timeout=60,
            server_log=os.path.join(self.dir, 'ganesha.log'))
        self.daemons = [self.dbus] + (
            [self.rpcbind] if '3' in self.versions else []) + [self.nfsd]

    def _write_dbus_conf(self):
        write_atomic(self.dbus_conf, """<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy user="root">
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
  <policy context="default">
    <deny own="*"/>
    <deny send_destination="*"/>
  </policy>
</busconfig>
""" % self.dbus_socket)

    def _write_main_conf(self):
        write_atomic(self.main_conf, _MAIN_CONF % {
            'protocols': ', '.join(self.versions), 'port': self.port,
            'bind': self.bind_address,
            'recovery': os.path.join(self.dir, 'recovery'),
            'exports': self.exports_conf})

    def start(self):
        """Start whatever of our daemons is not running; idempotent."""
        self._write_exports_conf()
        if not self.manage_daemons:
            return
        self._write_dbus_conf()
        self._write_main_conf()
        os.makedirs(os.path.join(self.dir, 'recovery'), exist_ok=True)
        for daemon in self.daemons:
            if daemon is self.rpcbind:
                if self._rpcbind_elsewhere():
                    continue
                if not daemon.running() and os.path.exists(_RPCBIND_SOCKET):
                    # Left by an rpcbind that is gone; its presence is
                    # how we see the new one ready.
                    os.unlink(_RPCBIND_SOCKET)
            if not daemon.running():
                self._check_port(daemon)
            daemon.start()

    def _check_port(self, daemon):
        """A port taken by the system's own server (Debian starts
        nfs-ganesha and rpcbind at boot) stops us with what to do."""
        if daemon is self.nfsd:
            process.check_port_free(
                self.port, 'local_nfs_port', 'ganesha.nfsd', self.netns,
                hint='A system NFS server probably holds it: stop it with '
                     '"systemctl disable --now nfs-ganesha" (or '
                     'nfs-kernel-server).')
        elif daemon is self.rpcbind:
            process.check_port_free(
                111, 'rpcbind, for NFSv3', 'rpcbind', self.netns,
                hint='The system\'s rpcbind probably holds it: stop it '
                     'with "systemctl disable --now rpcbind.socket '
                     'rpcbind".',
                change='local_nfs_versions (NFSv3 needs rpcbind)')

    def _rpcbind_elsewhere(self):
        """Some other rpcbind already serves this machine's socket."""
        return (not self.rpcbind.running()
                and os.path.exists(_RPCBIND_SOCKET)
                and any(process.pid_alive(int(pid), 'rpcbind')
                        for pid in os.listdir('/proc') if pid.isdigit()))

    def stop(self):
        for daemon in reversed(self.daemons):
            daemon.stop()

    def _serving(self):
        return self._dbus('org.freedesktop.DBus.Peer.Ping',
                          check=False).returncode == 0

    # -- D-Bus --------------------------------------------------------------

    def _dbus(self, method, *args, path=_EXPORT_MGR, check=True):
        return process.execute(
            'dbus-send', '--system', '--print-reply', '--reply-timeout=30000',
            '--dest=%s' % _DEST, path, method, *args, env=self.env,
            check=check)

    def _export_manager(self, method, *args, check=True):
        return self._dbus('org.ganesha.nfsd.exportmgr.' + method, *args,
                          check=check)

    def is_active(self, export_id):
        return self._export_manager('DisplayExport', 'uint16:%d' % export_id,
                                    check=False).returncode == 0

    # -- exports ------------------------------------------------------------

    def export_file(self, name):
        return os.path.join(self.exports_dir, name + '.conf')

    def export_id(self, name):
        """The Export_Id in ``name``'s file, or None."""
        try:
            with open(self.export_file(name)) as f:
                match = _EXPORT_ID.search(f.read())
        except OSError:
            return None
        return int(match.group(1)) if match else None

    def _new_export_id(self):
        used = set()
        for entry in os.listdir(self.exports_dir) if os.path.isdir(
                self.exports_dir) else []:
            if entry.endswith('.conf'):
                found = self.export_id(entry[:-len('.conf')])
                if found is not None:
                    used.add(found)
        for candidate in range(_FIRST_EXPORT_ID, _MAX_EXPORT_ID + 1):
            if candidate not in used:
                return candidate
        raise exception.ShareBackendException(
            msg='Ganesha has no export id left')

    def _write_exports_conf(self):
        os.makedirs(self.exports_dir, exist_ok=True)
        names = sorted(e for e in os.listdir(self.exports_dir)
                       if e.endswith('.conf'))
        write_atomic(self.exports_conf, ''.join(
            '%%include "%s"\n' % os.path.join(self.exports_dir, n)
            for n in names))

    def _render(self, name, path, export_id, rules):
        return ('# manila-lite share %(name)s\nEXPORT {\n'
                '    Export_Id = %(id)d;\n    Path = "%(path)s";\n'
                '    Pseudo = "%(path)s";\n    Protocols = %(protocols)s;\n'
                '    Transports = TCP;\n    Access_Type = None;\n'
                '    Squash = No_Root_Squash;\n    SecType = sys;\n'
                '    FSAL { Name = VFS; }\n%(clients)s}\n') % {
                    'name': name, 'id': export_id, 'path': path,
                    'protocols': ', '.join(self.versions),
                    'clients': client_blocks(rules)}

    def export(self, name, path, rules):
        """Create or update the export of ``name`` with exactly ``rules``
        (ip rules), in the file and in the running Ganesha."""
        export_id = self.export_id(name) or self._new_export_id()
        target = self.export_file(name)
        existed = os.path.exists(target)
        write_atomic(target, self._render(name, path, export_id, rules))
        if not existed:
            self._write_exports_conf()
        selector = 'string:EXPORT(Export_Id=%d)' % export_id
        if self.is_active(export_id):
            self._export_manager('UpdateExport', 'string:' + target,
                                 selector)
        else:
            self._export_manager('AddExport', 'string:' + target, selector)
        return export_id

    def withdraw(self, name):
        """Take the export out of Ganesha, keeping its file."""
        export_id = self.export_id(name)
        if export_id is not None and self.is_active(export_id):
            self._export_manager('RemoveExport', 'uint16:%d' % export_id)
            time.sleep(0.2)  # Ganesha lets go of the path asynchronously

    def restore(self, name):
        """Put a withdrawn export back from its file."""
        export_id = self.export_id(name)
        if export_id is not None and not self.is_active(export_id):
            self._export_manager(
                'AddExport', 'string:' + self.export_file(name),
                'string:EXPORT(Export_Id=%d)' % export_id)

    def has_export(self, name):
        export_id = self.export_id(name)
        return export_id is not None and self.is_active(export_id)

    def unexport(self, name):
        """Remove ``name``'s export from Ganesha and its file; idempotent.
        """
        self.withdraw(name)
        try:
            os.unlink(self.export_file(name))
        except FileNotFoundError:
            pass
        self._write_exports_conf()

    def location_path(self, path):
        """What follows ``host:`` in the export location."""
        return path


def check_nfs_rules(rules):
    """Raise InvalidShareAccess for a rule Ganesha cannot apply."""
    for rule in rules:
        check_nfs_rule(rule)


def check_nfs_rule(rule):
    if rule.get('access_type') != 'ip':
        raise exception.InvalidShareAccess(
            reason='NFS shares of the local backend take only ip rules, '
                   'not %r' % rule.get('access_type'))
    _check_ip(rule)


def _check_ip(rule):
    try:
        ipaddress.ip_network(rule.get('access_to') or '', strict=False)
    except ValueError:
        raise exception.InvalidShareAccess(
            reason='%r is not an IP address or network' %
                   (rule.get('access_to'),))
    if rule.get('access_level', 'rw') not in ('rw', 'ro'):
        raise exception.InvalidShareAccess(
            reason='access level %r is not rw or ro' %
                   (rule.get('access_level'),))
