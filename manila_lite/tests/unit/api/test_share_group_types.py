"""Share group types, their group specs and project access, through the
API (2.31+, experimental before 2.55)."""

import pytest
import sqlalchemy as sa

from manila_lite.api import microversion
from manila_lite import conf
from manila_lite.db import models
from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_types as type_db
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

V = '2.55'
EXPERIMENTAL = {microversion.EXPERIMENTAL_HEADER: 'True'}
GROUP_TABLES = ('share_group_types', 'share_group_type_specs',
                'share_group_type_projects',
                'share_group_type_share_type_mappings')


@pytest.fixture
def types(admin_ctx):
    """Two share types a group type may hold: {name: id}."""
    return {name: type_db.create(
        admin_ctx, name, {'driver_handles_share_servers': 'False'}).id
        for name in ('gold', 'silver')}


def default_group_type(name):
    """Configured for this test only (the api fixture clears it)."""
    conf.CONF.set_override('default_share_group_type', name)


def _create(api, name='grp', share_types=('gold',), status=200,
            version=V, **extra):
    body = {'share_group_type': dict(
        {'name': name, 'share_types': list(share_types)}, **extra)}
    resp = api.post('/share-group-types', body, version=version,
                    status=status)
    return resp.json.get('share_group_type') if status == 200 else resp


def _count(database, table):
    with database.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(
            models.Base.metadata.tables[table]))


# --- microversions ----------------------------------------------------------

# (version, experimental header sent, status of GET /share-group-types)
GATING_CASES = [
    ('2.30', False, 404),
    ('2.30', True, 404),
    ('2.31', False, 404),
    ('2.31', True, 200),
    ('2.54', False, 404),
    ('2.54', True, 200),
    ('2.55', False, 200),
    ('2.55', True, 200),
    ('2.100', False, 200),
]


@pytest.mark.parametrize('version,experimental,status', GATING_CASES)
def test_experimental_until_2_55(api, types, version, experimental, status):
    headers = EXPERIMENTAL if experimental else {}
    resp = api.get('/share-group-types', version=version, headers=headers,
                   status=status)
    # Manila echoes an experimental request's header.
    assert (resp.headers.get(microversion.EXPERIMENTAL_HEADER) ==
            ('True' if experimental else None))
    # Every route of the resource is gated alike.
    api.post('/share-group-types',
             {'share_group_type': {'name': 'g', 'share_types': ['gold']}},
             version=version, headers=headers,
             status=200 if status == 200 else 404)


@pytest.mark.parametrize('value,experimental', [
    ('True', True), ('true', True), ('1', True), ('yes', True),
    ('False', False), ('nonsense', False), ('', False)])
def test_experimental_header_read_leniently(api, value, experimental):
    resp = api.get('/share-group-types', version='2.31',
                   headers={microversion.EXPERIMENTAL_HEADER: value})
    assert resp.status_int == (200 if experimental else 404)


# (version, fields present, fields absent) of a group type.
VIEW_CASES = [
    ('2.31', {'id', 'name', 'is_public', 'group_specs', 'share_types'},
     {'is_default'}),
    ('2.45', {'id', 'name', 'is_public', 'group_specs', 'share_types'},
     {'is_default'}),
    ('2.46', {'is_default'}, set()),
    ('2.100', {'is_default'}, set()),
]


@pytest.mark.parametrize('version,present,absent', VIEW_CASES)
def test_view_fields_by_version(api, types, version, present, absent):
    experimental = microversion.Version(version) < microversion.Version(V)
    headers = EXPERIMENTAL if experimental else {}
    body = {'share_group_type': {'name': 'g', 'share_types': ['gold']}}
    created = api.post('/share-group-types', body, version=version,
                       headers=headers, status=200).json['share_group_type']
    for path in ('/share-group-types/%s' % created['id'],
                 '/share-group-types'):
        body = api.get(path, version=version, headers=headers,
                       status=200).json
        view = body.get('share_group_type') or body['share_group_types'][0]
        assert present <= set(view)
        assert not absent & set(view)
    assert present <= set(created) and not absent & set(created)


def test_is_default_follows_config(api, types):
    _create(api, 'first')
    _create(api, 'second')
    api.get('/share-group-types/default', version=V, status=404)
    default_group_type('second')
    listed = api.get('/share-group-types', version=V,
                     status=200).json['share_group_types']
    assert {t['name']: t['is_default'] for t in listed} == {
        'first': False, 'second': True}
    shown = api.get('/share-group-types/default', version=V,
                    status=200).json['share_group_type']
    assert shown['name'] == 'second' and shown['is_default'] is True
    default_group_type('gone')
    resp = api.get('/share-group-types/default', version=V, status=404)
    assert fault(resp) == ('itemNotFound',
                           'Default share group type not found.')


