"""Snapshots through the real WSGI stack, and the share manager's side.

API requests cast to the share service on the in-process transport, where
no share service listens; the ``manager`` fixture is a real ShareManager
with the fake driver whose RPC methods a test calls itself, in place of
the cast, so every step is deterministic.
"""

import pytest

from manila_lite import conf
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_scheduled

CONF = conf.CONF
V = '2.64'


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx, snapshot_support='True')


def _share(api, admin_ctx, manager=None, role='member', size=1,
           **capabilities):
    """An available share of the caller's project, with ``capabilities``
    (e.g. revert_to_snapshot_support=True) set on it."""
    share_id = create_share(api, V, role=role, size=size).json['share']['id']
    make_available(admin_ctx, share_id, manager=manager, locations=[
        {'path': '10.0.0.1:/s', 'preferred': True}])
    if capabilities:
        share_db.update(admin_ctx, share_id, capabilities)
    share = share_db.get(admin_ctx, share_id)
    assert share.status == states.AVAILABLE
    return share


def _snapshot(api, share_id, role='member', version=V, status=202,
              **fields):
    body = {'snapshot': dict({'share_id': share_id}, **fields)}
    return api.post('/snapshots', body, version=version, role=role,
                    status=status)


def _available(admin_ctx, snapshot_id, manager=None):
    """Finish a snapshot as its share manager would."""
    if manager is not None:
        manager.snapshots.create_snapshot(admin_ctx, snapshot_id)
    else:
        assert snapshot_db.transition(
            admin_ctx, snapshot_id, states.AVAILABLE,
            {'progress': '100%', 'provider_location': '/snap/%s'
             % snapshot_id}, sources=[states.CREATING])
    return snapshot_db.get(admin_ctx, snapshot_id)


def _usage(api, project=PROJECT):
    detail = api.get('/quota-sets/%s/detail' % project, version=V,
                     role='admin').json['quota_set']
    return {name: detail[name]['in_use']
            for name in ('shares', 'gigabytes', 'snapshots',
                         'snapshot_gigabytes')}


# -- create and show -------------------------------------------------------

def test_create_answers_202_and_charges_quota(api, share_type, admin_ctx):
    share = _share(api, admin_ctx, size=2)
    resp = _snapshot(api, share.id, name='snap', description='d')
    snap = resp.json['snapshot']
    assert snap['status'] == 'creating'
    assert (snap['name'], snap['description']) == ('snap', 'd')
    assert (snap['size'], snap['share_size']) == (2, 2)
    assert (snap['share_id'], snap['share_proto']) == (share.id, 'NFS')
    assert snap['links'][0]['href'].endswith('/snapshots/%s' % snap['id'])
    assert _usage(api) == {'shares': 1, 'gigabytes': 2, 'snapshots': 1,
                           'snapshot_gigabytes': 2}


@pytest.mark.parametrize('version,role,present,absent', [
    ('2.0', 'admin', [], ['provider_location', 'user_id', 'project_id']),
    ('2.11', 'admin', [], ['provider_location']),
    ('2.12', 'admin', ['provider_location'], ['user_id']),
    ('2.12', 'member', [], ['provider_location']),
    ('2.17', 'member', ['user_id', 'project_id'], ['provider_location']),
    ('2.64', 'admin', ['user_id', 'project_id', 'provider_location'], []),
])
def test_fields_follow_microversion(api, share_type, admin_ctx, version,
                                    role, present, absent):
    share = _share(api, admin_ctx, role=role)
    snap_id = _snapshot(api, share.id, role=role,
                        version=version).json['snapshot']['id']
    _available(admin_ctx, snap_id)
    shown = api.get('/snapshots/%s' % snap_id, version=version,
                    role=role).json['snapshot']
    for key in present:
        assert key in shown, key
    for key in absent:
        assert key not in shown, key
    assert shown['status'] == 'available'
    if 'provider_location' in present:
        assert shown['provider_location'] == '/snap/%s' % snap_id


