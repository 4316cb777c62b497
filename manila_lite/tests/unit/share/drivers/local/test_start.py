"""The local driver's start-up, failures and clean-up, without servers.

Option checks, the cause quoted when a server fails to start, taken
ports, what a failed start leaves behind, the pool's qgroup upkeep,
Samba's dfree script, ``manila-lite-manage local`` and how the commands
exit when a service cannot start. The real servers are exercised by
functional/test_local_driver*.py.
"""

import os
import socket
import subprocess
import sys
import textwrap
from unittest import mock

from oslo_config import cfg
import pytest

from manila_lite.cmd import common
from manila_lite.conf import backend as backend_conf
from manila_lite import exception
from manila_lite.share.drivers.local import btrfs
from manila_lite.share.drivers.local import driver as local_driver
from manila_lite.share.drivers.local import process
from manila_lite.share.drivers.local import samba

GANESHA_LOG = textwrap.dedent('''\
    06/12/2026 06:31:33 : epoch 6b150145 : vm : nfs-ganesha-15874[main] main :NFS STARTUP :WARN :No export entries found in configuration file !!!
    06/12/2026 06:31:33 : epoch 6b150145 : vm : nfs-ganesha-15874[main] Bind_sockets_V6 :DISP :WARN :Cannot bind NFS tcp6 socket, error 98 (Address already in use)
    06/12/2026 06:31:33 : epoch 6b150145 : vm : nfs-ganesha-15874[main] Bind_sockets :DISP :FATAL :Error binding to V6 interface. Cannot continue.
    ''')  # noqa: E501


def make_driver(tmp_path, **options):
    conf = cfg.ConfigOpts()
    backend_conf.register_backend(conf, 'local', local_driver.driver_opts)
    conf([], project='manila-lite-test', default_config_files=[])
    values = {'share_driver': 'local',
              'local_state_dir': str(tmp_path / 'state'),
              'local_btrfs_loop_file': str(tmp_path / 'pool.img')}
    values.update(options)
    for name, value in values.items():
        conf.set_override(name, value, group='local')
    return local_driver.LocalShareDriver(False, configuration=conf.local,
                                         backend_name='local')


def config_file_driver(tmp_path, line):
    """A driver whose [local] section is read from a file, as an
    operator writes it."""
    path = tmp_path / 'manila-lite.conf'
    path.write_text('[local]\nshare_driver = local\n%s\n' % line)
    conf = cfg.ConfigOpts()
    backend_conf.register_backend(conf, 'local', local_driver.driver_opts)
    conf(['--config-file', str(path)], project='manila-lite-test',
         default_config_files=[])
    return local_driver.LocalShareDriver(False, configuration=conf.local,
                                         backend_name='local')


# -- item 1: the export address ----------------------------------------------

@pytest.mark.parametrize('line', [
    'local_export_address = 192.0.2.10     # this host, as clients see it',
    'local_admin_export_address = 10.0.0.1 # management network',
    'local_export_address = not an address',
])
def test_a_bad_export_address_stops_the_driver_naming_option(
        tmp_path, line):
    with pytest.raises(exception.InvalidDriverError) as err:
        config_file_driver(tmp_path, line)
    option = line.split()[0]
    assert '%s of backend local must be an IP address or a host name' % (
        option) in str(err.value)


@pytest.mark.parametrize('address', ['192.0.2.10', 'nas.example.com',
                                     '2001:db8::10'])
def test_addresses_and_host_names_are_accepted(tmp_path, address):
    drv = config_file_driver(tmp_path, 'local_export_address = %s'
                             % address)
    share = {'name': 'share-1', 'share_proto': 'NFS'}
    path = drv._locations(share)[0]['path']
    assert path.split(':/')[0].strip('[]') == address


# -- item 3: the cause of a failed start -------------------------------------

def never():
    """A server that is never ready: start() waits until it exits."""
    return False


def test_cause_is_quoted_from_ganesha_log_without_prefixes():
    cause = process.cause_from_log(GANESHA_LOG)
    assert cause == (
        'Bind_sockets_V6 :DISP :WARN :Cannot bind NFS tcp6 socket, error 98 '
        '(Address already in use); Bind_sockets :DISP :FATAL :Error binding '
        'to V6 interface. Cannot continue.')


