"""Shares API through the real WSGI stack: bodies, versions and errors.

Creates cast to the scheduler on the in-process transport; tests that need
an available share complete it through the database as a share manager
would.
"""

import pytest

from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_scheduled as _scheduled


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx, snapshot_support='True')


def _create(api, version='2.64', role='admin', status=200, **fields):
    return create_share(api, version, role=role, status=status, **fields)


def _make_available(admin_ctx, share_id, path='10.0.0.1:/share'):
    """Finish a placed share as its share manager would."""
    make_available(admin_ctx, share_id,
                   locations=[{'path': path, 'preferred': True}])


def test_create_returns_detail_view_and_charges_quota(api, share_type):
    resp = _create(api, name='s1', description='d', metadata={'k': 'v'},
                   role='member')
    share = resp.json['share']
    assert share['status'] == 'creating'
    assert share['name'] == 's1' and share['description'] == 'd'
    assert share['metadata'] == {'k': 'v'}
    assert share['share_type'] == share_type.id
    assert share['share_type_name'] == 'default'
    assert share['project_id'] == PROJECT
    assert 'host' not in share  # admin-only field
    detail = api.get('/quota-sets/%s/detail' % PROJECT, version='2.64',
                     role='member').json['quota_set']
    assert detail['shares']['in_use'] == 1
    assert detail['gigabytes']['in_use'] == 1


@pytest.mark.parametrize('version,present,absent', [
    ('2.0', ['export_location', 'export_locations', 'volume_type'],
     ['snapshot_support', 'share_type_name', 'progress']),
    ('2.6', ['share_type_name', 'task_state', 'export_locations'],
     ['access_rules_status']),
    ('2.9', ['snapshot_support'], ['export_location', 'export_locations']),
    ('2.16', ['user_id', 'replication_type', 'has_replicas'], ['progress']),
    ('2.54', ['progress', 'mount_snapshot_support', 'share_group_id'], []),
])
def test_fields_follow_microversion(api, share_type, version, present,
                                    absent):
    share = _create(api, version=version).json['share']
    for key in present:
        assert key in share, key
    for key in absent:
        assert key not in share, key
    if version == '2.0':
        assert share['share_type'] == 'default'


@pytest.mark.parametrize('fields,status,words', [
    ({'size': 0}, 400, 'positive'),
    ({'size': -1}, 400, 'size'),
    ({'size': 'big'}, 400, 'size'),
    ({'share_proto': 'FTP'}, 400, 'protocol'),
    ({'share_type': 'nope'}, 404, 'nope'),
    ({'availability_zone': 'mars'}, 404, 'mars'),
    ({'share_type': 'default', 'volume_type': 'default'}, 400,
     'volume_type'),
    ({'metadata': 'x'}, 400, 'metadata'),
])
def test_create_rejects_bad_input_and_writes_nothing(api, share_type, fields,
                                                     status, words):
    resp = _create(api, status=status, **fields)
    name, message = fault(resp)
    assert words in message
    listed = api.get('/shares', version='2.64').json['shares']
    assert listed == []
    detail = api.get('/quota-sets/%s/detail' % ADMIN_PROJECT,
                     version='2.64').json['quota_set']
    assert detail['shares']['in_use'] == 0


def test_malformed_json_is_400(api, share_type):
    resp = api.app.post('/v2/shares', 'not json', headers={
        'X-Auth-Token': 'a:b', 'Content-Type': 'application/json'},
        expect_errors=True)
    assert resp.status_int == 400
    assert fault(resp)[0] == 'badRequest'


def test_over_quota_is_413_naming_the_resource(api, share_type):
    api.put('/quota-sets/%s' % PROJECT, {'quota_set': {'gigabytes': 2}},
            version='2.64')
    _create(api, role='member', size=2)
    resp = _create(api, role='member', size=1, status=413)
    name, message = fault(resp)
    assert name == 'overLimit'
    assert 'gigabytes' in message


def test_no_default_type_is_404(api, scheduler, admin_ctx):
    resp = _create(api, status=404)
    assert 'default share type' in fault(resp)[1]


