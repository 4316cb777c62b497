"""The fake driver behaves like a small, controllable storage backend."""

import json
import os
import threading
import uuid

from oslo_config import cfg
import pytest

from manila_lite.conf import backend
from manila_lite import exception
from manila_lite.share import driver
from manila_lite.share.drivers import fake

GROUP = 'fakeback'
HOST = 'node1@fakeback'


def make_driver(state_file=None, dhss=False, **options):
    conf = cfg.ConfigOpts()
    conf.register_opts(backend.backend_opts, group=GROUP)
    conf.register_opts(fake.fake_opts, group=GROUP)
    options.setdefault('fake_pools', ['pool0', 'pool1'])
    options.setdefault('fake_pool_capacity_gb', 100)
    options['fake_state_file'] = state_file
    options['driver_handles_share_servers'] = dhss
    for name, value in options.items():
        conf.set_override(name, value, group=GROUP)
    return fake.FakeShareDriver(dhss, configuration=conf[GROUP],
                                backend_name=GROUP), conf


def share_dict(size=1, pool='pool0', proto='NFS', display_name='s',
               **extra):
    instance_id = str(uuid.uuid4())
    share = {'id': instance_id, 'share_id': str(uuid.uuid4()),
             'name': 'share-%s' % instance_id, 'display_name': display_name,
             'size': size, 'share_proto': proto,
             'host': '%s#%s' % (HOST, pool), 'share_server_id': None,
             'metadata': {}, 'export_locations': []}
    share.update(extra)
    return share


def snapshot_dict(share, **extra):
    snap_id = str(uuid.uuid4())
    snap = {'id': snap_id, 'snapshot_id': str(uuid.uuid4()),
            'share_instance_id': share['id'], 'share': share,
            'size': share['size'], 'name': 'share-snapshot-%s' % snap_id,
            'display_name': 'snap', 'provider_location': None}
    snap.update(extra)
    return snap


def rule(access_type='ip', access_to='10.0.0.0/24', level='rw'):
    return {'id': str(uuid.uuid4()), 'access_type': access_type,
            'access_to': access_to, 'access_level': level}


def pool_stats(drv, name):
    stats = drv.get_share_stats(refresh=True)
    return next(p for p in stats['pools'] if p['pool_name'] == name)


@pytest.fixture
def drv():
    return make_driver()[0]


# -- shares and capacity -----------------------------------------------------

def test_nfs_share_exports_one_user_and_one_admin_location(drv):
    share = share_dict()
    exports = drv.create_share(None, share)
    assert exports == [
        {'path': '127.0.0.1:/shares/%s' % share['name'],
         'is_admin_only': False, 'preferred': True, 'metadata': {}},
        {'path': '127.0.0.2:/shares/%s' % share['name'],
         'is_admin_only': True, 'preferred': False, 'metadata': {}},
    ]


def test_cifs_share_exports_a_unc_path(drv):
    share = share_dict(proto='cifs')
    exports = drv.create_share(None, share)
    assert exports[0]['path'] == '\\\\127.0.0.1\\%s' % share['name']


def test_unknown_protocol_is_refused(drv):
    with pytest.raises(exception.InvalidShare):
        drv.create_share(None, share_dict(proto='HDFS'))


def test_share_lands_in_the_pool_of_its_host(drv):
    drv.create_share(None, share_dict(size=7, pool='pool1'))
    assert pool_stats(drv, 'pool1')['allocated_capacity_gb'] == 7
    assert pool_stats(drv, 'pool1')['free_capacity_gb'] == 93
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 0
    assert drv.get_pool(share_dict(pool='pool0', id='other')) == 'pool0'


def test_share_in_unknown_pool_fails(drv):
    with pytest.raises(exception.ShareBackendException):
        drv.create_share(None, share_dict(pool='nope'))


def test_thick_pool_refuses_a_share_bigger_than_its_free_space(drv):
    drv.create_share(None, share_dict(size=60))
    with pytest.raises(exception.ShareBackendException):
        drv.create_share(None, share_dict(size=41))
    drv.create_share(None, share_dict(size=40))
    assert pool_stats(drv, 'pool0')['free_capacity_gb'] == 0


def test_thin_pool_counts_used_space_and_allows_overcommit():
    drv, _ = make_driver(fake_thin_provisioning=True)
    drv.create_share(None, share_dict(size=80))
    drv.create_share(None, share_dict(
        size=80, metadata={'fake_used_gb': '30'}))
    pool = pool_stats(drv, 'pool0')
    assert pool['thin_provisioning'] is True
    assert pool['provisioned_capacity_gb'] == 160
    assert pool['free_capacity_gb'] == 70


def test_delete_frees_capacity_and_tolerates_absent_shares(drv):
    share = share_dict(size=10)
    drv.create_share(None, share)
    drv.delete_share(None, share)
    drv.delete_share(None, share)
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 0
    assert drv.fake_get_share(share['id']) is None


