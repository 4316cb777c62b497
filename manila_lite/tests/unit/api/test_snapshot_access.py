"""Mountable snapshots (2.32+) through the real WSGI stack: access rules
and export locations of snapshots and snapshot instances.

The ``manager`` fixture is a real ShareManager over the fake driver; a
test calls its RPC methods itself in place of the casts, so every step
is deterministic.
"""

import pytest

from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT

V = '2.64'


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx, snapshot_support='True')


@pytest.fixture
def snapshot(api, share_type, admin_ctx, manager):
    """An available snapshot of a member's share that may be mounted,
    made by the share manager on the fake backend."""
    return _snapshot(api, admin_ctx, manager, mountable=True)


def _snapshot(api, admin_ctx, manager, mountable):
    share_id = create_share(api, V).json['share']['id']
    make_available(admin_ctx, share_id, manager=manager)
    share_db.update(admin_ctx, share_id,
                    {'mount_snapshot_support': mountable})
    snap_id = api.post('/snapshots', {'snapshot': {'share_id': share_id}},
                       version=V, role='member',
                       status=202).json['snapshot']['id']
    manager.snapshots.create_snapshot(admin_ctx, snap_id)
    snap = snapshot_db.get(admin_ctx, snap_id)
    assert snap.status == states.AVAILABLE
    return snap


def _allow(api, snap_id, access_type='ip', access_to='10.0.0.1',
           version=V, status=202, role='member', **kwargs):
    body = {'allow_access': {'access_type': access_type,
                             'access_to': access_to}}
    return api.post('/snapshots/%s/action' % snap_id, body, version=version,
                    role=role, status=status, **kwargs)


def _deny(api, snap_id, access_id, status=202, role='member'):
    return api.post('/snapshots/%s/action' % snap_id,
                    {'deny_access': {'access_id': access_id}}, version=V,
                    role=role, status=status)


def _rules(api, snap_id, role='member'):
    return api.get('/snapshots/%s/access-list' % snap_id, version=V,
                   role=role, status=200).json['snapshot_access_list']


# -- access rules ------------------------------------------------------------

def test_rule_lifecycle(api, admin_ctx, manager, snapshot):
    rule = _allow(api, snapshot.id).json['snapshot_access']
    assert rule == {'id': rule['id'], 'access_type': 'ip',
                    'access_to': '10.0.0.1', 'state': 'queued_to_apply'}
    assert _rules(api, snapshot.id) == [rule]

    manager.snapshot_access.snapshot_update_access(admin_ctx,
                                                   snapshot.instance.id)
    assert _rules(api, snapshot.id) == [dict(rule, state='active')]
    assert [e['access_to'] for e in manager.driver.fake_get_snapshot_access(
        snapshot.instance.id).values()] == ['10.0.0.1']

    assert not _deny(api, snapshot.id, rule['id']).body
    assert _rules(api, snapshot.id) == [dict(rule, state='queued_to_deny')]
    manager.snapshot_access.snapshot_update_access(admin_ctx,
                                                   snapshot.instance.id)
    assert _rules(api, snapshot.id) == []
    assert manager.driver.fake_get_snapshot_access(
        snapshot.instance.id) == {}
    # Gone: denying it again is 404.
    _deny(api, snapshot.id, rule['id'], status=404)


@pytest.mark.parametrize('access_type,access_to,version,status', [
    ('ip', '1.1.1.1', V, 202),
    ('ip', '1.2.3.4/32', V, 202),
    ('user', 'Administrator', V, 202),
    ('cert', 'client.example.com', V, 202),
    ('ip', 'fd8c:b029:bba6:ac54::1', '2.38', 202),
    # IPv6 is accepted from 2.38 on, as for share rules.
    ('ip', 'fd8c:b029:bba6:ac54::1', '2.37', 400),
    ('ip', '1.2.3.256', V, 400),
    ('ip', '1.1.1.-', V, 400),
    ('ip', '1.2.3.4/33', V, 400),
    ('ip', '1.2.3.*', V, 400),
    ('ip', '1.2.3.1/', V, 400),
    ('ip', '2001:db8::1/148', V, 400),
    ('ip', '2001:0db8:0000:85a3:0000:0000:ac1f:8001/64', V, 400),
    ('user', 'ab', V, 400),
    ('user', 'a/bc', V, 400),
    ('nope', 'x', V, 400),
    ('ip', '', V, 400),
    # Below 2.32 the action does not exist.
    ('ip', '1.1.1.1', '2.31', 404),
])
def test_allow_validates_the_target(api, snapshot, access_type, access_to,
                                    version, status):
    _allow(api, snapshot.id, access_type, access_to, version=version,
           status=status)


