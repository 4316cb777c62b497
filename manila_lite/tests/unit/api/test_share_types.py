"""Share types, their extra specs and project access, through the API."""

import pytest

from manila_lite import conf
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

DHSS_FALSE = {'driver_handles_share_servers': 'False'}


def _type(ctx, name='gold', specs=None, is_public=True, description=None,
          projects=()):
    specs = dict(DHSS_FALSE if specs is None else specs)
    return type_db.create(ctx, name, specs, is_public=is_public,
                          description=description, projects=projects)


def _create_body(name='gold', **extra):
    body = {'name': name, 'extra_specs': dict(DHSS_FALSE)}
    body.update(extra)
    return {'share_type': body}


# --- views per microversion -------------------------------------------------

# (version, keys present, keys absent) of a share type seen by an admin.
VIEW_CASES = [
    ('2.0', {'os-share-type-access:is_public'},
     {'share_type_access:is_public', 'description', 'is_default'}),
    ('2.6', {'os-share-type-access:is_public'},
     {'share_type_access:is_public'}),
    ('2.7', {'share_type_access:is_public'},
     {'os-share-type-access:is_public', 'description'}),
    ('2.40', set(), {'description'}),
    ('2.41', {'description'}, {'is_default'}),
    ('2.45', {'description'}, {'is_default'}),
    ('2.46', {'description', 'is_default'}, set()),
    ('2.64', {'share_type_access:is_public', 'description', 'is_default'},
     {'os-share-type-access:is_public'}),
]


@pytest.mark.parametrize('version,present,absent', VIEW_CASES)
def test_show_fields_by_version(api, admin_ctx, version, present, absent):
    share_type = _type(admin_ctx, description='fast')
    resp = api.get('/types/%s' % share_type.id, version=version, status=200)
    assert resp.json['share_type'] == resp.json['volume_type']
    view = resp.json['share_type']
    base = {'id', 'name', 'extra_specs', 'required_extra_specs'}
    assert base | present <= set(view)
    assert not absent & set(view)
    assert view['required_extra_specs'] == DHSS_FALSE


@pytest.mark.parametrize('version', ['2.0', '2.7', '2.64'])
def test_list_returns_share_and_volume_types(api, admin_ctx, version):
    _type(admin_ctx, 'a')
    _type(admin_ctx, 'b')
    body = api.get('/types', version=version, status=200).json
    assert [t['name'] for t in body['share_types']] == ['a', 'b']
    assert body['share_types'] == body['volume_types']


def test_is_default_follows_config(api, admin_ctx):
    conf.CONF.set_override('default_share_type', 'gold')
    _type(admin_ctx, 'gold')
    _type(admin_ctx, 'silver')
    types = api.get('/types', version='2.46', status=200).json['share_types']
    assert {t['name']: t['is_default'] for t in types} == {
        'gold': True, 'silver': False}
    default = api.get('/types/default', version='2.46', status=200).json
    assert default['share_type']['name'] == 'gold'


def test_default_404_when_not_configured(api):
    resp = api.get('/types/default', status=404)
    assert fault(resp) == ('itemNotFound', 'Default share type not found')


# Extra specs a member sees: only user-visible ones, and from 2.24 the
# optional booleans inferred as False.
MEMBER_SPEC_CASES = [
    ('2.23', {'driver_handles_share_servers': 'False',
              'snapshot_support': 'True'}),
    ('2.24', {'driver_handles_share_servers': 'False',
              'snapshot_support': 'True',
              'create_share_from_snapshot_support': False,
              'revert_to_snapshot_support': False,
              'mount_snapshot_support': False}),
]


