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

from oslo_policy import policy as oslo_policy
from oslo_serialization import jsonutils
import pytest

from manila_lite.api import router
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import access_rules as access_db
from manila_lite.db import messages as message_db
from manila_lite.db import qos_types as qos_db
from manila_lite.db import resource_locks as lock_db
from manila_lite.db import security_services as security_db
from manila_lite.db import services as service_db
from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_groups as group_db
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import messages
from manila_lite import policies
from manila_lite import policy
from manila_lite.share.api import transfers as transfer_api
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

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
GTYPE = '/share-group-types/{type_id}'
SGROUP = '/share-groups/{share_group_id}'
GSPEC = GTYPE + '/group-specs/{key}'
SNAP_INSTANCE = '/snapshot-instances/{instance_id}'
INSTANCE = '/share_instances/{instance_id}'
EL_META = SHARE + '/export_locations/{export_location_id}/metadata'
NETS = '/share-networks'
NET = '/share-networks/{share_network_id}'
SUBNET = NET + '/subnets/{share_network_subnet_id}'
SERVER = '/share-servers/{share_server_id}'
SECSVC = '/security-services/{security_service_id}'
LOCK = '/resource-locks/{lock_id}'
QOS = '/qos-types/{qos_type_id}'
XFER = '/share-transfers/{transfer_id}'

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
    Row('share:list_by_share_server_id', 'GET', '/shares/detail',
        '/shares/detail?share_server_id=s1', None, 'ok 403 403 403'),
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
    # Administrators' actions check their rule before the share is read
    # (docs/architecture.rst): 403 for another project's member too.
    Row('share:force_delete', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'force_delete': None},
        'ok 403 403 403'),
    Row('share:reset_status', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'reset_status': {'status': 'error'}},
        'ok 403 403 403'),
    # Below 2.7 Manila reads the share first.
    Row('share:reset_status', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'os-reset_status': {'status': 'error'}},
        'ok 403 403 404', '2.6'),
    Row('share:reset_task_state', 'POST', SHARE + '/action',
        '/shares/{share}/action',
        {'reset_task_state': {'task_state': 'migration_error'}},
        'ok 403 403 403'),
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
    # export locations: another project's private share is 403 (Manila
    # checks share:get against the share it read), a public one is seen.
    Row('share_export_location:index', 'GET',
        SHARE + '/export_locations', '/shares/{share}/export_locations',
        None, 'ok ok ok 403'),
    Row('share_export_location:index', 'GET',
        SHARE + '/export_locations',
        '/shares/{public_share}/export_locations', None, 'ok ok ok ok'),
    Row('share_export_location:show', 'GET',
        SHARE + '/export_locations/{export_location_id}',
        '/shares/{share}/export_locations/{location}', None,
        'ok ok ok 403'),
    Row('share_export_location:show', 'GET',
        SHARE + '/export_locations/{export_location_id}',
        '/shares/{share}/export_locations/{admin_location}', None,
        'ok 403 403 403'),
    # export location metadata (2.87+; the location has none), 403 for
    # another project's private share as its locations are
    Row('share_export_location:get_metadata', 'GET', EL_META,
        '/shares/{share}/export_locations/{location}/metadata', None,
        'ok ok ok 403', '2.87'),
    Row('share_export_location:get_metadata', 'GET', EL_META + '/{key}',
        '/shares/{share}/export_locations/{location}/metadata/k', None,
        '404 404 404 403', '2.87'),
    Row('share_export_location:update_metadata', 'POST', EL_META,
        '/shares/{share}/export_locations/{location}/metadata',
        {'metadata': {'k': 'v'}}, 'ok ok 403 403', '2.87'),
    Row('share_export_location:update_metadata', 'PUT', EL_META,
        '/shares/{share}/export_locations/{location}/metadata',
        {'metadata': {'k': 'v'}}, 'ok ok 403 403', '2.87'),
    Row('share_export_location:update_metadata', 'POST', EL_META + '/{key}',
        '/shares/{share}/export_locations/{location}/metadata/k',
        {'metadata': {'k': 'v'}}, 'ok ok 403 403', '2.87'),
    Row('share_export_location:update_metadata', 'POST', EL_META,
        '/shares/{share}/export_locations/{admin_location}/metadata',
        {'metadata': {'k': 'v'}}, 'ok 403 403 403', '2.87'),
    Row('share_export_location:delete_metadata', 'DELETE',
        EL_META + '/{key}',
        '/shares/{share}/export_locations/{location}/metadata/k', None,
        '404 404 403 403', '2.87'),
    # recycle bin (2.69+); restoring a share not in it answers 200
    Row('share:soft_delete', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'soft_delete': None}, 'ok ok 403 404',
        '2.69'),
    Row('share:restore', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'restore': None}, 'ok ok 403 404',
        '2.69'),
    # No share is ever migrating: 400 for those who may ask.
    Row('share:migration_get_progress', 'GET',
        SHARE + '/migration-progress', '/shares/{share}/migration-progress',
        None, '400 403 403 404', '2.98'),
    # snapshot metadata (2.73+; the snapshot has none)
    Row('share_snapshot:get_metadata', 'GET', SNAP + '/metadata',
        '/snapshots/{snapshot}/metadata', None, 'ok ok ok 404', '2.73'),
    Row('share_snapshot:get_metadata', 'GET', SNAP + '/metadata/{key}',
        '/snapshots/{snapshot}/metadata/k', None, '404 404 404 404',
        '2.73'),
    Row('share_snapshot:update_metadata', 'POST', SNAP + '/metadata',
        '/snapshots/{snapshot}/metadata', {'metadata': {'k': 'v'}},
        'ok ok 403 404', '2.73'),
    Row('share_snapshot:update_metadata', 'PUT', SNAP + '/metadata',
        '/snapshots/{snapshot}/metadata', {'metadata': {'k': 'v'}},
        'ok ok 403 404', '2.73'),
    Row('share_snapshot:update_metadata', 'POST', SNAP + '/metadata/{key}',
        '/snapshots/{snapshot}/metadata/k', {'metadata': {'k': 'v'}},
        'ok ok 403 404', '2.73'),
    Row('share_snapshot:delete_metadata', 'DELETE',
        SNAP + '/metadata/{key}', '/snapshots/{snapshot}/metadata/k', None,
        '404 404 403 404', '2.73'),
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
        'ok 403 403 403'),
    Row('share_snapshot:reset_status', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action',
        {'reset_status': {'status': 'error'}}, 'ok 403 403 403'),
    Row('share_snapshot:unmanage_snapshot', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action', {'unmanage': None},
        'ok 403 403 403'),
    Row('share_snapshot:manage_snapshot', 'POST', '/snapshots/manage',
        '/snapshots/manage',
        {'snapshot': {'share_id': '{snap_share}',
                      'provider_location': '/x'}},
        'ok 403 403 403'),
    Row('share:revert_to_snapshot', 'POST', SHARE + '/action',
        '/shares/{snap_share}/action',
        {'revert': {'snapshot_id': '{snapshot}'}}, 'ok ok 403 404'),
    # mountable snapshots (2.32+; the world's snapshot has an active rule
    # and two export locations, one for administrators only)
    Row('share_snapshot_export_location:index', 'GET',
        SNAP + '/export-locations', '/snapshots/{snapshot}/export-locations',
        None, 'ok ok ok 404'),
    Row('share_snapshot_export_location:show', 'GET',
        SNAP + '/export-locations/{export_location_id}',
        '/snapshots/{snapshot}/export-locations/{snapshot_location}', None,
        'ok ok ok 404'),
    Row('share_snapshot_export_location:show', 'GET',
        SNAP + '/export-locations/{export_location_id}',
        '/snapshots/{snapshot}/export-locations/{snapshot_admin_location}',
        None, 'ok 403 403 404'),
    Row('share_snapshot_instance_export_location:index', 'GET',
        SNAP_INSTANCE + '/export-locations',
        '/snapshot-instances/{snapshot_instance}/export-locations', None,
        'ok 403 403 403'),
    Row('share_snapshot_instance_export_location:show', 'GET',
        SNAP_INSTANCE + '/export-locations/{export_location_id}',
        '/snapshot-instances/{snapshot_instance}/export-locations'
        '/{snapshot_location}', None, 'ok 403 403 403'),
    Row('share_snapshot:allow_access', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action',
        {'allow_access': {'access_type': 'ip', 'access_to': '10.9.9.9'}},
        'ok ok 403 404'),
    Row('share_snapshot:deny_access', 'POST', SNAP + '/action',
        '/snapshots/{snapshot}/action',
        {'deny_access': {'access_id': '{snapshot_access}'}},
        'ok ok 403 404'),
    Row('share_snapshot:access_list', 'GET', SNAP + '/access-list',
        '/snapshots/{snapshot}/access-list', None, 'ok ok ok 404'),
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
    # share instances
    Row('share_instance:index', 'GET', '/share_instances',
        '/share_instances', None, 'ok 403 403 403'),
    Row('share_instance:index', 'GET', SHARE + '/instances',
        '/shares/{share}/instances', None, 'ok 403 403 403'),
    Row('share_instance:show', 'GET', INSTANCE,
        '/share_instances/{share_instance}', None, 'ok 403 403 403'),
    Row('share_instance:reset_status', 'POST', INSTANCE + '/action',
        '/share_instances/{share_instance}/action',
        {'reset_status': {'status': 'error'}}, 'ok 403 403 403'),
    Row('share_instance:force_delete', 'POST', INSTANCE + '/action',
        '/share_instances/{share_instance}/action', {'force_delete': None},
        'ok 403 403 403'),
    Row('share_instance_export_location:index', 'GET',
        INSTANCE + '/export_locations',
        '/share_instances/{share_instance}/export_locations', None,
        'ok 403 403 403'),
    Row('share_instance_export_location:show', 'GET',
        INSTANCE + '/export_locations/{export_location_id}',
        '/share_instances/{share_instance}/export_locations/'
        '{admin_location}', None, 'ok 403 403 403'),
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
        '/types/{type}/extra_specs', None, 'ok 403 403 403'),
    Row('share_types_extra_spec:show', 'GET', SPEC,
        '/types/{type}/extra_specs/snapshot_support', None,
        'ok 403 403 403'),
    Row('share_types_extra_spec:create', 'POST', TYPE + '/extra_specs',
        '/types/{type}/extra_specs', {'extra_specs': {'color': 'red'}},
        'ok 403 403 403'),
    Row('share_types_extra_spec:update', 'PUT', SPEC,
        '/types/{type}/extra_specs/color', {'color': 'blue'},
        'ok 403 403 403'),
    Row('share_types_extra_spec:delete', 'DELETE', SPEC,
        '/types/{type}/extra_specs/color', None, 'ok 403 403 403'),
    # share group types (the private one is given to PROJECT)
    Row('share_group_type:index', 'GET', '/share-group-types',
        '/share-group-types', None, 'ok ok ok ok'),
    Row('share_group_type:default', 'GET', '/share-group-types/default',
        '/share-group-types/default', None, 'ok ok ok ok'),
    Row('share_group_type:show', 'GET', GTYPE,
        '/share-group-types/{group_type}', None, 'ok ok ok ok'),
    Row('share_group_type:show', 'GET', GTYPE,
        '/share-group-types/{private_group_type}', None, 'ok ok ok 404'),
    Row('share_group_type:create', 'POST', '/share-group-types',
        '/share-group-types',
        {'share_group_type': {'name': 'new', 'share_types': ['default']}},
        'ok 403 403 403'),
    Row('share_group_type:delete', 'DELETE', GTYPE,
        '/share-group-types/{private_group_type}', None, 'ok 403 403 403'),
    Row('share_group_type:list_project_access', 'GET', GTYPE + '/access',
        '/share-group-types/{private_group_type}/access', None,
        'ok 403 403 403'),
    Row('share_group_type:add_project_access', 'POST', GTYPE + '/action',
        '/share-group-types/{private_group_type}/action',
        {'addProjectAccess': {'project': OTHER_PROJECT}}, 'ok 403 403 403'),
    Row('share_group_type:remove_project_access', 'POST', GTYPE + '/action',
        '/share-group-types/{private_group_type}/action',
        {'removeProjectAccess': {'project': PROJECT}}, 'ok 403 403 403'),
    Row('share_group_types_spec:index', 'GET', GTYPE + '/group-specs',
        '/share-group-types/{group_type}/group-specs', None,
        'ok 403 403 403'),
    Row('share_group_types_spec:show', 'GET', GSPEC,
        '/share-group-types/{group_type}/group-specs/color', None,
        'ok 403 403 403'),
    Row('share_group_types_spec:create', 'POST', GTYPE + '/group-specs',
        '/share-group-types/{group_type}/group-specs',
        {'group_specs': {'size': 'big'}}, 'ok 403 403 403'),
    Row('share_group_types_spec:update', 'PUT', GSPEC,
        '/share-group-types/{group_type}/group-specs/color',
        {'color': 'blue'}, 'ok 403 403 403'),
    # share groups (PROJECT's, available on hostA@alpha)
    Row('share_group:create', 'POST', '/share-groups', '/share-groups',
        {'share_group': {'share_group_type_id': '{group_type}',
                         'share_types': ['{type}']}},
        'ok ok 403 ok', '2.55'),
    Row('share_group:get_all', 'GET', '/share-groups', '/share-groups',
        None, 'ok ok ok ok', '2.55'),
    Row('share_group:get_all', 'GET', '/share-groups/detail',
        '/share-groups/detail', None, 'ok ok ok ok', '2.55'),
    Row('share_group:get', 'GET', SGROUP, '/share-groups/{share_group}',
        None, 'ok ok ok 404', '2.55'),
    Row('share_group:update', 'PUT', SGROUP, '/share-groups/{share_group}',
        {'share_group': {'name': 'renamed'}}, 'ok ok 403 404', '2.55'),
    Row('share_group:delete', 'DELETE', SGROUP,
        '/share-groups/{share_group}', None, 'ok ok 403 404', '2.55'),
    Row('share_group:reset_status', 'POST', SGROUP + '/action',
        '/share-groups/{share_group}/action',
        {'reset_status': {'status': 'error'}}, 'ok 403 403 403', '2.55'),
    Row('share_group:force_delete', 'POST', SGROUP + '/action',
        '/share-groups/{share_group}/action', {'force_delete': None},
        'ok 403 403 403', '2.55'),
    # share group snapshots: none exist (groups are not snapshotted yet)
    Row('share_group_snapshot:get_all', 'GET', '/share-group-snapshots',
        '/share-group-snapshots', None, 'ok ok ok ok', '2.55'),
    Row('share_group_snapshot:get_all', 'GET',
        '/share-group-snapshots/detail',
        '/share-group-snapshots/detail?all_tenants=True', None,
        'ok ok ok ok', '2.55'),
    Row('share_group_snapshot:get', 'GET',
        '/share-group-snapshots/{snapshot_id}',
        '/share-group-snapshots/{share}', None, '404 404 404 404',
        '2.55'),
    Row('share_group_snapshot:delete', 'DELETE',
        '/share-group-snapshots/{snapshot_id}',
        '/share-group-snapshots/{share}', None, '404 404 403 404',
        '2.55'),
    Row('share_group_types_spec:delete', 'DELETE', GSPEC,
        '/share-group-types/{group_type}/group-specs/color', None,
        'ok 403 403 403'),
    # operations
    Row('service:index', 'GET', '/services', '/services', None,
        'ok 403 403 403'),
    Row('service:update', 'PUT', '/services/{action}', '/services/disable',
        {'host': 'hostA@alpha', 'binary': 'manila-share'},
        'ok 403 403 403'),
    Row('service:ensure_shares', 'POST', '/services/ensure-shares',
        '/services/ensure-shares', {'host': 'hostA@alpha'},
        'ok 403 403 403', '2.86'),
    Row('service:ensure_shares', 'POST', '/services/ensure',
        '/services/ensure', {'ensure_shares': {'host': 'hostA@alpha'}},
        'ok 403 403 403', '2.86'),
    # deferred deletion: failed ones are for administrators only
    Row('share:list_shares_in_deferred_deletion_states', 'GET', SHARE,
        '/shares/{deferred_share}', None, 'ok 404 404 404'),
    Row('share_snapshot:list_snapshots_in_deferred_deletion_states', 'GET',
        SNAP, '/snapshots/{deferred_snapshot}', None, 'ok 404 404 404'),
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
    Row('quota_class_set:show', 'GET', '/quota-class-sets/{class_name}',
        '/quota-class-sets/default', None, 'ok 403 403 403'),
    Row('quota_class_set:update', 'PUT', '/quota-class-sets/{class_name}',
        '/quota-class-sets/default', {'quota_class_set': {'shares': 20}},
        'ok 403 403 403'),
    Row('limits:index', 'GET', '/limits', '/limits', None, 'ok ok ok ok'),
    # share replicas: none exist (a share instance is no replica)
    Row('share_replica:get_all', 'GET', '/share-replicas',
        '/share-replicas', None, 'ok ok ok ok'),
    Row('share_replica:get_all', 'GET', '/share-replicas/detail',
        '/share-replicas/detail?share_id={share}', None, 'ok ok ok ok'),
    Row('share_replica:show', 'GET', '/share-replicas/{replica_id}',
        '/share-replicas/{share_instance}', None, '404 404 404 404'),
    Row('share_replica:delete', 'DELETE', '/share-replicas/{replica_id}',
        '/share-replicas/{share_instance}', None, '404 404 403 404'),
    # access rules (the world's rule is active, with metadata k=v)
    Row('share:allow_access', 'POST', SHARE + '/action',
        '/shares/{share}/action',
        {'allow_access': {'access_type': 'ip', 'access_to': '10.9.9.9'}},
        'ok ok 403 404'),
    Row('share:allow_access', 'POST', SHARE + '/action',
        '/shares/{public_share}/action',
        {'allow_access': {'access_type': 'ip', 'access_to': '10.9.9.9'}},
        'ok ok 403 403'),
    Row('share:deny_access', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'deny_access': {'access_id': '{access}'}},
        'ok ok 403 404'),
    Row('share:access_get_all', 'POST', SHARE + '/action',
        '/shares/{share}/action', {'access_list': None}, 'ok ok ok 404',
        '2.44'),
    # An unknown share_id is a bad request, as in Manila.
    Row('share_access_rule:index', 'GET', '/share-access-rules',
        '/share-access-rules?share_id={share}', None, 'ok ok ok 400'),
    Row('share_access_rule:get', 'GET', '/share-access-rules/{access_id}',
        '/share-access-rules/{access}', None, 'ok ok ok 404'),
    Row('share_access_rule:update', 'PUT',
        '/share-access-rules/{access_id}', '/share-access-rules/{access}',
        {'update_access': {'access_level': 'ro'}}, 'ok ok 403 404', '2.88'),
    Row('share_access_metadata:update', 'PUT',
        '/share-access-rules/{access_id}/metadata',
        '/share-access-rules/{access}/metadata', {'metadata': {'a': 'b'}},
        'ok ok 403 404'),
    Row('share_access_metadata:update', 'POST',
        '/share-access-rules/{access_id}/metadata',
        '/share-access-rules/{access}/metadata', {'metadata': {'a': 'b'}},
        'ok ok 403 404'),
    Row('share_access_metadata:delete', 'DELETE',
        '/share-access-rules/{access_id}/metadata/{key}',
        '/share-access-rules/{access}/metadata/k', None, 'ok ok 403 404'),
    # user messages
    Row('message:get_all', 'GET', '/messages', '/messages', None,
        'ok ok ok ok'),
    Row('message:get', 'GET', '/messages/{message_id}',
        '/messages/{message}', None, 'ok ok ok 404'),
    Row('message:delete', 'DELETE', '/messages/{message_id}',
        '/messages/{message}', None, 'ok ok 403 404'),
    # share networks, subnets, share servers, security services
    Row('share_network:create', 'POST', NETS, NETS,
        {'share_network': {'name': 'n'}}, 'ok ok 403 ok'),
    Row('share_network:index', 'GET', NETS, NETS, None, 'ok ok ok ok'),
    Row('share_network:detail', 'GET', NETS + '/detail', NETS + '/detail',
        None, 'ok ok ok ok'),
    Row('share_network:show', 'GET', NET, '/share-networks/{net}', None,
        'ok ok ok 404'),
    Row('share_network:update', 'PUT', NET, '/share-networks/{net}',
        {'share_network': {'name': 'm'}}, 'ok ok 403 404'),
    Row('share_network:delete', 'DELETE', NET,
        '/share-networks/{bare_net}', None, 'ok ok 403 404'),
    Row('share_network:add_security_service', 'POST', NET + '/action',
        '/share-networks/{bare_net}/action',
        {'add_security_service': {'security_service_id': '{secsvc}'}},
        'ok ok 403 404'),
    Row('share_network_subnet:get_all', 'GET', NET + '/subnets',
        '/share-networks/{net}/subnets', None, 'ok ok ok 404', '2.70'),
    Row('share_network_subnet:create', 'POST', NET + '/subnets',
        '/share-networks/{net}/subnets', {'share-network-subnet': {}},
        'ok ok 403 404', '2.70'),
    Row('share_network_subnet:show', 'GET', SUBNET,
        '/share-networks/{net}/subnets/{subnet}', None, 'ok ok ok 404',
        '2.70'),
    Row('share_network_subnet:delete', 'DELETE', SUBNET,
        '/share-networks/{net}/subnets/{subnet}', None, 'ok ok 403 404',
        '2.70'),
    Row('share_network_subnet:force_delete', 'POST', SUBNET + '/action',
        '/share-networks/{net}/subnets/{subnet}/action',
        {'force_delete': None}, 'ok 403 403 404', '2.100'),
    Row('share_network_subnet:delete_check', 'POST', SUBNET + '/action',
        '/share-networks/{net}/subnets/{subnet}/action',
        {'share_network_subnet_delete_check': {'reset_operation': True}},
        'ok 403 403 404', '2.100'),
    Row('share_network_subnet:get_metadata', 'GET', SUBNET + '/metadata',
        '/share-networks/{net}/subnets/{subnet}/metadata', None,
        'ok ok ok 404', '2.78'),
    Row('share_network_subnet:get_metadata', 'GET',
        SUBNET + '/metadata/{key}',
        '/share-networks/{net}/subnets/{subnet}/metadata/k', None,
        'ok ok ok 404', '2.78'),
    Row('share_network_subnet:update_metadata', 'POST',
        SUBNET + '/metadata',
        '/share-networks/{net}/subnets/{subnet}/metadata',
        {'metadata': {'a': 'b'}}, 'ok ok 403 404', '2.78'),
    Row('share_network_subnet:update_metadata', 'PUT', SUBNET + '/metadata',
        '/share-networks/{net}/subnets/{subnet}/metadata',
        {'metadata': {'a': 'b'}}, 'ok ok 403 404', '2.78'),
    Row('share_network_subnet:update_metadata', 'POST',
        SUBNET + '/metadata/{key}',
        '/share-networks/{net}/subnets/{subnet}/metadata/k',
        {'metadata': {'k': 'w'}}, 'ok ok 403 404', '2.78'),
    Row('share_network_subnet:update_metadata', 'PUT',
        SUBNET + '/metadata/{key}',
        '/share-networks/{net}/subnets/{subnet}/metadata/k',
        {'metadata': {'k': 'w'}}, 'ok ok 403 404', '2.78'),
    Row('share_network_subnet:delete_metadata', 'DELETE',
        SUBNET + '/metadata/{key}',
        '/share-networks/{net}/subnets/{subnet}/metadata/k', None,
        'ok ok 403 404', '2.78'),
    Row('share_server:index', 'GET', '/share-servers', '/share-servers',
        None, 'ok 403 403 403'),
    Row('share_server:show', 'GET', SERVER, '/share-servers/{server}',
        None, 'ok 403 403 403'),
    Row('share_server:details', 'GET', SERVER + '/details',
        '/share-servers/{server}/details', None, 'ok 403 403 403'),
    Row('share_server:delete', 'DELETE', SERVER, '/share-servers/{server}',
        None, 'ok 403 403 403'),
    Row('security_service:create', 'POST', '/security-services',
        '/security-services', {'security_service': {'type': 'ldap'}},
        'ok ok 403 ok'),
    Row('security_service:index', 'GET', '/security-services',
        '/security-services', None, 'ok ok ok ok'),
    Row('security_service:index', 'GET', '/security-services/detail',
        '/security-services/detail', None, 'ok ok ok ok'),
    Row('security_service:show', 'GET', SECSVC,
        '/security-services/{secsvc}', None, 'ok ok ok 404'),
    Row('security_service:update', 'PUT', SECSVC,
        '/security-services/{secsvc}',
        {'security_service': {'name': 'n'}}, 'ok ok 403 404'),
    Row('security_service:delete', 'DELETE', SECSVC,
        '/security-services/{secsvc}', None, 'ok ok 403 404'),
    # resource locks (2.81; the world's lock is member-user's, on a share
    # of its own). Another project's share is not found: 400, as Manila.
    Row('resource_lock:get_all', 'GET', '/resource-locks',
        '/resource-locks', None, 'ok ok ok ok', '2.81'),
    Row('resource_lock:create', 'POST', '/resource-locks',
        '/resource-locks', {'resource_lock': {'resource_id': '{lock_share}'}},
        'ok ok 403 400', '2.81'),
    Row('resource_lock:get', 'GET', LOCK, '/resource-locks/{lock}', None,
        'ok ok ok 404', '2.81'),
    Row('resource_lock:update', 'PUT', LOCK, '/resource-locks/{lock}',
        {'resource_lock': {'lock_reason': 'r'}}, 'ok ok 403 404', '2.81'),
    Row('resource_lock:delete', 'DELETE', LOCK, '/resource-locks/{lock}',
        None, 'ok ok 403 404', '2.81'),
    # QoS types (2.94; the world's has the spec k=v)
    Row('qos_type:index', 'GET', '/qos-types', '/qos-types', None,
        'ok ok ok ok', '2.94'),
    Row('qos_type:create', 'POST', '/qos-types', '/qos-types',
        {'qos_type': {'name': 'silver'}}, 'ok 403 403 403', '2.94'),
    Row('qos_type:show', 'GET', QOS, '/qos-types/{qos_type}', None,
        'ok ok ok ok', '2.94'),
    Row('qos_type:update', 'PUT', QOS, '/qos-types/{qos_type}',
        {'qos_type': {'description': 'd'}}, 'ok 403 403 403', '2.94'),
    Row('qos_type:delete', 'DELETE', QOS, '/qos-types/{qos_type}', None,
        'ok 403 403 403', '2.94'),
    Row('qos_type_specs:index', 'GET', QOS + '/specs',
        '/qos-types/{qos_type}/specs', None, 'ok 403 403 403', '2.94'),
    Row('qos_type_specs:create', 'POST', QOS + '/specs',
        '/qos-types/{qos_type}/specs', {'specs': {'k2': 'v'}},
        'ok 403 403 403', '2.94'),
    Row('qos_type_specs:show', 'GET', QOS + '/specs/{key}',
        '/qos-types/{qos_type}/specs/k', None, 'ok 403 403 403', '2.94'),
    Row('qos_type_specs:update', 'PUT', QOS + '/specs/{key}',
        '/qos-types/{qos_type}/specs/k', {'k': 'v2'}, 'ok 403 403 403',
        '2.94'),
    Row('qos_type_specs:delete', 'DELETE', QOS + '/specs/{key}',
        '/qos-types/{qos_type}/specs/k', None, 'ok 403 403 403', '2.94'),
    # share transfers (2.77; the world's is of its share). Offering a
    # share one cannot see is 400, as in Manila.
    Row('share_transfer:create', 'POST', '/share-transfers',
        '/share-transfers', {'transfer': {'share_id': '{share}'}},
        'ok ok 403 400', '2.77'),
    Row('share_transfer:get_all', 'GET', '/share-transfers',
        '/share-transfers', None, 'ok ok ok ok', '2.77'),
    Row('share_transfer:get_all', 'GET', '/share-transfers/detail',
        '/share-transfers/detail', None, 'ok ok ok ok', '2.77'),
    # Ignored for those the rule refuses.
    Row('share_transfer:get_all_tenant', 'GET', '/share-transfers/detail',
        '/share-transfers/detail?all_tenants=1', None, 'ok ok ok ok',
        '2.77'),
    Row('share_transfer:get', 'GET', XFER, '/share-transfers/{transfer}',
        None, 'ok ok ok 404', '2.77'),
    Row('share_transfer:delete', 'DELETE', XFER,
        '/share-transfers/{transfer}', None, 'ok ok 403 404', '2.77'),
    Row('share_transfer:accept', 'POST', XFER + '/accept',
        '/share-transfers/{transfer}/accept',
        {'accept': {'auth_key': '{auth_key}'}}, 'ok ok 403 ok', '2.77'),
]

