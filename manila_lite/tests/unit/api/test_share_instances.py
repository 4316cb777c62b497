"""Share instances (2.3+) and their export locations (2.9+) through the API."""

import datetime

import pytest

from manila_lite.db import access_rules as access_db
from manila_lite.db import recycle_bin as bin_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT

BASE_KEYS = {'id', 'share_id', 'availability_zone', 'created_at', 'host',
             'status', 'share_network_id', 'share_server_id'}


def _share(admin_ctx, name='data', host='hostA@alpha#gold',
           status='available'):
    """A share of PROJECT with a user and an admin-only export location
    (none when never placed)."""
    created = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'u', 'size': 1,
                    'share_proto': 'NFS', 'display_name': name},
        {'status': 'creating', 'host': host,
         'access_rules_status': 'active', 'progress': '0%'})
    if host:
        share_db.finish_create(admin_ctx, created.instance.id, [
            {'path': '10.0.0.1:/shares/%s' % name, 'preferred': True},
            {'path': '192.168.0.1:/shares/%s' % name,
             'is_admin_only': True}])
    if status != 'creating':
        share_db.set_status(admin_ctx, created.instance.id, status)
    return share_db.get(admin_ctx, created.id)


@pytest.fixture
def share(api, admin_ctx):
    return _share(admin_ctx)


# (version, keys of an instance view) as Manila's tempest test expects.
KEY_CASES = [
    ('2.3', BASE_KEYS | {'export_location', 'export_locations'}),
    ('2.8', BASE_KEYS | {'export_location', 'export_locations'}),
    ('2.9', BASE_KEYS),
    ('2.10', BASE_KEYS | {'access_rules_status'}),
    ('2.11', BASE_KEYS | {'access_rules_status', 'replica_state'}),
    ('2.22', BASE_KEYS | {'access_rules_status', 'replica_state',
                          'share_type_id'}),
    ('2.30', BASE_KEYS | {'access_rules_status', 'replica_state',
                          'share_type_id', 'cast_rules_to_readonly'}),
    ('2.54', BASE_KEYS | {'access_rules_status', 'replica_state',
                          'share_type_id', 'cast_rules_to_readonly',
                          'progress'}),
    ('2.71', BASE_KEYS | {'access_rules_status', 'replica_state',
                          'share_type_id', 'cast_rules_to_readonly',
                          'progress', 'updated_at'}),
    ('2.100', BASE_KEYS | {'access_rules_status', 'replica_state',
                           'share_type_id', 'cast_rules_to_readonly',
                           'progress', 'updated_at'}),
]


@pytest.mark.parametrize('version,keys', KEY_CASES)
def test_keys_of_show_list_and_instances_of_share(api, share, version,
                                                  keys):
    of_share = api.get('/shares/%s/instances' % share.id, version=version,
                       status=200).json['share_instances']
    assert [i['id'] for i in of_share] == [share.instance.id]
    listed = api.get('/share_instances', version=version,
                     status=200).json['share_instances']
    shown = api.get('/share_instances/%s' % share.instance.id,
                    version=version, status=200).json['share_instance']
    for view in (of_share[0], listed[0], shown):
        assert set(view) == keys
        assert view['share_id'] == share.id
        assert view['host'] == 'hostA@alpha#gold'
        assert view['status'] == 'available'
    if 'export_locations' in keys:
        assert shown['export_location'] == '10.0.0.1:/shares/data'
        assert set(shown['export_locations']) == {
            '10.0.0.1:/shares/data', '192.168.0.1:/shares/data'}
    if 'progress' in keys:
        assert shown['progress'] == '100%'
    if 'cast_rules_to_readonly' in keys:
        assert shown['cast_rules_to_readonly'] is False


@pytest.mark.parametrize('version,shown', [('2.27', 'out_of_sync'),
                                           ('2.28', 'syncing')])
def test_access_rules_status_before_2_28(api, share, admin_ctx, version,
                                         shown):
    access_db.create(admin_ctx, share.id, 'ip', '10.0.0.7', 'rw')
    view = api.get('/share_instances/%s' % share.instance.id,
                   version=version, status=200).json['share_instance']
    assert view['access_rules_status'] == shown


