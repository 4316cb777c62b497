"""README's "Real shares on one host", followed as written.

The configuration block and the commands are read from README.rst
itself, so the README cannot drift from what works: only what is this
machine's (the pool file and state under a temporary directory, the
network namespace and its address, the API port) is replaced. The
namespace is the test network's, with a bridge instead of README's
macvlan, and the client mounts with the userspace NFS client.

Beside the story, the two ways a start goes wrong: a port the system's
own server holds, and a server that fails for a reason of its own. Both
must end manila-lite-all at once with status 1, one line on stderr
saying why, and nothing of theirs left running.
"""

import configparser
import os
import re
import shlex
import socket
import subprocess

import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.devtools import local_network as lb
from manila_lite.share.drivers.local import btrfs
from manila_lite.share.drivers.local import process
from manila_lite.share.drivers.local import tools
from manila_lite.tests.functional import services

pytestmark = pytest.mark.xdist_group('local-backend')
GiB = 1024 ** 3
README = os.path.join(os.path.dirname(__file__), '..', '..', '..',
                      'README.rst')
SECTION = 'Real shares on one host'
DAEMON_PIDS = ('dbus/dbus.pid', 'ganesha/ganesha.pid', 'ganesha/rpcbind.pid',
               'samba/smbd.pid')


def readme_section(title=SECTION):
    with open(README) as f:
        text = f.read()
    start = text.index('%s\n%s\n' % (title, '=' * len(title)))
    following = re.search(r'\n([^\n]+)\n=+\n', text[start + len(title) + 1:])
    return text[start:start + len(title) + 1 + following.start()]


def literal_blocks(text):
    """The reStructuredText literal blocks (after ``::``), dedented."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        if lines[i].rstrip().endswith('::'):
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip()
                                      or lines[i].startswith('    ')):
                block.append(lines[i][4:])
                i += 1
            blocks.append('\n'.join(block).strip('\n'))
        else:
            i += 1
    return blocks


def commands(block):
    """Shell commands of a block: continuations joined, comments apart.
    [(argv, comment)]."""
    result = []
    for line in block.replace('\\\n', ' ').splitlines():
        if line.strip():
            command, _, comment = line.partition('#')
            result.append((shlex.split(command), comment.strip()))
    return result


class Readme:
    """What README's section says: its config and its command blocks."""

    def __init__(self):
        blocks = literal_blocks(readme_section())
        self.config_text = next(b for b in blocks
                                if b.startswith('[DEFAULT]'))
        parser = configparser.ConfigParser(interpolation=None,
                                           inline_comment_prefixes=None)
        parser.read_string(self.config_text)
        self.config = {section: dict(parser[section])
                       for section in parser.sections()}
        self.config['DEFAULT'] = dict(parser.defaults())
        self.netns_setup = next(b for b in blocks
                                if b.startswith('ip netns add'))
        programs = ('openstack', 'mount', 'manila-lite-manage')
        self.commands = [c for b in blocks for c in commands(b)
                         if c[0] and c[0][0] in programs]
        self.address = self.config['local']['local_export_address']
        self.state_path = self.config['DEFAULT']['state_path']


def test_readme_config_has_no_inline_comments_and_matches_its_paths():
    readme = Readme()
    for section, options in readme.config.items():
        for key, value in options.items():
            assert '#' not in value, (section, key, value)
    local = readme.config['local']
    # The namespace README creates is the one it configures, with the
    # address it exports from.
    assert 'ip netns add %s' % local['local_daemon_netns'] in (
        readme.netns_setup)
    assert '%s/' % readme.address in readme.netns_setup
    # Export and mount paths follow from its own state_path and backend.
    state_dir = os.path.join(readme.state_path, 'local-local', 'exports')
    paths = [arg for argv, comment in readme.commands
             for arg in argv + [comment] if 'exports/share-' in arg]
    assert len(paths) >= 2
    for path in paths:
        assert path.startswith('%s:%s/share-' % (readme.address, state_dir))
    assert local['local_btrfs_loop_file'].startswith(readme.state_path)
    type_cmd = next(argv for argv, _ in readme.commands
                    if argv[1:4] == ['share', 'type', 'create'])
    for spec in ('--snapshot-support', '--revert-to-snapshot-support',
                 '--create-share-from-snapshot-support'):
        assert type_cmd[type_cmd.index(spec) + 1] == 'true'


def local_config(readme, workdir, port, netns, **overrides):
    """README's config with this machine's paths, namespace, address."""
    default = deploy.base_options(workdir, port, 'readme')
    default.update({k: v for k, v in readme.config['DEFAULT'].items()
                    if k != 'state_path'})
    local = dict(readme.config['local'])
    local.update({
        'local_btrfs_loop_file': str(workdir / 'local-pool.img'),
        'local_daemon_netns': netns,
        'local_export_address': lb.SERVER_IP,
    })
    local.update(overrides)
    return {'DEFAULT': default, 'local': local}


