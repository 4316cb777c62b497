"""The local driver against real btrfs, NFS-Ganesha and Samba.

The driver is called as the share manager calls it; what it promises is
checked from client hosts in network namespaces, over the wire, with the
userspace NFS (v3 for bulk data) and SMB clients. One backend (a loop
file pool, daemons in a server namespace) serves the whole module.
"""

import os
import subprocess
import uuid

from oslo_config import cfg
import pytest

from manila_lite.conf import backend as backend_conf
from manila_lite.devtools import local_network as lb
from manila_lite import exception
from manila_lite.share.drivers.local import driver as local_driver
from manila_lite.share.drivers.local import samba
from manila_lite.share.drivers.local import tools
from manila_lite import states
from manila_lite.tests.functional import services

pytestmark = pytest.mark.xdist_group('local-backend')
GiB = 1024 ** 3


def make_driver(state_dir, loop_file, netns):
    conf = cfg.ConfigOpts()
    backend_conf.register_backend(conf, 'local', local_driver.driver_opts)
    conf([], project='manila-lite-test', default_config_files=[])
    for name, value in {
            'share_driver': 'local',
            'local_state_dir': state_dir,
            'local_btrfs_loop_file': loop_file,
            'local_btrfs_loop_size_gb': 4,
            'local_daemon_netns': netns,
            'local_export_address': lb.SERVER_IP,
            'local_admin_export_address': '127.0.0.1',
            'local_nfs_versions': ['3', '4']}.items():
        conf.set_override(name, value, group='local')
    return local_driver.LocalShareDriver(False, configuration=conf.local,
                                         backend_name='local')


class Backend:
    def __init__(self, driver, net, state_dir):
        self.driver = driver
        self.net = net
        self.state_dir = state_dir
        self.near = net.client(11)
        self.far = net.client(12)


@pytest.fixture(scope='module')
def backend(tmp_path_factory):
    services.require_local_backend()
    workdir = tmp_path_factory.mktemp('local-driver')
    state_dir = str(workdir / 'state')
    loop_file = str(workdir / 'pool.img')
    with lb.network() as net:
        driver = make_driver(state_dir, loop_file, net.server)
        try:
            driver.do_setup(None)
            driver.check_for_setup_error()
            yield Backend(driver, net, state_dir)
        finally:
            tools.teardown(state_dir, loop_file=loop_file)


def new_share(proto='NFS', size=1):
    instance = str(uuid.uuid4())
    return {'id': instance, 'share_id': str(uuid.uuid4()),
            'name': 'share-%s' % instance, 'size': size,
            'share_proto': proto, 'host': 'h@local#btrfs'}


def new_snapshot(share):
    instance = str(uuid.uuid4())
    return {'id': instance, 'name': 'share-snapshot-%s' % instance,
            'share': share, 'size': share['size']}


def rule(to, level='rw', access_type='ip'):
    return {'id': str(uuid.uuid4()), 'access_type': access_type,
            'access_to': to, 'access_level': level}


def preferred(locations):
    return next(loc['path'] for loc in locations if loc['preferred'])


def test_nfs_share_is_closed_until_allowed_and_follows_rw_ro(backend):
    drv, near, far = backend.driver, backend.near, backend.far
    share = new_share()
    locations = drv.create_share(None, share)
    assert [(loc['is_admin_only'], loc['preferred']) for loc in locations] \
        == [(False, True), (True, False)]
    location = preferred(locations)
    assert location == '%s:%s' % (lb.SERVER_IP, os.path.join(
        backend.state_dir, 'exports', share['name']))
    assert near.nfs_read(location, 'x') is None  # default deny

    allowed = rule(near.address)
    drv.update_access(None, share, [allowed], [allowed], [])
    assert near.nfs_write(location, 'hello.txt', b'hello over nfs')
    assert near.nfs_read(location, 'hello.txt') == b'hello over nfs'
    assert near.nfs_read(location, 'hello.txt', version=4) == (
        b'hello over nfs')
    assert far.nfs_read(location, 'hello.txt') is None

    readonly = dict(allowed, access_level='ro')
    drv.update_access(None, share, [readonly], [readonly], [allowed])
    assert near.nfs_read(location, 'hello.txt') == b'hello over nfs'
    assert not near.nfs_write(location, 'refused.txt', b'no')
    assert far.nfs_read(location, 'hello.txt') is None

    alice = rule('alice', 'rw', 'user')
    assert drv.update_access(None, share, [readonly, alice], [alice],
                             []) == {alice['id']: {'state': 'error'}}
    assert near.nfs_read(location, 'hello.txt') == b'hello over nfs'
    drv.update_access(None, share, [], [], [readonly])
    assert near.nfs_read(location, 'hello.txt') is None
    drv.delete_share(None, share)