@pytest.mark.parametrize('version,expected', MEMBER_SPEC_CASES)
def test_member_sees_user_visible_specs(api, admin_ctx, version, expected):
    specs = dict(DHSS_FALSE, snapshot_support='True',
                 vendor_secret='x', **{'capabilities:dedupe': '<is> True'})
    share_type = _type(admin_ctx, specs=specs)
    view = api.get('/types/%s' % share_type.id, version=version,
                   role='member', status=200).json['share_type']
    assert view['extra_specs'] == expected
    assert view['required_extra_specs'] == DHSS_FALSE
    admin_view = api.get('/types/%s' % share_type.id, version=version,
                         status=200).json['share_type']
    assert admin_view['extra_specs'] == specs


def test_show_by_name_and_unknown(api, admin_ctx):
    share_type = _type(admin_ctx)
    assert api.get('/types/gold', status=200).json['share_type']['id'] == \
        share_type.id
    assert fault(api.get('/types/nope', status=404))[0] == 'itemNotFound'


# --- list filters -----------------------------------------------------------

def _names(resp):
    return sorted(t['name'] for t in resp.json['share_types'])


LIST_CASES = [
    # (query, role, expected names)
    ('', 'admin', ['private-mine', 'public']),
    ('?is_public=true', 'admin', ['private-mine', 'public']),
    ('?is_public=false', 'admin', ['private-mine', 'private-other']),
    ('?is_public=all', 'admin', ['private-mine', 'private-other', 'public']),
    ('', 'member', ['private-shared', 'public']),
    # Members cannot widen the list.
    ('?is_public=all', 'member', ['private-shared', 'public']),
]


@pytest.mark.parametrize('query,role,expected', LIST_CASES)
def test_list_is_public_filter(api, admin_ctx, query, role, expected):
    _type(admin_ctx, 'public')
    _type(admin_ctx, 'private-mine', is_public=False,
          projects=[ADMIN_PROJECT])
    _type(admin_ctx, 'private-other', is_public=False,
          projects=[OTHER_PROJECT])
    if role == 'member':
        type_db.update(admin_ctx, type_db.get_by_name(
            admin_ctx, 'private-other').id, {'name': 'private-shared'})
        type_db.add_project(admin_ctx, type_db.get_by_name(
            admin_ctx, 'private-shared').id, PROJECT)
    assert _names(api.get('/types' + query, role=role, status=200)) == \
        expected


def test_list_bad_is_public(api):
    assert fault(api.get('/types?is_public=maybe', status=400))[1] == \
        'Invalid is_public filter [maybe]'


EXTRA_SPECS_FILTER_CASES = [
    ('2.42', 400, None),
    ('2.43', 200, ['fast']),
]


@pytest.mark.parametrize('version,status,expected', EXTRA_SPECS_FILTER_CASES)
def test_list_extra_specs_filter(api, admin_ctx, version, status, expected):
    _type(admin_ctx, 'fast', specs=dict(DHSS_FALSE, speed='fast'))
    _type(admin_ctx, 'slow', specs=dict(DHSS_FALSE, speed='slow'))
    resp = api.get("/types?extra_specs={'speed': 'fast'}", version=version,
                   status=status)
    if expected is not None:
        assert _names(resp) == expected


# --- create -----------------------------------------------------------------

def test_create_returns_200_and_view(api):
    resp = api.post('/types', _create_body(
        description='d', **{'share_type_access:is_public': False}),
        version='2.46', status=200)
    view = resp.json['share_type']
    assert view['name'] == 'gold'
    assert view['share_type_access:is_public'] is False
    assert view['description'] == 'd'
    assert view['is_default'] is False
    assert view['extra_specs'] == DHSS_FALSE


def test_create_with_volume_type_key_and_legacy_flag(api):
    body = {'volume_type': {
        'name': 'old', 'extra_specs': {'driver_handles_share_servers': True},
        'os-share-type-access:is_public': 'false'}}
    view = api.post('/types', body, version='2.0',
                    status=200).json['share_type']
    assert view['os-share-type-access:is_public'] is False
    # Before 2.24 snapshot support was assumed.
    assert view['extra_specs'] == {'driver_handles_share_servers': 'True',
                                   'snapshot_support': 'True'}