def state_dir(workdir):
    return os.path.join(str(workdir), 'state', 'local-local')


def alive_daemons(state):
    alive = []
    for relative in DAEMON_PIDS:
        try:
            with open(os.path.join(state, relative)) as f:
                pid = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if process.pid_alive(pid):
            alive.append(relative)
    return alive


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(('127.0.0.1', port)) == 0


@pytest.fixture(scope='module')
def net():
    services.require_local_backend()
    with lb.network() as network:
        yield network


@pytest.fixture(scope='module')
def readme():
    return Readme()


@pytest.fixture
def tmp_path(tmp_path_factory):
    """A short path: dbus-daemon's socket path has a length limit."""
    return tmp_path_factory.mktemp('rd')


def run_failing_start(workdir, config):
    """manila-lite-all that must give up: (exit code, stderr, log). One
    that hangs instead fails the test at the timeout."""
    path = str(workdir / 'manila-lite.conf')
    with open(path, 'w') as f:
        f.write(deploy.render_config(config))
    log = workdir / 'all.log'
    with open(log, 'wb') as out:
        result = subprocess.run(
            [deploy.executable('manila-lite-all'), '--config-file', path],
            stdout=out, stderr=subprocess.PIPE, text=True, timeout=120)
    return result.returncode, result.stderr, log.read_text()


def test_port_taken_by_a_system_server_stops_the_start(tmp_path, net,
                                                       readme):
    """What a host whose nfs-ganesha started at boot sees."""
    port = deploy.free_port()
    config = local_config(readme, tmp_path, port, net.server)
    holder = subprocess.Popen(
        ['ip', 'netns', 'exec', net.server, 'python3', '-c',
         'import socket, time; s = socket.socket(); '
         's.bind(("0.0.0.0", 2049)); s.listen(); time.sleep(300)'])
    state = state_dir(tmp_path)
    try:
        deploy.wait_for(lambda: process.listeners(2049, net.server), 10)
        code, stderr, log = run_failing_start(tmp_path, config)
        assert code == 1, (stderr, log)
        lines = stderr.strip().splitlines()
        assert len(lines) == 1, stderr
        message = lines[0]
        assert message.startswith(
            'manila-lite-all cannot start manila-share '
            'functional-readme@local:'), message
        assert ('port 2049 (local_nfs_port) is already taken in network '
                'namespace %s by python3 (pid %d)' % (net.server, holder.pid)
                in message), message
        assert 'systemctl disable --now nfs-ganesha' in message
        assert 'local_daemon_netns' in message
        assert 'port 2049 (local_nfs_port)' in log
        assert 'CRITICAL' not in log and 'Unhandled error' not in log
        assert not port_open(port)
        # The dbus-daemon started for Ganesha went with it.
        assert os.path.exists(os.path.join(state, 'dbus', 'dbus.pid'))
        assert alive_daemons(state) == []
    finally:
        holder.kill()
        holder.wait()
        tools.teardown(state, loop_file=config['local'][
            'local_btrfs_loop_file'])


def test_server_failing_at_start_is_quoted_and_cleaned_up(tmp_path, net,
                                                          readme):
    """Ganesha cannot bind (an address on no interface): the message
    quotes ganesha.log, where the cause is, not its output file."""
    port = deploy.free_port()
    config = local_config(readme, tmp_path, port, net.server,
                          local_nfs_bind_address='10.231.99.1')
    state = state_dir(tmp_path)
    try:
        code, stderr, log = run_failing_start(tmp_path, config)
        assert code == 1, (stderr, log)
        message = stderr.strip()
        assert '\n' not in message
        assert 'ganesha.nfsd exited with code' in message, message
        assert 'Cannot assign requested address' in message, message
        assert '(from %s)' % os.path.join(state, 'ganesha',
                                          'ganesha.log') in message
        assert 'ganesha.out' not in message
        assert 'Cannot assign requested address' in log
        assert not port_open(port)
        assert alive_daemons(state) == []
    finally:
        tools.teardown(state, loop_file=config['local'][
            'local_btrfs_loop_file'])


