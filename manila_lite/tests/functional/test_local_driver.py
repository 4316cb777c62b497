"""The local backend end to end: the API hands out real shares.

manila-lite-all runs with one local backend (a btrfs pool on a loop
file; Ganesha, Samba and their D-Bus in a server network namespace).
Users act through python-manilaclient and the openstack CLI; clients in
namespaces of their own, with their own addresses, read and write the
shares with the userspace NFS (v3 for bulk data) and SMB clients, so
access rules are checked on the wire.
"""

import os
import time
import uuid

import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.devtools import local_network as lb
from manila_lite.share.drivers.local import tools
from manila_lite.tests.functional import services

pytestmark = pytest.mark.xdist_group('local-backend')
VERSION = '2.98'   # python-manilaclient 6.3.0's maximum
GiB = 1024 ** 3
TIMINGS = {}


class Site:
    """The deployment, its client hosts and the backend's state dir."""

    def __init__(self, deployment, net, state_dir):
        self.deployment = deployment
        self.state_dir = state_dir
        self.near = net.client(21)
        self.far = net.client(22)
        self.host = 'functional-local@local'


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    services.require_local_backend()
    workdir = tmp_path_factory.mktemp('local-api')
    state_dir = str(workdir / 'local-state')
    loop_file = str(workdir / 'pool.img')
    port = deploy.free_port()
    default = deploy.base_options(workdir, port, 'local')
    default['enabled_share_backends'] = 'local'
    with lb.network() as net:
        config = {'DEFAULT': default, 'local': {
            'share_driver': 'local',
            'share_backend_name': 'local',
            'local_state_dir': state_dir,
            'local_btrfs_loop_file': loop_file,
            'local_btrfs_loop_size_gb': 10,
            'local_daemon_netns': net.server,
            'local_export_address': lb.SERVER_IP,
            'local_admin_export_address': '127.0.0.1',
            'local_nfs_versions': ['3', '4'],
        }}
        deployment = deploy.Deployment(workdir, config,
                                       {'all': 'manila-lite-all'}, pools=1,
                                       port=port)
        try:
            with deploy.running(deployment):
                yield Site(deployment, net, state_dir)
        finally:
            tools.teardown(state_dir, loop_file=loop_file)


@pytest.fixture(scope='module')
def project():
    return 'local-%s' % uuid.uuid4().hex[:8]


@pytest.fixture(scope='module')
def manila(site, project):
    return site.deployment.manila(project=project, version=VERSION)


@pytest.fixture(scope='module')
def share_type(site):
    admin = site.deployment.manila(version=VERSION)
    created = admin.share_types.create(
        'local-%s' % uuid.uuid4().hex[:8],
        spec_driver_handles_share_servers=False, spec_snapshot_support=True,
        extra_specs={'create_share_from_snapshot_support': True,
                     'revert_to_snapshot_support': True})
    return created


def timed(name, func, *args, **kwargs):
    start = time.monotonic()
    result = func(*args, **kwargs)
    TIMINGS.setdefault(name, []).append(round(time.monotonic() - start, 2))
    return result


def wait_for(manager, obj_id, statuses, timeout=60):
    return deploy.wait_for_field(manager.get, obj_id, statuses,
                                 timeout=timeout, interval=0.2)


def wait_for_rule(manila, access_id, states, timeout=60):
    return deploy.wait_for_rule(manila, access_id, states, timeout=timeout,
                                interval=0.2)


def wait_for_rule_gone(manila, access_id, timeout=60):
    deploy.wait_for_rule_gone(manila, access_id, timeout=timeout,
                              interval=0.2)


def create_share(manila, share_type, proto, size=1, **kwargs):
    def create():
        share = manila.shares.create(proto, size, share_type=share_type.name,
                                     **kwargs)
        return wait_for(manila.shares, share.id, ('available', 'error'))
    share = timed('create %s share' % proto, create)
    assert share.status == 'available', share
    return share


def allow(manila, share, address, level='rw', access_type='ip'):
    rule = share.allow(access_type, address, level)
    return wait_for_rule(manila, rule['id'], ('active', 'error'))


def locations(manila, share):
    """(preferred path, admin-only paths) as an administrator sees them."""
    listed = manila.share_export_locations.list(share)
    preferred = [loc.path for loc in listed if loc.preferred]
    admin = [loc.path for loc in listed if loc.is_admin_only]
    assert len(preferred) == 1, listed
    return preferred[0], admin


