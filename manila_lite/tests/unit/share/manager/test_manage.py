"""Manage and unmanage in the share manager, on the fake driver.

The fake driver knows shares it once created: unmanaging one and
managing it back by its export path is the round trip an operator makes.
"""

from manila_lite.db import quotas
from manila_lite.db import share_manage as manage_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.share.helpers import PROJECT


def _usage(ctx, project=PROJECT):
    usage = quotas.usages(ctx, project)
    return usage['shares']['in_use'], usage['gigabytes']['in_use']


def _unmanage(ctx, manager, share):
    assert share_db.transition(ctx, share.instance.id,
                               states.UNMANAGE_STARTING)
    manager.manage.unmanage_share(ctx, share.instance.id)


def _manage(ctx, manager, share_type, path, host=None):
    share = manage_db.create(
        ctx, dict(project_id=PROJECT, user_id='admin', share_proto='NFS',
                  display_name='adopted'),
        dict(host=host or manager.host + '#pool0',
             share_type_id=share_type.id), path)
    manager.manage.manage_share(ctx, share.instance.id, {})
    return share_db.get(ctx, share.id)


def _path(share):
    return next(loc.path for loc in share.export_locations
                if not loc.is_admin_only)


def test_unmanage_then_manage_back(ctx, manager, make_share, share_type):
    share = make_share(4)
    path = _path(share)
    assert _usage(ctx) == (1, 4)

    _unmanage(ctx, manager, share)
    assert share_db.get_all(ctx, {'all_tenants': True}, ['created_at'],
                            ['desc'])[0] == []
    assert _usage(ctx) == (0, 0)
    backend = manager.driver.fake_get_share(share.instance.id)
    assert backend is not None and not backend['managed']  # data kept

    adopted = _manage(ctx, manager, share_type, path)
    assert adopted.status == states.AVAILABLE
    assert adopted.size == 4
    assert adopted.availability_zone == manager.availability_zone
    assert adopted.instance.launched_at is not None
    assert path in [loc.path for loc in adopted.export_locations]
    assert len(adopted.export_locations) == 2  # the driver's, admin one too
    assert _usage(ctx) == (1, 4)
    assert manager.driver.fake_get_share(adopted.instance.id)['managed']


def test_manage_is_charged_even_over_quota(ctx, manager, make_share,
                                           share_type):
    share = make_share(4)
    path = _path(share)
    _unmanage(ctx, manager, share)
    quotas.set_limits(ctx, PROJECT, {'gigabytes': 2})
    adopted = _manage(ctx, manager, share_type, path)
    assert adopted.status == states.AVAILABLE
    assert _usage(ctx) == (1, 4)


def test_a_failed_manage_holds_no_quota(ctx, manager, share_type):
    share = _manage(ctx, manager, share_type, '127.0.0.1:/shares/nothing')
    assert (share.status, share.size) == (states.MANAGE_ERROR, 0)
    assert _usage(ctx) == (0, 0)
    # Unmanaging it gives nothing back, and takes nothing.
    assert share_db.transition(ctx, share.instance.id,
                               states.MANAGE_ERROR_UNMANAGE_STARTING)
    manager.manage.unmanage_share(ctx, share.instance.id)
    assert _usage(ctx) == (0, 0)
    # Deleting a failed one gives nothing back either.
    other = _manage(ctx, manager, share_type, '127.0.0.1:/shares/none')
    assert share_db.destroy(ctx, other.id)
    assert _usage(ctx) == (0, 0)


def test_a_managed_share_cannot_be_managed_twice(ctx, manager, make_share,
                                                 share_type):
    share = make_share(2)
    again = _manage(ctx, manager, share_type, _path(share))
    assert again.status == states.MANAGE_ERROR
    assert _usage(ctx) == (1, 2)


def test_driver_refusing_unmanage_is_unmanage_error(ctx, manager,
                                                    make_share,
                                                    monkeypatch):
    share = make_share(2)

    def refuse(share):
        raise RuntimeError('no')

    monkeypatch.setattr(manager.driver, 'unmanage', refuse)
    _unmanage(ctx, manager, share)
    assert share_db.get(ctx, share.id).status == states.UNMANAGE_ERROR
    assert _usage(ctx) == (1, 2)


def test_restart_fails_manages_and_resumes_unmanages(
        ctx, manager, make_share, share_type):
    kept = make_share(2)
    path = _path(kept)
    starting = manage_db.create(
        ctx, dict(project_id=PROJECT, user_id='admin', share_proto='NFS'),
        dict(host=manager.host + '#pool0', share_type_id=share_type.id),
        '127.0.0.1:/shares/interrupted')
    assert share_db.transition(ctx, kept.instance.id,
                               states.UNMANAGE_STARTING)

    manager.manage.recover(ctx)

    assert share_db.get(ctx, starting.id).status == states.MANAGE_ERROR
    assert manage_db.exists(ctx, kept.host, path) is False
    assert _usage(ctx) == (0, 0)