def test_bad_export_address_stops_the_backend_naming_the_option(
        tmp_path, net, readme):
    config = local_config(readme, tmp_path, deploy.free_port(), net.server)
    path = str(tmp_path / 'manila-lite.conf')
    # What README used to say: a comment after the value.
    text = deploy.render_config(config).replace(
        'local_export_address = %s' % lb.SERVER_IP,
        'local_export_address = %s     # this host, as clients see it'
        % lb.SERVER_IP)
    with open(path, 'w') as f:
        f.write(text)
    result = subprocess.run(
        [deploy.executable('manila-lite-all'), '--config-file', path],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert 'local_export_address of backend local must be an IP address ' \
           'or a host name' in result.stderr, result.stderr
    # Nothing was started or mounted: the check comes first.
    assert not os.path.exists(config['local']['local_btrfs_loop_file'])


def _run_cli(deployment, argv, replacements):
    args = [replacements.get(a, a) for a in argv[1:]]
    return deployment.cli(*args, timeout=180)


def _share_location(manila, name):
    listed = manila.share_export_locations.list(manila.shares.get(
        manila.shares.find(name=name).id))
    return next(loc.path for loc in listed if loc.preferred)


def _wait(manila, share_id):
    return deploy.wait_for_share(manila, share_id, timeout=120)


def test_readme_story(tmp_path, net, readme):
    port = deploy.free_port()
    config = local_config(readme, tmp_path, port, net.server)
    state = state_dir(tmp_path)
    client = net.client(31)
    loop_file = config['local']['local_btrfs_loop_file']
    deployment = deploy.Deployment(tmp_path, config,
                                   {'all': 'manila-lite-all'}, pools=1,
                                   port=port)
    # README's addresses and paths, as this machine has them.
    replacements = {
        '192.0.2.0/24': lb.SUBNET + '0/24',
        readme.address: lb.SERVER_IP,
    }
    real_state_path = os.path.join(str(tmp_path), 'state')
    try:
        with deploy.running(deployment):
            manila = deployment.manila()
            for argv, comment in readme.commands:
                if argv[0] == 'openstack':
                    output = _run_cli(deployment, argv, replacements)
                    if argv[1:5] == ['share', 'export', 'location', 'list']:
                        location = _share_location(manila, argv[5])
                        expected = comment.replace(
                            readme.address, lb.SERVER_IP).replace(
                            readme.state_path, real_state_path)
                        assert location.startswith(
                            expected.rstrip('.').rstrip('-')), (
                            location, expected, output)
                        # The rule applies asynchronously.
                        deploy.wait_for(lambda: client.nfs_write(
                            location, 'hello.txt', b'from the README'), 30)
                        assert client.nfs_read(location, 'hello.txt') == (
                            b'from the README')
                        data_location = location
                elif argv[0] == 'mount':
                    source = argv[-2].replace(readme.address, lb.SERVER_IP)
                    source = source.replace(readme.state_path,
                                            real_state_path)
                    assert data_location.startswith(source.rstrip('.'))
                    assert client.nfs_read(data_location, 'hello.txt',
                                           version=4) == b'from the README'
            # The revert and the share from snapshot did what they say.
            assert client.nfs_read(data_location, 'hello.txt') == (
                b'from the README')
            copy = manila.shares.find(name='copy')
            assert copy.status == 'available'
            assert copy.snapshot_id

            # Samba reports the share's size, not the pool's 20 GiB.
            smb = _wait(manila, manila.shares.create(
                'CIFS', 1, name='smb', share_type='local').id)
            assert smb.status == 'available'
            smb.allow('ip', client.address, 'rw')
            smb_location = _share_location(manila, 'smb')
            deploy.wait_for(lambda: client.smb_write(
                smb_location, 'a.txt', b'x'), 30)
            total, free = client.smb_disk(smb_location)
            assert total == GiB
            assert 0 < free <= total

            # Everything deleted: the pool's qgroups are consistent and
            # hold nothing of the deleted subvolumes.
            data = manila.shares.find(name='data')
            for share in (copy, smb):
                manila.shares.delete(share)
            for share in (copy, smb):
                deploy.wait_for_share_gone(manila, share.id)
            snapshot = manila.share_snapshots.find(name='before')
            manila.share_snapshots.delete(snapshot)
            deploy.wait_for_gone(manila.share_snapshots.get, snapshot.id)
            manila.shares.delete(data)
            deploy.wait_for_share_gone(manila, data.id)
            pool = btrfs.Pool(os.path.join(state, 'pool'))
            lb.run('btrfs', 'subvolume', 'sync', pool.mount_point)
            deploy.wait_for(lambda: set(pool.qgroups()) == {5}, 30,
                            message='only the top level qgroup left')
            shown = lb.run('btrfs', 'qgroup', 'show', pool.mount_point)
            assert b'inconsistent' not in shown.stderr, shown.stderr
            assert b'<stale>' not in shown.stdout

        # README's way to stop the servers and release the pool.
        manage = [argv for argv, _ in readme.commands
                  if argv[0] == 'manila-lite-manage']
        assert [argv[-1] for argv in manage] == ['stop', 'cleanup']
        assert alive_daemons(state)
        out = deployment.manage(*manage[0][3:])
        assert 'local: stopped' in out and 'ganesha.nfsd' in out, out
        assert alive_daemons(state) == []
        assert btrfs.mounted_at(os.path.join(state, 'pool'))
        out = deployment.manage(*manage[1][3:])
        assert os.path.join(state, 'pool') in out, out
        assert not btrfs.mounted_at(os.path.join(state, 'pool'))
        assert lb.run('losetup', '-j', loop_file).stdout == b''
        assert os.path.exists(loop_file)
    finally:
        tools.teardown(state, loop_file=loop_file)
