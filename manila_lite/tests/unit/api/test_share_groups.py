"""Share groups through the API (2.31+, experimental before 2.55): create
with its checks, views by microversion, list, update, delete, admin
actions, policy and quota. The unit scheduler places groups; a real share
manager on the fake driver finishes them where a test needs it.
"""


import pytest
import sqlalchemy as sa

from manila_lite.api import microversion
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import services as service_db
from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_groups as group_db
from manila_lite.db import share_types as type_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_placed

V = '2.55'
EXPERIMENTAL = {microversion.EXPERIMENTAL_HEADER: 'True'}
DHSS_FALSE = {'driver_handles_share_servers': 'False'}
UNKNOWN = '11111111-2222-3333-4444-555555555555'


@pytest.fixture
def setup(admin_ctx, scheduler):
    """Share types gold and silver, group type 'grp' holding both, and
    zone 'nova' (the unit pools' zone) known as a service's."""
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    gold = type_db.create(admin_ctx, 'gold', DHSS_FALSE)
    silver = type_db.create(admin_ctx, 'silver', DHSS_FALSE)
    group_type_id = group_type_db.create(admin_ctx, 'grp',
                                         [gold.id, silver.id])
    return {'gold': gold.id, 'silver': silver.id, 'group_type': group_type_id}


def _create(api, fields, status=202, version=V, role='member', **kwargs):
    return api.post('/share-groups', {'share_group': fields},
                    version=version, role=role, status=status, **kwargs)


def wait_group(ctx, group_id, timeout=10):
    """The group once the scheduler has placed it or given up."""
    return wait_placed(group_db.get, ctx, group_id, timeout)


def _usage(project):
    usage = quotas.usages(ml_context.get_admin_context(), project)
    return usage['share_groups']['in_use']


# --- microversions ----------------------------------------------------------

# (version, experimental header sent, status of GET /share-groups)
GATING_CASES = [
    ('2.30', True, 404),
    ('2.31', False, 404),
    ('2.31', True, 200),
    ('2.54', False, 404),
    ('2.54', True, 200),
    ('2.55', False, 200),
]


@pytest.mark.parametrize('version,experimental,status', GATING_CASES)
def test_experimental_until_2_55(api, setup, version, experimental, status):
    headers = EXPERIMENTAL if experimental else {}
    api.get('/share-groups', version=version, headers=headers,
            status=status)
    api.get('/share-groups/detail', version=version, headers=headers,
            status=status)
    _create(api, {'share_group_type_id': setup['group_type'],
                  'share_types': [setup['gold']]}, version=version,
            headers=headers, status=202 if status == 200 else 404)


# (version, fields the detail view must have, fields it must not have)
VIEW_CASES = [
    ('2.31', set(), {'availability_zone', 'consistent_snapshot_support'}),
    ('2.34', {'availability_zone', 'consistent_snapshot_support'}, set()),
    (V, {'availability_zone', 'consistent_snapshot_support'}, set()),
]
BASE_FIELDS = {'id', 'name', 'created_at', 'status', 'description',
               'project_id', 'host', 'share_group_type_id',
               'source_share_group_snapshot_id', 'share_network_id',
               'share_types', 'links'}


@pytest.mark.parametrize('version,present,absent', VIEW_CASES)
def test_detail_view_by_microversion(api, setup, version, present, absent):
    group = _create(api, {'name': 'g1', 'share_group_type_id':
                          setup['group_type'],
                          'share_types': [setup['gold']]},
                    version=version, headers=EXPERIMENTAL).json[
        'share_group']
    assert BASE_FIELDS | present <= set(group)
    assert not absent & set(group)
    # share_server_id is for administrators only.
    assert 'share_server_id' not in group
    admin_view = api.get('/share-groups/%s' % group['id'], version=version,
                         headers=EXPERIMENTAL, status=200).json[
        'share_group']
    assert 'share_server_id' in admin_view
    assert group['status'] == states.CREATING
    assert group['share_types'] == [setup['gold']]
    summary = api.get('/share-groups', version=version, role='member',
                      headers=EXPERIMENTAL, status=200).json[
        'share_groups']
    assert [set(g) for g in summary] == [{'id', 'name', 'links'}]