def test_create_from_2_24_adds_no_snapshot_support(api):
    view = api.post('/types', _create_body(), version='2.24',
                    status=200).json['share_type']
    assert view['extra_specs'] == DHSS_FALSE


CREATE_ERRORS = [
    # (case, version, body, status)
    ('no envelope', '2.41', {'name': 'x'}, 400),
    ('no name', '2.41', {'share_type': {'extra_specs': DHSS_FALSE}}, 400),
    ('empty name', '2.41', _create_body(''), 400),
    ('long name', '2.41', _create_body('x' * 256), 400),
    ('no dhss', '2.41', {'share_type': {'name': 'x', 'extra_specs': {}}},
     400),
    ('dhss not bool', '2.41', {'share_type': {
        'name': 'x', 'extra_specs': {'driver_handles_share_servers': 'maybe'}
    }}, 400),
    ('snapshot_support not bool', '2.41', {'share_type': {
        'name': 'x', 'extra_specs': dict(DHSS_FALSE, snapshot_support='yes!')
    }}, 400),
    ('bad replication_type', '2.41', {'share_type': {
        'name': 'x', 'extra_specs': dict(DHSS_FALSE, replication_type='sync')
    }}, 400),
    ('bad max size', '2.41', {'share_type': {
        'name': 'x', 'extra_specs': dict(
            DHSS_FALSE, **{'provisioning:max_share_size': '0'})}}, 400),
    ('description before 2.41', '2.40', _create_body(description='d'), 400),
    ('long description', '2.41', _create_body(description='d' * 256), 400),
    ('bad is_public', '2.41',
     _create_body(**{'share_type_access:is_public': 'perhaps'}), 400),
]


@pytest.mark.parametrize('case,version,body,status', CREATE_ERRORS,
                         ids=[c[0] for c in CREATE_ERRORS])
def test_create_errors(api, case, version, body, status):
    resp = api.post('/types', body, version=version, status=status)
    assert fault(resp)[0] == 'badRequest'


def test_create_duplicate_409(api, admin_ctx):
    _type(admin_ctx)
    resp = api.post('/types', _create_body(), status=409)
    assert fault(resp)[0] == 'conflictingRequest'


def test_create_as_member_403(api):
    resp = api.post('/types', _create_body(), role='member', status=403)
    assert fault(resp)[0] == 'forbidden'


def test_create_sanitizes_availability_zones(api):
    body = _create_body(extra_specs=dict(DHSS_FALSE,
                                         availability_zones='az1, az2'))
    view = api.post('/types', body, status=200).json['share_type']
    assert view['extra_specs']['availability_zones'] == 'az1,az2'


# --- update (2.50+) ---------------------------------------------------------

UPDATE_CASES = [
    # (case, version, body, status, expected view subset)
    ('before 2.50', '2.49', {'share_type': {'name': 'new'}}, 404, None),
    ('rename', '2.50', {'share_type': {'name': 'new'}}, 200,
     {'name': 'new', 'description': 'old description'}),
    ('clear description', '2.50', {'share_type': {'description': ''}}, 200,
     {'name': 'gold', 'description': None}),
    ('make private', '2.50',
     {'share_type': {'share_type_access:is_public': False}}, 200,
     {'share_type_access:is_public': False}),
    ('nothing to update', '2.50', {'share_type': {}}, 400, None),
    ('empty name', '2.50', {'share_type': {'name': '  '}}, 400, None),
    ('bad is_public', '2.50',
     {'share_type': {'share_type_access:is_public': 'x'}}, 400, None),
    ('duplicate name', '2.50', {'share_type': {'name': 'silver'}}, 409,
     None),
]


@pytest.mark.parametrize('case,version,body,status,expected', UPDATE_CASES,
                         ids=[c[0] for c in UPDATE_CASES])
def test_update(api, admin_ctx, case, version, body, status, expected):
    share_type = _type(admin_ctx, description='old description')
    _type(admin_ctx, 'silver')
    resp = api.put('/types/%s' % share_type.id, body, version=version,
                   status=status)
    if expected:
        view = resp.json['share_type']
        assert {k: view[k] for k in expected} == expected