# --- create -----------------------------------------------------------------

def test_create_by_id_and_name(api, types):
    created = _create(api, share_types=[types['silver'], 'gold', 'silver'],
                      group_specs={'consistent_snapshot_support': 'pool'},
                      is_public=False)
    # Named ones become ids, in order, each once.
    assert created['share_types'] == [types['silver'], types['gold']]
    assert created['group_specs'] == {'consistent_snapshot_support': 'pool'}
    assert created['is_public'] is False
    assert created['name'] == 'grp'
    shown = api.get('/share-group-types/%s' % created['id'], version=V,
                    status=200).json['share_group_type']
    assert shown == created


# (body of share_group_type, status, words of the message)
CREATE_CASES = [
    ({'share_types': ['gold']}, 400, "'name' is a required property"),
    ({'name': None, 'share_types': ['gold']}, 400, 'name'),
    ({'name': '', 'share_types': ['gold']}, 400, 'name'),
    ({'name': 'x' * 256, 'share_types': ['gold']}, 400, 'name'),
    ({'name': 'g'}, 400, "'share_types' is a required property"),
    ({'name': 'g', 'share_types': []}, 400, 'share_types'),
    ({'name': 'g', 'share_types': 'gold'}, 400, 'share_types'),
    ({'name': 'g', 'share_types': ['nope']}, 404,
     'Share type nope could not be found'),
    ({'name': 'g', 'share_types': ['gold'], 'group_specs': 'x'}, 400,
     'group_specs'),
    ({'name': 'g', 'share_types': ['gold'], 'group_specs': {'k': 1}}, 400,
     'group_specs'),
    ({'name': 'g', 'share_types': ['gold'], 'group_specs': {'k': True}},
     400, 'group_specs'),
    ({'name': 'g', 'share_types': ['gold'], 'is_public': 'maybe'}, 400,
     'is_public'),
]


@pytest.mark.parametrize('data,status,words', CREATE_CASES)
def test_create_rejects(api, types, database, data, status, words):
    resp = api.post('/share-group-types', {'share_group_type': data},
                    version=V, status=status)
    assert words in fault(resp)[1]
    assert _count(database, 'share_group_types') == 0


def test_create_without_wrapper_is_400(api, types):
    api.post('/share-group-types', {'name': 'g', 'share_types': ['gold']},
             version=V, status=400)


def test_create_ignores_unknown_keys_and_takes_null_specs(api, types):
    created = _create(api, group_specs=None, cleanup_in_class=True)
    assert created['group_specs'] == {} and created['is_public'] is True


def test_duplicate_name_is_409(api, types):
    _create(api, 'twin')
    resp = _create(api, 'twin', status=409)
    assert 'twin' in fault(resp)[1]


# --- show, list -------------------------------------------------------------

def test_show_by_id_only(api, types):
    created = _create(api, 'named')
    api.get('/share-group-types/named', version=V, status=404)
    api.get('/share-group-types/%s' % created['id'], version=V, status=200)
    # Not a listing in disguise, as in Manila.
    api.get('/share-group-types/detail', version=V, status=404)


def test_private_type_seen_only_with_access(api, types):
    private = _create(api, 'private', is_public=False)
    public = _create(api, 'public')
    path = '/share-group-types/%s' % private['id']

    def listed(role='member', project=None, query=''):
        body = api.get('/share-group-types' + query, version=V, role=role,
                       project=project, status=200).json
        return sorted(t['name'] for t in body['share_group_types'])

    api.get(path, version=V, role='member', status=404)
    assert listed() == ['public']
    # A member asking for every type still sees only what it may.
    assert listed(query='?is_public=all') == ['public']
    api.post(path + '/action', {'addProjectAccess': {'project': PROJECT}},
             version=V, status=202)
    api.get(path, version=V, role='member', status=200)
    assert listed() == ['private', 'public']
    assert listed(project=OTHER_PROJECT) == ['public']
    api.get('/share-group-types/%s' % public['id'], version=V,
            role='member', project=OTHER_PROJECT, status=200)


# (admin's is_public filter, names listed or status)
IS_PUBLIC_CASES = [
    (None, ['public']),
    ('true', ['public']),
    ('all', ['private', 'public']),
    ('ALL', ['private', 'public']),
    ('false', ['private']),
    ('bogus', 400),
]


@pytest.mark.parametrize('value,expected', IS_PUBLIC_CASES)
def test_admin_is_public_filter(api, types, value, expected):
    _create(api, 'private', is_public=False)
    _create(api, 'public')
    query = '' if value is None else '?is_public=%s' % value
    resp = api.get('/share-group-types' + query, version=V)
    if expected == 400:
        assert resp.status_int == 400
        assert 'Invalid is_public filter' in fault(resp)[1]
    else:
        assert sorted(t['name'] for t in
                      resp.json['share_group_types']) == expected