def test_list_filters_sort_and_paging(api, share_type, admin_ctx):
    ids = [_create(api, name='s%d' % i, size=i + 1,
                   role='member').json['share']['id'] for i in range(5)]
    _make_available(admin_ctx, ids[0])

    def get(query):
        return api.get('/shares/detail?' + query, version='2.64',
                       role='member').json['shares']

    assert [s['id'] for s in get('status=available')] == [ids[0]]
    assert [s['name'] for s in get('name=s3')] == ['s3']
    assert [s['size'] for s in get('sort_key=size&sort_dir=asc')] == \
        [1, 2, 3, 4, 5]
    assert {s['name'] for s in get('name~=s')} == {'s0', 's1', 's2', 's3',
                                                   's4'}
    page1 = get('sort_key=size&sort_dir=desc&limit=2')
    page2 = get('sort_key=size&sort_dir=desc&limit=2&marker=%s'
                % page1[-1]['id'])
    assert [s['size'] for s in page1 + page2] == [5, 4, 3, 2]
    body = api.get('/shares?limit=2', version='2.64', role='member').json
    assert body['shares_links'][0]['rel'] == 'next'
    counted = api.get('/shares?with_count=true&limit=1', version='2.64',
                      role='member').json
    assert counted['count'] == 5 and len(counted['shares']) == 1
    bad = api.get('/shares?sort_key=nope', version='2.64', status=400)
    assert 'sorting key' in fault(bad)[1]


def _names_in_order(api, direction, marker=None, limit=None):
    query = 'sort_key=name&sort_dir=%s' % direction
    if marker:
        query += '&marker=%s' % marker
    if limit:
        query += '&limit=%d' % limit
    return [(s['name'], s['id']) for s in api.get(
        '/shares?' + query, version='2.64', role='member').json['shares']]


@pytest.mark.parametrize('direction', ['asc', 'desc'])
def test_paging_one_by_one_meets_each_share_once(api, share_type,
                                                 direction):
    """Equal and NULL names: a page after a marker starts strictly
    after it, ties going by id in the sort direction, NULLs first when
    ascending and last when descending."""
    names = [None, None, 'a', 'a', 'b']
    for name in names:
        fields = {'name': name} if name else {}
        _create(api, role='member', **fields)
    whole = _names_in_order(api, direction)
    reverse = direction == 'desc'
    expected = names[::-1] if reverse else names
    assert [name for name, _ in whole] == expected
    for name in set(names):
        ids = [i for n, i in whole if n == name]
        assert ids == sorted(ids, reverse=reverse)
    walked, marker = [], None
    for _ in range(len(names) + 1):  # bounded: a repeat would not end
        page = _names_in_order(api, direction, marker, limit=1)
        if not page:
            break
        walked += page
        marker = page[-1][1]
    assert walked == whole


def test_unknown_marker_is_400_naming_it(api, share_type):
    _create(api, role='member')
    marker = 'f0000000-0000-0000-0000-000000000000'
    resp = api.get('/shares?marker=%s' % marker, version='2.64',
                   role='member', status=400)
    assert fault(resp) == ('badRequest', 'Invalid input received: '
                           'marker [%s] not found' % marker)


def test_projects_are_isolated(api, share_type):
    share_id = _create(api, role='member').json['share']['id']
    other = 'd0000000000000000000000000000003'
    api.get('/shares/%s' % share_id, version='2.64', role='member',
            project=other, status=404)
    assert api.get('/shares', version='2.64', role='member',
                   project=other).json['shares'] == []
    everyone = api.get('/shares?all_tenants=1', version='2.64').json
    assert [s['id'] for s in everyone['shares']] == [share_id]


def test_both_url_forms_and_legacy_paths(api, share_type, admin_ctx):
    share_id = _create(api).json['share']['id']
    _scheduled(admin_ctx, share_id)
    headers = {'X-Auth-Token': 'admin:%s' % ADMIN_PROJECT}
    with_project = api.app.get('/v2/%s/shares/%s' % (ADMIN_PROJECT,
                                                     share_id),
                               headers=headers)
    without = api.app.get('/v2/shares/%s' % share_id, headers=headers)
    assert with_project.json == without.json
    assert api.get('/os-services', version='2.6').status_int == 200


def test_update(api, share_type):
    share_id = _create(api, role='member').json['share']['id']
    resp = api.put('/shares/%s' % share_id, {'share': {
        'display_name': 'new', 'display_description': 'desc'}},
        version='2.64', role='member')
    assert resp.json['share']['name'] == 'new'
    assert resp.json['share']['description'] == 'desc'
    denied = api.put('/shares/%s' % share_id, {'share': {'is_public': True}},
                     version='2.64', role='member', status=403)
    assert fault(denied)[0] == 'forbidden'


def test_delete_needs_a_settled_status(api, share_type, admin_ctx):
    share_id = _create(api, role='member').json['share']['id']
    busy = api.delete('/shares/%s' % share_id, version='2.64',
                      role='member', status=403)
    assert 'creating' in fault(busy)[1]
    _make_available(admin_ctx, share_id)
    api.delete('/shares/%s' % share_id, version='2.64', role='member',
               status=202)
    assert share_db.get(admin_ctx, share_id).status == states.DELETING
    again = api.delete('/shares/%s' % share_id, version='2.64',
                       role='member', status=403)
    assert 'deleting' in fault(again)[1]