@pytest.mark.parametrize('body', [
    {'allow_access': None},
    {'allow_access': 'ip'},
    {'allow_access': {'access_type': 'ip'}},
    {'allow_access': {'access_to': '10.0.0.1'}},
    {'deny_access': {}},
    {'deny_access': None},
])
def test_malformed_bodies_are_400(api, snapshot, body):
    api.post('/snapshots/%s/action' % snapshot.id, body, version=V,
             role='member', status=400)


@pytest.mark.parametrize('first,again', [
    ('1.2.3.4', '1.2.3.4'), ('1.2.3.4', '1.2.3.4/32'),
    ('1.2.3.4/32', '1.2.3.4'),
    ('fd8c:b029:bba6:ac54::1', 'fd8c:b029:bba6:ac54::1/128'),
])
def test_a_duplicate_grantee_is_400(api, admin_ctx, manager, snapshot,
                                    first, again):
    _allow(api, snapshot.id, access_to=first)
    manager.snapshot_access.snapshot_update_access(admin_ctx,
                                                   snapshot.instance.id)
    resp = _allow(api, snapshot.id, access_to=again, status=400)
    assert 'exists' in fault(resp)[1]
    assert len(_rules(api, snapshot.id)) == 1


def test_snapshots_of_a_share_without_mount_support_are_400(
        api, share_type, admin_ctx, manager):
    snap = _snapshot(api, admin_ctx, manager, mountable=False)
    resp = _allow(api, snap.id, status=400)
    assert 'does not support mounting' in fault(resp)[1]
    _deny(api, snap.id, 'whatever', status=400)
    api.get('/snapshots/%s/access-list' % snap.id, version=V,
            role='member', status=400)
    # Whatever its backend says, such a snapshot has no export location.
    assert api.get('/snapshots/%s/export-locations' % snap.id, version=V,
                   role='member').json == {
        'share_snapshot_export_locations': []}


@pytest.mark.parametrize('status', [states.CREATING, states.ERROR,
                                    states.DELETING])
def test_rules_change_only_on_an_available_snapshot(
        api, admin_ctx, manager, snapshot, status):
    rule = _allow(api, snapshot.id).json['snapshot_access']
    snapshot_db.set_status(admin_ctx, snapshot.id, status)
    resp = _allow(api, snapshot.id, access_to='10.0.0.2', status=400)
    assert status in fault(resp)[1]
    _deny(api, snapshot.id, rule['id'], status=400)
    assert [r['state'] for r in _rules(api, snapshot.id)] == [
        'queued_to_apply']


def test_deny_of_another_snapshots_rule(api, admin_ctx, manager, snapshot):
    other = _snapshot(api, admin_ctx, manager, mountable=True)
    rule = _allow(api, other.id).json['snapshot_access']
    resp = _deny(api, snapshot.id, rule['id'], status=400)
    assert 'not associated' in fault(resp)[1]
    _deny(api, snapshot.id, 'no-such-rule', status=404)


def test_another_project_sees_nothing(api, snapshot):
    rule = _allow(api, snapshot.id).json['snapshot_access']
    for call in (
            lambda: _allow(api, snapshot.id, access_to='10.0.0.9',
                           project=OTHER_PROJECT, status=404),
            lambda: api.post('/snapshots/%s/action' % snapshot.id,
                             {'deny_access': {'access_id': rule['id']}},
                             version=V, role='member',
                             project=OTHER_PROJECT, status=404),
            lambda: api.get('/snapshots/%s/access-list' % snapshot.id,
                            version=V, role='member', project=OTHER_PROJECT,
                            status=404)):
        assert fault(call())[0] == 'itemNotFound'