# --- create -----------------------------------------------------------------

def _fields(setup, case):
    """Body fields of a create case, names replaced by ids."""
    fields = {}
    for key, value in case.items():
        if key == 'share_types':
            value = [setup.get(name, name) for name in value]
        elif key == 'share_group_type_id':
            value = setup.get(value, value)
        fields[key] = value
    return fields


# (body fields, status, words in the message)
CREATE_CASES = [
    ({'share_group_type_id': 'group_type', 'share_types': ['gold']}, 202,
     None),
    ({'share_group_type_id': 'group_type',
      'share_types': ['gold', 'silver']}, 202, None),
    # No share types and no default share type: 400, as in Manila.
    ({'share_group_type_id': 'group_type'}, 400, 'default share type'),
    ({'share_group_type_id': 'group_type', 'share_types': [UNKNOWN]}, 400,
     'could not be found'),
    ({'share_group_type_id': 'group_type', 'share_types': ['not-a-uuid']},
     400, 'share_types'),
    ({'share_group_type_id': UNKNOWN, 'share_types': ['gold']}, 400,
     'does not exist'),
    ({'share_types': ['gold']}, 400, 'default share group type'),
    ({'share_group_type_id': 'group_type', 'share_types': ['bronze']}, 400,
     'subset'),
    ({'share_group_type_id': 'group_type', 'share_types': ['gold'],
      'availability_zone': 'nowhere'}, 404, 'nowhere'),
    ({'share_group_type_id': 'group_type', 'share_types': ['gold'],
      'share_network_id': UNKNOWN}, 400, 'share_network_id'),
    ({'share_group_type_id': 'group_type', 'share_types': ['gold'],
      'source_share_group_snapshot_id': UNKNOWN}, 400, 'not served'),
    ({'share_group_type_id': 'group_type', 'share_types': ['gold'],
      'bogus': 1}, 400, 'bogus'),
]


@pytest.mark.parametrize('case,status,words', CREATE_CASES)
def test_create_checks(api, admin_ctx, setup, case, status, words):
    setup['bronze'] = type_db.create(admin_ctx, 'bronze', DHSS_FALSE).id
    resp = _create(api, _fields(setup, case), status=status)
    if words:
        assert words in fault(resp)[1]
        assert _usage(PROJECT) == 0
    else:
        assert _usage(PROJECT) == 1


def test_defaults_from_configuration(api, setup):
    conf.CONF.set_override('default_share_group_type', 'grp')
    conf.CONF.set_override('default_share_type', 'silver')
    group = _create(api, {}).json['share_group']
    assert group['share_group_type_id'] == setup['group_type']
    assert group['share_types'] == [setup['silver']]


# (zones of gold's availability_zones spec, zone asked, status)
ZONE_CASES = [
    (None, 'nova', 202),
    ('nova, az2', 'nova', 202),
    ('az2', 'nova', 400),
    ('az2', None, 202),
]


@pytest.mark.parametrize('zones,asked,status', ZONE_CASES)
def test_share_type_zones_bind_the_group(api, admin_ctx, setup, zones,
                                         asked, status):
    if zones:
        type_db.set_extra_specs(admin_ctx, setup['gold'],
                                {'availability_zones': zones})
    fields = {'share_group_type_id': setup['group_type'],
              'share_types': [setup['gold']]}
    if asked:
        fields['availability_zone'] = asked
    resp = _create(api, fields, status=status)
    if status != 202:
        assert 'not allowed' in fault(resp)[1]
        return
    group = wait_group(admin_ctx, resp.json['share_group']['id'])
    if zones and 'nova' not in zones:
        # No pool in the type's zones: no valid host.
        assert (group.status, group.host) == (states.ERROR, None)
    else:
        assert group.host == 'hostA@alpha'
        assert group.availability_zone == 'nova'