def test_nfs_share_story(site, manila, share_type):
    near, far = site.near, site.far
    share = create_share(manila, share_type, 'NFS', name='nfs-story')
    location, admin_only = locations(manila, share)
    assert location.startswith(lb.SERVER_IP + ':/')
    assert admin_only == ['127.0.0.1:' + lb.export_path(location)]
    assert near.nfs_read(location, 'x') is None       # default deny

    rule = allow(manila, share, near.address)
    assert rule.state == 'active'
    assert near.nfs_write(location, 'hello.txt', b'hello from near')
    assert near.nfs_read(location, 'hello.txt') == b'hello from near'
    assert near.nfs_read(location, 'hello.txt', version=4) == (
        b'hello from near')
    assert far.nfs_read(location, 'hello.txt') is None

    # Past the size: the quota stops the write on the wire.
    ballast = os.path.join(lb.export_path(location), 'ballast')
    lb.fill(ballast, GiB - 2 * 1024 ** 2)
    assert not near.nfs_write(location, 'overflow', os.urandom(4 << 20))

    # Snapshot, write more, revert: the old content is back.
    snapshot = timed('create snapshot', lambda: wait_for(
        manila.share_snapshots,
        manila.share_snapshots.create(share, name='before').id,
        ('available', 'error')))
    assert snapshot.status == 'available'
    os.unlink(ballast)
    assert near.nfs_write(location, 'after.txt', b'after the snapshot')
    timed('revert to snapshot', lambda: (
        manila.shares.revert_to_snapshot(share, snapshot),
        wait_for(manila.shares, share.id, ('available', 'reverting_error'))))
    assert manila.shares.get(share.id).status == 'available'
    assert near.nfs_read(location, 'after.txt') is None
    assert near.nfs_read(location, 'hello.txt') == b'hello from near'
    os.unlink(ballast)   # the revert brought it back

    # A share from the snapshot holds the snapshot's content.
    copy = create_share(manila, share_type, 'NFS', size=2,
                        snapshot_id=snapshot.id, name='from-snapshot')
    copy_location, _ = locations(manila, copy)
    allow(manila, copy, near.address, 'ro')
    assert near.nfs_read(copy_location, 'hello.txt') == b'hello from near'
    assert not near.nfs_write(copy_location, 'ro.txt', b'read-only')

    # Extend, then a shrink below what is used is refused.
    timed('extend share', lambda: (
        manila.shares.extend(share, 2),
        wait_for(manila.shares, share.id, ('available', 'extending_error'))))
    assert manila.shares.get(share.id).size == 2
    lb.fill(ballast, GiB + 256 * 1024 ** 2)
    payload = os.urandom(4 << 20)
    assert near.nfs_write(location, 'fits-now', payload)
    assert near.nfs_read(location, 'fits-now') == payload
    manila.shares.shrink(share, 1)
    shrunk = wait_for(manila.shares, share.id,
                      ('available', 'shrinking_error'), timeout=60)
    deploy.wait_for(lambda: manila.shares.get(share.id).status ==
                    'available', 30)
    assert (shrunk.status, manila.shares.get(share.id).size) == (
        'available', 2)
    messages = manila.messages.list(search_opts={'resource_id': share.id})
    assert any('shrink' in m.user_message.lower() for m in messages)

    # The rule switched to ro: reads work, writes are refused.
    manila.share_access_rules.set_access_level(rule.id, 'ro')
    deploy.wait_for(lambda: manila.share_access_rules.get(
        rule.id).access_level == 'ro' and manila.share_access_rules.get(
        rule.id).state == 'active', 30)
    assert near.nfs_read(location, 'hello.txt') == b'hello from near'
    assert not near.nfs_write(location, 'refused.txt', b'no')

    # Deleting the share takes its export away.
    manila.share_snapshots.delete(snapshot)
    for doomed in (copy, share):
        if doomed is share:
            deploy.wait_for(lambda: not manila.share_snapshots.list(
                search_opts={'share_id': share.id}), 60)
        manila.shares.delete(doomed)
        deploy.wait_for_share_gone(manila, doomed.id)
    assert near.nfs_read(location, 'hello.txt') is None
    assert not os.path.exists(lb.export_path(location))


