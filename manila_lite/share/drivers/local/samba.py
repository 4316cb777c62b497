"""CIFS shares through Samba registry shares (``net conf``).

Each share is a registry share named after the backend share; its access
rules become ``hosts allow`` (ip rules), ``valid users`` and ``read list``
(user rules), and ``read only``. A client must match an ip rule, when the
share has any, and a user rule, when it has any. After a change,
``smbcontrol close-share`` drops the connections of that share only, so
they reconnect under the new rules while other shares' clients stay.

With ``manage_daemons`` the helper writes its own smb.conf (every
directory under the state directory, registry shares on, a ``dfree
command`` reporting each share's size and free space from its qgroup
rather than the pool's) and runs smbd in
the configured network namespace; otherwise it drives the system's smbd
through its smb.conf, which must say ``registry shares = yes``.
"""

import ipaddress
import os
import re
import shutil
import tempfile

from oslo_log import log as logging

from manila_lite import exception
from manila_lite.share.drivers.local import process

LOG = logging.getLogger(__name__)
_USER = re.compile(r'^[A-Za-z0-9_.$@-]+(\\[A-Za-z0-9_.$@-]+)?$')
_DIRS = ('lock', 'state', 'cache', 'private', 'pid', 'ncalrpc', 'log')
# Samba's "dfree command": the share's size is its qgroup limit, so
# clients see that and what is left of it rather than the whole pool.
# Sizes in 1024-byte blocks; the filesystem's when there is no limit.
DFREE = """#!/bin/sh
# Written by manila-lite's local driver: smbd's dfree command.
cd "${1:-.}" 2>/dev/null
%(btrfs)s qgroup show -rf --raw . 2>/dev/null | awk '
    $1 ~ /^0\\// && $4 ~ /^[0-9]+$/ {
        total = int($4 / 1024); free = total - int($2 / 1024)
        if (free < 0) free = 0
        print total, free; found = 1; exit
    }
    END { if (!found) exit 1 }' || df -Pk . | awk 'NR == 2 { print $2, $4 }'
"""


def check_cifs_rules(rules):
    """Raise InvalidShareAccess for what a Samba share cannot express."""
    ip_levels = set()
    user_levels = set()
    for rule in rules:
        access_type = rule.get('access_type')
        level = rule.get('access_level', 'rw')
        if level not in ('rw', 'ro'):
            raise exception.InvalidShareAccess(
                reason='access level %r is not rw or ro' % (level,))
        if access_type == 'ip':
            try:
                ipaddress.ip_network(rule.get('access_to') or '',
                                     strict=False)
            except ValueError:
                raise exception.InvalidShareAccess(
                    reason='%r is not an IP address or network' %
                           (rule.get('access_to'),))
            ip_levels.add(level)
        elif access_type == 'user':
            if not _USER.match(rule.get('access_to') or ''):
                raise exception.InvalidShareAccess(
                    reason='%r is not a user name Samba can list' %
                           (rule.get('access_to'),))
            user_levels.add(level)
        else:
            raise exception.InvalidShareAccess(
                reason='CIFS shares of the local backend take ip and user '
                       'rules, not %r' % (access_type,))
    if ip_levels == {'rw', 'ro'}:
        raise exception.InvalidShareAccess(
            reason='Samba cannot make a share read-only for some addresses '
                   'and writable for others: use one access level for all '
                   'ip rules of a CIFS share (user rules may differ)')
    if ip_levels == {'ro'} and 'rw' in user_levels:
        raise exception.InvalidShareAccess(
            reason='Samba cannot give rw users write access to a share '
                   'whose ip rules are read-only')


def share_parameters(path, comment, rules):
    """The registry parameters of a share with exactly ``rules``."""
    ips = sorted(r['access_to'] for r in rules if r['access_type'] == 'ip')
    users = sorted(r['access_to'] for r in rules
                   if r['access_type'] == 'user')
    ro_users = sorted(r['access_to'] for r in rules
                      if r['access_type'] == 'user'
                      and r['access_level'] == 'ro')
    ip_readonly = bool(ips) and all(
        r['access_level'] == 'ro' for r in rules if r['access_type'] == 'ip')
    params = {
        'path': path,
        'comment': comment,
        'read only': 'yes' if ip_readonly else 'no',
        'browseable': 'yes',
        'force user': 'root',
        'force group': 'root',
    }
    if ips or not users:
        # Default deny: without any rule nobody gets in.
        params['hosts deny'] = 'ALL'
        if ips:
            params['hosts allow'] = ' '.join(ips)
    if users:
        params['valid users'] = ' '.join(users)
        params['guest ok'] = 'no'
        if ro_users:
            params['read list'] = ' '.join(ro_users)
    else:
        params['guest ok'] = 'yes'
    return params