def test_scheduler_picks_a_backend_for_every_type(api, admin_ctx, setup):
    """gold wants backend ALPHA; a type wanting BETA as well leaves no
    backend for both."""
    type_db.set_extra_specs(admin_ctx, setup['gold'],
                            {'share_backend_name': 'ALPHA'})
    type_db.set_extra_specs(admin_ctx, setup['silver'],
                            {'share_backend_name': 'BETA'})
    one = _create(api, {'share_group_type_id': setup['group_type'],
                        'share_types': [setup['gold']]}).json['share_group']
    both = _create(api, {'share_group_type_id': setup['group_type'],
                         'share_types': [setup['gold'], setup['silver']]}
                   ).json['share_group']
    assert wait_group(admin_ctx, one['id']).host == 'hostA@alpha'
    group = wait_group(admin_ctx, both['id'])
    assert (group.status, group.host) == (states.ERROR, None)


def test_quota_limits_groups(api, admin_ctx, setup):
    quotas.set_limits(admin_ctx, PROJECT, {'share_groups': 1})
    fields = {'share_group_type_id': setup['group_type'],
              'share_types': [setup['gold']]}
    _create(api, fields)
    _create(api, fields, status=413)


def test_share_create_in_a_group_is_refused(api, setup):
    conf.CONF.set_override('default_share_type', 'gold')
    body = {'share': {'share_proto': 'NFS', 'size': 1,
                      'share_group_id': UNKNOWN}}
    resp = api.post('/shares', body, version=V, role='member', status=400)
    assert 'share groups are not served' in fault(resp)[1]


def test_group_type_in_use_cannot_be_deleted(api, setup):
    _create(api, {'share_group_type_id': setup['group_type'],
                  'share_types': [setup['gold']]})
    api.delete('/share-group-types/%s' % setup['group_type'], version=V,
               status=400)


# --- list, show, update -----------------------------------------------------

def test_list_filters_and_projects(api, admin_ctx, setup):
    fields = {'share_group_type_id': setup['group_type'],
              'share_types': [setup['gold']]}
    mine = _create(api, dict(fields, name='mine')).json['share_group']
    _create(api, dict(fields, name='admins'), role='admin')

    def names(path, role='member'):
        return sorted(g['name'] for g in api.get(
            path, version=V, role=role, status=200).json['share_groups'])
    assert names('/share-groups') == ['mine']
    assert names('/share-groups/detail?name=mine') == ['mine']
    assert names('/share-groups?name~=in') == ['mine']
    assert names('/share-groups?status=available') == []
    assert names('/share-groups?group_type_id=%s'
                 % setup['group_type']) == ['mine']
    assert names('/share-groups?all_tenants=1', role='admin') == [
        'admins', 'mine']
    # Another project's group is not found.
    api.get('/share-groups/%s' % mine['id'], version=V, role='member',
            project='c0000000000000000000000000000002', status=404)


UPDATE_CASES = [
    ({'name': 'new', 'description': 'd'}, 200),
    ({'name': None}, 200),
    ({'status': 'available'}, 400),
    ({'share_types': []}, 400),
]


@pytest.mark.parametrize('fields,status', UPDATE_CASES)
def test_update_name_and_description_only(api, setup, fields, status):
    group = _create(api, {'share_group_type_id': setup['group_type'],
                          'share_types': [setup['gold']]}).json[
        'share_group']
    resp = api.put('/share-groups/%s' % group['id'],
                   {'share_group': fields}, version=V, role='member',
                   status=status)
    if status == 200:
        view = resp.json['share_group']
        for key, value in fields.items():
            assert view[key] == value


# --- delete and admin actions -----------------------------------------------

def _placed(api, admin_ctx, setup, status):
    group = _create(api, {'share_group_type_id': setup['group_type'],
                          'share_types': [setup['gold']]}).json[
        'share_group']
    assert wait_group(admin_ctx, group['id']).host
    group_db.set_status(admin_ctx, group['id'], status)
    return group['id']


