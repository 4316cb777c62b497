"""Deferred deletion through the API: quota back at once, failures hidden.

The share service is not running here (casts go nowhere), so shares are
made available by the test; the sweep itself is tested in
tests/unit/share/manager/test_deferred_deletion.py.
"""

import pytest

from manila_lite import conf
from manila_lite.db import quotas
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
V = '2.64'


@pytest.fixture
def deferred(api, admin_ctx, scheduler):
    default_share_type(admin_ctx, snapshot_support='True')
    CONF.set_override('deferred_deletion', True)
    yield admin_ctx
    CONF.clear_override('deferred_deletion')


def _available_share(api, ctx, name, size=1):
    share_id = create_share(api, V, size=size,
                            name=name).json['share']['id']
    make_available(ctx, share_id, locations=[
        {'path': '10.0.0.1:/%s' % name}])
    return share_id


def test_user_at_quota_deletes_and_creates_at_once(api, deferred):
    ctx = deferred
    api.put('/quota-sets/%s' % PROJECT, {'quota_set': {'shares': 1}},
            version=V, status=200)
    first = _available_share(api, ctx, 'first')
    resp = api.post('/shares', {'share': {'share_proto': 'NFS', 'size': 1}},
                    version=V, role='member', status=413)
    api.delete('/shares/%s' % first, version=V, role='member', status=202)
    shown = api.get('/shares/%s' % first, version=V, role='member',
                    status=200).json['share']
    assert shown['status'] == states.DELETING_IN_DRIVER
    # No waiting for the backend: the quota is free already.
    api.post('/shares', {'share': {'share_proto': 'NFS', 'size': 1}},
             version=V, role='member', status=200)
    assert quotas.usages(ctx, PROJECT)['shares']['in_use'] == 1
    # A further delete of the one being deleted is refused.
    resp = api.delete('/shares/%s' % first, version=V, role='member',
                      status=403)
    assert states.DELETING_IN_DRIVER in fault(resp)[1]


def test_failed_ones_are_for_admins_only(api, deferred):
    ctx = deferred
    share_id = _available_share(api, ctx, 'doomed')
    kept = _available_share(api, ctx, 'kept')
    api.delete('/shares/%s' % share_id, version=V, role='member',
               status=202)
    share_db.set_status(ctx, share_db.get(ctx, share_id).instance.id,
                        states.DELETING_IN_DRIVER_ERROR)

    def names(role, query=''):
        return sorted(s['name'] for s in api.get(
            '/shares/detail' + query, version=V, role=role,
            status=200).json['shares'])
    assert names('member') == ['kept']
    assert names('member', '?status=deleting_in_driver_error') == []
    api.get('/shares/%s' % share_id, version=V, role='member', status=404)
    assert names('admin', '?all_tenants=1') == ['doomed', 'kept']
    assert names('admin', '?all_tenants=1&status=deleting_in_driver_error'
                 ) == ['doomed']
    api.get('/shares/%s' % share_id, version=V, status=200)
    # An administrator resets it: it exists after all, and counts again.
    before = quotas.usages(ctx, PROJECT)['shares']['in_use']
    api.post('/shares/%s/action' % share_id,
             {'reset_status': {'status': 'available'}}, version=V,
             status=202)
    assert quotas.usages(ctx, PROJECT)['shares']['in_use'] == before + 1
    assert kept


def test_snapshot_deletion_is_deferred_and_hidden_when_failed(api,
                                                              deferred):
    ctx = deferred
    share_id = _available_share(api, ctx, 'parent')
    share = share_db.get(ctx, share_id)
    snap = snapshot_db.create(
        ctx, share, dict(project_id=PROJECT, user_id='member-user', size=1,
                         share_size=1, share_proto='NFS'),
        dict(status=states.AVAILABLE))
    assert quotas.usages(ctx, PROJECT)['snapshots']['in_use'] == 1
    # The share cannot go while a live snapshot exists.
    api.delete('/shares/%s' % share_id, version=V, role='member',
               status=403)
    api.delete('/snapshots/%s' % snap.id, version=V, role='member',
               status=202)
    assert quotas.usages(ctx, PROJECT)['snapshots']['in_use'] == 0
    assert api.get('/snapshots/%s' % snap.id, version=V, role='member',
                   status=200).json['snapshot']['status'] == \
        states.DELETING_IN_DRIVER
    # Its snapshot being deleted, the share may go too.
    api.delete('/shares/%s' % share_id, version=V, role='member',
               status=202)
    snapshot_db.set_status(ctx, snap.id, states.DELETING_IN_DRIVER_ERROR)
    api.get('/snapshots/%s' % snap.id, version=V, role='member',
            status=404)
    assert api.get('/snapshots', version=V, role='member',
                   status=200).json['snapshots'] == []
    api.get('/snapshots/%s' % snap.id, version=V, status=200)


def test_snapshot_instance_reset_out_of_deferred_deletion_recharges(
        api, deferred):
    ctx = deferred
    share = share_db.get(ctx, _available_share(api, ctx, 'parent', size=2))
    snap = snapshot_db.create(
        ctx, share, dict(project_id=PROJECT, user_id='member-user', size=2,
                         share_size=2, share_proto='NFS'),
        dict(status=states.AVAILABLE))
    api.delete('/snapshots/%s' % snap.id, version=V, role='member',
               status=202)
    snapshot_db.set_status(ctx, snap.id, states.DELETING_IN_DRIVER_ERROR)
    path = '/snapshot-instances/%s/action' % snap.instance.id

    def charged():
        usages = quotas.usages(ctx, PROJECT)
        return (usages['snapshots']['in_use'],
                usages['snapshot_gigabytes']['in_use'])

    # Back to being deleted: still not counted.
    api.post(path, {'reset_status': {'status': 'deleting_in_driver'}},
             version=V, status=202)
    assert charged() == (0, 0)
    api.post(path, {'reset_status': {'status': 'available'}}, version=V,
             status=202)
    assert snapshot_db.get(ctx, snap.id).status == states.AVAILABLE
    assert charged() == (1, 2)
    # Once live again, a reset is an ordinary one: charged once only.
    api.post(path, {'reset_status': {'status': 'error'}}, version=V,
             status=202)
    assert charged() == (1, 2)