def test_retried_create_succeeds_and_keeps_the_share_as_it_is(drv):
    share = share_dict(size=60)
    first = drv.create_share(None, share)
    granted = rule()
    drv.update_access(None, share, [granted], [granted], [])
    # 60 more GiB would not fit: the retry must not allocate again.
    assert drv.create_share(None, share) == first
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 60
    assert set(drv.fake_get_access(share['id'])) == {granted['id']}


def test_stats_are_cached_until_refreshed(drv):
    drv.get_share_stats(refresh=True)
    drv.create_share(None, share_dict(size=3))
    assert drv.get_share_stats()['pools'][0]['allocated_capacity_gb'] == 0
    assert drv.get_share_stats(refresh=True)[
        'pools'][0]['allocated_capacity_gb'] == 3


def test_stats_report_options_and_capability_toggles():
    drv, _ = make_driver(fake_snapshot_support=False,
                         fake_mount_snapshot_support=False,
                         fake_replication_type='dr',
                         fake_replication_domain='east',
                         reserved_share_percentage=15,
                         share_backend_name='gold',
                         goodness_function='100')
    stats = drv.get_share_stats(refresh=True)
    assert stats['share_backend_name'] == 'gold'
    assert stats['storage_protocol'] == 'NFS_CIFS'
    assert stats['snapshot_support'] is False
    assert stats['create_share_from_snapshot_support'] is True
    assert stats['replication_domain'] == 'east'
    assert stats['goodness_function'] == '100'
    assert stats['total_capacity_gb'] == 200
    for pool in stats['pools']:
        assert pool['reserved_percentage'] == 15
        assert pool['snapshot_support'] is False
        assert pool['mount_snapshot_support'] is False
        assert pool['replication_type'] == 'dr'
    assert [p['pool_name'] for p in stats['pools']] == ['pool0', 'pool1']


# -- injected failures and latency --------------------------------------------

def test_failing_create_raises_and_records_nothing():
    drv, _ = make_driver(fake_fail_operations=['create_share'])
    share = share_dict()
    with pytest.raises(exception.ShareBackendException):
        drv.create_share(None, share)
    assert drv.fake_get_share(share['id']) is None


def test_failing_delete_keeps_the_share():
    drv, conf = make_driver()
    share = share_dict()
    drv.create_share(None, share)
    conf.set_override('fake_fail_operations', ['delete_share'], GROUP)
    with pytest.raises(exception.ShareBackendException):
        drv.delete_share(None, share)
    assert drv.fake_get_share(share['id']) is not None


def test_only_the_named_share_fails_to_create():
    drv, _ = make_driver(fake_fail_share_names=['doomed'])
    with pytest.raises(exception.ShareBackendException):
        drv.create_share(None, share_dict(display_name='doomed'))
    drv.create_share(None, share_dict(display_name='fine'))
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 1


def test_share_metadata_names_the_operations_that_fail_for_it():
    drv, _ = make_driver()
    doomed = share_dict(size=2, metadata={
        'fake_fail_operations': 'shrink_share, extend_share'})
    fine = share_dict(size=2)
    for share in (doomed, fine):
        drv.create_share(None, share)
    with pytest.raises(exception.ShareBackendException):
        drv.extend_share(doomed, 3)
    with pytest.raises(exception.ShareBackendException):
        drv.shrink_share(doomed, 1)
    drv.extend_share(fine, 3)
    assert drv.fake_get_share(doomed['id'])['size'] == 2
    assert drv.fake_get_share(fine['id'])['size'] == 3


def test_failing_unmanage_raises_the_error_the_manager_expects():
    drv, _ = make_driver(fake_fail_operations=['unmanage'])
    with pytest.raises(exception.UnmanageInvalidShare):
        drv.unmanage(share_dict())


class _Clock:
    """The fake driver's latency wait (``fake._sleep``): records each
    wait and, while ``hold`` is set, keeps the sleeping threads waiting
    until released, so a test sees what happens during the latency
    without timing it."""

    def __init__(self, hold=False):
        self.waits = []
        self.sleeping = threading.Semaphore(0)
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.sleeping.release()
        assert self.release.wait(30), 'never released'