def test_size_is_enforced_and_resizes_respect_the_data(backend):
    drv, near = backend.driver, backend.near
    share = new_share()
    location = preferred(drv.create_share(None, share))
    allowed = rule(near.address)
    drv.update_access(None, share, [allowed], [allowed], [])
    lb.fill(os.path.join(lb.export_path(location), 'ballast'),
            GiB - 2 * 1024 ** 2)
    assert not near.nfs_write(location, 'overflow', os.urandom(4 * 1024 ** 2))

    drv.extend_share(share, 2)
    payload = os.urandom(4 * 1024 ** 2)
    assert near.nfs_write(location, 'fits-now', payload)
    assert near.nfs_read(location, 'fits-now') == payload
    with pytest.raises(exception.ShareShrinkingPossibleDataLoss):
        drv.shrink_share(share, 1)
    os.unlink(os.path.join(lb.export_path(location), 'ballast'))
    drv.shrink_share(share, 1)
    pools = drv.get_share_stats(refresh=True)['pools']
    assert pools[0]['pool_name'] == 'btrfs'
    assert pools[0]['provisioned_capacity_gb'] >= 1
    assert 3.5 < pools[0]['total_capacity_gb'] <= 4
    drv.delete_share(None, share)


def test_snapshot_revert_and_share_from_snapshot(backend):
    drv, near = backend.driver, backend.near
    share = new_share()
    location = preferred(drv.create_share(None, share))
    allowed = rule(near.address)
    drv.update_access(None, share, [allowed], [allowed], [])
    assert near.nfs_write(location, 'data.txt', b'version one')
    snapshot = new_snapshot(share)
    update = drv.create_snapshot(None, snapshot)
    assert update['provider_location'] == 'snapshots/' + snapshot['name']
    # nfs-cp cannot overwrite: change the file on the server.
    with open(os.path.join(lb.export_path(location), 'data.txt'), 'wb') as f:
        f.write(b'version two!')
    assert near.nfs_write(location, 'later.txt', b'after the snapshot')

    drv.revert_to_snapshot(None, snapshot, [allowed], [])
    assert near.nfs_read(location, 'data.txt') == b'version one'
    assert near.nfs_read(location, 'later.txt') is None
    assert near.nfs_write(location, 'after-revert.txt', b'still writable')

    copy = new_share(size=2)
    copy_location = preferred(drv.create_share_from_snapshot(None, copy,
                                                             snapshot))
    assert near.nfs_read(copy_location, 'data.txt') is None
    drv.update_access(None, copy, [allowed], [allowed], [])
    assert near.nfs_read(copy_location, 'data.txt') == b'version one'
    pool = backend.driver.pool
    used, limit = pool.usage(pool.share_path(copy['name']))
    assert limit == 2 * GiB

    drv.delete_snapshot(None, snapshot)
    assert not os.path.exists(pool.snapshot_path(snapshot['name']))
    for doomed in (copy, share):
        drv.delete_share(None, doomed)
        assert not os.path.exists(pool.share_path(doomed['name']))
    assert near.nfs_read(location, 'data.txt') is None