# Routes that enforce no rule: the version documents, and the (empty)
# list of API extensions, which Manila shows any caller.
UNGUARDED = {'/extensions', '/extensions/{alias}'}


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
        ids[key + '_instance'] = share.instance.id
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
                    'revert_to_snapshot_support': True,
                    'mount_snapshot_support': True},
        {'status': 'available', 'host': 'hostA@alpha#gold',
         'share_type_id': world['type']})
    snapshot = snapshot_db.create(
        admin_ctx, share, {'project_id': PROJECT, 'user_id': 'member-user',
                           'size': 1, 'share_size': 1, 'share_proto': 'NFS'},
        {'status': 'creating', 'provider_location': '/snap'})
    # Mountable: two export locations and an active access rule.
    snapshot_db.transition(admin_ctx, snapshot.id, 'available',
                           export_locations=[
                               {'path': '10.0.0.1:/snap'},
                               {'path': '192.168.0.1:/snap',
                                'is_admin_only': True}])
    for location in snapshot_db.export_locations(admin_ctx,
                                                 snapshot_id=snapshot.id):
        world['snapshot_admin_location' if location.is_admin_only
              else 'snapshot_location'] = location.id
    rule = snapshot_access_db.create(admin_ctx, snapshot.id, 'ip',
                                     '10.8.8.8')
    snapshot_access_db.start(admin_ctx, snapshot.instance.id)
    snapshot_access_db.record(admin_ctx, snapshot.instance.id,
                              applied=[rule.id])
    world.update(snap_share=share.id, snapshot=snapshot.id,
                 snapshot_instance=snapshot.instance.id,
                 snapshot_access=rule.id)