def test_cifs_share_story(site, manila, share_type):
    near, far = site.near, site.far
    share = create_share(manila, share_type, 'CIFS', name='cifs-story')
    location, admin_only = locations(manila, share)
    assert location.startswith('\\\\%s\\share-' % lb.SERVER_IP)
    assert admin_only == ['\\\\127.0.0.1\\' + location.rsplit('\\', 1)[1]]
    assert not near.smb_write(location, 'x.txt', b'x')

    rule = allow(manila, share, near.address)
    assert near.smb_write(location, 'a.txt', b'over smb')
    assert near.smb_read(location, 'a.txt') == b'over smb'
    assert far.smb_read(location, 'a.txt') is None

    # Samba cannot mix ro and rw ip rules: that rule alone goes to error.
    refused = allow(manila, share, far.address, 'ro')
    assert refused.state == 'error'
    assert far.smb_read(location, 'a.txt') is None
    assert near.smb_write(location, 'b.txt', b'still rw')
    share.deny(refused.id)
    wait_for_rule_gone(manila, refused.id)

    manila.share_access_rules.set_access_level(rule.id, 'ro')
    deploy.wait_for(lambda: manila.share_access_rules.get(
        rule.id).state == 'active', 30)
    assert near.smb_read(location, 'a.txt') == b'over smb'
    assert not near.smb_write(location, 'c.txt', b'refused')
    manila.shares.delete(share)
    deploy.wait_for_share_gone(manila, share.id)
    assert near.smb_read(location, 'a.txt') is None


def _kill_servers_and_wipe_config(state_dir):
    """What a crash plus a lost /etc would leave: no exports anywhere."""
    ganesha_exports = os.path.join(state_dir, 'ganesha', 'exports')
    for name in os.listdir(ganesha_exports):
        os.unlink(os.path.join(ganesha_exports, name))
    os.unlink(os.path.join(state_dir, 'samba', 'state', 'registry.tdb'))
    for relative in ('ganesha/ganesha.pid', 'samba/smbd.pid'):
        with open(os.path.join(state_dir, relative)) as f:
            pid = int(f.read().split()[0])
        os.kill(pid, 9)


def test_ensure_shares_brings_exports_and_rules_back(site, manila,
                                                     share_type):
    near = site.near
    nfs = create_share(manila, share_type, 'NFS', name='ensured-nfs')
    cifs = create_share(manila, share_type, 'CIFS', name='ensured-cifs')
    nfs_location, _ = locations(manila, nfs)
    cifs_location, _ = locations(manila, cifs)
    for share in (nfs, cifs):
        assert allow(manila, share, near.address).state == 'active'
    assert near.nfs_write(nfs_location, 'kept.txt', b'nfs data')
    assert near.smb_write(cifs_location, 'kept.txt', b'smb data')

    _kill_servers_and_wipe_config(site.state_dir)
    assert near.nfs_read(nfs_location, 'kept.txt') is None

    start = time.monotonic()
    site.deployment.cli('--os-share-api-version', VERSION, 'share',
                        'service', 'ensure', 'shares', site.host)
    deploy.wait_for(lambda: near.nfs_read(nfs_location, 'kept.txt') ==
                    b'nfs data', 60, interval=0.5,
                    message='the NFS client to read its file again')
    deploy.wait_for(lambda: near.smb_read(cifs_location, 'kept.txt') ==
                    b'smb data', 60, interval=0.5,
                    message='the SMB client to read its file again')
    TIMINGS.setdefault('ensure until clients read again', []).append(
        round(time.monotonic() - start, 2))
    assert site.far.nfs_read(nfs_location, 'kept.txt') is None
    for share in (nfs, cifs):
        manila.shares.delete(share)
        deploy.wait_for_share_gone(manila, share.id)


def test_pool_reports_real_capacity(site):
    pools = site.deployment.request(
        'GET', '/scheduler-stats/pools/detail').json()['pools']
    assert [p['name'] for p in pools] == ['functional-local@local#btrfs']
    caps = pools[0]['capabilities']
    assert 9.5 < caps['total_capacity_gb'] <= 10
    assert 0 < caps['free_capacity_gb'] <= caps['total_capacity_gb']
    assert caps['storage_protocol'] == 'NFS_CIFS'
    assert caps['revert_to_snapshot_support'] is True
    print('\nlocal backend timings through the API (s): %s' % TIMINGS)