# (status of a placed group, DELETE status, status after)
DELETE_CASES = [
    (states.AVAILABLE, 202, states.DELETING),
    (states.ERROR, 202, states.DELETING),
    (states.CREATING, 409, states.CREATING),
    (states.DELETING, 409, states.DELETING),
]


@pytest.mark.parametrize('status,answer,after', DELETE_CASES)
def test_delete_by_status(api, admin_ctx, setup, status, answer, after):
    group_id = _placed(api, admin_ctx, setup, status)
    api.delete('/share-groups/%s' % group_id, version=V, role='member',
               status=answer)
    assert group_db.get(admin_ctx, group_id).status == after


def test_delete_of_unplaced_group_is_immediate(api, admin_ctx, setup):
    type_db.set_extra_specs(admin_ctx, setup['gold'],
                            {'share_backend_name': 'NONE'})
    group = _create(api, {'share_group_type_id': setup['group_type'],
                          'share_types': [setup['gold']]}).json[
        'share_group']
    assert wait_group(admin_ctx, group['id']).status == states.ERROR
    assert _usage(PROJECT) == 1
    api.delete('/share-groups/%s' % group['id'], version=V, role='member',
               status=202)
    api.get('/share-groups/%s' % group['id'], version=V, status=404)
    assert _usage(PROJECT) == 0


# (action body, role, status)
ACTION_CASES = [
    ({'reset_status': {'status': 'error'}}, 'admin', 202),
    ({'reset_status': {'status': 'bogus'}}, 'admin', 400),
    ({'reset_status': {}}, 'admin', 400),
    ({'reset_status': {'status': 'error'}}, 'member', 403),
    ({'force_delete': None}, 'admin', 202),
    ({'force_delete': None}, 'member', 403),
    ({'unknown_action': None}, 'admin', 404),
]


@pytest.mark.parametrize('body,role,status', ACTION_CASES)
def test_admin_actions(api, admin_ctx, setup, body, role, status):
    group_id = _placed(api, admin_ctx, setup, states.CREATING)
    api.post('/share-groups/%s/action' % group_id, body, version=V,
             role=role, status=status)
    if status != 202:
        assert group_db.get(admin_ctx, group_id).status == states.CREATING
    elif 'reset_status' in body:
        assert group_db.get(admin_ctx, group_id).status == states.ERROR
    else:
        api.get('/share-groups/%s' % group_id, version=V, status=404)
        assert _usage(PROJECT) == 0


# Manila's list, written out: a test that read states.py would agree with
# any change made to it.
@pytest.mark.parametrize('status,code', [
    ('available', 202), ('error', 202), ('creating', 202),
    ('deleting', 202), ('error_deleting', 202), ('deleted', 400),
])
def test_reset_status_takes_manila_list(api, admin_ctx, setup, status,
                                        code):
    group_id = _placed(api, admin_ctx, setup, states.ERROR)
    api.post('/share-groups/%s/action' % group_id,
             {'reset_status': {'status': status}}, version=V,
             status=code)
    assert group_db.get(admin_ctx, group_id).status == (
        status if code == 202 else states.ERROR)


def test_admin_actions_are_checked_before_lookup(api, setup):
    """A member learns nothing of whether an id exists."""
    for body in ({'force_delete': None},
                 {'reset_status': {'status': 'error'}}):
        api.post('/share-groups/%s/action' % UNKNOWN, body, version=V,
                 role='member', status=403)
        api.post('/share-groups/%s/action' % UNKNOWN, body, version=V,
                 role='admin', status=404)


def test_mappings_go_with_the_group(api, admin_ctx, database, setup):
    group_id = _placed(api, admin_ctx, setup, states.AVAILABLE)
    api.post('/share-groups/%s/action' % group_id, {'force_delete': None},
             version=V, status=202)
    with database.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(
            models.ShareGroupShareTypeMapping.__table__)) == 0