def test_failed_start_quotes_the_server_log_not_its_output(tmp_path):
    server_log = tmp_path / 'ganesha.log'
    server_log.write_text('an old start: error 12 from yesterday\n')
    script = 'printf %%s "%s" >> %s; exit 2' % (
        GANESHA_LOG.replace('"', '\\"'), server_log)
    daemon = process.Daemon('ganesha.nfsd', ['sh', '-c', script],
                            str(tmp_path / 'g.pid'),
                            str(tmp_path / 'ganesha.out'),
                            server_log=str(server_log), ready=never)
    with pytest.raises(exception.ShareBackendException) as err:
        daemon.start()
    message = str(err.value)
    assert 'ganesha.nfsd exited with code 2 at start' in message
    assert 'error 98 (Address already in use)' in message
    assert '(from %s)' % server_log in message
    assert 'yesterday' not in message
    assert 'ganesha.out' not in message


def test_failed_start_without_a_cause_names_where_to_look(tmp_path):
    daemon = process.Daemon('smbd', ['sh', '-c', 'echo bye; exit 3'],
                            str(tmp_path / 's.pid'),
                            str(tmp_path / 'smbd.out'),
                            server_log=str(tmp_path / 'smbd.log'),
                            ready=never)
    with pytest.raises(exception.ShareBackendException) as err:
        daemon.start()
    assert 'smbd exited with code 3 at start: bye (see %s)' % (
        tmp_path / 'smbd.log') in str(err.value)


# -- item 4: taken ports -----------------------------------------------------

@pytest.mark.skipif(os.geteuid() != 0, reason='ss names processes to root')
def test_a_taken_port_says_who_holds_it_and_what_to_do():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(exception.ShareBackendException) as err:
            process.check_port_free(port, 'local_nfs_port', 'ganesha.nfsd',
                                    hint='Stop the system\'s NFS server.')
    message = str(err.value)
    assert ('ganesha.nfsd cannot start: port %d (local_nfs_port) is already '
            "taken in the host's network namespace by" % port) in message
    assert '(pid %d)' % os.getpid() in message
    assert "Stop the system's NFS server. Or set local_daemon_netns" in (
        message)
    assert 'local_manage_daemons = false' in message
    # Once let go, the same port is free.
    process.check_port_free(port, 'local_nfs_port', 'ganesha.nfsd')


# -- item 2: a failed start leaves nothing it started ------------------------

class FakeDaemon:
    def __init__(self, name, running, fails=False):
        self.name = name
        self.is_running = running
        self.fails = fails
        self.stopped = False

    def running(self):
        return self.is_running

    def start(self):
        if self.fails:
            raise exception.ShareBackendException(msg='%s failed' % self.name)
        self.is_running = True

    def stop(self):
        self.stopped = True
        self.is_running = False


class FakeServer:
    manage_daemons = True

    def __init__(self, daemons):
        self.daemons = daemons

    def start(self):
        for daemon in self.daemons:
            if not daemon.running():
                daemon.start()


def test_failed_setup_stops_only_what_it_started(tmp_path):
    drv = make_driver(tmp_path)
    smbd = FakeDaemon('smbd', running=True)
    dbus = FakeDaemon('dbus-daemon', running=False)
    nfsd = FakeDaemon('ganesha.nfsd', running=False, fails=True)
    drv.nfs = FakeServer([dbus, nfsd])
    drv.cifs = FakeServer([smbd])
    with mock.patch.object(drv, '_check_tools'), \
            mock.patch.object(drv.pool, 'setup'), \
            mock.patch.object(drv, '_remount_exports'):
        with pytest.raises(exception.ShareBackendException):
            drv.do_setup(None)
    assert dbus.stopped and nfsd.stopped
    assert not smbd.stopped    # ran before: its clients keep it


# -- item 8: the pool's qgroups ----------------------------------------------