@pytest.mark.parametrize('body,status,words', [
    ({}, 422, 'snapshot'),
    ({'snapshot': 'x'}, 422, 'snapshot'),
    ({'snapshot': {}}, 400, 'share_id'),
    ({'snapshot': {'share_id': 'nope'}}, 404, 'nope'),
])
def test_create_rejects_bad_bodies(api, share_type, body, status, words):
    resp = api.post('/snapshots', body, version=V, status=status)
    assert words in fault(resp)[1]


def test_create_needs_snapshot_support_and_an_available_share(
        api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    share_db.update(admin_ctx, share.id, {'snapshot_support': False})
    resp = _snapshot(api, share.id, status=422)
    assert 'capability' in fault(resp)[1]
    share_db.update(admin_ctx, share.id, {'snapshot_support': True})
    share_db.set_status(admin_ctx, share.instance.id, states.ERROR)
    resp = _snapshot(api, share.id, status=400)
    assert 'available' in fault(resp)[1]
    assert _usage(api)['snapshots'] == 0


def test_over_quota_is_413_and_writes_nothing(api, share_type, admin_ctx):
    share = _share(api, admin_ctx, size=2)
    api.put('/quota-sets/%s' % PROJECT,
            {'quota_set': {'snapshot_gigabytes': 3}}, version=V)
    _snapshot(api, share.id)
    resp = _snapshot(api, share.id, status=413)
    assert 'snapshot_gigabytes' in fault(resp)[1]
    api.put('/quota-sets/%s' % PROJECT,
            {'quota_set': {'snapshot_gigabytes': 100, 'snapshots': 1}},
            version=V)
    resp = _snapshot(api, share.id, status=413)
    assert fault(resp)[0] == 'overLimit'
    listed = api.get('/snapshots', version=V, role='member').json
    assert len(listed['snapshots']) == 1


def test_another_projects_snapshot_is_404(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    api.get('/snapshots/%s' % snap_id, version=V, role='member',
            project=OTHER_PROJECT, status=404)
    api.delete('/snapshots/%s' % snap_id, version=V, role='member',
               project=OTHER_PROJECT, status=404)
    assert api.get('/snapshots', version=V, role='member',
                   project=OTHER_PROJECT).json['snapshots'] == []


# -- lists ----------------------------------------------------------------

def test_list_filters_sort_and_paging(api, share_type, admin_ctx):
    first = _share(api, admin_ctx, size=1)
    second = _share(api, admin_ctx, size=3)
    ids = [_snapshot(api, share.id, name='s%d' % i).json['snapshot']['id']
           for i, share in enumerate((first, second, second))]
    _available(admin_ctx, ids[0])

    def get(query, version=V, role='member'):
        return api.get('/snapshots/detail?' + query, version=version,
                       role=role).json

    assert [s['id'] for s in get('status=available')['snapshots']] == \
        [ids[0]]
    assert [s['name'] for s in get('name=s1')['snapshots']] == ['s1']
    assert {s['id'] for s in get('share_id=%s' % second.id)['snapshots']} \
        == set(ids[1:])
    assert [s['size'] for s in get('sort_key=size&sort_dir=asc')[
        'snapshots']] == [1, 3, 3]
    assert len(get('name~=s')['snapshots']) == 3
    # name~ is ignored before 2.36, as Manila does.
    assert len(get('name~=zzz', version='2.35')['snapshots']) == 3
    page1 = get('sort_key=name&sort_dir=asc&limit=2')
    assert [s['name'] for s in page1['snapshots']] == ['s0', 's1']
    assert page1['share_snapshots_links'][0]['rel'] == 'next'
    page2 = get('sort_key=name&sort_dir=asc&limit=2&marker=%s'
                % page1['snapshots'][-1]['id'])
    assert [s['name'] for s in page2['snapshots']] == ['s2']
    summary = api.get('/snapshots', version=V, role='member').json
    assert set(summary['snapshots'][0]) == {'id', 'name', 'links'}
    bad = api.get('/snapshots?sort_key=nope', version=V, status=400)
    assert 'sorting key' in fault(bad)[1]
    # Administrators see every project with all_tenants.
    assert api.get('/snapshots', version=V).json['snapshots'] == []
    assert len(api.get('/snapshots?all_tenants=1',
                       version=V).json['snapshots']) == 3


def test_usage_filter_tells_snapshots_shares_came_from(
        api, share_type, admin_ctx):
    share = _share(api, admin_ctx, create_share_from_snapshot_support=True)
    used, unused = [_snapshot(api, share.id).json['snapshot']['id']
                    for _ in range(2)]
    _available(admin_ctx, used)
    api.post('/shares', {'share': {'share_proto': 'NFS', 'size': 1,
                                   'snapshot_id': used}},
             version=V, role='member', status=200)
    # usage is an administrator's filter.
    query = '/snapshots?all_tenants=1&usage='
    assert [s['id'] for s in api.get(query + 'used', version=V).json[
        'snapshots']] == [used]
    assert [s['id'] for s in api.get(query + 'unused', version=V).json[
        'snapshots']] == [unused]


# -- update and delete ------------------------------------------------------

def test_update_renames(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    resp = api.put('/snapshots/%s' % snap_id, {'snapshot': {
        'display_name': 'new', 'display_description': 'desc'}},
        version=V, role='member')
    assert resp.json['snapshot']['name'] == 'new'
    assert resp.json['snapshot']['description'] == 'desc'
    api.put('/snapshots/%s' % snap_id, {'name': 'x'}, version=V,
            role='member', status=422)


def test_delete_needs_a_settled_status(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    busy = api.delete('/snapshots/%s' % snap_id, version=V, role='member',
                      status=400)
    assert 'creating' in fault(busy)[1]
    _available(admin_ctx, snap_id)
    api.delete('/snapshots/%s' % snap_id, version=V, role='member',
               status=202)
    assert snapshot_db.get(admin_ctx, snap_id).status == states.DELETING


def test_share_with_snapshots_cannot_be_deleted(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    resp = api.delete('/shares/%s' % share.id, version=V, role='member',
                      status=403)
    assert 'Share still has 1 dependent snapshots.' in fault(resp)[1]
    resp = api.post('/shares/%s/action' % share.id, {'force_delete': None},
                    version=V, status=400)
    assert 'dependent snapshots' in fault(resp)[1]
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
    _available(admin_ctx, snap_id)
    snapshot_db.destroy(admin_ctx, snap_id)
    api.delete('/shares/%s' % share.id, version=V, role='member',
               status=202)


# -- actions ---------------------------------------------------------------

@pytest.mark.parametrize('action,version,status', [
    ('reset_status', '2.7', 202), ('os-reset_status', '2.6', 202),
    ('os-reset_status', '2.7', 404), ('reset_status', '2.6', 404),
    ('no_such_action', '2.7', 404),
])
def test_action_names_follow_microversion(api, share_type, admin_ctx,
                                          action, version, status):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    api.post('/snapshots/%s/action' % snap_id,
             {action: {'status': 'error'}}, version=version, status=status)
    expected = 'error' if status == 202 else 'creating'
    assert snapshot_db.get(admin_ctx, snap_id).status == expected


def test_reset_status_validates(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    resp = api.post('/snapshots/%s/action' % snap_id,
                    {'reset_status': {'status': 'bogus'}}, version=V,
                    status=400)
    assert 'Valid states' in fault(resp)[1]


# Manila's list, written out: a test that read states.py would agree with
# any change made to it.
@pytest.mark.parametrize('status,code', [
    ('available', 202), ('error', 202), ('creating', 202),
    ('deleting', 202), ('error_deleting', 202),
    ('restoring', 400), ('manage_starting', 400), ('unmanaged', 400),
])
def test_reset_status_takes_manila_list(api, share_type, admin_ctx, status,
                                        code):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    snapshot_db.transition(admin_ctx, snap_id, states.ERROR)
    api.post('/snapshots/%s/action' % snap_id,
             {'reset_status': {'status': status}}, version=V, status=code)
    assert snapshot_db.get(admin_ctx, snap_id).status == (
        status if code == 202 else states.ERROR)


def test_admin_actions_are_forbidden_to_members(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    for action in ({'reset_status': {'status': 'error'}},
                   {'force_delete': None}, {'unmanage': None}):
        resp = api.post('/snapshots/%s/action' % snap_id, action,
                        version=V, role='member', status=403)
        assert fault(resp)[0] == 'forbidden'


def test_force_delete_from_any_status(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    api.post('/snapshots/%s/action' % snap_id, {'force_delete': None},
             version=V, status=202)
    assert snapshot_db.get(admin_ctx, snap_id).status == states.DELETING


# -- manage and unmanage (2.12+) ----------------------------------------------

def _manage(api, share_id, version=V, status=202, role='admin', **extra):
    body = {'snapshot': dict({'share_id': share_id,
                              'provider_location': '/backend/snap-1'},
                             **extra)}
    return api.post('/snapshots/manage', body, version=version, role=role,
                    status=status)


def test_manage_validates_and_starts(api, share_type, admin_ctx):
    share = _share(api, admin_ctx, role='admin')
    _manage(api, share.id, version='2.11', status=404)
    _manage(api, share.id, role='member', status=403)
    api.post('/snapshots/manage', {'snapshot': {'share_id': share.id}},
             version=V, status=422)
    _manage(api, 'nope', status=404)
    snap = _manage(api, share.id, name='adopted').json['snapshot']
    assert (snap['status'], snap['name']) == ('manage_starting', 'adopted')
    assert snap['provider_location'] == '/backend/snap-1'
    resp = _manage(api, share.id, status=409)
    assert 'already managed' in fault(resp)[1]
    # Its count is charged at once; its size once the backend tells it.
    usage = _usage(api, ADMIN_PROJECT)
    assert (usage['snapshots'], usage['snapshot_gigabytes']) == (1, 0)


def test_unmanage_refuses_busy_snapshots(api, share_type, admin_ctx):
    share = _share(api, admin_ctx, role='admin')
    snap_id = _snapshot(api, share.id, role='admin').json['snapshot']['id']
    api.post('/snapshots/%s/action' % snap_id, {'unmanage': None},
             version='2.11', status=404)
    resp = api.post('/snapshots/%s/action' % snap_id, {'unmanage': None},
                    version=V, status=403)
    assert 'transitional' in fault(resp)[1]
    _available(admin_ctx, snap_id)
    api.post('/snapshots/%s/action' % snap_id, {'unmanage': None},
             version=V, status=202)
    assert snapshot_db.get(admin_ctx, snap_id).status == \
        states.UNMANAGE_STARTING


# -- snapshot instances (2.19+) ---------------------------------------------

def test_snapshot_instances(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    _available(admin_ctx, snap_id)
    api.get('/snapshot-instances', version='2.18', status=404)
    api.get('/snapshot-instances', version=V, role='member', status=403)
    listed = api.get('/snapshot-instances?snapshot_id=%s' % snap_id,
                     version=V).json['snapshot_instances']
    assert [set(i) for i in listed] == [{'id', 'snapshot_id', 'status'}]
    instance_id = listed[0]['id']
    detail = api.get('/snapshot-instances/detail', version=V).json[
        'snapshot_instances']
    assert detail[0]['share_id'] == share.id
    assert detail[0]['share_instance_id'] == share.instance.id
    shown = api.get('/snapshot-instances/%s' % instance_id,
                    version=V).json['snapshot_instance']
    assert set(shown) == {'id', 'snapshot_id', 'created_at', 'updated_at',
                          'status', 'share_id', 'share_instance_id',
                          'progress', 'provider_location'}
    assert (shown['progress'], shown['provider_location']) == (
        '100%', '/snap/%s' % snap_id)
    api.get('/snapshot-instances/nope', version=V, status=404)
    api.post('/snapshot-instances/%s/action' % instance_id,
             {'reset_status': {'status': 'error'}}, version=V, status=202)
    assert snapshot_db.get(admin_ctx, snap_id).status == states.ERROR
    api.post('/snapshot-instances/%s/action' % instance_id,
             {'force_delete': None}, version=V, status=404)


# -- shares from snapshots ---------------------------------------------------

def _from_snapshot(api, snapshot_id, size=1, version=V, status=200,
                   **fields):
    body = {'share': dict({'share_proto': 'NFS', 'size': size,
                           'snapshot_id': snapshot_id}, **fields)}
    return api.post('/shares', body, version=version, role='member',
                    status=status)


def test_share_from_snapshot_is_checked_and_scheduled_near_it(
        api, share_type, admin_ctx):
    parent = _share(api, admin_ctx, size=2,
                    create_share_from_snapshot_support=True)
    snap_id = _snapshot(api, parent.id).json['snapshot']['id']
    resp = _from_snapshot(api, snap_id, size=2, status=400)
    assert 'available' in fault(resp)[1]
    _available(admin_ctx, snap_id)
    resp = _from_snapshot(api, snap_id, size=1, status=400)
    assert 'snapshot size' in fault(resp)[1]
    _from_snapshot(api, 'nope', status=404)
    type_db.create(admin_ctx, 'other', {
        'driver_handles_share_servers': 'False'})
    resp = _from_snapshot(api, snap_id, size=2, share_type='other',
                          status=400)
    assert 'share type' in fault(resp)[1]
    child = _from_snapshot(api, snap_id, size=3).json['share']
    assert child['snapshot_id'] == snap_id
    assert child['share_type'] == parent.share_type_id
    placed = wait_scheduled(admin_ctx, child['id'])
    assert placed.host == parent.host
    assert _usage(api)['gigabytes'] == 5


def test_create_from_snapshot_support_is_checked_from_2_24(
        api, share_type, admin_ctx):
    parent = _share(api, admin_ctx)
    snap_id = _snapshot(api, parent.id).json['snapshot']['id']
    _available(admin_ctx, snap_id)
    resp = _from_snapshot(api, snap_id, version='2.24', status=400)
    assert 'capability' in fault(resp)[1]
    _from_snapshot(api, snap_id, version='2.23', status=200)


# -- revert (2.27+) -----------------------------------------------------------

def _revert(api, share_id, snapshot_id, version=V, status=202,
            role='member'):
    return api.post('/shares/%s/action' % share_id,
                    {'revert': {'snapshot_id': snapshot_id}},
                    version=version, role=role, status=status)


def test_revert_checks(api, share_type, admin_ctx):
    share = _share(api, admin_ctx, revert_to_snapshot_support=True)
    other = _share(api, admin_ctx, revert_to_snapshot_support=True)
    older, latest = [_snapshot(api, share.id).json['snapshot']['id']
                     for _ in range(2)]
    foreign = _snapshot(api, other.id).json['snapshot']['id']
    for snap_id in (older, latest, foreign):
        _available(admin_ctx, snap_id)
    _revert(api, share.id, latest, version='2.26', status=404)
    resp = _revert(api, share.id, 'nope', status=400)
    assert 'nope' in fault(resp)[1]
    resp = _revert(api, share.id, foreign, status=400)
    assert 'not associated' in fault(resp)[1]
    resp = _revert(api, share.id, older, status=409)
    assert 'most recent' in fault(resp)[1]
    api.post('/shares/%s/action' % share.id, {'revert': {}}, version=V,
             role='member', status=400)
    share_db.update(admin_ctx, share.id,
                    {'revert_to_snapshot_support': False})
    resp = _revert(api, share.id, latest, status=400)
    assert 'capability' in fault(resp)[1]
    share_db.update(admin_ctx, share.id,
                    {'revert_to_snapshot_support': True})
    _revert(api, share.id, latest)
    assert share_db.get(admin_ctx, share.id).status == states.REVERTING
    assert snapshot_db.get(admin_ctx, latest).status == states.RESTORING
    resp = _revert(api, share.id, latest, status=409)
    assert 'reverting' in fault(resp)[1]


# -- the share manager with the fake driver ----------------------------------

def test_manager_creates_reverts_and_deletes(api, share_type, admin_ctx,
                                             manager):
    share = _share(api, admin_ctx, manager, size=2,
                   revert_to_snapshot_support=True,
                   create_share_from_snapshot_support=True)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    snapshot = _available(admin_ctx, snap_id, manager)
    assert snapshot.status == states.AVAILABLE
    assert snapshot.provider_location.endswith(
        'share-snapshot-%s' % snapshot.instance.id)

    # A share from it, made by the backend from the snapshot.
    child_id = _from_snapshot(api, snap_id, size=2).json['share']['id']
    child = wait_scheduled(admin_ctx, child_id)
    manager.shares.create_share_instance(admin_ctx, child.instance.id)
    assert share_db.get(admin_ctx, child_id).status == states.AVAILABLE
    record = manager.driver.fake_get_share(child.instance.id)
    assert record['source_snapshot_id'] == snapshot.instance.id

    # Revert: the backend's share gets the snapshot's used space back.
    manager.driver.fake_set_used_gb(share.instance.id, 1.5)
    _revert(api, share.id, snap_id)
    manager.snapshots.revert_to_snapshot(admin_ctx, snap_id)
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
    assert snapshot_db.get(admin_ctx, snap_id).status == states.AVAILABLE
    assert manager.driver.fake_get_share(share.instance.id)['used_gb'] == 0

    api.delete('/snapshots/%s' % snap_id, version=V, role='member',
               status=202)
    manager.snapshots.delete_snapshot(admin_ctx, snap_id)
    api.get('/snapshots/%s' % snap_id, version=V, status=404)
    assert _usage(api) == {'shares': 2, 'gigabytes': 4, 'snapshots': 0,
                           'snapshot_gigabytes': 0}


def test_manager_failures_leave_errors_and_messages(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager, revert_to_snapshot_support=True)
    CONF.set_override('fake_fail_operations',
                      ['create_snapshot', 'revert_to_snapshot',
                       'delete_snapshot'], group='alpha')
    failed = _snapshot(api, share.id).json['snapshot']['id']
    assert _available(admin_ctx, failed, manager).status == states.ERROR
    messages = api.get('/messages?resource_id=%s' % failed, version=V,
                       role='member').json['messages']
    assert [(m['resource_type'], m['action_id'], m['detail_id'])
            for m in messages] == [('SHARE_SNAPSHOT', '002', '001')]
    assert _usage(api)['snapshots'] == 1

    # A failed delete: error_deleting, and a message saying so.
    api.delete('/snapshots/%s' % failed, version=V, role='member',
               status=202)
    manager.snapshots.delete_snapshot(admin_ctx, failed)
    assert snapshot_db.get(admin_ctx, failed).status == \
        states.ERROR_DELETING
    messages = api.get('/messages?resource_id=%s&action_id=007' % failed,
                       version=V, role='member').json['messages']
    assert len(messages) == 1
    api.post('/snapshots/%s/action' % failed, {'force_delete': None},
             version=V, status=202)
    manager.snapshots.delete_snapshot(admin_ctx, failed, force=True)
    api.get('/snapshots/%s' % failed, version=V, status=404)
    assert _usage(api)['snapshots'] == 0

    # A failed revert: the share is left reverting_error, the snapshot
    # available again.
    CONF.set_override('fake_fail_operations', ['revert_to_snapshot'],
                      group='alpha')
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    _available(admin_ctx, snap_id, manager)
    _revert(api, share.id, snap_id)
    manager.snapshots.revert_to_snapshot(admin_ctx, snap_id)
    assert share_db.get(admin_ctx, share.id).status == \
        states.REVERTING_ERROR
    assert snapshot_db.get(admin_ctx, snap_id).status == states.AVAILABLE
    messages = api.get('/messages?resource_id=%s' % share.id, version=V,
                       role='member').json['messages']
    assert [m['action_id'] for m in messages] == ['006']


def test_manager_manages_and_unmanages(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager, role='admin', size=3)
    snap_id = _snapshot(api, share.id, role='admin').json['snapshot']['id']
    snapshot = _available(admin_ctx, snap_id, manager)
    location = snapshot.provider_location

    api.post('/snapshots/%s/action' % snap_id, {'unmanage': None},
             version=V, status=202)
    manager.snapshots.unmanage_snapshot(admin_ctx, snap_id)
    api.get('/snapshots/%s' % snap_id, version=V, status=404)
    assert _usage(api, ADMIN_PROJECT)['snapshots'] == 0

    adopted = _manage(api, share.id,
                      provider_location=location).json['snapshot']
    manager.snapshots.manage_snapshot(admin_ctx, adopted['id'], {})
    shown = api.get('/snapshots/%s' % adopted['id'],
                    version=V).json['snapshot']
    assert (shown['status'], shown['size']) == ('available', 3)
    usage = _usage(api, ADMIN_PROJECT)
    assert (usage['snapshots'], usage['snapshot_gigabytes']) == (1, 3)

    # Nothing left to adopt at that location: manage_error.
    snapshot_db.destroy(admin_ctx, adopted['id'])
    bogus = _manage(api, share.id,
                    provider_location='/nothing/here').json['snapshot']
    manager.snapshots.manage_snapshot(admin_ctx, bogus['id'], {})
    assert snapshot_db.get(admin_ctx, bogus['id']).status == \
        states.MANAGE_ERROR


def test_manager_resumes_snapshot_work_after_restart(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    creating = _snapshot(api, share.id).json['snapshot']['id']
    deleting = _snapshot(api, share.id).json['snapshot']['id']
    _available(admin_ctx, deleting, manager)
    api.delete('/snapshots/%s' % deleting, version=V, role='member',
               status=202)
    managing = _manage(api, share.id).json['snapshot']['id']
    manager.recover(admin_ctx)
    assert snapshot_db.get(admin_ctx, creating).status == states.AVAILABLE
    api.get('/snapshots/%s' % deleting, version=V, status=404)
    assert snapshot_db.get(admin_ctx, managing).status == \
        states.MANAGE_ERROR


def test_snapshot_export_locations_are_served_from_2_32(
        api, share_type, admin_ctx):
    """A snapshot still creating has none yet (mountable snapshots are
    in test_snapshot_access.py)."""
    share = _share(api, admin_ctx)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    path = '/snapshots/%s/export-locations' % snap_id
    api.get(path, version='2.31', role='member', status=404)
    assert api.get(path, version='2.32', role='member').json == {
        'share_snapshot_export_locations': []}
    api.get(path + '/x', version='2.32', role='member', status=404)
    api.get('/snapshots/nope/export-locations', version='2.32', status=404)


def test_revert_gives_the_share_the_snapshots_size(
        api, share_type, admin_ctx, manager):
    """A share grown since its snapshot shrinks back on revert, and its
    gigabytes follow; a failed revert keeps both as they were."""
    share = _share(api, admin_ctx, manager, revert_to_snapshot_support=True)
    snap_id = _snapshot(api, share.id).json['snapshot']['id']
    _available(admin_ctx, snap_id, manager)

    def grow_to(size):
        # As an extend would: the share and its quota grow together.
        with db_api.writer.using(admin_ctx) as session:
            row = session.get(models.Share, share.id)
            quotas.consume(session, row.project_id, row.user_id,
                           row.instance.share_type_id,
                           {'gigabytes': size - row.size})
            row.size = size

    grow_to(3)
    CONF.set_override('fake_fail_operations', ['revert_to_snapshot'],
                      group='alpha')
    _revert(api, share.id, snap_id)
    assert _usage(api)['gigabytes'] == 1
    manager.snapshots.revert_to_snapshot(admin_ctx, snap_id)
    assert (share_db.get(admin_ctx, share.id).size,
            _usage(api)['gigabytes']) == (3, 3)

    share_db.set_status(admin_ctx, share.instance.id, states.AVAILABLE)
    CONF.clear_override('fake_fail_operations', group='alpha')
    _revert(api, share.id, snap_id)
    manager.snapshots.revert_to_snapshot(admin_ctx, snap_id)
    reverted = share_db.get(admin_ctx, share.id)
    assert (reverted.status, reverted.size) == (states.AVAILABLE, 1)
    assert _usage(api)['gigabytes'] == 1


def test_manager_failing_share_from_snapshot_tells_the_user(
        api, share_type, admin_ctx, manager):
    parent = _share(api, admin_ctx, manager,
                    create_share_from_snapshot_support=True)
    snap_id = _snapshot(api, parent.id).json['snapshot']['id']
    _available(admin_ctx, snap_id, manager)
    CONF.set_override('fake_fail_operations',
                      ['create_share_from_snapshot'], group='alpha')
    child_id = _from_snapshot(api, snap_id).json['share']['id']
    child = wait_scheduled(admin_ctx, child_id)
    manager.shares.create_share_instance(admin_ctx, child.instance.id)
    assert share_db.get(admin_ctx, child_id).status == states.ERROR
    messages = api.get('/messages?resource_id=%s' % child_id, version=V,
                       role='member').json['messages']
    assert [(m['action_id'], m['detail_id']) for m in messages] == [
        ('002', '017')]