def add_access_world(world):
    """An active access rule (metadata k=v) on the world's share."""
    admin_ctx = ml_context.get_admin_context()
    rule = access_db.create(admin_ctx, world['share'], 'ip', '10.0.0.7',
                            'rw', {'k': 'v'})
    # Applied, as the share manager records it.
    mapping = rule.instance_mappings[0]
    access_db.start_sync(admin_ctx, [mapping.share_instance_id], ())
    access_db.record_sync(admin_ctx, [{
        'instance_id': mapping.share_instance_id, 'ok': True,
        'active': [mapping.id]}])
    world.update(access=rule.id)


def add_lock_world(world):
    """A share of PROJECT with a deletion lock member-user placed."""
    admin_ctx = ml_context.get_admin_context()
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 1, 'share_proto': 'NFS'},
        {'status': 'available', 'host': 'hostA@alpha#gold',
         'share_type_id': world['type']})
    lock = lock_db.create(admin_ctx, {
        'user_id': 'member-user', 'project_id': PROJECT,
        'lock_context': 'user', 'resource_type': 'share',
        'resource_id': share.id, 'resource_action': 'delete'})
    world.update(lock_share=share.id, lock=lock.id)


def add_deferred_world(world):
    """A share and a snapshot of PROJECT whose deferred deletion failed."""
    admin_ctx = ml_context.get_admin_context()
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 1, 'share_proto': 'NFS'},
        {'status': 'deleting_in_driver_error', 'host': 'hostA@alpha#gold',
         'share_type_id': world['type']})
    snapshot = snapshot_db.create(
        admin_ctx, share, {'project_id': PROJECT, 'user_id': 'member-user',
                           'size': 1, 'share_size': 1, 'share_proto': 'NFS'},
        {'status': 'deleting_in_driver_error'})
    world.update(deferred_share=share.id, deferred_snapshot=snapshot.id)


