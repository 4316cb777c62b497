"""Access rules of mountable snapshots, from the queue to the fake driver.

The API's part is queuing (db.snapshot_access); these tests queue as it
does and call the share manager's RPC method as the RPC server would,
then look at what the fake backend holds.
"""

import pytest

from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import states
from manila_lite.tests.unit.share.helpers import PROJECT


@pytest.fixture
def make_snapshot(ctx, manager, make_share):
    """An available snapshot of a share that may mount snapshots, which
    the manager created on the fake backend."""
    def make(mountable=True, **share_fields):
        share = make_share(**share_fields)
        share_db.update(ctx, share.id, {'mount_snapshot_support': mountable})
        snap = snapshot_db.create(
            ctx, share, dict(project_id=PROJECT, user_id='u1',
                             size=share.size, share_size=share.size,
                             share_proto='NFS'),
            dict(status=states.CREATING))
        manager.snapshots.create_snapshot(ctx, snap.id)
        snap = snapshot_db.get(ctx, snap.id)
        assert snap.status == states.AVAILABLE
        return snap
    return make


def _states(ctx, snap):
    return {rule.access_to: snapshot_access_db.rule_state(rule)
            for rule in snapshot_access_db.get_all_for_snapshot(ctx, snap.id)}


def _on_backend(manager, snap):
    return sorted(entry['access_to'] for entry in
                  manager.driver.fake_get_snapshot_access(snap.instance.id)
                  .values())


def test_created_snapshot_has_the_drivers_export_locations(
        ctx, make_snapshot):
    snap = make_snapshot()
    locations = snapshot_db.export_locations(ctx, snapshot_id=snap.id)
    assert [(loc.is_admin_only, loc.share_snapshot_instance_id)
            for loc in locations] == [(False, snap.instance.id),
                                      (True, snap.instance.id)]
    assert locations[0].path.startswith('127.0.0.1:/snapshots/')
    # Kept only for a share that may mount its snapshots, as Manila.
    assert snapshot_db.export_locations(
        ctx, snapshot_id=make_snapshot(mountable=False).id) == []


def test_rules_reach_the_driver_and_go_when_denied(ctx, manager,
                                                   make_snapshot):
    snap = make_snapshot()
    first = snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.1')
    snapshot_access_db.create(ctx, snap.id, 'user', 'alice')
    assert _states(ctx, snap) == {'10.0.0.1': 'queued_to_apply',
                                  'alice': 'queued_to_apply'}

    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'10.0.0.1': 'active', 'alice': 'active'}
    assert _on_backend(manager, snap) == ['10.0.0.1', 'alice']
    # Read-only, whatever the driver is given.
    assert {entry['access_level'] for entry in manager.driver
            .fake_get_snapshot_access(snap.instance.id).values()} == {'ro'}

    assert snapshot_access_db.queue_deny(ctx, snap.id, first.id)
    assert _states(ctx, snap)['10.0.0.1'] == 'queued_to_deny'
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'alice': 'active'}
    assert _on_backend(manager, snap) == ['alice']


def test_a_rule_the_backend_refuses_is_error_until_denied(
        ctx, manager, make_snapshot):
    snap = make_snapshot()
    rule = snapshot_access_db.create(ctx, snap.id, 'cert', 'client.example')
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'client.example': 'error'}
    assert _on_backend(manager, snap) == []
    # A good rule queued later is not held back by the failed one.
    snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.2')
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'client.example': 'error',
                                  '10.0.0.2': 'active'}
    snapshot_access_db.queue_deny(ctx, snap.id, rule.id)
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'10.0.0.2': 'active'}


def test_a_driver_failure_puts_the_changes_in_error(ctx, manager,
                                                    make_snapshot):
    snap = make_snapshot(metadata={
        'fake_fail_operations': 'snapshot_update_access'})
    snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.3')
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'10.0.0.3': 'error'}


def test_a_deny_queued_while_applying_wins(ctx, manager, make_snapshot):
    """The driver call settles only the state it was called for."""
    snap = make_snapshot()
    rule = snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.4')
    real = manager.driver.snapshot_update_access
    calls = []

    def deny_meanwhile(context, snapshot, access_rules, add_rules,
                       delete_rules, share_server=None):
        calls.append(([r['access_to'] for r in add_rules],
                      [r['access_to'] for r in delete_rules]))
        if len(calls) == 1:
            assert snapshot_access_db.queue_deny(ctx, snap.id, rule.id)
        return real(context, snapshot, access_rules, add_rules,
                    delete_rules, share_server)

    manager.driver.snapshot_update_access = deny_meanwhile
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    assert calls == [(['10.0.0.4'], []), ([], ['10.0.0.4'])]
    assert _states(ctx, snap) == {}
    assert _on_backend(manager, snap) == []


def test_restart_resyncs_rules_left_under_way(ctx, manager, make_snapshot):
    snap = make_snapshot()
    snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.5')
    gone = snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.6')
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    snapshot_access_db.queue_deny(ctx, snap.id, gone.id)
    snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.7')
    # A previous run took the queue and stopped before recording.
    snapshot_access_db.start(ctx, snap.instance.id)
    assert _states(ctx, snap) == {'10.0.0.5': 'active',
                                  '10.0.0.6': 'denying',
                                  '10.0.0.7': 'applying'}
    assert snapshot_access_db.instances_to_resync(ctx, manager.host) == [
        snap.instance.id]
    manager.recover(ctx)
    assert _states(ctx, snap) == {'10.0.0.5': 'active',
                                  '10.0.0.7': 'active'}
    assert _on_backend(manager, snap) == ['10.0.0.5', '10.0.0.7']
    assert snapshot_access_db.instances_to_resync(ctx, manager.host) == []


def test_deleting_a_snapshot_takes_its_rules_off_the_backend(
        ctx, manager, make_snapshot):
    snap = make_snapshot()
    snapshot_access_db.create(ctx, snap.id, 'ip', '10.0.0.8')
    manager.snapshot_access.snapshot_update_access(ctx, snap.instance.id)
    seen = []
    real = manager.driver.snapshot_update_access

    def recording(context, snapshot, access_rules, add_rules, delete_rules,
                  share_server=None):
        seen.append([r['access_to'] for r in delete_rules])
        return real(context, snapshot, access_rules, add_rules,
                    delete_rules, share_server)

    manager.driver.snapshot_update_access = recording
    assert snapshot_db.transition(ctx, snap.id, states.DELETING)
    manager.snapshots.delete_snapshot(ctx, snap.id)
    assert seen == [['10.0.0.8']]
    assert snapshot_access_db.get_all_for_snapshot(ctx, snap.id) == []
    assert snapshot_db.export_locations(ctx, snapshot_id=snap.id) == []


@pytest.mark.parametrize('outcome,source,target', snapshot_access_db.SETTLE)
def test_settling_follows_the_state_table(outcome, source, target):
    assert target in states.SNAPSHOT_ACCESS_RULE[source], outcome


@pytest.mark.parametrize('queued,working',
                         sorted(snapshot_access_db.START.items()))
def test_starting_follows_the_state_table(queued, working):
    assert working in states.SNAPSHOT_ACCESS_RULE[queued]