# (version, group_specs filter, names listed or status)
SPEC_FILTER_CASES = [
    ('2.65', "{'a': 'x'}", 400),
    ('2.66', "{'a': 'x'}", ['ax', 'axby']),
    ('2.66', '{"a": "x", "b": "y"}', ['axby']),
    ('2.66', "{'a': 'z'}", []),
    ('2.66', 'not-a-dict', 400),
]


@pytest.mark.parametrize('version,value,expected', SPEC_FILTER_CASES)
def test_group_specs_filter(api, types, version, value, expected):
    _create(api, 'ax', group_specs={'a': 'x'})
    _create(api, 'axby', group_specs={'a': 'x', 'b': 'y'})
    _create(api, 'plain')
    resp = api.get('/share-group-types?group_specs=%s' % value,
                   version=version)
    if expected == 400:
        assert resp.status_int == 400
    else:
        assert sorted(t['name'] for t in
                      resp.json['share_group_types']) == expected


# --- delete -----------------------------------------------------------------

def test_delete_removes_every_row(api, types, database):
    created = _create(api, is_public=False, group_specs={'k': 'v'})
    path = '/share-group-types/%s' % created['id']
    api.post(path + '/action', {'addProjectAccess': {'project': PROJECT}},
             version=V, status=202)
    resp = api.delete(path, version=V, status=204)
    assert resp.body == b''
    api.get(path, version=V, status=404)
    api.delete(path, version=V, status=404)
    assert [_count(database, t) for t in GROUP_TABLES] == [0, 0, 0, 0]


def test_share_type_in_a_group_type_cannot_be_deleted(api, types):
    created = _create(api, share_types=['gold'])
    resp = api.delete('/types/%s' % types['gold'], version=V, status=400)
    assert 'in use' in fault(resp)[1]
    api.delete('/types/%s' % types['silver'], version=V, status=202)
    api.delete('/share-group-types/%s' % created['id'], version=V,
               status=204)
    api.delete('/types/%s' % types['gold'], version=V, status=202)


# --- group specs -------------------------------------------------------------

def test_group_specs_lifecycle(api, types):
    created = _create(api, group_specs={'key1': 'value1', 'key2': 'value2'})
    specs = '/share-group-types/%s/group-specs' % created['id']
    assert api.get(specs, version=V, status=200).json == {
        'group_specs': {'key1': 'value1', 'key2': 'value2'}}
    assert api.get(specs + '/key1', version=V, status=200).json == {
        'key1': 'value1'}
    assert api.put(specs + '/key1', {'key1': 'value3'}, version=V,
                   status=200).json == {'key1': 'value3'}
    # POST adds and changes; what it does not name stays.
    body = {'group_specs': {'key2': 'value4', 'flag': True}}
    assert api.post(specs, body, version=V, status=200).json == body
    shown = api.get('/share-group-types/%s' % created['id'], version=V,
                    status=200).json['share_group_type']
    assert shown['group_specs'] == {'key1': 'value3', 'key2': 'value4',
                                    'flag': 'True'}
    assert api.delete(specs + '/key1', version=V, status=204).body == b''
    api.get(specs + '/key1', version=V, status=404)
    api.delete(specs + '/key1', version=V, status=404)
    assert api.get(specs, version=V, status=200).json == {
        'group_specs': {'key2': 'value4', 'flag': 'True'}}


# (method, path under the type's group-specs, body, status)
SPEC_ERROR_CASES = [
    ('POST', '', {'group_specs': 'x'}, 400),
    ('POST', '', {'specs': {'k': 'v'}}, 400),
    ('POST', '', {'group_specs': {'bad key': 'v'}}, 400),
    ('POST', '', {'group_specs': {'k': ''}}, 400),
    ('POST', '', {'group_specs': {'k': 'v' * 256}}, 400),
    ('POST', '', {'group_specs': {'k': {'nested': 'v'}}}, 400),
    ('POST', '', {'group_specs': {'k': 7}}, 400),
    ('PUT', '/key1', {'other': 'v'}, 400),
    ('PUT', '/key1', {'key1': 'v', 'other': 'v'}, 400),
    ('PUT', '/key1', {}, 400),
    ('PUT', '/key1', {'key1': ''}, 400),
    ('GET', '/missing', None, 404),
    ('DELETE', '/missing', None, 404),
]