def add_group_type_world(world):
    """A public share group type (spec color=green), the default one, and
    a private one given to PROJECT, both of the world's share type."""
    admin_ctx = ml_context.get_admin_context()
    public = group_type_db.create(admin_ctx, 'group', [world['type']],
                                  {'color': 'green'})
    private = group_type_db.create(admin_ctx, 'private-group',
                                   [world['type']], is_public=False)
    group_type_db.add_project(admin_ctx, private, PROJECT)
    CONF.set_override('default_share_group_type', 'group')
    world.update(group_type=public, private_group_type=private)


def add_share_group_world(world):
    """An available share group of PROJECT, of the public group type."""
    admin_ctx = ml_context.get_admin_context()
    owner = ml_context.RequestContext(user_id='member-user',
                                      project_id=PROJECT, roles=['member'])
    group = group_db.create(owner, {'share_group_type_id':
                                    world['group_type']}, [world['type']])
    group_db.claim_host(admin_ctx, group.id, 'hostA@alpha', 'nova')
    group_db.transition(admin_ctx, group.id, 'available')
    world.update(share_group=group.id)


def add_network_world(world):
    """A network of PROJECT with two subnets (one with metadata k=v), a
    share server on them holding no share, and a security service."""
    admin_ctx = ml_context.get_admin_context()
    network = network_db.create(admin_ctx, {'project_id': PROJECT},
                                {'availability_zone': None})
    subnet = network_db.subnet_create(admin_ctx, network.id,
                                      {'availability_zone': None},
                                      {'k': 'v'})
    server = server_db.create(admin_ctx, {
        'host': 'hostB@beta', 'share_network_id': network.id,
        'project_id': PROJECT},
        [network.subnets[0].id, subnet.id])
    server_db.transition(admin_ctx, server.id, 'active')
    service = security_db.create(admin_ctx, {'project_id': PROJECT,
                                             'type': 'ldap'})
    bare = network_db.create(admin_ctx, {'project_id': PROJECT},
                             {'availability_zone': None})
    world.update(net=network.id, subnet=subnet.id, server=server.id,
                 secsvc=service.id, bare_net=bare.id)