def test_operation_latency_overrides_the_default_latency(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(fake, '_sleep', clock.sleep)
    drv, _ = make_driver(fake_latency=0.1,
                         fake_operation_latency={'create_share': '0.3'})
    share = share_dict()
    drv.create_share(None, share)
    assert clock.waits == [0.3]
    drv.delete_share(None, share)
    assert clock.waits == [0.3, 0.1]


def test_slow_operations_do_not_hold_the_lock_while_waiting(monkeypatch):
    clock = _Clock(hold=True)
    monkeypatch.setattr(fake, '_sleep', clock.sleep)
    drv, _ = make_driver(fake_latency=0.4)
    threads = [threading.Thread(target=drv.create_share,
                                args=(None, share_dict()))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert clock.sleeping.acquire(timeout=30)
    # All four are in their latency: the driver still answers.
    reader = threading.Thread(target=drv.get_share_stats,
                              kwargs={'refresh': True})
    reader.start()
    reader.join(30)
    assert not reader.is_alive(), 'get_share_stats waited for the lock'
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 0
    clock.release.set()
    for thread in threads:
        thread.join(30)
    assert clock.waits == [0.4] * 4
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 4


# -- persistence -------------------------------------------------------------

def test_state_file_carries_the_backend_across_restarts(tmp_path):
    path = str(tmp_path / 'state' / 'fake.json')
    first, _ = make_driver(state_file=path)
    share = share_dict(size=4)
    exports = first.create_share(None, share)
    cephx = rule('cephx', 'alice')
    first.update_access(None, share, [cephx], [], [])
    snap = snapshot_dict(share)
    first.create_snapshot(None, snap)
    assert fake.read_state(path)['shares'][share['id']]['size'] == 4

    again, _ = make_driver(state_file=path)
    assert again.ensure_share(None, share) == exports
    assert pool_stats(again, 'pool0')['allocated_capacity_gb'] == 4
    assert again.fake_get_access(share['id'])[cephx['id']][
        'access_to'] == 'alice'
    again.create_share_from_snapshot(None, share_dict(size=4), snap)


def _tour(drv, conf):
    """Call every driver method that changes the backend state."""
    kept, gone = share_dict(size=2), share_dict()
    drv.create_share(None, kept)
    drv.create_share(None, gone)
    drv.create_snapshot(None, snapshot_dict(gone))
    drv.delete_share(None, gone)
    reader, writer = rule(access_to='10.0.0.1'), rule('cephx', 'alice')
    drv.update_access(None, kept, [reader], [reader], [])
    drv.update_access(None, kept, [reader, writer], [writer], [])
    drv.extend_share(kept, 5)
    drv.shrink_share(dict(kept, metadata={'fake_used_gb': '1'}), 4)
    with pytest.raises(exception.ShareShrinkingPossibleDataLoss):
        drv.shrink_share(dict(kept, metadata={'fake_used_gb': '3'}), 2)
    snap, dropped = snapshot_dict(kept), snapshot_dict(kept)
    drv.create_snapshot(None, snap)
    drv.create_snapshot(None, dropped)
    drv.delete_snapshot(None, dropped)
    drv.snapshot_update_access(None, snap, [rule(level='ro')], [], [])
    drv.fake_set_used_gb(kept['id'], 2)
    drv.revert_to_snapshot(None, snap, [], [])
    clone = share_dict(size=4)
    drv.create_share_from_snapshot(None, clone, snap)
    conf.set_override('fake_export_ip', '192.0.2.9', GROUP)
    drv.ensure_share(None, kept)
    drv.ensure_shares(None, [clone])

    orphan = share_dict()
    exports = drv.create_share(None, orphan)
    orphan_snap = snapshot_dict(orphan)
    location = drv.create_snapshot(None, orphan_snap)['provider_location']
    drv.unmanage_snapshot(orphan_snap)
    drv.manage_existing_snapshot(
        snapshot_dict(orphan, provider_location=location), {})
    drv.unmanage(orphan)
    drv.manage_existing(share_dict(export_locations=[exports[0]['path']]),
                        {})

    details = drv.setup_server({
        'server_id': 'srv1', 'network_allocations': [
            {'ip_address': '198.51.100.7'}, {'ip_address': '198.51.100.8'}]})
    drv.setup_server({'server_id': 'srv2', 'network_allocations': [
        {'ip_address': '198.51.100.9'}]})
    drv.teardown_server({'server_id': 'srv2'})
    served = share_dict()
    drv.create_share(None, served, share_server={
        'id': 'srv1', 'backend_details': details})
    drv.update_share_server_security_service(
        None, {'id': 'srv1'}, {}, [], [], {'type': 'ldap', 'id': 'ss1'})
    drv.update_share_server_network_allocations(
        None, {}, {'id': 'srv1'}, [], [{'ip_address': '198.51.100.7'}],
        [served], [], delete=True)

    replica = dict(share_dict(pool='pool1'), replica_state='out_of_sync')
    replica_snap = {'id': str(uuid.uuid4()),
                    'share_instance_id': replica['id']}
    active = dict(kept, replica_state='active')
    drv.create_replica(None, [active, replica], replica, [reader],
                       [{'active_replica_snapshot': dict(snap),
                         'share_replica_snapshot': replica_snap}])
    drv.promote_replica(None, [active, replica], replica, [writer])
    drv.update_replica_state(None, [], active, [reader], [])
    second = dict(share_dict(pool='pool1'), replica_state='in_sync')
    second_snap = {'id': str(uuid.uuid4()),
                   'share_instance_id': second['id']}
    drv.create_replica(None, [active, second], second, [], [
        {'active_replica_snapshot': dict(snap),
         'share_replica_snapshot': second_snap}])
    drv.delete_replica(None, [], [second_snap], second)
    replicated = {'id': str(uuid.uuid4()), 'share_instance_id': kept['id']}
    drv.create_replicated_snapshot(None, [], [replicated])
    drv.delete_replicated_snapshot(None, [], [replicated])
    drv.update_replicated_snapshot(None, [], kept, [], dict(
        replicated, status='creating'))
    with pytest.raises(exception.SnapshotResourceNotFound):
        drv.update_replicated_snapshot(None, [], kept, [], dict(
            replicated, status='deleting'))

    moved = share_dict(size=3)
    drv.create_share(None, moved)
    drv.create_snapshot(None, snapshot_dict(moved))
    target = share_dict(size=3, pool='pool1')
    drv.migration_start(None, moved, target)
    drv.migration_continue(None, moved, target)
    drv.migration_complete(None, moved, target)
    pending, cancelled = share_dict(pool='pool1'), share_dict(pool='pool1')
    drv.migration_start(None, clone, pending)
    drv.migration_continue(None, clone, pending)
    drv.migration_start(None, kept, cancelled)
    drv.migration_cancel(None, kept, cancelled)

    drv.create_consistency_group(None, {'id': 'cg1'})
    drv.create_consistency_group(None, {'id': 'cg-gone'})
    drv.delete_consistency_group(None, {'id': 'cg-gone'})
    drv.create_cgsnapshot(None, {'id': 'cgs1', 'cgsnapshot_members': [
        {'id': 'm1', 'share_instance_id': kept['id']}]})
    drv.create_cgsnapshot(None, {'id': 'cgs-gone'})
    drv.delete_cgsnapshot(None, {'id': 'cgs-gone'})
    drv.create_consistency_group_from_cgsnapshot(None, {
        'id': 'cg2', 'shares': [share_dict(
            source_cgsnapshot_member_id='m1')]}, {'id': 'cgs1'})
    return kept, gone, snap, dropped, reader, writer


class _Replayed:
    """A driver whose journal is replayed after every call and compared
    with the state it holds, so a change it does not journal shows up
    at once rather than being masked by a later write of the same entry.
    """

    def __init__(self, drv, path):
        self._drv, self._path = drv, path

    def __getattr__(self, name):
        method = getattr(self._drv, name)

        def checked(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            finally:
                assert fake.read_state(self._path) == self._drv._state, name
        return checked


def test_a_restart_finds_every_change_the_journal_recorded(tmp_path):
    path = str(tmp_path / 'fake.json')
    first, conf = make_driver(state_file=path, fake_replication_type='dr')
    kept, gone, snap, dropped, reader, writer = _tour(
        _Replayed(first, path), conf)
    # Everything after the start-up compaction is in the journal only,
    # and nothing was missed: its replay is what the driver holds.
    assert json.load(open(path))['shares'] == {}
    assert fake.read_state(path) == first._state

    again, _ = make_driver(state_file=path)
    assert again._state == first._state
    assert again.fake_get_share(gone['id']) is None
    # Size from the shrink, used space from the snapshot reverted to.
    record = again.fake_get_share(kept['id'])
    assert (record['size'], record['used_gb']) == (4, 3)
    assert set(again.fake_get_access(kept['id'])) == {reader['id']}
    again.create_share_from_snapshot(None, share_dict(size=4), snap)
    with pytest.raises(exception.SnapshotResourceNotFound):
        again.create_share_from_snapshot(None, share_dict(size=4), dropped)
    assert again.fake_get_server('srv1')['security_service_ldap'] == 'ss1'
    assert again.fake_get_server('srv2') is None
    assert set(again._state['consistency_groups']) == {'cg1', 'cg2'}
    assert len(again._state['migrations']) == 1


def test_a_cut_short_last_journal_line_is_ignored(tmp_path):
    path = str(tmp_path / 'fake.json')
    first, _ = make_driver(state_file=path)
    kept, cut = share_dict(), share_dict()
    first.create_share(None, kept)
    first.create_share(None, cut)
    journal = path + '.journal'
    with open(journal) as f:
        lines = f.readlines()
    with open(journal, 'w') as f:
        f.write(lines[0] + lines[1][:len(lines[1]) // 2])

    again, _ = make_driver(state_file=path)
    assert again.fake_get_share(kept['id']) is not None
    assert again.fake_get_share(cut['id']) is None
    # The start folded the journal into the snapshot and emptied it.
    assert kept['id'] in json.load(open(path))['shares']
    assert open(journal).read() == ''


def test_a_damaged_journal_line_before_the_last_is_an_error(tmp_path):
    path = str(tmp_path / 'fake.json')
    first, _ = make_driver(state_file=path)
    first.create_share(None, share_dict())
    first.create_share(None, share_dict())
    journal = path + '.journal'
    with open(journal) as f:
        lines = f.readlines()
    with open(journal, 'w') as f:
        f.write(lines[0][:10] + '\n' + lines[1])
    with pytest.raises(exception.ShareBackendException, match='line 1 of 2'):
        make_driver(state_file=path)


def test_the_journal_is_folded_into_the_snapshot_as_it_grows(tmp_path):
    path = str(tmp_path / 'fake.json')
    drv, _ = make_driver(state_file=path)
    kept = share_dict()
    drv.create_share(None, kept)
    for _ in range(fake._JOURNAL_MIN_LINES * 3):
        drv.fake_set_used_gb(kept['id'], 0)
        assert drv._journal_lines <= fake._JOURNAL_MIN_LINES
    with open(path + '.journal') as f:
        assert len(f.readlines()) <= fake._JOURNAL_MIN_LINES
    drv.fake_set_used_gb(kept['id'], 1)
    again, _ = make_driver(state_file=path)
    assert again.fake_get_share(kept['id'])['used_gb'] == 1


def test_an_operation_appends_to_the_journal_and_leaves_the_snapshot(
        tmp_path):
    """A create or delete costs one journal line, however many shares
    the snapshot holds."""
    path = str(tmp_path / 'fake.json')
    drv, _ = make_driver(state_file=path, fake_pool_capacity_gb=1000)
    for _ in range(200):
        drv.create_share(None, share_dict())
    drv, _ = make_driver(state_file=path, fake_pool_capacity_gb=1000)
    before = os.stat(path)
    share = share_dict()
    drv.create_share(None, share)
    drv.delete_share(None, share)
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino, before.st_mtime_ns, before.st_size)
    with open(path + '.journal') as f:
        assert len(f.readlines()) == 2


def test_without_state_file_a_restart_starts_empty():
    first, _ = make_driver()
    share = share_dict()
    first.create_share(None, share)
    again, _ = make_driver()
    with pytest.raises(exception.ShareResourceNotFound):
        again.ensure_share(None, share)


# -- ensure ------------------------------------------------------------------

def test_ensure_shares_reports_each_share_and_flags_moved_exports():
    drv, conf = make_driver()
    present, missing = share_dict(), share_dict()
    drv.create_share(None, present)
    result = drv.ensure_shares(None, [present, missing])
    assert result[present['id']]['status'] == 'available'
    assert result[present['id']]['reapply_access_rules'] is False
    assert result[missing['id']] == {'export_locations': [],
                                     'status': 'error',
                                     'reapply_access_rules': False}

    conf.set_override('fake_export_ip', '192.0.2.9', GROUP)
    moved = drv.ensure_shares(None, [present])[present['id']]
    assert moved['reapply_access_rules'] is True
    assert moved['export_locations'][0]['path'].startswith('192.0.2.9:')
    again = drv.ensure_shares(None, [present])[present['id']]
    assert again['reapply_access_rules'] is False


# -- access ------------------------------------------------------------------

def test_update_access_adds_and_deletes_only_the_given_rules(drv):
    share = share_dict()
    drv.create_share(None, share)
    one, two = rule(access_to='10.0.0.1'), rule(access_to='10.0.0.2')
    assert drv.update_access(None, share, [one], [one], []) is None
    drv.update_access(None, share, [one, two], [two], [])
    # One is missing from access_rules: an incremental call ignores that.
    drv.update_access(None, share, [two], [], [one])
    assert set(drv.fake_get_access(share['id'])) == {two['id']}


def test_recovery_replaces_every_rule(drv):
    share = share_dict()
    drv.create_share(None, share)
    stale, kept = rule(access_to='10.0.0.1'), rule(access_to='10.0.0.2')
    drv.update_access(None, share, [stale], [stale], [])
    drv.update_access(None, share, [kept], [], [])
    assert set(drv.fake_get_access(share['id'])) == {kept['id']}


def test_cephx_rules_get_keys_again_on_recovery(drv):
    share = share_dict()
    drv.create_share(None, share)
    alice, bob = rule('cephx', 'alice'), rule('cephx', 'bob')
    ip_rule = rule()
    added = drv.update_access(None, share, [alice, ip_rule],
                              [alice, ip_rule], [])
    assert set(added) == {alice['id']}
    recovered = drv.update_access(None, share, [alice, bob, ip_rule], [], [])
    assert set(recovered) == {alice['id'], bob['id']}
    assert recovered[alice['id']] == added[alice['id']]
    assert recovered[alice['id']] != recovered[bob['id']]


@pytest.mark.parametrize('bad', [
    rule('ip', '10.0.0.300'),
    rule('ip', 'not-an-ip'),
    rule('user', 'has space'),
    rule('cephx', 'a.b'),
    rule('cert', 'x' * 65),
    rule('krb', 'alice'),
    rule('ip', '10.0.0.1', level='rx'),
])
def test_invalid_rule_is_refused_and_changes_nothing(drv, bad):
    share = share_dict()
    drv.create_share(None, share)
    good = rule(access_to='10.0.0.1')
    drv.update_access(None, share, [good], [good], [])
    with pytest.raises(exception.InvalidShareAccess):
        drv.update_access(None, share, [good, rule(), bad],
                          [rule(), bad], [good])
    assert set(drv.fake_get_access(share['id'])) == {good['id']}


@pytest.mark.parametrize('good', [
    rule('ip', '2001:db8::/64'), rule('user', 'DOMAIN\\alice'),
    rule('cert', 'client.example.com'), rule('ip', '0.0.0.0/0', 'ro'),
])
def test_valid_rules_are_applied(drv, good):
    share = share_dict()
    drv.create_share(None, share)
    drv.update_access(None, share, [good], [good], [])
    assert drv.fake_get_access(share['id'])[good['id']]['access_to'] == (
        good['access_to'])


# -- size changes ------------------------------------------------------------

def test_shrink_below_used_space_is_refused(drv):
    share = share_dict(size=10)
    drv.create_share(None, share)
    drv.fake_set_used_gb(share['id'], 6)
    with pytest.raises(exception.ShareShrinkingPossibleDataLoss):
        drv.shrink_share(share, 5)
    assert drv.fake_get_share(share['id'])['size'] == 10
    drv.shrink_share(share, 6)
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 6


def test_shrink_reads_used_space_from_share_metadata(drv):
    share = share_dict(size=10)
    drv.create_share(None, share)
    drv.shrink_share(share, 8)
    share['metadata'] = {'fake_used_gb': '7.5'}
    with pytest.raises(exception.ShareShrinkingPossibleDataLoss):
        drv.shrink_share(share, 7)


def test_extend_needs_room_in_a_thick_pool(drv):
    share = share_dict(size=10)
    drv.create_share(None, share)
    drv.extend_share(share, 100)
    with pytest.raises(exception.ShareBackendException):
        drv.extend_share(share, 101)
    assert drv.fake_get_share(share['id'])['size'] == 100


# -- snapshots ---------------------------------------------------------------

def test_snapshot_and_share_from_it(drv):
    share = share_dict(size=3, metadata={'fake_used_gb': 2})
    drv.create_share(None, share)
    snap = snapshot_dict(share)
    update = drv.create_snapshot(None, snap)
    assert update['size'] == 3
    assert update['provider_location'].endswith('@' + snap['name'])
    assert update['export_locations'][0]['path'] == (
        '127.0.0.1:/snapshots/%s' % snap['name'])

    child = share_dict(size=5)
    drv.create_share_from_snapshot(None, child, snap)
    assert drv.fake_get_share(child['id'])['used_gb'] == 2
    with pytest.raises(exception.ShareBackendException):
        drv.create_share_from_snapshot(None, share_dict(size=2), snap)


def test_share_from_unknown_snapshot_fails(drv):
    share = share_dict()
    with pytest.raises(exception.SnapshotResourceNotFound):
        drv.create_share_from_snapshot(None, share_dict(),
                                       snapshot_dict(share))


def test_snapshots_have_no_exports_without_mount_support():
    drv, _ = make_driver(fake_mount_snapshot_support=False)
    share = share_dict()
    drv.create_share(None, share)
    assert 'export_locations' not in drv.create_snapshot(
        None, snapshot_dict(share))


def test_revert_restores_the_used_space_of_the_snapshot(drv):
    share = share_dict(size=10)
    drv.create_share(None, share)
    drv.fake_set_used_gb(share['id'], 2)
    snap = snapshot_dict(share)
    drv.create_snapshot(None, snap)
    drv.fake_set_used_gb(share['id'], 9)
    drv.revert_to_snapshot(None, snap, [], [])
    drv.shrink_share(share, 2)


def test_deleting_a_share_drops_its_snapshots(drv):
    share = share_dict()
    drv.create_share(None, share)
    snap = snapshot_dict(share)
    drv.create_snapshot(None, snap)
    drv.delete_share(None, share)
    with pytest.raises(exception.SnapshotResourceNotFound):
        drv.create_share_from_snapshot(None, share_dict(), snap)


def test_snapshot_access_is_read_only_by_ip_or_user(drv):
    share = share_dict()
    drv.create_share(None, share)
    snap = snapshot_dict(share)
    drv.create_snapshot(None, snap)
    by_ip, by_user = rule(level='ro'), rule('user', 'alice', level='ro')
    drv.snapshot_update_access(None, snap, [by_ip, by_user], [], [])
    assert sorted(e['access_to'] for e in drv.fake_get_snapshot_access(
        snap['id']).values()) == ['10.0.0.0/24', 'alice']
    for refused in (rule(level='rw'), rule('cert', 'client', level='ro')):
        with pytest.raises(exception.InvalidShareAccess):
            drv.snapshot_update_access(None, snap, [], [refused], [])
    drv.snapshot_update_access(None, snap, [by_user], [], [by_ip])
    assert [e['access_to'] for e in drv.fake_get_snapshot_access(
        snap['id']).values()] == ['alice']


# -- manage and unmanage -----------------------------------------------------

def test_unmanaged_share_can_be_managed_again_under_a_new_id(drv):
    share = share_dict(size=6)
    exports = drv.create_share(None, share)
    snap = snapshot_dict(share)
    drv.create_snapshot(None, snap)
    drv.unmanage(share)
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 6

    adopted = share_dict(export_locations=[exports[0]['path']])
    assert drv.get_pool(dict(adopted, host=HOST)) == 'pool0'
    update = drv.manage_existing(adopted, {})
    assert update == {'size': 6, 'export_locations': exports}
    with pytest.raises(exception.ManageInvalidShare):
        drv.manage_existing(share_dict(export_locations=exports), {})
    drv.extend_share(adopted, 7)
    drv.create_share_from_snapshot(None, share_dict(size=7), snap)


def test_manage_of_an_unknown_path_fails(drv):
    with pytest.raises(exception.ManageInvalidShare):
        drv.manage_existing(
            share_dict(export_locations=['127.0.0.1:/shares/nothing']), {})


def test_snapshot_unmanage_and_manage(drv):
    share = share_dict()
    drv.create_share(None, share)
    snap = snapshot_dict(share)
    location = drv.create_snapshot(None, snap)['provider_location']
    with pytest.raises(exception.ManageInvalidShareSnapshot):
        drv.manage_existing_snapshot(
            snapshot_dict(share, provider_location=location), {})
    drv.unmanage_snapshot(snap)
    adopted = snapshot_dict(share, provider_location=location)
    assert drv.manage_existing_snapshot(adopted, {})['size'] == 1
    drv.create_share_from_snapshot(None, share_dict(), adopted)


# -- share servers -----------------------------------------------------------

def test_share_on_a_server_is_exported_on_the_server_address():
    drv, _ = make_driver(dhss=True)
    assert drv.driver_handles_share_servers is True
    details = drv.setup_server({
        'server_id': 'srv1',
        'network_allocations': [{'ip_address': '198.51.100.7'}]})
    assert details['ip'] == '198.51.100.7'
    server = {'id': 'srv1', 'backend_details': details}
    exports = drv.create_share(None, share_dict(), share_server=server)
    assert exports[0]['path'].startswith('198.51.100.7:/shares/')
    with pytest.raises(exception.ShareBackendException):
        drv.create_share(None, share_dict())
    drv.teardown_server(details)


def test_share_from_snapshot_is_placed_on_the_snapshot_server():
    drv, _ = make_driver(dhss=True)
    servers = [{'id': 'a', 'backend_details': {}},
               {'id': 'b', 'backend_details': {}}]
    share = share_dict()
    drv.create_share(None, share, share_server=servers[1])
    snap = snapshot_dict(share)
    chosen = drv.choose_share_server_compatible_with_share(
        None, servers, share_dict(), snapshot=snap)
    assert chosen['id'] == 'b'
    assert drv.choose_share_server_compatible_with_share(
        None, servers, share_dict())['id'] == 'a'


# -- replication -------------------------------------------------------------

def test_replica_lifecycle():
    drv, _ = make_driver(fake_replication_type='readable')
    active = dict(share_dict(size=2), replica_state='active')
    drv.create_share(None, active)
    access = [rule(access_to='10.1.0.0/16')]
    drv.update_access(None, active, access, [], [])
    snap = snapshot_dict(active)
    drv.create_snapshot(None, snap)

    new = dict(share_dict(size=2, pool='pool1'), replica_state='out_of_sync')
    replica_snap = {'id': str(uuid.uuid4()), 'share_instance_id': new['id'],
                    'status': 'creating'}
    result = drv.create_replica(
        None, [active, new], new, access,
        [{'active_replica_snapshot': dict(snap, status='available'),
          'share_replica_snapshot': replica_snap}])
    assert result['replica_state'] == 'in_sync'
    assert set(drv.fake_get_access(new['id'])) == {access[0]['id']}
    assert pool_stats(drv, 'pool1')['allocated_capacity_gb'] == 2

    updates = {u['id']: u for u in drv.promote_replica(
        None, [active, dict(new, replica_state='in_sync')], new, access)}
    assert updates[new['id']]['replica_state'] == 'active'
    assert updates[active['id']]['replica_state'] == 'in_sync'
    assert drv.update_replica_state(None, [], active, access, []) == 'in_sync'

    drv.delete_replica(None, [], [replica_snap], new)
    assert pool_stats(drv, 'pool1')['allocated_capacity_gb'] == 0


def test_replicated_snapshots_are_confirmed_where_the_replica_lives():
    drv, _ = make_driver()
    local = share_dict()
    drv.create_share(None, local)
    here = {'id': 'snap-here', 'share_instance_id': local['id']}
    elsewhere = {'id': 'snap-far', 'share_instance_id': 'remote'}
    updates = drv.create_replicated_snapshot(None, [], [here, elsewhere])
    assert updates[0]['status'] == 'available'
    assert 'status' not in updates[1]

    deleted = drv.delete_replicated_snapshot(None, [], [here, elsewhere])
    assert [u.get('status') for u in deleted] == ['deleted', None]
    with pytest.raises(exception.SnapshotResourceNotFound):
        drv.update_replicated_snapshot(
            None, [], local, [], dict(here, status='deleting'))
    assert drv.update_replicated_snapshot(
        None, [], local, [], dict(here, status='creating'))[
            'status'] == 'available'


# -- migration ---------------------------------------------------------------

def test_driver_assisted_migration_between_pools(drv):
    source = share_dict(size=3)
    drv.create_share(None, source)
    dest = share_dict(size=3, pool='pool1')
    other_backend = dict(dest, host='node2@elsewhere#pool1')
    assert drv.migration_check_compatibility(
        None, source, other_backend)['compatible'] is False
    assert drv.migration_check_compatibility(
        None, source, dest)['compatible'] is True

    drv.migration_start(None, source, dest)
    assert drv.migration_get_progress(None, source, dest) == {
        'total_progress': 0}
    assert drv.migration_continue(None, source, dest) is True
    exports = drv.migration_complete(None, source, dest)
    assert exports[0]['path'].endswith(dest['name'])
    assert drv.fake_get_share(source['id']) is None
    assert pool_stats(drv, 'pool1')['allocated_capacity_gb'] == 3
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 0


# -- consistency groups ------------------------------------------------------

def test_consistency_group_snapshot_and_clone(drv):
    member_share = share_dict(size=2)
    drv.create_share(None, member_share)
    assert drv.create_consistency_group(None, {'id': 'cg1'}) == (None, None)
    _, members = drv.create_cgsnapshot(None, {
        'id': 'cgs1', 'cgsnapshot_members': [
            {'id': 'm1', 'share_instance_id': member_share['id']}]})
    assert members[0]['status'] == 'available'
    clone = share_dict(size=2, source_cgsnapshot_member_id='m1')
    _, shares = drv.create_consistency_group_from_cgsnapshot(
        None, {'id': 'cg2', 'shares': [clone]}, {'id': 'cgs1'})
    assert shares[0]['id'] == clone['id']
    assert pool_stats(drv, 'pool0')['allocated_capacity_gb'] == 4


# -- the abstract base -------------------------------------------------------

class MinimalDriver(driver.ShareDriver):
    def create_share(self, context, share, share_server=None):
        return ['somewhere:/%s' % share['id']]

    def delete_share(self, context, share, share_server=None):
        pass

    def ensure_share(self, context, share, share_server=None):
        return None


def test_base_cannot_be_instantiated():
    with pytest.raises(TypeError):
        driver.ShareDriver(False)


def test_minimal_driver_reports_no_optional_capabilities():
    drv = MinimalDriver(False, backend_name='mini')
    stats = drv.get_share_stats()
    assert stats['snapshot_support'] is False
    assert stats['revert_to_snapshot_support'] is False
    assert stats['pools'] == [{
        'pool_name': 'mini', 'allocated_capacity_gb': 0,
        'provisioned_capacity_gb': 0, 'dedupe': False, 'compression': False,
        'total_capacity_gb': 'unknown', 'free_capacity_gb': 'unknown',
        'reserved_percentage': 0, 'reserved_snapshot_percentage': 0,
        'max_over_subscription_ratio': 1.0, 'thin_provisioning': False,
        'qos': False, 'snapshot_support': False,
        'create_share_from_snapshot_support': False,
        'revert_to_snapshot_support': False,
        'mount_snapshot_support': False, 'replication_domain': None}]
    with pytest.raises(NotImplementedError):
        drv.ensure_shares(None, [])
    with pytest.raises(NotImplementedError):
        drv.create_snapshot(None, {})
    assert drv.migration_check_compatibility(
        None, {}, {})['compatible'] is False


def test_fake_reports_what_it_overrides():
    drv, _ = make_driver()
    assert drv.snapshots_are_supported is True
    assert MinimalDriver(False).snapshots_are_supported is False


def test_configured_share_server_mode_must_be_supported():
    _, conf = make_driver(dhss=True)
    with pytest.raises(exception.InvalidDriverError):
        MinimalDriver(False, configuration=conf[GROUP])


def test_configured_functions_win_over_driver_defaults():
    class Opinionated(MinimalDriver):
        def get_default_filter_function(self):
            return 'share.size < 50'

    assert Opinionated(False).get_filter_function() == 'share.size < 50'
    _, conf = make_driver(filter_function='share.size < 5')
    drv = Opinionated(False, configuration=conf[GROUP])
    assert drv.get_filter_function() == 'share.size < 5'
    assert drv.get_share_stats()['filter_function'] == 'share.size < 5'
