"""Every API action as every persona, through the real WSGI stack.

One row per action (route, method and the rule it enforces); one column per
persona:

* ``admin``  -- ``admin`` (with the implied member and reader) in a project
  of its own;
* ``member`` -- ``member`` and ``reader`` in PROJECT, which owns the
  resources the rows act on;
* ``reader`` -- ``reader`` only in PROJECT;
* ``other``  -- ``member`` and ``reader`` in OTHER_PROJECT.

``ok`` is any 2xx answer. Each case starts from a fresh set of resources
(``world``), so deleting rows do not depend on each other. A route nobody
put in the table fails ``test_every_route_is_in_the_table``: a new API
action comes with its row.
"""

import collections

from oslo_serialization import jsonutils
import pytest

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite import messages
from manila_lite import policies
from manila_lite import policy
from manila_lite.api import router
from manila_lite.db import messages as message_db
from manila_lite.db import services as service_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.tests.unit.api.conftest import ADMIN_PROJECT
from manila_lite.tests.unit.api.conftest import OTHER_PROJECT
from manila_lite.tests.unit.api.conftest import PROJECT

CONF = conf.CONF

# persona -> (user, project, roles)
PERSONAS = {
    'admin': ('admin-user', ADMIN_PROJECT, 'admin,member,reader'),
    'member': ('member-user', PROJECT, 'member,reader'),
    'reader': ('reader-user', PROJECT, 'reader'),
    'other': ('other-user', OTHER_PROJECT, 'member,reader'),
}
ORDER = ('admin', 'member', 'reader', 'other')

Row = collections.namedtuple('Row', 'rule method route path body expect '
                             'version', defaults=('2.64',))

SHARE = '/shares/{share_id}'
TYPE = '/types/{type_id}'
SPEC = '/types/{type_id}/extra_specs/{key}'
SNAP = '/snapshots/{snapshot_id}'
SNAP_INSTANCE = '/snapshot-instances/{instance_id}'