def add_qos_world(world):
    """A QoS type with the spec k=v."""
    qos_type = qos_db.create(ml_context.get_admin_context(), 'gold',
                             specs={'k': 'v'})
    world.update(qos_type=qos_type.id)


def add_transfer_world(world):
    """A transfer of the world's share, and its auth key."""
    admin_ctx = ml_context.get_admin_context()
    transfer, auth_key = transfer_api.create(
        admin_ctx, share_db.get(admin_ctx, world['share']), 'offer')
    world.update(transfer=transfer.id, auth_key=auth_key)


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


def call(api, persona, method, path, body=None, version='2.64',
         headers=None):
    user, project, roles = PERSONAS[persona]
    headers = dict(headers or {}, **{
        'X-Auth-Token': '%s:%s' % (user, project), 'X-Roles': roles,
        'X-OpenStack-Manila-API-Version': version})
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


def call_row(api, world, row, persona, headers=None):
    """The row's request as ``persona``, once the world holds what the
    row acts on."""
    if '{snap' in row.path + jsonutils.dumps(row.body):
        add_snapshot_world(world)
    if any('{%s}' % key in row.path + jsonutils.dumps(row.body)
           for key in ('net', 'bare_net', 'server', 'secsvc')):
        add_network_world(world)
    if '{deferred' in row.path:
        add_deferred_world(world)
    if row.path.startswith(('/share-group-types', '/share-groups')):
        add_group_type_world(world)
    if row.path.startswith('/share-groups'):
        add_share_group_world(world)
    if '{access' in row.path + jsonutils.dumps(row.body):
        add_access_world(world)
    if '{lock' in row.path + jsonutils.dumps(row.body):
        add_lock_world(world)
    if '{qos_type}' in row.path:
        add_qos_world(world)
    if '{transfer}' in row.path:
        add_transfer_world(world)
    body = row.body
    if body is not None:
        # Ids of the world's resources inside bodies too.
        text = jsonutils.dumps(body)
        for key, value in world.items():
            text = text.replace('{%s}' % key, value)
        body = jsonutils.loads(text)
    return call(api, persona, row.method, row.path.format(**world), body,
                version=row.version, headers=headers)


