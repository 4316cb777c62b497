"""QoS types and their specs (2.94), and shares of types naming one."""

import pytest

from manila_lite import context as ml_context
from manila_lite.db import qos_types as qos_db
from manila_lite.db import shares as share_db
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import wait_scheduled

V = '2.94'
GOLD_SPECS = {'policy_type': 'adaptive', 'peak_iops': '1000'}


def _create(api, name='gold', specs=None, status=200, **extra):
    body = {'qos_type': dict({'name': name, 'specs': specs or {}}, **extra)}
    return api.post('/qos-types', body, version=V, status=status)


def test_lifecycle(api):
    created = _create(api, specs=GOLD_SPECS).json['qos_type']
    assert set(created) == {'id', 'name', 'description', 'specs',
                            'created_at', 'updated_at'}
    assert created['specs'] == GOLD_SPECS
    assert created['description'] is None
    path = '/qos-types/%s' % created['id']
    assert api.get(path, version=V, status=200).json == {
        'qos_type': created}

    updated = api.put(path, {'qos_type': {'description': 'fast'}},
                      version=V, status=200).json['qos_type']
    assert updated['description'] == 'fast'
    assert updated['specs'] == GOLD_SPECS
    assert updated['updated_at'] is not None
    # Keys other than the description are ignored, as by Manila.
    renamed = api.put(path, {'qos_type': {'name': 'other'}}, version=V,
                      status=200).json['qos_type']
    assert (renamed['name'], renamed['description']) == ('gold', 'fast')

    resp = api.delete(path, version=V, status=204)
    assert resp.body == b''
    assert fault(api.get(path, version=V, status=404))[1] == (
        'No QoS Type exists with ID %s.' % created['id'])
    api.delete(path, version=V, status=404)


def test_same_name_is_409(api):
    _create(api, specs=GOLD_SPECS)
    name, message = fault(_create(api, status=409))
    assert 'gold' in message


# (body, status) of POST /qos-types.
CREATE_BODIES = [
    ({}, 422),
    ({'qos_type': 'gold'}, 422),
    ({'qos_types': {'name': 'gold'}}, 422),
    ({'qos_type': {}}, 400),
    ({'qos_type': {'name': ''}}, 400),
    ({'qos_type': {'name': '   '}}, 400),
    ({'qos_type': {'name': 'n' * 256}}, 400),
    ({'qos_type': {'name': 'gold', 'description': 'd' * 256}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': {'k' * 256: 'v'}}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': {'k': 'v' * 1024}}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': {'': 'v'}}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': {'bad key': 'v'}}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': {'k': ''}}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': ['k']}}, 400),
    ({'qos_type': {'name': 'gold', 'specs': None}}, 200),
    ({'qos_type': {'name': 'n' * 255, 'description': 'd' * 255,
                   'specs': {'k' * 255: 'v' * 255}}}, 200),
    ({'qos_type': {'name': 'gold', 'unknown': 1}}, 200),
]


@pytest.mark.parametrize('body,status', CREATE_BODIES)
def test_create_bodies(api, body, status):
    api.post('/qos-types', body, version=V, status=status)
    assert len(qos_db.get_all(_admin())) == (1 if status == 200 else 0)


def _admin():
    return ml_context.get_admin_context()


def test_spec_values_are_kept_as_text(api):
    created = _create(api, specs={'iops': 500, 'burst': True}).json
    assert created['qos_type']['specs'] == {'iops': '500', 'burst': 'True'}


def test_list_filters_and_sorting(api):
    _create(api, 'gold', description='fast')
    _create(api, 'silver', description='slower')
    _create(api, 'bronze')

    def names(query=''):
        resp = api.get('/qos-types' + query, version=V, role='member',
                       status=200)
        return [q['name'] for q in resp.json['qos_types']]

    assert names() == ['bronze', 'silver', 'gold']
    assert names('?sort_key=name&sort_dir=asc') == [
        'bronze', 'gold', 'silver']
    assert names('?name=gold') == ['gold']
    assert names('?name~=L') == ['silver', 'gold']
    assert names('?description~=slow') == ['silver']
    assert names('?description=fast') == ['gold']
    assert names('?sort_key=name&sort_dir=asc&limit=1&offset=1') == ['gold']
    api.get('/qos-types?sort_key=bogus', version=V, status=400)


def test_readers_see_specs_in_the_view(api):
    qos_id = _create(api, specs=GOLD_SPECS).json['qos_type']['id']
    view = api.get('/qos-types/%s' % qos_id, version=V, role='member',
                   status=200).json['qos_type']
    assert view['specs'] == GOLD_SPECS


# --- specs -------------------------------------------------------------------

def test_specs_lifecycle(api):
    qos_id = _create(api, specs={'key1': 'value1'}).json['qos_type']['id']
    specs = '/qos-types/%s/specs' % qos_id
    added = api.post(specs, {'specs': {'key2': 'value2', 'key1': 'new'}},
                     version=V, status=200).json
    assert added == {'specs': {'key2': 'value2', 'key1': 'new'}}
    assert api.get(specs, version=V, status=200).json == {
        'specs': {'key1': 'new', 'key2': 'value2'}}
    assert api.get(specs + '/key2', version=V, status=200).json == {
        'key2': 'value2'}
    assert api.put(specs + '/key2', {'key2': 'v3'}, version=V,
                   status=200).json == {'key2': 'v3'}
    api.delete(specs + '/key1', version=V, status=204)
    assert api.get(specs, version=V, status=200).json == {
        'specs': {'key2': 'v3'}}
    api.get(specs + '/key1', version=V, status=404)
    api.delete(specs + '/key1', version=V, status=404)