# fmt: rule, method, route (as in router.ROUTES), concrete path, body,
# expected answers for admin member reader other.
TABLE = [
    # shares
    Row('share:create', 'POST', '/shares', '/shares',
        {'share': {'share_proto': 'NFS', 'size': 1}}, 'ok ok 403 ok'),
    Row('share:create_public_share', 'POST', '/shares', '/shares',
        {'share': {'share_proto': 'NFS', 'size': 1, 'is_public': True}},
        'ok 403 403 403'),
    Row('share:get_all', 'GET', '/shares', '/shares', None, 'ok ok ok ok'),
    Row('share:get_all', 'GET', '/shares/detail', '/shares/detail', None,
        'ok ok ok ok'),
    Row('share:list_by_host', 'GET', '/shares', '/shares?host=hostA', None,
        'ok 403 403 403'),
    # Ignored for those the rule refuses, as in Manila.
    Row('share:list_all_projects', 'GET', '/shares/detail',
        '/shares/detail?all_tenants=1', None, 'ok ok ok ok'),
    Row('share:get', 'GET', SHARE, '/shares/{share}', None,
        'ok ok ok 404'),
    Row('share:get', 'GET', SHARE, '/shares/{public_share}', None,
        'ok ok ok ok'),
    Row('share:update', 'PUT', SHARE, '/shares/{share}',
        {'share': {'display_name': 'renamed'}}, 'ok ok 403 404'),
    # Every project sees a public share, only its own may change it.
    Row('share:update', 'PUT', SHARE, '/shares/{public_share}',
        {'share': {'display_name': 'renamed'}}, 'ok ok 403 403'),
    Row('share:set_public_share', 'PUT', SHARE, '/shares/{share}',
        {'share': {'is_public': True}}, 'ok 403 403 404'),
    Row('share:delete', 'DELETE', SHARE, '/shares/{share}', None,
        'ok ok 403 404'),
    Row('share:force_delete', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'force_delete': None},
        'ok 403 403 404'),
    Row('share:reset_status', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'reset_status': {'status': 'error'}},
        'ok 403 403 404'),
    # resize (the shares are of 1 GiB: no shrink can be valid)
    Row('share:extend', 'POST', SHARE + '/action', '/shares/{share}/action',
        {'extend': {'new_size': 2}}, 'ok ok 403 404'),
    Row('share:force_extend', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'extend': {'new_size': 2, 'force': True}},
        'ok 403 403 404'),
    Row('share:shrink', 'POST', SHARE + '/action', '/shares/{share}/action',
        {'shrink': {'new_size': 1}}, '400 400 403 404'),
    # manage and unmanage
    Row('share:manage', 'POST', '/shares/manage', '/shares/manage',
        {'share': {'service_host': 'hostA@alpha#gold', 'protocol': 'NFS',
                   'export_path': '10.0.0.9:/adopted'}},
        'ok 403 403 403'),
    Row('share:manage', 'POST', '/os-share-manage', '/os-share-manage',
        {'share': {'service_host': 'hostA@alpha#gold', 'protocol': 'NFS',
                   'export_path': '10.0.0.9:/adopted'}},
        'ok 403 403 403', '2.6'),
    Row('share:unmanage', 'POST', SHARE + '/action',
        '/shares/{public_share}/action', {'unmanage': None},
        'ok 403 403 403'),
    Row('share:unmanage', 'POST', '/os-share-unmanage/{share_id}/unmanage',
        '/os-share-unmanage/{public_share}/unmanage', {}, 'ok 403 403 403',
        '2.6'),
    # share metadata (the shares have none: one item answers 404)
    Row('share:get_share_metadata', 'GET', SHARE + '/metadata',
        '/shares/{share}/metadata', None, 'ok ok ok 404'),
    Row('share:get_share_metadata', 'GET', SHARE + '/metadata',
        '/shares/{public_share}/metadata', None, 'ok ok ok ok'),
    Row('share:get_share_metadata', 'GET', SHARE + '/metadata/{key}',
        '/shares/{share}/metadata/k', None, '404 404 404 404'),
    Row('share:update_share_metadata', 'POST', SHARE + '/metadata',
        '/shares/{share}/metadata', {'metadata': {'k': 'v'}},
        'ok ok 403 404'),
    Row('share:update_share_metadata', 'POST', SHARE + '/metadata',
        '/shares/{public_share}/metadata', {'metadata': {'k': 'v'}},
        'ok ok 403 403'),
    Row('share:update_share_metadata', 'PUT', SHARE + '/metadata',
        '/shares/{share}/metadata', {'metadata': {'k': 'v'}},
        'ok ok 403 404'),
    Row('share:update_share_metadata', 'POST', SHARE + '/metadata/{key}',
        '/shares/{share}/metadata/k', {'metadata': {'k': 'v'}},
        'ok ok 403 404'),
    Row('share:delete_share_metadata', 'DELETE', SHARE + '/metadata/{key}',
        '/shares/{share}/metadata/k', None, '404 404 403 404'),
    # export locations
    Row('share_export_location:index', 'GET',
        SHARE + '/export_locations', '/shares/{share}/export_locations',
        None, 'ok ok ok 404'),
    Row('share_export_location:show', 'GET',
        SHARE + '/export_locations/{export_location_id}',
        '/shares/{share}/export_locations/{location}', None,
        'ok ok ok 404'),
    Row('share_export_location:show', 'GET',
        SHARE + '/export_locations/{export_location_id}',
        '/shares/{share}/export_locations/{admin_location}', None,
        'ok 403 403 404'),
    # snapshots
    Row('share:create_snapshot', 'POST', '/snapshots', '/snapshots',
        {'snapshot': {'share_id': '{snap_share}'}}, 'ok ok 403 404'),
    Row('share_snapshot:get_all_snapshots', 'GET', '/snapshots',
        '/snapshots', None, 'ok ok ok ok'),
    Row('share_snapshot:get_all_snapshots', 'GET', '/snapshots/detail',
        '/snapshots/detail', None, 'ok ok ok ok'),
    Row('share_snapshot:get_snapshot', 'GET', SNAP, '/snapshots/{snapshot}',
        None, 'ok ok ok 404'),
    Row('share:snapshot_update', 'PUT', SNAP, '/snapshots/{snapshot}',
        {'snapshot': {'display_name': 'renamed'}}, 'ok ok 403 404'),
    Row('share:delete_snapshot', 'DELETE', SNAP, '/snapshots/{snapshot}',
        None, 'ok ok 403 404'),
    Row('share_snapshot:force_delete', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action', {'force_delete': None},
        'ok 403 403 404'),
    Row('share_snapshot:reset_status', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action',
        {'reset_status': {'status': 'error'}}, 'ok 403 403 404'),
    Row('share_snapshot:unmanage_snapshot', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action', {'unmanage': None},
        'ok 403 403 404'),
    Row('share_snapshot:manage_snapshot', 'POST', '/snapshots/manage',
        '/snapshots/manage',
        {'snapshot': {'share_id': '{snap_share}',
                      'provider_location': '/x'}},
        'ok 403 403 403'),
    Row('share:revert_to_snapshot', 'POST', SHARE + '/action',
        '/shares/{snap_share}/action',
        {'revert': {'snapshot_id': '{snapshot}'}}, 'ok ok 403 404'),
    Row('share_snapshot_export_location:index', 'GET',
        SNAP + '/export-locations', '/snapshots/{snapshot}/export-locations',
        None, 'ok ok ok 404'),
    # Snapshots are not mountable: no location is ever found.
    Row('share_snapshot_export_location:show', 'GET',
        SNAP + '/export-locations/{export_location_id}',
        '/snapshots/{snapshot}/export-locations/x', None,
        '404 404 404 404'),
    Row('share_snapshot_instance:index', 'GET', '/snapshot-instances',
        '/snapshot-instances', None, 'ok 403 403 403'),
    Row('share_snapshot_instance:detail', 'GET',
        '/snapshot-instances/detail', '/snapshot-instances/detail', None,
        'ok 403 403 403'),
    Row('share_snapshot_instance:show', 'GET', SNAP_INSTANCE,
        '/snapshot-instances/{snapshot_instance}', None, 'ok 403 403 403'),
    Row('share_snapshot_instance:reset_status', 'POST',
        SNAP_INSTANCE + '/action',
        '/snapshot-instances/{snapshot_instance}/action',
        {'reset_status': {'status': 'error'}}, 'ok 403 403 403'),
    # share types
    Row('share_type:index', 'GET', '/types', '/types', None, 'ok ok ok ok'),
    Row('share_type:default', 'GET', '/types/default', '/types/default',
        None, 'ok ok ok ok'),
    Row('share_type:show', 'GET', TYPE, '/types/{type}', None,
        'ok ok ok ok'),
    # A private type is seen by the projects given access to it.
    Row('share_type:show', 'GET', TYPE, '/types/{private_type}', None,
        'ok ok ok 404'),
    Row('share_type:create', 'POST', '/types', '/types',
        {'share_type': {'name': 'new',
                        'extra_specs': {
                            'driver_handles_share_servers': False}}},
        'ok 403 403 403'),
    Row('share_type:update', 'PUT', TYPE, '/types/{spare_type}',
        {'share_type': {'name': 'renamed'}}, 'ok 403 403 403'),
    Row('share_type:delete', 'DELETE', TYPE, '/types/{spare_type}', None,
        'ok 403 403 403'),
    Row('share_type:list_project_access', 'GET',
        TYPE + '/share_type_access',
        '/types/{private_type}/share_type_access', None, 'ok 403 403 403'),
    Row('share_type:list_project_access', 'GET',
        TYPE + '/os-share-type-access',
        '/types/{private_type}/os-share-type-access', None,
        'ok 403 403 403'),
    Row('share_type:add_project_access', 'POST', TYPE + '/action',
        '/types/{private_type}/action',
        {'addProjectAccess': {'project': OTHER_PROJECT}}, 'ok 403 403 403'),
    Row('share_type:remove_project_access', 'POST', TYPE + '/action',
        '/types/{private_type}/action',
        {'removeProjectAccess': {'project': PROJECT}}, 'ok 403 403 403'),
    Row('share_types_extra_spec:index', 'GET', TYPE + '/extra_specs',
        '/types/{type}/extra_specs', None, 'ok ok ok ok'),
    Row('share_types_extra_spec:show', 'GET', SPEC,
        '/types/{type}/extra_specs/snapshot_support', None, 'ok ok ok ok'),
    Row('share_types_extra_spec:create', 'POST', TYPE + '/extra_specs',
        '/types/{type}/extra_specs', {'extra_specs': {'color': 'red'}},
        'ok 403 403 403'),
    Row('share_types_extra_spec:update', 'PUT', SPEC,
        '/types/{type}/extra_specs/color', {'color': 'blue'},
        'ok 403 403 403'),
    Row('share_types_extra_spec:delete', 'DELETE', SPEC,
        '/types/{type}/extra_specs/color', None, 'ok 403 403 403'),
    # operations
    Row('service:index', 'GET', '/services', '/services', None,
        'ok 403 403 403'),
    Row('service:update', 'PUT', '/services/{action}', '/services/disable',
        {'host': 'hostA@alpha', 'binary': 'manila-share'},
        'ok 403 403 403'),
    Row('availability_zone:index', 'GET', '/availability-zones',
        '/availability-zones', None, 'ok ok ok ok'),
    Row('scheduler_stats:pools:index', 'GET', '/scheduler-stats/pools',
        '/scheduler-stats/pools', None, 'ok 403 403 403'),
    Row('scheduler_stats:pools:detail', 'GET',
        '/scheduler-stats/pools/detail', '/scheduler-stats/pools/detail',
        None, 'ok 403 403 403'),
    # quotas and limits
    Row('quota_set:show', 'GET', '/quota-sets/{project_id}',
        '/quota-sets/{project}', None, 'ok ok ok 403'),
    Row('quota_set:show', 'GET', '/quota-sets/{project_id}/detail',
        '/quota-sets/{project}/detail', None, 'ok ok ok 403'),
    Row('quota_set:defaults', 'GET', '/quota-sets/{project_id}/defaults',
        '/quota-sets/{project}/defaults', None, 'ok ok ok ok'),
    Row('quota_set:update', 'PUT', '/quota-sets/{project_id}',
        '/quota-sets/{project}', {'quota_set': {'shares': 20}},
        'ok 403 403 403'),
    Row('quota_set:delete', 'DELETE', '/quota-sets/{project_id}',
        '/quota-sets/{project}', None, 'ok 403 403 403'),
    Row('limits:index', 'GET', '/limits', '/limits', None, 'ok ok ok ok'),
    # user messages
    Row('message:get_all', 'GET', '/messages', '/messages', None,
        'ok ok ok ok'),
    Row('message:get', 'GET', '/messages/{message_id}',
        '/messages/{message}', None, 'ok ok ok 404'),
    Row('message:delete', 'DELETE', '/messages/{message_id}',
        '/messages/{message}', None, 'ok ok 403 404'),
]