@pytest.mark.parametrize('method,path,body,status', SPEC_ERROR_CASES)
def test_group_spec_errors(api, types, method, path, body, status):
    created = _create(api, group_specs={'key1': 'value1'})
    specs = '/share-group-types/%s/group-specs' % created['id']
    api.request(method, specs + path, body=body, version=V, status=status)
    assert api.get(specs, version=V).json == {
        'group_specs': {'key1': 'value1'}}


@pytest.mark.parametrize('method,path,body', [
    ('GET', '', None),
    ('POST', '', {'group_specs': {'k': 'v'}}),
    ('GET', '/k', None),
    ('PUT', '/k', {'k': 'v'}),
    ('DELETE', '/k', None),
])
def test_group_specs_of_unknown_type_are_404(api, method, path, body):
    api.request(method, '/share-group-types/nope/group-specs' + path,
                body=body, version=V, status=404)


# --- project access ----------------------------------------------------------

def test_access_lifecycle(api, types, admin_ctx):
    created = _create(api, is_public=False)
    path = '/share-group-types/%s' % created['id']
    assert api.get(path + '/access', version=V, status=200).json == {
        'share_group_type_access': []}
    api.post(path + '/action', {'addProjectAccess': {'project': PROJECT}},
             version=V, status=202)
    resp = api.post(path + '/action',
                    {'addProjectAccess': {'project': PROJECT}},
                    version=V, status=409)
    assert PROJECT in fault(resp)[1]
    assert api.get(path + '/access', version=V, status=200).json == {
        'share_group_type_access': [
            {'share_group_type_id': created['id'], 'project_id': PROJECT}]}
    api.post(path + '/action', {'removeProjectAccess': {'project': PROJECT}},
             version=V, status=202)
    api.post(path + '/action', {'removeProjectAccess': {'project': PROJECT}},
             version=V, status=404)
    assert group_type_db.projects(admin_ctx, created['id']) == []


# (public type?, body of POST .../action, status)
ACTION_CASES = [
    (True, {'addProjectAccess': {'project': PROJECT}}, 409),
    (True, {'removeProjectAccess': {'project': PROJECT}}, 409),
    (False, {'addProjectAccess': {'project': 'not-a-uuid'}}, 400),
    (False, {'addProjectAccess': {}}, 400),
    (False, {'addProjectAccess': 'x'}, 400),
    # An action nobody serves, as every resource answers it here.
    (False, {'dance': {}}, 404),
    (False, {'addProjectAccess': {'project': PROJECT},
             'removeProjectAccess': {'project': PROJECT}}, 400),
    (False, {}, 400),
]


@pytest.mark.parametrize('public,body,status', ACTION_CASES)
def test_action_errors(api, types, public, body, status):
    created = _create(api, is_public=public)
    api.post('/share-group-types/%s/action' % created['id'], body,
             version=V, status=status)


@pytest.mark.parametrize('action', ['addProjectAccess',
                                    'removeProjectAccess'])
def test_action_on_unknown_type_is_404(api, action):
    api.post('/share-group-types/nope/action',
             {action: {'project': PROJECT}}, version=V, status=404)


def test_access_list_of_public_or_unknown_type_is_404(api, types):
    created = _create(api)
    api.get('/share-group-types/%s/access' % created['id'], version=V,
            status=404)
    api.get('/share-group-types/nope/access', version=V, status=404)


# --- policy -----------------------------------------------------------------

# (method, path with {id}, body, member's status): readers may list and
# show; the rest is for administrators, as Manila's defaults.
MEMBER_CASES = [
    ('GET', '/share-group-types', None, 200),
    ('GET', '/share-group-types/{id}', None, 200),
    ('POST', '/share-group-types',
     {'share_group_type': {'name': 'm', 'share_types': ['gold']}}, 403),
    ('DELETE', '/share-group-types/{id}', None, 403),
    ('GET', '/share-group-types/{id}/group-specs', None, 403),
    ('GET', '/share-group-types/{id}/group-specs/key', None, 403),
    ('POST', '/share-group-types/{id}/group-specs',
     {'group_specs': {'k': 'v'}}, 403),
    ('PUT', '/share-group-types/{id}/group-specs/key', {'key': 'v'}, 403),
    ('DELETE', '/share-group-types/{id}/group-specs/key', None, 403),
    ('GET', '/share-group-types/{id}/access', None, 403),
    ('POST', '/share-group-types/{id}/action',
     {'addProjectAccess': {'project': PROJECT}}, 403),
]


@pytest.mark.parametrize('method,path,body,status', MEMBER_CASES)
def test_member_permissions(api, types, method, path, body, status):
    created = _create(api, group_specs={'key': 'value'})
    api.request(method, path.format(id=created['id']), body=body, version=V,
                role='member', status=status)
