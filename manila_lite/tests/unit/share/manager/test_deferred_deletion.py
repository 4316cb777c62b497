"""Deferred deletion: the API side gives quota back, the sweep deletes.

The API half is called as share/api/shares.py calls it; the sweep is the share
manager's periodic task, called directly on the fake driver.
"""

import datetime

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite.db import api as db_api
from manila_lite.db import deferred_deletion as deferred_db
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.share.api import deferred as deferred_api
from manila_lite import states
from manila_lite.tests.unit.share.helpers import PROJECT

CONF = conf.CONF


class _NoRPC:
    def __init__(self):
        self.casts = []

    def delete_share_instance(self, context, host, instance_id, force):
        self.casts.append(('delete_share_instance', instance_id, force))

    def delete_snapshot(self, context, host, snapshot_id, force):
        self.casts.append(('delete_snapshot', snapshot_id, force))


@pytest.fixture(autouse=True)
def deferred():
    CONF.set_override('deferred_deletion', True)
    CONF.set_override('deferred_delete_retry_delay', 1800)
    yield
    CONF.clear_override('deferred_deletion')
    CONF.clear_override('deferred_delete_retry_delay')
    CONF.clear_override('share_batch_size')
    if 'unitfake' in CONF:   # registered by the first manager made
        CONF.clear_override('fake_fail_operations', group='unitfake')


def _usage(ctx, resource='gigabytes'):
    return quotas.usages(ctx, PROJECT)[resource]['in_use']


def _exists(ctx, share_id):
    try:
        share_db.get(ctx, share_id)
    except exception.ShareNotFound:
        return False
    return True


def _snapshot(ctx, manager, share):
    snap = snapshot_db.create(
        ctx, share, dict(project_id=PROJECT, user_id='u1', size=share.size,
                         share_size=share.size, share_proto='NFS'),
        dict(status=states.CREATING))
    manager.snapshots.create_snapshot(ctx, snap.id)
    return snapshot_db.get(ctx, snap.id)


def _age(ctx, model, instance_id, seconds):
    """Pretend the last attempt on an instance was ``seconds`` ago."""
    with db_api.writer.using(ctx) as session:
        session.execute(sa.update(model).where(model.id == instance_id)
                        .values(updated_at=timeutils.utcnow() -
                                datetime.timedelta(seconds=seconds)))


def test_quota_is_free_at_once_and_the_sweep_deletes(ctx, manager,
                                                     make_share):
    share = make_share(5)
    assert _usage(ctx) == 5
    deferred_api.delete_share(ctx, _NoRPC(), share)
    share = share_db.get(ctx, share.id)
    assert share.status == states.DELETING_IN_DRIVER
    assert _usage(ctx) == 0 and _usage(ctx, 'shares') == 0
    # A second delete is refused.
    with pytest.raises(exception.InvalidStatusTransition):
        deferred_api.delete_share(ctx, _NoRPC(), share)
    assert manager.driver.fake_get_share(share.instance.id)
    result = manager.deferred.delete_deferred(ctx)
    assert result['shares_deleted'] == 1
    assert not _exists(ctx, share.id)
    assert manager.driver.fake_get_share(share.instance.id) is None
    # Nothing was given back twice.
    assert _usage(ctx) == 0 and _usage(ctx, 'shares') == 0