# (method, path, body) of every instance request, for refusals.
REQUESTS = [
    ('GET', '/share_instances', None),
    ('GET', '/share_instances/{instance}', None),
    ('GET', '/shares/{share}/instances', None),
    ('POST', '/share_instances/{instance}/action',
     {'reset_status': {'status': 'error'}}),
    ('POST', '/share_instances/{instance}/action', {'force_delete': None}),
    ('GET', '/share_instances/{instance}/export_locations', None),
    ('GET', '/share_instances/{instance}/export_locations/{location}',
     None),
]


def _path(path, share):
    return path.format(instance=share.instance.id, share=share.id,
                       location=share.instance.export_locations[0].uuid)


@pytest.mark.parametrize('method,path,body', REQUESTS)
def test_members_are_refused(api, share, method, path, body):
    resp = api.request(method, _path(path, share), body=body,
                       version='2.64', role='member', status=403)
    assert fault(resp)[0] == 'forbidden'
    # Nothing changed.
    assert api.get('/share_instances/%s' % share.instance.id,
                   version='2.64').json['share_instance']['status'] == \
        'available'


@pytest.mark.parametrize('method,path,body', REQUESTS)
def test_below_their_microversion_they_are_not_found(api, share, method,
                                                     path, body):
    version = '2.8' if 'export_locations' in path else '2.2'
    api.request(method, _path(path, share), body=body, version=version,
                status=404)


@pytest.mark.parametrize('path', [
    '/share_instances/nope', '/shares/nope/instances',
    '/share_instances/nope/export_locations',
    '/share_instances/nope/export_locations/x',
    '/share_instances/{instance}/export_locations/nope',
    '/share-instances', '/share_instances/detail',
])
def test_unknown_ids_are_not_found(api, share, path):
    api.get(_path(path, share), version='2.64', status=404)


@pytest.mark.parametrize('body', [{'reset_status': {'status': 'error'}},
                                  {'force_delete': None}])
def test_actions_on_unknown_instance_are_not_found(api, body):
    api.post('/share_instances/nope/action', body, version='2.64',
             status=404)


# -- list filters -------------------------------------------------------------

def test_export_location_filters_from_2_35(api, share, admin_ctx):
    other = _share(admin_ctx, name='other')
    location = share.instance.export_locations[1]

    def listed(query, version='2.35'):
        return [i['id'] for i in api.get(
            '/share_instances?' + query, version=version,
            status=200).json['share_instances']]

    both = sorted([share.instance.id, other.instance.id])
    assert listed('export_location_id=' + location.uuid) == [
        share.instance.id]
    assert listed('export_location_path=' + location.path) == [
        share.instance.id]
    assert listed('export_location_id=fake_not_exist') == []
    assert listed('export_location_path=fake') == []
    # Ignored below 2.35, as Manila does.
    assert sorted(listed('export_location_id=fake', '2.34')) == both
    assert sorted(listed('export_location_path=fake', '2.34')) == both


def test_host_and_recycle_bin_filters(api, share, admin_ctx):
    elsewhere = _share(admin_ctx, name='elsewhere',
                       host='hostB@beta#bronze')
    binned = _share(admin_ctx, name='binned')
    assert bin_db.soft_delete(admin_ctx, binned.id, 3600)

    def listed(query=''):
        return sorted(i['id'] for i in api.get(
            '/share_instances' + query, version='2.69',
            status=200).json['share_instances'])

    assert listed() == sorted([share.instance.id, elsewhere.instance.id])
    assert listed('?host=hostB@beta') == [elsewhere.instance.id]
    assert listed('?host=hostB@beta#bronze') == [elsewhere.instance.id]
    assert listed('?is_soft_deleted=true') == [binned.instance.id]
    assert listed('?is_soft_deleted=false') == listed()
    api.get('/share_instances?is_soft_deleted=maybe', version='2.69',
            status=400)
    # The instances of a share are listed, in the bin or not.
    of_binned = api.get('/shares/%s/instances' % binned.id, version='2.69',
                        status=200).json['share_instances']
    assert [i['id'] for i in of_binned] == [binned.instance.id]


# -- actions ------------------------------------------------------------------

@pytest.mark.parametrize('version,name', [('2.3', 'os-reset_status'),
                                          ('2.6', 'os-reset_status'),
                                          ('2.7', 'reset_status'),
                                          ('2.64', 'reset_status')])