class Samba:
    """Registry shares and, optionally, the smbd serving them."""

    def __init__(self, state_dir, bind_address='0.0.0.0', port=445,
                 manage_daemons=True, netns=None,
                 system_config='/etc/samba/smb.conf', netbios_name=None):
        self.dir = os.path.join(state_dir, 'samba')
        self.manage_daemons = manage_daemons
        self.netns = netns
        self.bind_address = bind_address
        self.port = port
        self.netbios_name = (netbios_name or 'MANILALITE')[:15]
        self.config = (os.path.join(self.dir, 'smb.conf') if manage_daemons
                       else system_config)
        self.daemons = []
        if manage_daemons:
            self.smbd = process.Daemon(
                'smbd', ['smbd', '--foreground', '--no-process-group',
                         '-s', self.config],
                os.path.join(self.dir, 'smbd.pid'),
                os.path.join(self.dir, 'log', 'smbd.out'), netns=netns,
                ready=self._serving,
                server_log=os.path.join(self.dir, 'log', 'smbd.log'))
            self.daemons = [self.smbd]

    def _write_conf(self):
        paths = {d: os.path.join(self.dir, d) for d in _DIRS}
        for path in paths.values():
            os.makedirs(path, exist_ok=True)
        os.chmod(paths['private'], 0o700)
        dfree = os.path.join(self.dir, 'dfree')
        with open(dfree + '.tmp', 'w') as f:
            f.write(DFREE % {'btrfs': shutil.which('btrfs') or 'btrfs'})
        os.chmod(dfree + '.tmp', 0o755)
        os.rename(dfree + '.tmp', dfree)
        interfaces = ('' if self.bind_address in ('0.0.0.0', '::', '')
                      else '    interfaces = %s\n    bind interfaces only '
                           '= yes\n' % self.bind_address)
        text = """# Written by manila-lite's local driver.
# Edits are overwritten.
[global]
    server role = standalone server
    netbios name = %(netbios)s
    workgroup = WORKGROUP
%(interfaces)s    smb ports = %(port)d
    disable netbios = yes
    server min protocol = SMB2_02
    lock directory = %(lock)s
    state directory = %(state)s
    cache directory = %(cache)s
    private dir = %(private)s
    binddns dir = %(private)s
    pid directory = %(pid)s
    ncalrpc dir = %(ncalrpc)s
    log file = %(log)s/smbd.log
    max log size = 10000
    passdb backend = tdbsam:%(private)s/passdb.tdb
    map to guest = Bad User
    guest account = nobody
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    registry shares = yes
    dfree command = %(dfree)s
""" % dict(paths, netbios=self.netbios_name, interfaces=interfaces,
           port=self.port, dfree=dfree)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix='.tmp-')
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.rename(tmp, self.config)

    def start(self):
        if not self.manage_daemons:
            self._check_system_config()
            return
        self._write_conf()
        if not self.smbd.running():
            process.check_port_free(
                self.port, 'local_cifs_port', 'smbd', self.netns,
                hint='The system\'s Samba probably holds it: stop it with '
                     '"systemctl disable --now smbd".')
        self.smbd.start()

    def stop(self):
        for daemon in self.daemons:
            daemon.stop()

    def _check_system_config(self):
        result = self._run('testparm', '-s', '--parameter-name',
                           'registry shares', check=False)
        if result.stdout.strip().lower() not in ('yes', 'true', '1'):
            raise exception.ShareBackendException(
                msg='%s must set "registry shares = yes" for the local '
                    'driver to manage CIFS shares' % self.config)

    def _run(self, *argv, check=True, input=None):
        return process.execute(*argv, check=check, input=input,
                               netns=self.netns)

    def _net(self, *args, check=True):
        return self._run('net', '-s', self.config, 'conf', *args,
                         check=check)

    def _smbcontrol(self, *args):
        # smbd may be restarting; a lost message is not an error.
        return self._run('smbcontrol', '-s', self.config, 'smbd', *args,
                         check=False)

    def _serving(self):
        return self._smbcontrol('ping').returncode == 0

    # -- shares -------------------------------------------------------------

    def has_share(self, name):
        return self._net('showshare', name, check=False).returncode == 0

    def export(self, name, path, rules, comment=''):
        """Create or replace the share ``name`` with exactly ``rules``."""
        params = share_parameters(path, comment or 'manila-lite ' + name,
                                  rules)
        text = '[%s]\n%s' % (name, ''.join(
            '    %s = %s\n' % item for item in params.items()))
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix='.share-')
        try:
            with os.fdopen(fd, 'w') as f:
                f.write(text)
            # Importing one section replaces that share as a whole.
            self._net('import', tmp, name)
        finally:
            os.unlink(tmp)
        self._smbcontrol('reload-config')
        self._smbcontrol('close-share', name)

    def disconnect(self, name):
        """Drop the clients of one share (they may reconnect)."""
        self._smbcontrol('close-share', name)

    def unexport(self, name):
        if self.has_share(name):
            self._net('delshare', name)
        self._smbcontrol('reload-config')
        self._smbcontrol('close-share', name)