def test_update_unknown_404(api):
    api.put('/types/nope', {'share_type': {'name': 'x'}}, version='2.50',
            status=404)


# --- delete -----------------------------------------------------------------

def test_delete_202_then_404(api, admin_ctx):
    share_type = _type(admin_ctx)
    resp = api.delete('/types/%s' % share_type.id, status=202)
    assert resp.body == b''
    api.get('/types/%s' % share_type.id, status=404)
    api.delete('/types/%s' % share_type.id, status=404)


def test_delete_in_use_is_400_as_manila(api, admin_ctx):
    share_type = _type(admin_ctx)
    share_db.create(admin_ctx, {'project_id': PROJECT, 'size': 1,
                                'share_proto': 'NFS'},
                    {'status': 'available', 'share_type_id': share_type.id})
    resp = api.delete('/types/%s' % share_type.id, status=400)
    assert fault(resp) == ('badRequest', 'Target share type is still in use.')


def test_delete_as_member_403(api, admin_ctx):
    share_type = _type(admin_ctx)
    api.delete('/types/%s' % share_type.id, role='member', status=403)


# --- project access ---------------------------------------------------------

def _action(api, type_id, name, project, **kwargs):
    return api.post('/types/%s/action' % type_id,
                    {name: {'project': project}}, **kwargs)


def test_access_add_list_remove(api, admin_ctx):
    share_type = _type(admin_ctx, is_public=False)
    path = '/types/%s/share_type_access' % share_type.id
    assert api.get(path, status=200).json == {'share_type_access': []}
    _action(api, share_type.id, 'addProjectAccess', PROJECT, status=202)
    expected = {'share_type_access': [
        {'share_type_id': share_type.id, 'project_id': PROJECT}]}
    assert api.get(path, status=200).json == expected
    # The pre-2.7 URL serves the same list.
    assert api.get('/types/%s/os-share-type-access' % share_type.id,
                   version='2.6', status=200).json == expected
    # The project now sees the private type.
    api.get('/types/%s' % share_type.id, role='member', status=200)
    _action(api, share_type.id, 'removeProjectAccess', PROJECT, status=202)
    api.get('/types/%s' % share_type.id, role='member', status=404)


ACCESS_ERRORS = [
    # (case, public type?, action, project, status)
    ('add twice', False, 'addProjectAccess', OTHER_PROJECT, 409),
    ('remove missing', False, 'removeProjectAccess', PROJECT, 404),
    ('public type add', True, 'addProjectAccess', PROJECT, 409),
    ('public type remove', True, 'removeProjectAccess', PROJECT, 409),
    ('project not a uuid', False, 'addProjectAccess', 'not-a-uuid', 400),
    ('unknown action', False, 'grantEverything', PROJECT, 404),
]


@pytest.mark.parametrize('case,public,name,project,status', ACCESS_ERRORS,
                         ids=[c[0] for c in ACCESS_ERRORS])
def test_access_errors(api, admin_ctx, case, public, name, project, status):
    share_type = _type(admin_ctx, is_public=public,
                       projects=() if public else [OTHER_PROJECT])
    _action(api, share_type.id, name, project, status=status)


def test_access_unknown_type_404(api):
    _action(api, 'nope', 'addProjectAccess', PROJECT, status=404)
    api.get('/types/nope/share_type_access', status=404)


def test_access_list_public_type_404(api, admin_ctx):
    share_type = _type(admin_ctx)
    resp = api.get('/types/%s/share_type_access' % share_type.id, status=404)
    assert fault(resp)[1] == \
        'Access list not available for public share types.'


def test_access_as_member_403(api, admin_ctx):
    share_type = _type(admin_ctx, is_public=False, projects=[PROJECT])
    _action(api, share_type.id, 'addProjectAccess', OTHER_PROJECT,
            role='member', status=403)
    api.get('/types/%s/share_type_access' % share_type.id, role='member',
            status=403)