def test_no_valid_host_errors_and_share_deletes_at_once(
        api, share_type, admin_ctx):
    type_db.create(admin_ctx, 'nowhere', {
        'driver_handles_share_servers': 'False',
        'share_backend_name': 'NO_SUCH_BACKEND'})
    share_id = _create(api, role='member',
                       share_type='nowhere').json['share']['id']
    share = _scheduled(admin_ctx, share_id)
    assert (share.status, share.host) == (states.ERROR, None)
    messages = api.get('/messages', version='2.64',
                       role='member').json['messages']
    assert [m['resource_id'] for m in messages] == [share_id]
    assert 'No storage could be allocated' in messages[0]['user_message']
    api.delete('/shares/%s' % share_id, version='2.64', role='member',
               status=202)
    api.get('/shares/%s' % share_id, version='2.64', status=404)
    detail = api.get('/quota-sets/%s/detail' % PROJECT, version='2.64',
                     role='member').json['quota_set']
    assert detail['shares']['in_use'] == 0


@pytest.mark.parametrize('action,version,status', [
    ('reset_status', '2.7', 202), ('os-reset_status', '2.6', 202),
    ('os-reset_status', '2.7', 404), ('reset_status', '2.6', 404),
    ('no_such_action', '2.7', 404),
])
def test_action_names_follow_microversion(api, share_type, action, version,
                                          status):
    share_id = _create(api).json['share']['id']
    api.post('/shares/%s/action' % share_id, {action: {'status': 'error'}},
             version=version, status=status)


def test_admin_actions_are_forbidden_to_members(api, share_type):
    share_id = _create(api, role='member').json['share']['id']
    for action in ({'reset_status': {'status': 'error'}},
                   {'force_delete': None}):
        resp = api.post('/shares/%s/action' % share_id, action,
                        version='2.64', role='member', status=403)
        assert fault(resp)[0] == 'forbidden'


def test_reset_status_validates(api, share_type):
    share_id = _create(api).json['share']['id']
    resp = api.post('/shares/%s/action' % share_id,
                    {'reset_status': {'status': 'bogus'}}, version='2.64',
                    status=400)
    assert 'bogus' in fault(resp)[1]


# Manila's list, written out: a test that read states.py would agree with
# any change made to it.
@pytest.mark.parametrize('status,code', [
    ('available', 202), ('error', 202), ('creating', 202),
    ('deleting', 202), ('error_deleting', 202), ('migrating', 202),
    ('migrating_to', 202), ('server_migrating', 202),
    ('extending', 400), ('manage_error', 400), ('deleted', 400),
])
def test_reset_status_takes_manila_list(api, share_type, admin_ctx, status,
                                        code):
    share_id = _create(api).json['share']['id']
    _make_available(admin_ctx, share_id)
    api.post('/shares/%s/action' % share_id,
             {'reset_status': {'status': status}}, version='2.64',
             status=code)
    assert share_db.get(admin_ctx, share_id).status == (
        status if code == 202 else states.AVAILABLE)


def test_force_delete_from_any_status(api, share_type, admin_ctx):
    share_id = _create(api).json['share']['id']
    _make_available(admin_ctx, share_id)
    api.post('/shares/%s/action' % share_id,
             {'reset_status': {'status': 'creating'}}, version='2.64')
    api.post('/shares/%s/action' % share_id, {'force_delete': None},
             version='2.64', status=202)
    assert share_db.get(admin_ctx, share_id).status == states.DELETING


def test_export_locations_on_share_before_2_9(api, share_type, admin_ctx):
    share_id = _create(api).json['share']['id']
    _make_available(admin_ctx, share_id, '10.9.9.9:/x')
    old = api.get('/shares/%s' % share_id, version='2.8').json['share']
    assert old['export_location'] == '10.9.9.9:/x'
    assert old['export_locations'] == ['10.9.9.9:/x']


def test_show_has_every_metadata_item_and_respects_visibility(
        api, share_type):
    """Show reads the share and its metadata in one statement: each item
    is there once, and only shares the caller may see are found."""
    metadata = {'a': '1', 'b': '2', 'c': '3'}
    private = _create(api, metadata=metadata).json['share']
    public = _create(api, is_public=True).json['share']
    shown = api.get('/shares/%s' % private['id'], version='2.64').json
    assert shown['share']['metadata'] == metadata
    assert shown['share']['share_type_name'] == 'default'
    # A member of another project sees the public share (no metadata),
    # and not the private one.
    other = api.get('/shares/%s' % public['id'], version='2.64',
                    role='member').json['share']
    assert (other['id'], other['metadata']) == (public['id'], {})
    api.get('/shares/%s' % private['id'], version='2.64', role='member',
            status=404)