@pytest.mark.parametrize('row,persona,expected', _cases())
def test_persona(api, world, enforced, row, persona, expected):
    resp = call_row(api, world, row, persona)
    if expected == 'ok':
        assert 200 <= resp.status_int < 300, (resp.status, resp.body)
    else:
        assert resp.status_int == int(expected), (resp.status, resp.body)
    if persona == 'admin':
        # The row exercises the rule it names.
        assert row.rule in enforced, enforced


# -- system scope -------------------------------------------------------------

SYSTEM_SCOPE = {'OpenStack-System-Scope': 'all'}


def _actions():
    """One row per rule, method and route of the table, which holds every
    route (test_every_route_is_in_the_table)."""
    seen = set()
    for row in TABLE:
        if (row.rule, row.method, row.route) not in seen:
            seen.add((row.rule, row.method, row.route))
            yield pytest.param(row, id='%s-%s-%s' % (row.rule, row.method,
                                                     row.path))


@pytest.mark.parametrize('row', _actions())
def test_system_scoped_token_is_refused_by_every_action(api, world,
                                                        enforced, row):
    """As the admin persona, whose project-scoped token the same row
    serves (test_persona), but system-scoped: 403 from the first rule
    checked, whatever the row."""
    resp = call_row(api, world, row, 'admin', headers=SYSTEM_SCOPE)
    assert resp.status_int == 403, (resp.status, resp.body)
    assert resp.json['forbidden']['message'] == (
        "Policy doesn't allow %s to be performed." % enforced[-1])


def test_system_scoped_admin_passes_no_action_rule():
    """Every registered rule of an action, checked for a system-scoped
    administrator: refused, as each is for projects only."""
    system_admin = ml_context.RequestContext(
        user_id='admin', system_scope='all',
        roles=['admin', 'member', 'reader'])
    project_admin = ml_context.RequestContext(
        user_id='admin', project_id=ADMIN_PROJECT,
        roles=['admin', 'member', 'reader'])
    actions = [rule for rule in policies.list_rules()
               if isinstance(rule, oslo_policy.DocumentedRuleDefault)]
    assert len(actions) > 150
    passed = []
    for rule in actions:
        target = {'project_id': ADMIN_PROJECT, 'user_id': 'admin'}
        assert rule.scope_types == ['project'], rule.name
        policy.authorize(project_admin, rule.name, target)
        try:
            policy.authorize(system_admin, rule.name, target)
        except exception.PolicyNotAuthorized:
            continue
        passed.append(rule.name)
    assert passed == []


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