def test_cifs_ip_and_user_rules(backend):
    drv, near, far = backend.driver, backend.near, backend.far
    share = new_share('CIFS')
    locations = drv.create_share(None, share)
    location = preferred(locations)
    assert location == '\\\\%s\\%s' % (lb.SERVER_IP, share['name'])
    assert not near.smb_write(location, 'a.txt', b'x')  # default deny

    allowed = rule(near.address)
    drv.update_access(None, share, [allowed], [allowed], [])
    assert near.smb_write(location, 'a.txt', b'over smb')
    assert near.smb_read(location, 'a.txt') == b'over smb'
    assert far.smb_read(location, 'a.txt') is None

    # Samba has one read-only switch per share: ro and rw ip rules clash.
    far_ro = rule(far.address, 'ro')
    assert drv.update_access(None, share, [allowed, far_ro], [far_ro],
                             []) == {far_ro['id']: {'state': 'error'}}
    with pytest.raises(exception.InvalidShareAccess,
                       match='one access level'):
        samba.check_cifs_rules([allowed, far_ro])
    assert near.smb_write(location, 'b.txt', b'unchanged rules')
    assert far.smb_read(location, 'a.txt') is None

    readonly = dict(allowed, access_level='ro')
    drv.update_access(None, share, [readonly], [readonly], [allowed])
    assert near.smb_read(location, 'a.txt') == b'over smb'
    assert not near.smb_write(location, 'c.txt', b'refused')

    smb_conf = os.path.join(backend.state_dir, 'samba', 'smb.conf')
    with lb.samba_user(smb_conf, 'mlalice', 'Secret-1') as alice:
        user = rule(alice, 'rw', 'user')
        drv.update_access(None, share, [user], [user], [readonly])
        assert far.smb_read(location, 'a.txt') is None  # no guest
        assert far.smb_write(location, 'd.txt', b'alice writes',
                             user='mlalice%Secret-1')
        alice_ro = dict(user, access_level='ro')
        drv.update_access(None, share, [alice_ro], [alice_ro], [user])
        assert far.smb_read(location, 'd.txt',
                            user='mlalice%Secret-1') == b'alice writes'
        assert not far.smb_write(location, 'e.txt', b'no',
                                 user='mlalice%Secret-1')
    drv.delete_share(None, share)
    assert near.smb_read(location, 'a.txt') is None


def test_ensure_shares_rebuilds_lost_servers_and_exports(backend):
    drv, near = backend.driver, backend.near
    nfs, cifs = new_share(), new_share('CIFS')
    nfs_location = preferred(drv.create_share(None, nfs))
    cifs_location = preferred(drv.create_share(None, cifs))
    allowed = rule(near.address)
    for share in (nfs, cifs):
        drv.update_access(None, share, [allowed], [allowed], [])
    assert near.nfs_write(nfs_location, 'keep.txt', b'kept')
    assert near.smb_write(cifs_location, 'keep.txt', b'kept too')

    # Lose the servers and everything they were told.
    drv.stop_daemons()
    subprocess.run(['rm', '-rf', os.path.join(backend.state_dir, 'ganesha',
                                              'exports')], check=True)
    subprocess.run(['rm', '-f', os.path.join(backend.state_dir, 'samba',
                                             'state', 'registry.tdb')],
                   check=True)
    # ...and the mounts, as a reboot would.
    for share in (nfs, cifs):
        lb.run('umount', os.path.join(backend.state_dir, 'exports',
                                      share['name']))
    assert near.nfs_read(nfs_location, 'keep.txt') is None

    result = drv.ensure_shares(None, [nfs, cifs])
    for share in (nfs, cifs):
        assert result[share['id']]['status'] == states.AVAILABLE
        assert result[share['id']]['reapply_access_rules'] is True
    assert near.nfs_read(nfs_location, 'keep.txt') is None  # deny first
    for share in (nfs, cifs):
        drv.update_access(None, share, [allowed], [], [])  # recovery
    assert near.nfs_read(nfs_location, 'keep.txt') == b'kept'
    assert near.smb_read(cifs_location, 'keep.txt') == b'kept too'
    again = drv.ensure_shares(None, [nfs, cifs])
    assert not any(r['reapply_access_rules'] for r in again.values())

    gone = new_share()
    assert drv.ensure_shares(None, [gone])[gone['id']]['status'] == (
        states.ERROR)
    assert drv.get_backend_info(None)['boot_id']
    for share in (nfs, cifs):
        drv.delete_share(None, share)


def test_unmanage_then_manage_keeps_data(backend):
    drv, near = backend.driver, backend.near
    share = new_share()
    location = preferred(drv.create_share(None, share))
    allowed = rule(near.address)
    drv.update_access(None, share, [allowed], [allowed], [])
    assert near.nfs_write(location, 'mine.txt', b'managed data')
    drv.unmanage(share)
    assert near.nfs_read(location, 'mine.txt') is None

    adopted = new_share(size=7)
    adopted['export_locations'] = [{'path': location}]
    update = drv.manage_existing(adopted, {})
    assert update['size'] == 1  # the limit it had
    new_location = preferred(update['export_locations'])
    assert new_location.endswith(adopted['name'])
    drv.update_access(None, adopted, [allowed], [allowed], [])
    assert near.nfs_read(new_location, 'mine.txt') == b'managed data'
    with pytest.raises(exception.ManageInvalidShare):
        drv.manage_existing(dict(new_share(), export_locations=[
            {'path': location}]), {})
    drv.delete_share(None, adopted)