def test_failure_waits_for_the_retry_delay(ctx, manager, make_share):
    share = make_share(3)
    deferred_api.delete_share(ctx, _NoRPC(), share)
    CONF.set_override('fake_fail_operations', ['delete_share'],
                      group='unitfake')
    assert manager.deferred.delete_deferred(ctx)['shares_failed'] == 1
    share = share_db.get(ctx, share.id)
    assert share.status == states.DELETING_IN_DRIVER_ERROR
    assert [(m.action_id, m.detail_id) for m in message_db.get_all(
        ctx, {'all_tenants': True, 'resource_id': share.id})] == [
        (messages.ACTION_DELETE, messages.DEFERRED_DELETE_FAILED)]
    CONF.clear_override('fake_fail_operations', group='unitfake')
    # Not yet: the last attempt was just now, or a little less than the
    # retry delay (1800 s by default) ago.
    for seconds in (0, CONF.deferred_delete_retry_delay - 5):
        _age(ctx, models.ShareInstance, share.instance.id, seconds)
        assert manager.deferred.delete_deferred(ctx)['shares_deleted'] == 0
        assert share_db.get(ctx, share.id).status == \
            states.DELETING_IN_DRIVER_ERROR
    _age(ctx, models.ShareInstance, share.instance.id,
         CONF.deferred_delete_retry_delay + 1)
    assert manager.deferred.delete_deferred(ctx)['shares_deleted'] == 1
    assert not _exists(ctx, share.id)
    assert _usage(ctx) == 0


def test_snapshots_go_first_and_failed_ones_hold_the_share(
        ctx, manager, make_share):
    share = make_share(2)
    snap = _snapshot(ctx, manager, share)
    assert _usage(ctx, 'snapshots') == 1
    # A live snapshot still blocks the share's deletion.
    with pytest.raises(exception.ShareBusy):
        deferred_api.delete_share(ctx, _NoRPC(), share)
    deferred_api.delete_snapshot(ctx, _NoRPC(), share.host, snap)
    assert _usage(ctx, 'snapshots') == 0
    deferred_api.delete_share(ctx, _NoRPC(), share_db.get(ctx, share.id))
    CONF.set_override('fake_fail_operations', ['delete_snapshot'],
                      group='unitfake')
    result = manager.deferred.delete_deferred(ctx)
    assert result['snapshots_failed'] == 1 and result['shares_failed'] == 1
    assert share_db.get(ctx, share.id).status == \
        states.DELETING_IN_DRIVER_ERROR
    assert [m.detail_id for m in message_db.get_all(
        ctx, {'all_tenants': True, 'resource_id': share.id})] == [
        messages.DEFERRED_DELETE_SNAPSHOTS_LEFT]
    # The snapshot is still on the backend: nothing orphaned.
    assert manager.driver._state['snapshots']
    CONF.clear_override('fake_fail_operations', group='unitfake')
    _age(ctx, models.ShareInstance, share.instance.id, 3600)
    _age(ctx, models.ShareSnapshotInstance, snap.instance.id, 3600)
    result = manager.deferred.delete_deferred(ctx)
    assert (result['snapshots_deleted'], result['shares_deleted']) == (1, 1)
    assert not _exists(ctx, share.id)
    assert (_usage(ctx), _usage(ctx, 'snapshots')) == (0, 0)


def test_batches_cover_every_share_of_this_host_only(ctx, manager,
                                                     make_share,
                                                     monkeypatch):
    CONF.set_override('share_batch_size', 2)
    shares = [make_share(1, name='s%d' % i) for i in range(5)]
    other = make_share(1, name='elsewhere')
    share_db.set_status(ctx, other.instance.id, states.DELETING_IN_DRIVER)
    with db_api.writer.using(ctx) as session:
        # Another backend whose name starts like ours, and a LIKE
        # wildcard in between.
        session.execute(sa.update(models.ShareInstance)
                        .where(models.ShareInstance.id == other.instance.id)
                        .values(host=manager.host + 'x#pool0'))
    for share in shares:
        deferred_api.delete_share(ctx, _NoRPC(), share)
    batches = []
    statuses = deferred_db.snapshot_statuses

    def batch_seen(context, share_ids):   # called once a batch
        batches.append(len(share_ids))
        return statuses(context, share_ids)
    monkeypatch.setattr(deferred_db, 'snapshot_statuses', batch_seen)
    assert manager.deferred.delete_deferred(ctx)['shares_deleted'] == 5
    assert batches == [2, 2, 1]
    assert all(not _exists(ctx, s.id) for s in shares)
    assert share_db.get(ctx, other.id).status == states.DELETING_IN_DRIVER


