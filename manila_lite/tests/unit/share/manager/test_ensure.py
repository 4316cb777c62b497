"""The ensure shares run of the share manager, on the fake driver."""

from oslo_messaging.notify import _impl_test
from oslo_messaging import opts as messaging_opts
import pytest

from manila_lite import conf
from manila_lite.db import ensure as ensure_db
from manila_lite.db import services as service_db
from manila_lite.db import shares as share_db
from manila_lite import rpc
from manila_lite.share.manager import ensure
from manila_lite import states

CONF = conf.CONF


@pytest.fixture
def service(ctx, manager):
    service_db.register(ctx, manager.host, 'manila-share', 'manila-share',
                        'nova')
    return manager.host


@pytest.fixture
def notifications(monkeypatch):
    """oslo.messaging's in-memory 'test' notification driver, on a
    notifier of the test's own: the RPC transport and its options, which
    other tests of this process use, stay as they are."""
    for group, opts in messaging_opts.list_opts():
        if group == 'oslo_messaging_notifications':
            CONF.register_opts(opts, group=group)
    CONF.set_override('driver', ['test'],
                      group='oslo_messaging_notifications')
    CONF.set_override('transport_url', 'fake:/',
                      group='oslo_messaging_notifications')
    monkeypatch.setattr(rpc, '_NOTIFIER', None)
    _impl_test.reset()
    yield _impl_test.NOTIFICATIONS
    CONF.clear_override('driver', group='oslo_messaging_notifications')
    CONF.clear_override('transport_url',
                        group='oslo_messaging_notifications')


@pytest.fixture(autouse=True)
def _clear():
    yield
    for name in ('fake_export_ip', 'fake_fail_operations'):
        CONF.clear_override(name, group='unitfake')
    CONF.clear_override('share_batch_size')
    CONF.clear_override('update_shares_status_on_ensure')


def _paths(ctx, share):
    return sorted(loc.path for loc in share_db.get(ctx, share.id)
                  .export_locations)


def test_run_updates_moved_exports_and_notifies(ctx, manager, make_share,
                                                service, notifications):
    CONF.set_override('share_batch_size', 2)
    shares = [make_share(1, name='s%d' % i) for i in range(5)]
    before = _paths(ctx, shares[0])
    assert ensure_db.start(ctx, service)
    assert not ensure_db.start(ctx, service)   # one run at a time
    CONF.set_override('fake_export_ip', '10.9.9.9', group='unitfake')
    summary = manager.ensure.ensure_shares(ctx)
    assert summary['completed'] and summary['shares_ensured'] == 5
    assert summary['export_locations_updated'] == 5
    after = _paths(ctx, shares[0])
    assert after != before and any('10.9.9.9' in p for p in after)
    assert all(share_db.get(ctx, s.id).status == states.AVAILABLE
               for s in shares)
    svc = service_db.get_by_host_binary(ctx, service, 'manila-share')
    assert svc.ensuring is False and svc.backend_info_hash
    # The test driver records (context, message, priority, retry).
    events = [(n[1]['event_type'], n[1]['publisher_id'], n[2])
              for n in notifications]
    assert events == [
        (ensure.EVENT_START, 'share.' + service, 'INFO'),
        (ensure.EVENT_END, 'share.' + service, 'INFO')]
    assert notifications[-1][1]['payload']['shares_ensured'] == 5
    # Nothing moved this time: export location rows are kept as they are.
    ids = [loc.uuid for loc in share_db.get(ctx, shares[0].id)
           .export_locations]
    assert manager.ensure.ensure_shares(ctx)['export_locations_updated'] == 0
    assert ids == [loc.uuid for loc in share_db.get(ctx, shares[0].id)
                   .export_locations]


def test_busy_shares_are_left_alone_and_lost_ones_are_errors(
        ctx, manager, make_share, service):
    busy, lost, fine = (make_share(1, name=n) for n in ('b', 'l', 'f'))
    share_db.set_status(ctx, busy.instance.id, states.EXTENDING)
    manager.driver._state['shares'].pop(lost.instance.id)
    seen = []
    original = manager.driver.ensure_shares

    def spy(context, shares):
        seen.extend(s['id'] for s in shares)
        # While the driver works, its batch shows as ensuring.
        assert share_db.get(ctx, fine.id).status == states.ENSURING
        return original(context, shares)
    manager.driver.ensure_shares = spy
    summary = manager.ensure.ensure_shares(ctx)
    assert busy.instance.id not in seen
    assert share_db.get(ctx, busy.id).status == states.EXTENDING
    assert share_db.get(ctx, lost.id).status == states.ERROR
    assert share_db.get(ctx, fine.id).status == states.AVAILABLE
    assert summary['shares_error'] == 1


def test_without_status_updates_shares_stay_available(
        ctx, manager, make_share, service):
    CONF.set_override('update_shares_status_on_ensure', False)
    share = make_share(1)

    def check(context, shares):
        assert share_db.get(ctx, share.id).status == states.AVAILABLE
        return {s['id']: {'status': states.AVAILABLE} for s in shares}
    manager.driver.ensure_shares = check
    assert manager.ensure.ensure_shares(ctx)['shares_ensured'] == 1


def test_per_share_fallback_when_bulk_is_not_implemented(
        ctx, manager, make_share, service):
    share = make_share(1)

    def not_implemented(context, shares):
        raise NotImplementedError()
    manager.driver.ensure_shares = not_implemented
    CONF.set_override('fake_export_ip', '10.8.8.8', group='unitfake')
    summary = manager.ensure.ensure_shares(ctx)
    assert summary['shares_ensured'] == 1
    assert any('10.8.8.8' in p for p in _paths(ctx, share))


def test_startup_skips_an_unchanged_backend_and_recovers_a_killed_run(
        ctx, manager, make_share, service):
    share = make_share(1)
    manager.ensure.ensure_at_startup(ctx).join(10)
    assert service_db.get_by_host_binary(
        ctx, service, 'manila-share').backend_info_hash
    calls = []
    manager.driver.ensure_shares = lambda c, s: calls.append(s) or {}
    manager.ensure.ensure_at_startup(ctx).join(10)
    assert calls == []   # unchanged backend info: skipped
    # A run killed midway: a share ensuring, the service ensuring and
    # its hash forgotten.
    assert ensure_db.start(ctx, service)
    share_db.set_status(ctx, share.instance.id, states.ENSURING)
    manager.ensure.recover(ctx)
    assert share_db.get(ctx, share.id).status == states.AVAILABLE
    svc = service_db.get_by_host_binary(ctx, service, 'manila-share')
    assert svc.ensuring is False
    manager.ensure.ensure_at_startup(ctx).join(10)
    assert len(calls) == 1   # the interrupted run is done again


def test_reapply_request_reaches_the_access_rules_hook(
        ctx, manager, make_share, service):
    share = make_share(1)
    asked = []
    manager.driver.ensure_shares = lambda c, shares: {
        s['id']: {'reapply_access_rules': True} for s in shares}
    real = manager.access.reapply_access_rules

    def record(context, ids):
        asked.extend(ids)
        return real(context, ids)
    manager.access.reapply_access_rules = record
    assert manager.ensure.ensure_shares(ctx)['access_rules_reapplied'] == 1
    assert asked == [share.instance.id]