def fake_execute(outputs, calls):
    def execute(*argv, check=True, **kwargs):
        calls.append(argv)
        for prefix, (stdout, stderr) in outputs.items():
            if argv[:len(prefix)] == prefix:
                return subprocess.CompletedProcess(argv, 0, stdout, stderr)
        return subprocess.CompletedProcess(argv, 0, '', '')
    return execute


QGROUPS = textwrap.dedent('''\
    Qgroupid    Referenced    Exclusive  Max referenced  Max exclusive
    --------    ----------    ---------  --------------  -------------
    0/5              16384        16384            none           none
    0/256            16384        16384      1073741824           none
    0/257           966656       966656      1073741824           none
    0/258            16384        16384      1073741824           none
    ''')


def test_stale_qgroups_of_dropped_subvolumes_are_destroyed_only():
    pool = btrfs.Pool('/pool')
    calls = []
    outputs = {
        ('btrfs', 'subvolume', 'list', '-a'): (
            'ID 256 gen 9 top level 5 path shares/a\n', ''),
        ('btrfs', 'subvolume', 'list', '-d'): (
            'ID 257 gen 9 top level 0 path DELETED\n', ''),
        ('btrfs', 'qgroup', 'show'): (QGROUPS, ''),
    }
    with mock.patch.object(process, 'execute',
                           fake_execute(outputs, calls)):
        assert pool.clear_stale_qgroups() == [258]
    destroyed = [c for c in calls if c[:3] == ('btrfs', 'qgroup', 'destroy')]
    assert destroyed == [('btrfs', 'qgroup', 'destroy', '0/258', '/pool')]


def test_deleting_a_subvolume_leaves_its_qgroup_to_the_cleaner(tmp_path):
    pool = btrfs.Pool('/pool')
    calls = []
    outputs = {('btrfs', 'inspect-internal', 'rootid'): ('260\n', '')}
    with mock.patch.object(process, 'execute',
                           fake_execute(outputs, calls)), \
            mock.patch.object(btrfs.Pool, 'is_subvolume', return_value=True):
        pool.delete_subvolume('/pool/shares/x')
    assert ('btrfs', 'subvolume', 'delete', '-c', '/pool/shares/x') in calls
    assert not [c for c in calls if 'destroy' in c]


@pytest.mark.parametrize('stderr,rescan', [
    ('WARNING: qgroup data inconsistent, rescan recommended\n', True),
    ('', False)])
def test_inconsistent_quota_is_rescanned(stderr, rescan):
    pool = btrfs.Pool('/pool')
    calls = []
    outputs = {('btrfs', 'qgroup', 'show'): (QGROUPS, stderr)}
    with mock.patch.object(process, 'execute',
                           fake_execute(outputs, calls)):
        assert pool.check_quota(wait=True) is rescan
    assert (('btrfs', 'quota', 'rescan', '-w', '/pool') in calls) is rescan


# -- item 9: Samba's dfree ---------------------------------------------------

@pytest.mark.parametrize('limit,expected', [
    ('1073741824', '1048576 1047616'),
    ('none', None)])
def test_dfree_reports_the_share_quota(tmp_path, limit, expected):
    fake_btrfs = tmp_path / 'btrfs'
    fake_btrfs.write_text(
        '#!/bin/sh\necho "Qgroupid Referenced Exclusive Max referenced '
        'Path"\necho "-------- ---------- --------- -------------- ----"\n'
        'echo "0/257 983040 983040 %s shares/x"\n' % limit)
    fake_btrfs.chmod(0o755)
    script = tmp_path / 'dfree'
    script.write_text(samba.DFREE % {'btrfs': fake_btrfs})
    script.chmod(0o755)
    result = subprocess.run([str(script), '.'], capture_output=True,
                            text=True, cwd=str(tmp_path), check=True)
    if expected:
        assert result.stdout.split() == expected.split()
    else:
        # No limit: the filesystem's own figures, as df gives them.
        total, free = map(int, result.stdout.split())
        st = os.statvfs(str(tmp_path))
        assert total == st.f_blocks * st.f_frsize // 1024
        assert 0 <= free <= total