@pytest.mark.parametrize('status', list(states.SHARE_RESET_STATUSES))
def test_reset_status(api, share, admin_ctx, version, name, status):
    api.post('/share_instances/%s/action' % share.instance.id,
             {name: {'status': status}}, version=version, status=202)
    view = api.get('/share_instances/%s' % share.instance.id,
                   version=version, status=200).json['share_instance']
    assert view['status'] == status
    # The instance is the share's: the share shows the same status.
    assert share_db.get(admin_ctx, share.id).status == status


@pytest.mark.parametrize('body,status', [
    ({'reset_status': {'status': 'fake'}}, 400),
    ({'reset_status': {}}, 400),
    ({'reset_status': None}, 400),
    ({'reset_status': {'status': 'error'}, 'force_delete': None}, 400),
    ({'migrate': None}, 404),
    ({'os-reset_status': {'status': 'error'}}, 404),
    ({'os-force_delete': None}, 404),
])
def test_bad_actions(api, share, body, status):
    api.post('/share_instances/%s/action' % share.instance.id, body,
             version='2.7', status=status)
    assert api.get('/share_instances/%s' % share.instance.id,
                   version='2.7').json['share_instance']['status'] == \
        'available'


@pytest.mark.parametrize('name', ['reset_status', 'force_delete'])
def test_new_action_names_are_not_found_before_2_7(api, share, name):
    body = {name: {'status': 'error'} if name == 'reset_status' else None}
    api.post('/share_instances/%s/action' % share.instance.id, body,
             version='2.6', status=404)


def test_force_delete_of_a_placed_instance_deletes_its_share(
        api, admin_ctx, scheduler):
    share = _share(admin_ctx, status=states.ERROR_DELETING)
    api.post('/share_instances/%s/action' % share.instance.id,
             {'force_delete': None}, version='2.64', status=202)
    # Handed to its share service, like a force-deleted share.
    assert share_db.get(admin_ctx, share.id).status == states.DELETING


@pytest.mark.parametrize('version,name', [('2.3', 'os-force_delete'),
                                          ('2.7', 'force_delete')])
def test_force_delete_of_an_unplaced_instance_removes_it(
        api, admin_ctx, scheduler, version, name):
    share = _share(admin_ctx, host=None, status=states.ERROR)
    api.post('/share_instances/%s/action' % share.instance.id,
             {name: None}, version=version, status=202)
    api.get('/share_instances/%s' % share.instance.id, version=version,
            status=404)
    api.get('/shares/%s' % share.id, version=version, status=404)


# -- export locations ---------------------------------------------------------

@pytest.mark.parametrize('version,keys', [
    ('2.9', {'id', 'path', 'share_instance_id', 'is_admin_only'}),
    ('2.14', {'id', 'path', 'preferred', 'share_instance_id',
              'is_admin_only'}),
    ('2.87', {'id', 'path', 'preferred', 'metadata', 'share_instance_id',
              'is_admin_only'}),
])
def test_export_locations_are_the_shares(api, share, version, keys):
    """Every location, admin-only ones included, as the share's list
    shows them to an administrator."""
    base = '/share_instances/%s/export_locations' % share.instance.id
    listed = api.get(base, version=version,
                     status=200).json['export_locations']
    of_share = api.get('/shares/%s/export_locations' % share.id,
                       version=version, status=200).json['export_locations']
    assert sorted(listed, key=lambda el: el['id']) == sorted(
        of_share, key=lambda el: el['id'])
    assert len(listed) == 2
    for location in listed:
        assert set(location) == keys
        shown = api.get('%s/%s' % (base, location['id']), version=version,
                        status=200).json['export_location']
        assert set(shown) == keys | {'created_at', 'updated_at'}
        assert shown['path'] == location['path']
        # Both timestamps from creation on, as Manila (its tempest test
        # parses them).
        for stamp in ('created_at', 'updated_at'):
            datetime.datetime.strptime(shown[stamp], '%Y-%m-%dT%H:%M:%S.%f')
        assert api.get('/shares/%s/export_locations/%s' % (
            share.id, location['id']), version=version,
            status=200).json['export_location'] == shown


def test_export_location_metadata_from_2_87(api, share):
    location = share.instance.export_locations[0]
    api.put('/shares/%s/export_locations/%s/metadata' % (share.id,
                                                         location.uuid),
            {'metadata': {'speed': 'fast'}}, version='2.87', status=200)
    shown = api.get('/share_instances/%s/export_locations/%s' % (
        share.instance.id, location.uuid), version='2.87',
        status=200).json['export_location']
    assert shown['metadata'] == {'speed': 'fast'}