def test_reset_out_of_deferred_deletion_charges_quota_again(
        ctx, manager, make_share):
    share = make_share(4)
    deferred_api.delete_share(ctx, _NoRPC(), share)
    assert _usage(ctx) == 0
    share = share_db.get(ctx, share.id)
    assert deferred_api.reset_share_status(ctx, share, states.AVAILABLE)
    assert share_db.get(ctx, share.id).status == states.AVAILABLE
    assert _usage(ctx) == 4


def test_force_delete_of_a_failed_one_removes_it_without_double_release(
        ctx, manager, make_share):
    share = make_share(4)
    other = make_share(6, name='kept')
    deferred_api.delete_share(ctx, _NoRPC(), share)
    share_db.set_status(ctx, share.instance.id,
                        states.DELETING_IN_DRIVER_ERROR)
    rpc = _NoRPC()
    deferred_api.delete_share(ctx, rpc, share_db.get(ctx, share.id),
                              force=True)
    assert rpc.casts == [('delete_share_instance', share.instance.id, True)]
    manager.shares.delete_share_instance(ctx, share.instance.id, force=True)
    assert not _exists(ctx, share.id)
    assert _usage(ctx) == other.size


def test_each_share_manager_host_sweeps_and_ensures_only_its_own(
        ctx, manager, make_share):
    from manila_lite.db import ensure as ensure_db
    from manila_lite.db import services as service_db
    from manila_lite.share import manager as share_manager
    CONF.set_override('host', 'other-node')
    try:
        elsewhere = share_manager.ShareManager('unitfake')
    finally:
        CONF.clear_override('host')
    assert elsewhere.host != manager.host
    mine = make_share(1, name='mine')
    theirs = share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
              'share_proto': 'NFS', 'display_name': 'theirs'},
        {'status': states.CREATING, 'host': elsewhere.host + '#pool0',
         'share_type_id': mine.instance.share_type_id})
    elsewhere.shares.create_share_instance(ctx, theirs.instance.id)
    # Ensuring one host leaves the other's shares alone.
    for m in (manager, elsewhere):
        service_db.register(ctx, m.host, 'manila-share', 'manila-share',
                            'nova')
    ensured = []
    original = manager.driver.ensure_shares
    manager.driver.ensure_shares = lambda c, shares: (
        ensured.extend(s['id'] for s in shares) or original(c, shares))
    assert ensure_db.start(ctx, manager.host)
    manager.ensure.ensure_shares(ctx)
    assert ensured == [mine.instance.id]
    assert not service_db.get_by_host_binary(
        ctx, elsewhere.host, 'manila-share').ensuring
    # Sweeping one host deletes only its own.
    for share in (mine, share_db.get(ctx, theirs.id)):
        deferred_api.delete_share(ctx, _NoRPC(), share)
    assert manager.deferred.delete_deferred(ctx)['shares_deleted'] == 1
    assert not _exists(ctx, mine.id)
    assert share_db.get(ctx, theirs.id).status == states.DELETING_IN_DRIVER
    assert elsewhere.driver.fake_get_share(theirs.instance.id)
    assert elsewhere.deferred.delete_deferred(ctx)['shares_deleted'] == 1
    assert not _exists(ctx, theirs.id)


def test_manilas_option_name_still_works(tmp_path):
    from manila_lite.conf import share_periodic
    from oslo_config import cfg
    path = tmp_path / 'old.conf'
    path.write_text('[DEFAULT]\nis_deferred_deletion_enabled = true\n')
    conf = cfg.ConfigOpts()
    share_periodic.register_opts(conf)
    conf(['--config-file', str(path)])
    assert conf.deferred_deletion is True
    assert conf.periodic_deferred_delete_interval == 300
    assert conf.deferred_delete_retry_delay == 1800