def test_samba_config_names_the_dfree_script(tmp_path):
    server = samba.Samba(str(tmp_path))
    server._write_conf()
    text = (tmp_path / 'samba' / 'smb.conf').read_text()
    assert 'dfree command = %s' % (tmp_path / 'samba' / 'dfree') in text
    assert os.access(str(tmp_path / 'samba' / 'dfree'), os.X_OK)


# -- item 5: manila-lite-manage local ----------------------------------------

def run_manage(tmp_path, *args, backends='fake,local', driver='local'):
    path = tmp_path / 'manila-lite.conf'
    path.write_text(textwrap.dedent('''\
        [DEFAULT]
        state_path = %(state)s
        enabled_share_backends = %(backends)s
        [fake]
        share_driver = fake
        [local]
        share_driver = %(driver)s
        local_btrfs_mount_point = %(state)s/not-mounted
        ''') % {'state': tmp_path, 'backends': backends, 'driver': driver})
    return subprocess.run(
        [sys.executable, '-c',
         'import sys; from manila_lite.cmd import manage; '
         'sys.exit(manage.main(sys.argv[1:]))', '--config-file', str(path)]
        + list(args), capture_output=True, text=True, timeout=60)


def test_manage_local_stop_finds_the_local_backends(tmp_path):
    pid_file = tmp_path / 'local-local' / 'dbus' / 'dbus.pid'
    pid_file.parent.mkdir(parents=True)
    sleeper = subprocess.Popen(['sleep', '60'])
    try:
        # A dbus-daemon of ours (the pid file names a "dbus-daemon").
        fake = tmp_path / 'dbus-daemon'
        fake.symlink_to('/bin/sleep')
        sleeper.kill()
        sleeper.wait()
        sleeper = subprocess.Popen([str(fake), '60'])
        pid_file.write_text('%d\n' % sleeper.pid)
        result = run_manage(tmp_path, 'local', 'stop')
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == 'local: stopped dbus-daemon'
        assert sleeper.wait(10) is not None
    finally:
        sleeper.kill()
        sleeper.wait()
    again = run_manage(tmp_path, 'local', 'stop')
    assert again.stdout.strip() == 'local: stopped nothing'


def test_manage_local_cleanup_with_nothing_mounted(tmp_path):
    result = run_manage(tmp_path, 'local', 'cleanup')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'local: stopped and released nothing'


def test_manage_local_refuses_a_backend_of_another_driver(tmp_path):
    result = run_manage(tmp_path, 'local', 'stop', '--backend', 'fake')
    assert result.returncode == 1
    assert result.stderr.startswith('manila-lite-manage local stop failed:')
    assert 'backend fake uses share_driver fake' in result.stderr
    none = run_manage(tmp_path, 'local', 'cleanup', backends='fake')
    assert none.returncode == 1
    assert 'no backend of enabled_share_backends (fake)' in none.stderr


# -- item 2: the commands exit instead of hanging ----------------------------

class FakeService:
    def __init__(self, host, fails=False):
        self.host = host
        self.binary = 'manila-share'
        self.fails = fails
        self.stopped = False

    def start(self):
        if self.fails:
            raise exception.ShareBackendException(
                msg='ganesha.nfsd exited\nwith code 2')

    def stop(self):
        self.stopped = True


def test_a_service_that_cannot_start_ends_the_process(capsys):
    first, failing, never = (FakeService('h@a'), FakeService('h@b', True),
                             FakeService('h@c'))
    api = FakeService('api')
    with mock.patch.object(os, '_exit', side_effect=SystemExit) as exit_:
        with pytest.raises(SystemExit):
            common.start_services([first, failing, never], 'manila-lite-all',
                                  also_stop=[api])
    exit_.assert_called_once_with(1)
    assert capsys.readouterr().err == (
        'manila-lite-all cannot start manila-share h@b: Share backend error: '
        'ganesha.nfsd exited with code 2\n')
    assert first.stopped and failing.stopped and api.stopped
    assert not never.stopped


def test_services_that_start_are_returned():
    services = [FakeService('h@a'), FakeService('h@b')]
    assert common.start_services(services, 'manila-lite-share') == services