# Routes that enforce no rule: the version documents.
UNGUARDED = set()


@pytest.fixture
def world(api, admin_ctx, scheduler):
    """What the rows act on, owned by PROJECT unless said otherwise."""
    default = type_db.create(admin_ctx, 'default', {
        'driver_handles_share_servers': 'False',
        'snapshot_support': 'True', 'color': 'green'})
    CONF.set_override('default_share_type', 'default')
    spare = type_db.create(admin_ctx, 'spare', {
        'driver_handles_share_servers': 'False'})
    private = type_db.create(admin_ctx, 'private', {
        'driver_handles_share_servers': 'False'}, is_public=False)
    type_db.add_project(admin_ctx, private.id, PROJECT)
    ids = {'type': default.id, 'spare_type': spare.id,
           'private_type': private.id, 'project': PROJECT}
    for key, public in (('share', False), ('public_share', True)):
        share = share_db.create(
            admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                        'size': 1, 'share_proto': 'NFS',
                        'is_public': public, 'display_name': key},
            {'status': 'creating', 'host': 'hostA@alpha#gold',
             'share_type_id': default.id})
        share_db.finish_create(admin_ctx, share.instance.id, [
            {'path': '10.0.0.1:/%s' % key, 'preferred': True},
            {'path': '192.168.0.1:/%s' % key, 'is_admin_only': True}])
        ids[key] = share.id
    for location in share_db.export_locations(admin_ctx, ids['share'],
                                              include_admin_only=True):
        ids['admin_location' if location.is_admin_only
            else 'location'] = location.uuid
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    message_db.create(admin_ctx, PROJECT, 'SHARE', ids['share'],
                      messages.ACTION_CREATE, messages.UNKNOWN_ERROR)
    ids['message'] = message_db.get_all(
        admin_ctx, {'all_tenants': True})[0].id
    return ids