# (method, path under the type's specs, body, status) of bad requests.
SPEC_ERRORS = [
    ('POST', '', {}, 400),
    ('POST', '', {'specs': 'k=v'}, 400),
    ('POST', '', {'specs': {'k' * 256: 'v'}}, 400),
    ('POST', '', {'specs': {'k': 'v' * 1024}}, 400),
    ('POST', '', {'specs': {'': 'v'}}, 400),
    ('PUT', '/k', {}, 400),
    ('PUT', '/k', {'other': 'v'}, 400),
    ('PUT', '/k', {'k': 'v', 'other': 'v'}, 400),
    ('PUT', '/k', {'k': 'v' * 1024}, 400),
    ('GET', '/missing', None, 404),
    ('DELETE', '/missing', None, 404),
]


@pytest.mark.parametrize('method,path,body,status', SPEC_ERRORS)
def test_spec_errors(api, method, path, body, status):
    qos_id = _create(api, specs={'k': 'v'}).json['qos_type']['id']
    api.request(method, '/qos-types/%s/specs%s' % (qos_id, path),
                body=body, version=V, status=status)
    assert qos_db.get(_admin(), qos_id).specs == {'k': 'v'}


# Every route naming an unknown QoS type: 404 (body valid where one is
# needed).
UNKNOWN_TYPE = [
    ('GET', '', None), ('PUT', '', {'qos_type': {'description': 'd'}}),
    ('DELETE', '', None), ('GET', '/specs', None),
    ('POST', '/specs', {'specs': {'k': 'v'}}), ('GET', '/specs/k', None),
    ('PUT', '/specs/k', {'k': 'v'}), ('DELETE', '/specs/k', None),
]


@pytest.mark.parametrize('method,path,body', UNKNOWN_TYPE)
def test_unknown_type_is_404(api, method, path, body):
    api.request(method, '/qos-types/fake-qos-type%s' % path, body=body,
                version=V, status=404)


# Every route below 2.94 answers 404.
ROUTES = [
    ('GET', '/qos-types', None), ('POST', '/qos-types', {'qos_type': {
        'name': 'gold'}}),
    ('GET', '/qos-types/{id}', None),
    ('PUT', '/qos-types/{id}', {'qos_type': {'description': 'd'}}),
    ('DELETE', '/qos-types/{id}', None),
    ('GET', '/qos-types/{id}/specs', None),
    ('POST', '/qos-types/{id}/specs', {'specs': {'k': 'v'}}),
    ('GET', '/qos-types/{id}/specs/k', None),
    ('PUT', '/qos-types/{id}/specs/k', {'k': 'v'}),
    ('DELETE', '/qos-types/{id}/specs/k', None),
]


@pytest.mark.parametrize('method,path,body', ROUTES)
def test_not_served_below_2_94(api, method, path, body):
    qos_id = _create(api, specs={'k': 'v'}).json['qos_type']['id']
    api.request(method, path.format(id=qos_id), body=body, version='2.93',
                status=404)
    assert qos_db.get(_admin(), qos_id).specs == {'k': 'v'}


# --- shares of a type naming a QoS type --------------------------------------

def _default_type(admin_ctx, **specs):
    return default_share_type(admin_ctx, **specs)


@pytest.mark.parametrize('version', ['2.0', '2.93', V])
def test_share_of_type_naming_missing_qos_type_is_400(api, admin_ctx,
                                                      version):
    _default_type(admin_ctx, default_qos_type='qos_type_negative_test')
    resp = create_share(api, version, status=400)
    assert 'qos_type_negative_test' in fault(resp)[1]
    assert share_db.get_all(admin_ctx, {'all_tenants': True},
                            ['created_at'], ['desc'])[0] == []


def test_share_records_its_qos_type_which_then_cannot_go(api, admin_ctx,
                                                         scheduler):
    qos_id = _create(api, specs=GOLD_SPECS).json['qos_type']['id']
    _default_type(admin_ctx, default_qos_type='gold')
    share_id = create_share(api, V).json['share']['id']
    # No backend reports QoS: the spec does not keep the share from
    # being placed.
    share = wait_scheduled(admin_ctx, share_id)
    assert share.host and share.status == 'creating'
    assert share.instance.qos_type_id == qos_id
    name, message = fault(api.delete('/qos-types/%s' % qos_id, version=V,
                                     status=400))
    assert 'in use' in message
    share_db.destroy(admin_ctx, share_id)
    api.delete('/qos-types/%s' % qos_id, version=V, status=204)


def test_share_of_type_naming_no_qos_type(api, admin_ctx, scheduler):
    _default_type(admin_ctx)
    share_id = create_share(api, V).json['share']['id']
    assert share_db.get(admin_ctx, share_id).instance.qos_type_id is None


# Empty ids and keys, as the plugin sends them (tempest folds '//' into
# '/'): 404, as Manila answers them.
EMPTY_IDS = [
    ('POST', '/qos-types/specs', {'specs': {'k': 'v'}}),
    ('GET', '/qos-types/specs', None),
    ('PUT', '/qos-types/specs/k', {'k': 'v'}),
    ('DELETE', '/qos-types/specs/k', None),
    ('GET', '/qos-types/{id}/specs/', None),
    ('PUT', '/qos-types/{id}/specs/', {'k': 'v'}),
]


@pytest.mark.parametrize('method,path,body', EMPTY_IDS)
def test_empty_ids_are_404(api, method, path, body):
    qos_id = _create(api, specs={'k': 'v'}).json['qos_type']['id']
    api.request(method, path.format(id=qos_id), body=body, version=V,
                status=404)
    assert qos_db.get(_admin(), qos_id).specs == {'k': 'v'}
