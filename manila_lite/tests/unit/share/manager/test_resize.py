"""Extend and shrink in the share manager, on the fake driver.

Each test starts the resize as the API does (db.share_resize.start) and
calls the manager's RPC method directly.
"""

from manila_lite.db import messages as message_db
from manila_lite.db import quotas
from manila_lite.db import share_resize as resize_db
from manila_lite.db import shares as share_db
from manila_lite import messages
from manila_lite import states
from manila_lite.tests.unit.share.helpers import PROJECT


def _usage(ctx):
    return quotas.usages(ctx, PROJECT)['gigabytes']


def _messages(ctx, share):
    return [(m.action_id, m.detail_id) for m in message_db.get_all(
        ctx, {'all_tenants': True, 'resource_id': share.id})]


def _start(ctx, share, target, new_size):
    reservations = resize_db.start(ctx, share, target, new_size)
    assert reservations
    return reservations


def test_extend_records_size_and_usage_together(ctx, manager, make_share):
    share = make_share(5)
    ids = _start(ctx, share, states.EXTENDING, 8)
    assert _usage(ctx) == {'in_use': 5, 'reserved': 3}
    manager.resize.extend_share(ctx, share.instance.id, 8, ids)
    share = share_db.get(ctx, share.id)
    assert (share.status, share.size) == (states.AVAILABLE, 8)
    assert _usage(ctx) == {'in_use': 8, 'reserved': 0}
    assert manager.driver.fake_get_share(share.instance.id)['size'] == 8
    assert _messages(ctx, share) == []


def test_extend_failure_gives_quota_back_and_tells_the_user(
        ctx, manager, make_share):
    share = make_share(5, metadata={'fake_fail_operations': 'extend_share'})
    ids = _start(ctx, share, states.EXTENDING, 8)
    manager.resize.extend_share(ctx, share.instance.id, 8, ids)
    share = share_db.get(ctx, share.id)
    assert (share.status, share.size) == (states.EXTENDING_ERROR, 5)
    assert _usage(ctx) == {'in_use': 5, 'reserved': 0}
    assert _messages(ctx, share) == [(messages.ACTION_EXTEND,
                                      messages.DRIVER_FAILED_EXTEND)]
    assert manager.driver.fake_get_share(share.instance.id)['size'] == 5


def test_shrink_releases_usage(ctx, manager, make_share):
    share = make_share(5, metadata={'fake_used_gb': '2'})
    ids = _start(ctx, share, states.SHRINKING, 3)
    manager.resize.shrink_share(ctx, share.instance.id, 3, ids)
    share = share_db.get(ctx, share.id)
    assert (share.status, share.size) == (states.AVAILABLE, 3)
    assert _usage(ctx) == {'in_use': 3, 'reserved': 0}
    assert quotas.usages(ctx, PROJECT, user_id='u1')['gigabytes'][
        'in_use'] == 3


def test_shrink_below_used_space_goes_back_to_available(
        ctx, manager, make_share):
    share = make_share(5, metadata={'fake_used_gb': '4'})
    ids = _start(ctx, share, states.SHRINKING, 3)
    manager.resize.shrink_share(ctx, share.instance.id, 3, ids)
    share = share_db.get(ctx, share.id)
    assert (share.status, share.size) == (states.AVAILABLE, 5)
    assert _usage(ctx) == {'in_use': 5, 'reserved': 0}
    assert _messages(ctx, share) == [(messages.ACTION_SHRINK,
                                      messages.DRIVER_REFUSED_SHRINK)]
    assert messages.user_message(
        messages.ACTION_SHRINK, messages.DRIVER_REFUSED_SHRINK).startswith(
            'shrink: The share backend refused to shrink the share')


def test_shrink_failure_is_shrinking_error(ctx, manager, make_share):
    share = make_share(5, metadata={'fake_fail_operations': 'shrink_share'})
    ids = _start(ctx, share, states.SHRINKING, 3)
    manager.resize.shrink_share(ctx, share.instance.id, 3, ids)
    share = share_db.get(ctx, share.id)
    assert (share.status, share.size) == (states.SHRINKING_ERROR, 5)
    assert _usage(ctx) == {'in_use': 5, 'reserved': 0}
    assert _messages(ctx, share) == [(messages.ACTION_SHRINK,
                                      messages.UNKNOWN_ERROR)]


def test_driver_that_cannot_shrink(ctx, manager, make_share, monkeypatch):
    share = make_share(5)

    def cannot(*args, **kwargs):
        raise NotImplementedError()

    monkeypatch.setattr(manager.driver, 'shrink_share', cannot)
    ids = _start(ctx, share, states.SHRINKING, 3)
    manager.resize.shrink_share(ctx, share.instance.id, 3, ids)
    assert share_db.get(ctx, share.id).status == states.AVAILABLE
    assert _messages(ctx, share) == [(messages.ACTION_SHRINK,
                                      messages.DRIVER_FAILED_SHRINK)]


def test_requests_that_no_longer_apply_are_ignored(ctx, manager,
                                                   make_share):
    share = make_share(5)
    # Not extending at all.
    manager.resize.extend_share(ctx, share.instance.id, 8, [])
    assert share_db.get(ctx, share.id).size == 5
    # A request left over from another resize of the same share.
    ids = _start(ctx, share, states.EXTENDING, 8)
    manager.resize.extend_share(ctx, share.instance.id, 9, ids)
    share = share_db.get(ctx, share.id)
    assert (share.status, share.size) == (states.EXTENDING, 5)
    assert _usage(ctx) == {'in_use': 5, 'reserved': 3}
    manager.resize.extend_share(ctx, share.instance.id, 8, ids)
    assert share_db.get(ctx, share.id).size == 8


def test_restart_resumes_resizes_from_their_reservations(
        ctx, manager, make_share):
    growing = make_share(5, name='growing')
    shrinking = make_share(5, name='shrinking')
    lost = make_share(5, name='lost')
    _start(ctx, growing, states.EXTENDING, 7)
    _start(ctx, shrinking, states.SHRINKING, 2)
    lost_ids = _start(ctx, lost, states.EXTENDING, 6)
    quotas.rollback(ctx, lost_ids)  # as if it had expired

    manager.resize.recover(ctx)

    growing = share_db.get(ctx, growing.id)
    assert (growing.status, growing.size) == (states.AVAILABLE, 7)
    shrinking = share_db.get(ctx, shrinking.id)
    assert (shrinking.status, shrinking.size) == (states.AVAILABLE, 2)
    lost = share_db.get(ctx, lost.id)
    assert (lost.status, lost.size) == (states.EXTENDING_ERROR, 5)
    assert _usage(ctx) == {'in_use': 7 + 2 + 5, 'reserved': 0}
    # The request the dead run never got to is harmless now.
    manager.resize.extend_share(ctx, growing.instance.id, 7, [])
    assert share_db.get(ctx, growing.id).size == 7