def add_snapshot_world(world):
    """A share of PROJECT with an available snapshot it may revert to,
    made only for the rows that need them (other rows, and other tests of
    ``world``, see no extra share)."""
    admin_ctx = ml_context.get_admin_context()
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 1, 'share_proto': 'NFS', 'snapshot_support': True,
                    'revert_to_snapshot_support': True},
        {'status': 'available', 'host': 'hostA@alpha#gold',
         'share_type_id': world['type']})
    snapshot = snapshot_db.create(
        admin_ctx, share, {'project_id': PROJECT, 'user_id': 'member-user',
                           'size': 1, 'share_size': 1, 'share_proto': 'NFS'},
        {'status': 'available', 'provider_location': '/snap'})
    world.update(snap_share=share.id, snapshot=snapshot.id,
                 snapshot_instance=snapshot.instance.id)


@pytest.fixture
def enforced(monkeypatch):
    """The names of the rules checked while the test runs."""
    seen = []
    real = policy.authorize

    def recording(context, action, target):
        seen.append(action)
        return real(context, action, target)

    monkeypatch.setattr(policy, 'authorize', recording)
    return seen


def call(api, persona, method, path, body=None, version='2.64'):
    user, project, roles = PERSONAS[persona]
    headers = {'X-Auth-Token': '%s:%s' % (user, project),
               'X-Roles': roles,
               'X-OpenStack-Manila-API-Version': version}
    kwargs = {'headers': headers, 'status': '*', 'expect_errors': True}
    if body is not None:
        return getattr(api.app, method.lower() + '_json')('/v2' + path, body,
                                                          **kwargs)
    return api.app.request('/v2' + path, method=method, **kwargs)