def test_a_failed_rule_is_error_and_can_be_denied(api, admin_ctx, manager,
                                                  snapshot):
    """The fake backend mounts snapshots by IP or user only."""
    rule = _allow(api, snapshot.id, 'cert',
                  'client.example.com').json['snapshot_access']
    manager.snapshot_access.snapshot_update_access(admin_ctx,
                                                   snapshot.instance.id)
    assert _rules(api, snapshot.id)[0]['state'] == 'error'
    _deny(api, snapshot.id, rule['id'])
    manager.snapshot_access.snapshot_update_access(admin_ctx,
                                                   snapshot.instance.id)
    assert _rules(api, snapshot.id) == []


def test_deleting_a_snapshot_takes_its_rules(api, admin_ctx, manager,
                                             snapshot):
    _allow(api, snapshot.id)
    manager.snapshot_access.snapshot_update_access(admin_ctx,
                                                   snapshot.instance.id)
    api.delete('/snapshots/%s' % snapshot.id, version=V, role='member',
               status=202)
    manager.snapshots.delete_snapshot(admin_ctx, snapshot.id)
    api.get('/snapshots/%s' % snapshot.id, version=V, status=404)
    assert snapshot_access_db.get_all_for_snapshot(admin_ctx,
                                                   snapshot.id) == []


# -- export locations --------------------------------------------------------

def test_snapshot_export_locations(api, snapshot):
    path = '/snapshots/%s/export-locations' % snapshot.id
    api.get(path, version='2.31', role='member', status=404)
    admin = api.get(path, version='2.32').json[
        'share_snapshot_export_locations']
    assert [el['is_admin_only'] for el in admin] == [False, True]
    for el in admin:
        assert set(el) == {'id', 'path', 'links', 'is_admin_only',
                           'share_snapshot_instance_id'}
        assert el['share_snapshot_instance_id'] == snapshot.instance.id
    # Members see the locations meant for everybody, and fewer fields.
    member = api.get(path, version='2.32', role='member').json[
        'share_snapshot_export_locations']
    assert [(el['id'], el['path']) for el in member] == [
        (admin[0]['id'], admin[0]['path'])]
    assert set(member[0]) == {'id', 'path', 'links'}
    assert member[0]['links'][0]['href'].endswith(
        '/share_snapshot_export_locations/%s' % admin[0]['id'])
    shown = api.get('%s/%s' % (path, admin[0]['id']), version='2.32',
                    role='member').json['share_snapshot_export_location']
    assert set(shown) == {'id', 'path', 'links', 'created_at', 'updated_at'}
    api.get('%s/%s' % (path, admin[1]['id']), version='2.32',
            role='member', status=403)
    api.get('%s/%s' % (path, admin[1]['id']), version='2.32', status=200)
    api.get(path + '/nope', version='2.32', status=404)
    api.get('/snapshots/nope/export-locations', version='2.32', status=404)
    api.get(path, version='2.32', role='member', project=OTHER_PROJECT,
            status=404)
    api.get('%s/%s' % (path, admin[0]['id']), version='2.32',
            role='member', project=OTHER_PROJECT, status=404)


def test_snapshot_instance_export_locations(api, snapshot):
    path = '/snapshot-instances/%s/export-locations' % snapshot.instance.id
    listed = api.get(path, version='2.32').json[
        'share_snapshot_export_locations']
    # The snapshot's locations are those of its instances.
    assert listed == api.get(
        '/snapshots/%s/export-locations' % snapshot.id,
        version='2.32').json['share_snapshot_export_locations']
    shown = api.get('%s/%s' % (path, listed[1]['id']), version='2.32').json[
        'share_snapshot_export_location']
    assert shown['is_admin_only'] is True
    assert set(shown) == {'id', 'path', 'links', 'is_admin_only',
                          'share_snapshot_instance_id', 'created_at',
                          'updated_at'}
    api.get(path + '/nope', version='2.32', status=404)
    api.get('/snapshot-instances/nope/export-locations', version='2.32',
            status=404)
    api.get(path, version='2.31', status=404)
    # Administrators only, refused before the instance is looked up.
    for target in (path, path + '/' + listed[0]['id'],
                   '/snapshot-instances/nope/export-locations'):
        api.get(target, version='2.32', role='member', status=403)