# --- extra specs ------------------------------------------------------------

def test_specs_crud(api, admin_ctx):
    share_type = _type(admin_ctx)
    base = '/types/%s/extra_specs' % share_type.id
    assert api.get(base, status=200).json == {'extra_specs': DHSS_FALSE}
    resp = api.post(base, {'extra_specs': {'snapshot_support': True,
                                           'color': 'blue'}}, status=200)
    assert resp.json == {'extra_specs': {'snapshot_support': 'True',
                                         'color': 'blue'}}
    assert api.get(base + '/color', status=200).json == {'color': 'blue'}
    assert api.put(base + '/color', {'color': 'red'},
                   status=200).json == {'color': 'red'}
    assert api.delete(base + '/color', status=202).body == b''
    api.get(base + '/color', status=404)
    assert api.get(base, status=200).json['extra_specs'] == dict(
        DHSS_FALSE, snapshot_support='True')


SPEC_ERRORS = [
    # (case, method, suffix, body, version, status)
    ('create without envelope', 'POST', '', {'color': 'x'}, '2.0', 400),
    ('create bad boolean', 'POST', '',
     {'extra_specs': {'snapshot_support': 'often'}}, '2.0', 400),
    ('create bad key', 'POST', '', {'extra_specs': {'a b': 'x'}}, '2.0',
     400),
    ('create bad dhss', 'POST', '',
     {'extra_specs': {'driver_handles_share_servers': 'x'}}, '2.0', 400),
    ('update uri mismatch', 'PUT', '/color', {'colour': 'x'}, '2.0', 400),
    ('update two keys', 'PUT', '/color', {'color': 'x', 'b': 'y'}, '2.0',
     400),
    ('update bad boolean', 'PUT', '/mount_snapshot_support',
     {'mount_snapshot_support': 'often'}, '2.0', 400),
    ('delete required', 'DELETE', '/driver_handles_share_servers', None,
     '2.64', 403),
    ('delete snapshot_support before 2.24', 'DELETE', '/snapshot_support',
     None, '2.23', 403),
    ('delete missing', 'DELETE', '/nothing', None, '2.64', 404),
    ('show missing', 'GET', '/nothing', None, '2.64', 404),
]


@pytest.mark.parametrize('case,method,suffix,body,version,status',
                         SPEC_ERRORS, ids=[c[0] for c in SPEC_ERRORS])
def test_specs_errors(api, admin_ctx, case, method, suffix, body, version,
                      status):
    share_type = _type(admin_ctx, specs=dict(DHSS_FALSE,
                                             snapshot_support='True'))
    api.request(method, '/types/%s/extra_specs%s' % (share_type.id, suffix),
                body=body, version=version, status=status)


def test_delete_snapshot_support_from_2_24(api, admin_ctx):
    share_type = _type(admin_ctx, specs=dict(DHSS_FALSE,
                                             snapshot_support='True'))
    api.delete('/types/%s/extra_specs/snapshot_support' % share_type.id,
               version='2.24', status=202)


def test_specs_unknown_type_404(api):
    api.get('/types/nope/extra_specs', status=404)
    api.post('/types/nope/extra_specs', {'extra_specs': {'a': 'b'}},
             status=404)


def test_specs_are_for_administrators(api, admin_ctx):
    # Users see the user-visible specs in the type; the extra specs API
    # is admin-only, reads included, as in Manila.
    share_type = _type(admin_ctx)
    base = '/types/%s/extra_specs' % share_type.id
    api.get(base, role='member', status=403)
    api.get(base + '/driver_handles_share_servers', role='member',
            status=403)
    api.post(base, {'extra_specs': {'a': 'b'}}, role='member', status=403)
    api.put(base + '/a', {'a': 'b'}, role='member', status=403)
    api.delete(base + '/driver_handles_share_servers', role='member',
               status=403)