def _cases():
    for row in TABLE:
        for persona, expected in zip(ORDER, row.expect.split()):
            label = '%s-%s-%s' % (row.method, row.path, persona)
            yield pytest.param(row, persona, expected, id=label)


@pytest.mark.parametrize('row,persona,expected', _cases())
def test_persona(api, world, enforced, row, persona, expected):
    if '{snap' in row.path + jsonutils.dumps(row.body):
        add_snapshot_world(world)
    body = row.body
    if body is not None:
        # Ids of the world's resources inside bodies too.
        text = jsonutils.dumps(body)
        for key, value in world.items():
            text = text.replace('{%s}' % key, value)
        body = jsonutils.loads(text)
    resp = call(api, persona, row.method, row.path.format(**world), body,
                version=row.version)
    if expected == 'ok':
        assert 200 <= resp.status_int < 300, (resp.status, resp.body)
    else:
        assert resp.status_int == int(expected), (resp.status, resp.body)
    if persona == 'admin':
        # The row exercises the rule it names.
        assert row.rule in enforced, enforced


def test_table_rows_are_well_formed():
    registered = {rule.name for rule in policies.list_rules()}
    for row in TABLE:
        assert row.rule in registered, row
        assert row.method in router.ROUTES[row.route], row
        assert len(row.expect.split()) == len(ORDER), row


def test_every_route_is_in_the_table():
    tabled = {(row.route, row.method) for row in TABLE}
    missing = sorted(
        (route, method) for route, methods in router.ROUTES.items()
        for method in methods
        if (route, method) not in tabled and route not in UNGUARDED)
    assert not missing, (
        'routes without a row in the persona table: %s' % missing)


def test_member_sees_only_own_project(api, world, admin_ctx):
    """all_tenants and project_id are the administrator's filters."""
    share_db.create(
        admin_ctx, {'project_id': OTHER_PROJECT, 'user_id': 'other-user',
                    'size': 1, 'share_proto': 'NFS',
                    'display_name': 'others'},
        {'status': 'available', 'share_type_id': world['type']})

    def names(persona, query=''):
        resp = call(api, persona, 'GET', '/shares' + query)
        assert resp.status_int == 200, resp.body
        return sorted(s['name'] for s in resp.json['shares'])

    assert names('member') == ['public_share', 'share']
    assert names('member', '?all_tenants=1') == ['public_share', 'share']
    assert names('member', '?project_id=%s' % OTHER_PROJECT) == [
        'public_share', 'share']
    assert names('other') == ['others']
    assert names('other', '?is_public=true') == ['others', 'public_share']
    assert names('admin') == []
    assert names('admin', '?all_tenants=1') == [
        'others', 'public_share', 'share']
    assert names('admin', '?project_id=%s' % OTHER_PROJECT) == ['others']
