"""The one route table, and the dispatch of every request through it.

Every path is written once, relative to ``/v2``; the optional project id
segment (``/v2/{project_id}/shares``) is stripped here, in one place.
"""

import re

from oslo_log import log as logging
import webob
import webob.exc

from manila_lite.api import common
from manila_lite.api import faults
from manila_lite.api.handlers import access_rules
from manila_lite.api.handlers import availability_zones
from manila_lite.api.handlers import export_location_metadata as el_metadata
from manila_lite.api.handlers import export_locations
from manila_lite.api.handlers import extensions
from manila_lite.api.handlers import limits
from manila_lite.api.handlers import messages
from manila_lite.api.handlers import qos_types
from manila_lite.api.handlers import quota_class_sets
from manila_lite.api.handlers import quotas
from manila_lite.api.handlers import resource_locks
from manila_lite.api.handlers import scheduler_stats
from manila_lite.api.handlers import security_services
from manila_lite.api.handlers import service_ensure
from manila_lite.api.handlers import services
from manila_lite.api.handlers import share_group_snapshots as group_snapshots
from manila_lite.api.handlers import share_group_types as group_types
from manila_lite.api.handlers import share_groups
from manila_lite.api.handlers import share_instances
from manila_lite.api.handlers import share_manage
from manila_lite.api.handlers import share_metadata
from manila_lite.api.handlers import share_migration
from manila_lite.api.handlers import share_network_subnets as subnets
from manila_lite.api.handlers import share_networks
from manila_lite.api.handlers import share_replicas as replicas
from manila_lite.api.handlers import share_servers
from manila_lite.api.handlers import share_transfers as transfers
from manila_lite.api.handlers import share_types
from manila_lite.api.handlers import shares
from manila_lite.api.handlers import snapshot_access
from manila_lite.api.handlers import snapshot_export_locations as snapshot_els
from manila_lite.api.handlers import snapshot_instances
from manila_lite.api.handlers import snapshot_metadata
from manila_lite.api.handlers import snapshots
from manila_lite.api.handlers import versions
from manila_lite import exception

ROUTES = {
    '/shares': {'GET': shares.index, 'POST': shares.create},
    '/shares/detail': {'GET': shares.detail},
    '/shares/{share_id}': {'GET': shares.show, 'PUT': shares.update,
                           'DELETE': shares.delete},
    '/shares/{share_id}/action': {'POST': shares.action},
    '/shares/manage': {'POST': share_manage.manage},
    '/os-share-manage': {'POST': share_manage.manage_legacy},
    '/os-share-unmanage/{share_id}/unmanage': {
        'POST': share_manage.unmanage_legacy},
    '/shares/{share_id}/metadata': {'GET': share_metadata.index,
                                    'POST': share_metadata.create,
                                    'PUT': share_metadata.update_all},
    '/shares/{share_id}/metadata/{key}': {
        'GET': share_metadata.show, 'POST': share_metadata.update_item,
        'DELETE': share_metadata.delete},
    '/shares/{share_id}/export_locations': {
        'GET': export_locations.index},
    '/shares/{share_id}/export_locations/{export_location_id}': {
        'GET': export_locations.show},
    '/shares/{share_id}/export_locations/{export_location_id}/metadata': {
        'GET': el_metadata.index, 'POST': el_metadata.create,
        'PUT': el_metadata.update_all},
    '/shares/{share_id}/export_locations/{export_location_id}/metadata'
    '/{key}': {'GET': el_metadata.show, 'POST': el_metadata.update_item,
               'DELETE': el_metadata.delete},
    '/shares/{share_id}/migration-progress': {
        'GET': share_migration.progress},
    '/shares/{share_id}/instances': {'GET': share_instances.of_share},
    '/share_instances': {'GET': share_instances.index},
    '/share_instances/{instance_id}': {'GET': share_instances.show},
    '/share_instances/{instance_id}/action': {
        'POST': share_instances.action},
    '/share_instances/{instance_id}/export_locations': {
        'GET': share_instances.export_locations},
    '/share_instances/{instance_id}/export_locations/{export_location_id}': {
        'GET': share_instances.export_location},
    '/snapshots/{snapshot_id}/metadata': {
        'GET': snapshot_metadata.index, 'POST': snapshot_metadata.create,
        'PUT': snapshot_metadata.update_all},
    '/snapshots/{snapshot_id}/metadata/{key}': {
        'GET': snapshot_metadata.show,
        'POST': snapshot_metadata.update_item,
        'DELETE': snapshot_metadata.delete},
    '/snapshots': {'GET': snapshots.index, 'POST': snapshots.create},
    '/snapshots/detail': {'GET': snapshots.detail},
    '/snapshots/manage': {'POST': snapshots.manage},
    '/snapshots/{snapshot_id}': {'GET': snapshots.show,
                                 'PUT': snapshots.update,
                                 'DELETE': snapshots.delete},
    '/snapshots/{snapshot_id}/action': {'POST': snapshots.action},
    '/snapshots/{snapshot_id}/access-list': {
        'GET': snapshot_access.access_list},
    '/snapshots/{snapshot_id}/export-locations': {
        'GET': snapshot_els.index},
    '/snapshots/{snapshot_id}/export-locations/{export_location_id}': {
        'GET': snapshot_els.show},
    '/snapshot-instances': {'GET': snapshot_instances.index},
    '/snapshot-instances/detail': {'GET': snapshot_instances.detail},
    '/snapshot-instances/{instance_id}': {'GET': snapshot_instances.show},
    '/snapshot-instances/{instance_id}/action': {
        'POST': snapshot_instances.action},
    '/snapshot-instances/{instance_id}/export-locations': {
        'GET': snapshot_els.instance_index},
    '/snapshot-instances/{instance_id}/export-locations'
    '/{export_location_id}': {'GET': snapshot_els.instance_show},
    '/types': {'GET': share_types.index, 'POST': share_types.create},
    '/types/default': {'GET': share_types.default},
    '/types/{type_id}': {'GET': share_types.show, 'PUT': share_types.update,
                         'DELETE': share_types.delete},
    '/types/{type_id}/action': {'POST': share_types.action},
    '/types/{type_id}/extra_specs': {'GET': share_types.specs_index,
                                     'POST': share_types.specs_create},
    '/types/{type_id}/extra_specs/{key}': {
        'GET': share_types.specs_show, 'PUT': share_types.specs_update,
        'DELETE': share_types.specs_delete},
    '/types/{type_id}/share_type_access': {'GET': share_types.access_list},
    # The pre-2.7 client name of the same list; both serve every version.
    '/types/{type_id}/os-share-type-access': {
        'GET': share_types.access_list},
    '/share-group-types': {'GET': group_types.index,
                           'POST': group_types.create},
    '/share-group-types/default': {'GET': group_types.default},
    '/share-group-types/{type_id}': {'GET': group_types.show,
                                     'DELETE': group_types.delete},
    '/share-group-types/{type_id}/action': {'POST': group_types.action},
    '/share-group-types/{type_id}/access': {
        'GET': group_types.access_list},
    '/share-group-types/{type_id}/group-specs': {
        'GET': group_types.specs_index, 'POST': group_types.specs_create},
    '/share-group-types/{type_id}/group-specs/{key}': {
        'GET': group_types.specs_show, 'PUT': group_types.specs_update,
        'DELETE': group_types.specs_delete},
    '/share-groups': {'GET': share_groups.index,
                      'POST': share_groups.create},
    '/share-groups/detail': {'GET': share_groups.detail},
    '/share-groups/{share_group_id}': {'GET': share_groups.show,
                                       'PUT': share_groups.update,
                                       'DELETE': share_groups.delete},
    '/share-groups/{share_group_id}/action': {
        'POST': share_groups.action},
    # Empty until groups can be snapshotted (2.31+, experimental to 2.54).
    '/share-group-snapshots': {'GET': group_snapshots.index},
    '/share-group-snapshots/detail': {'GET': group_snapshots.detail},
    '/share-group-snapshots/{snapshot_id}': {
        'GET': group_snapshots.show, 'DELETE': group_snapshots.delete},
    '/qos-types': {'GET': qos_types.index, 'POST': qos_types.create},
    '/qos-types/{qos_type_id}': {'GET': qos_types.show,
                                 'PUT': qos_types.update,
                                 'DELETE': qos_types.delete},
    '/qos-types/{qos_type_id}/specs': {'GET': qos_types.specs_index,
                                       'POST': qos_types.specs_create},
    '/qos-types/{qos_type_id}/specs/{key}': {
        'GET': qos_types.specs_show, 'PUT': qos_types.specs_update,
        'DELETE': qos_types.specs_delete},
    '/share-transfers': {'GET': transfers.index, 'POST': transfers.create},
    '/share-transfers/detail': {'GET': transfers.detail},
    '/share-transfers/{transfer_id}': {'GET': transfers.show,
                                       'DELETE': transfers.delete},
    '/share-transfers/{transfer_id}/accept': {'POST': transfers.accept},
    '/services': {'GET': services.index},
    '/services/{action}': {'PUT': services.update},
    # Literal paths win over /services/{action}.
    '/services/ensure-shares': {'POST': service_ensure.ensure_shares},
    '/services/ensure': {'POST': service_ensure.ensure_shares},
    '/availability-zones': {'GET': availability_zones.index},
    '/scheduler-stats/pools': {'GET': scheduler_stats.pools},
    '/scheduler-stats/pools/detail': {'GET': scheduler_stats.pools_detail},
    '/quota-sets/{project_id}': {'GET': quotas.show, 'PUT': quotas.update,
                                 'DELETE': quotas.delete},
    '/quota-sets/{project_id}/defaults': {'GET': quotas.defaults},
    '/quota-sets/{project_id}/detail': {'GET': quotas.detail},
    '/quota-class-sets/{class_name}': {'GET': quota_class_sets.show,
                                       'PUT': quota_class_sets.update},
    '/limits': {'GET': limits.index},
    '/extensions': {'GET': extensions.index},
    '/extensions/{alias}': {'GET': extensions.show},
    # Empty until replication is served (2.11+, experimental to 2.55).
    '/share-replicas': {'GET': replicas.index},
    '/share-replicas/detail': {'GET': replicas.detail},
    '/share-replicas/{replica_id}': {'GET': replicas.show,
                                     'DELETE': replicas.delete},
    '/messages': {'GET': messages.index},
    '/messages/{message_id}': {'GET': messages.show,
                               'DELETE': messages.delete},
    '/share-networks': {'GET': share_networks.index,
                        'POST': share_networks.create},
    '/share-networks/detail': {'GET': share_networks.detail},
    '/share-networks/{share_network_id}': {
        'GET': share_networks.show, 'PUT': share_networks.update,
        'DELETE': share_networks.delete},
    '/share-networks/{share_network_id}/action': {
        'POST': share_networks.action},
    '/share-networks/{share_network_id}/subnets': {
        'GET': subnets.index, 'POST': subnets.create},
    '/share-networks/{share_network_id}/subnets/{share_network_subnet_id}': {
        'GET': subnets.show, 'DELETE': subnets.delete},
    '/share-networks/{share_network_id}/subnets/{share_network_subnet_id}'
    '/action': {'POST': subnets.action},
    '/share-networks/{share_network_id}/subnets/{share_network_subnet_id}'
    '/metadata': {'GET': subnets.metadata_index,
                  'POST': subnets.metadata_create,
                  'PUT': subnets.metadata_update_all},
    '/share-networks/{share_network_id}/subnets/{share_network_subnet_id}'
    '/metadata/{key}': {'GET': subnets.metadata_show,
                        'POST': subnets.metadata_update_item,
                        'PUT': subnets.metadata_update_item,
                        'DELETE': subnets.metadata_delete},
    '/share-servers': {'GET': share_servers.index},
    '/share-servers/{share_server_id}': {'GET': share_servers.show,
                                         'DELETE': share_servers.delete},
    '/share-servers/{share_server_id}/details': {
        'GET': share_servers.details},
    '/security-services': {'GET': security_services.index,
                           'POST': security_services.create},
    '/security-services/detail': {'GET': security_services.detail},
    '/security-services/{security_service_id}': {
        'GET': security_services.show, 'PUT': security_services.update,
        'DELETE': security_services.delete},
    '/share-access-rules': {'GET': access_rules.index},
    '/share-access-rules/{access_id}': {'GET': access_rules.show,
                                        'PUT': access_rules.update},
    '/share-access-rules/{access_id}/metadata': {
        'PUT': access_rules.metadata_update,
        'POST': access_rules.metadata_update},
    '/share-access-rules/{access_id}/metadata/{key}': {
        'DELETE': access_rules.metadata_delete},
    '/resource-locks': {'GET': resource_locks.index,
                        'POST': resource_locks.create},
    '/resource-locks/{lock_id}': {'GET': resource_locks.show,
                                  'PUT': resource_locks.update,
                                  'DELETE': resource_locks.delete},
}

# Paths Manila served under other names before 2.7; same handlers.
LEGACY_ALIASES = {
    'os-services': 'services',
    'os-availability-zone': 'availability-zones',
    'os-quota-sets': 'quota-sets',
    'os-quota-class-sets': 'quota-class-sets',
}
LOG = logging.getLogger(__name__)


def _regex(path):
    return re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', path) +
                      '$')


def _compile(routes):
    compiled = [(_regex(path), methods) for path, methods in routes.items()]
    # Literal segments win over placeholders (/types/default).
    compiled.sort(key=lambda item: item[0].pattern.count('(?P'))
    return compiled


def _without_an_id(routes):
    """Each route with one inner placeholder left out: the path a client
    builds around an empty id once the double slash is folded, as tempest
    folds it (``types//extra_specs`` -> ``/types/extra_specs``)."""
    found = set()
    for path in routes:
        segments = path.split('/')
        for i, segment in enumerate(segments[:-1]):
            if segment.startswith('{'):
                found.add('/'.join(segments[:i] + segments[i + 1:]))
    return [_regex(path) for path in sorted(found)]


_COMPILED = _compile(ROUTES)
_WITHOUT_AN_ID = _without_an_id(ROUTES)
# Manila collections not served here (docs/microversions.rst): named so
# that /v2/share-backups answers 404 instead of reading as a project id.
NOT_SERVED = {
    'consistency-groups', 'cgsnapshots',
    'share-backups',
    'share-instances', 'share-servers-migration',
    'share-instance-export-locations',
}
_COLLECTIONS = ({path.split('/')[1] for path in ROUTES} |
                set(LEGACY_ALIASES) | NOT_SERVED)


def split_path(path):
    """'/v2/{project}/shares/x' -> (project or None, '/shares/x', legacy).

    A segment is a project id when a collection follows it, or when it is
    all there is (``/v2/{project}``, ``/v2/{project}/``: the version
    document, if it is the caller's project). Empty segments stay, for
    match() to refuse. The path is None outside /v2.
    """
    segments = path.split('/')
    if segments and segments[0] == '':
        segments = segments[1:]
    if not segments or segments[0] != 'v2':
        return None, None, False
    rest = segments[1:]
    project_id = None
    if rest and rest[0] and rest[0] not in _COLLECTIONS:
        if rest[1:] in ([], ['']):
            return rest[0], '/', False
        if rest[1] in _COLLECTIONS:
            project_id, rest = rest[0], rest[1:]
    legacy = bool(rest) and rest[0] in LEGACY_ALIASES
    if legacy:
        rest = [LEGACY_ALIASES[rest[0]]] + rest[1:]
    if rest in ([], ['']):
        return None, '/', False
    return project_id, '/' + '/'.join(rest), legacy


def _not_found():
    return _Unroutable(faults.fault_response(
        404, 'The resource could not be found.'))


def match(path, method):
    """(handler, path params) or raise a 404/405 webob response.

    An empty segment (``/shares/``, ``/types//extra_specs``) is an id left
    empty: 404, as Manila answers, never the collection it would read as
    without the slash. So is a method a route does not serve when the path
    reads as another route with its id left out (``POST /types/extra_specs``
    is ``types//extra_specs`` folded); other methods a route does not serve
    answer 405 with an ``Allow`` header.
    """
    if '' in path.split('/')[1:]:
        raise _not_found()
    for pattern, methods in _COMPILED:
        found = pattern.match(path)
        if found:
            handler = methods.get(method)
            if handler is None:
                if any(p.match(path) for p in _WITHOUT_AN_ID):
                    raise _not_found()
                raise _Unroutable(faults.fault_response(
                    405, 'Method %s is not allowed on %s.' % (method, path),
                    {'Allow': ', '.join(sorted(methods))}))
            return handler, found.groupdict()
    raise _not_found()


class _Unroutable(Exception):
    def __init__(self, response):
        super().__init__()
        self.response = response


def dispatch(req):
    """Route, call the handler, and turn its result into a response."""
    if req.path_info in ('', '/'):
        return versions.root(req)
    project_id, path, legacy = split_path(req.path_info)
    if path is None:
        return faults.fault_response(404, 'The resource could not be found.')
    caller = common.context(req).project_id
    if path == '/':
        # /v2/{project}: a project root only when it is the caller's;
        # /v2/foo is an unknown path.
        if project_id is None or project_id == caller:
            return common.json_response(versions.v2(req))
        return faults.fault_response(404, 'The resource could not be found.')
    try:
        handler, params = match(path, req.method)
    except _Unroutable as err:
        return err.response
    if project_id and caller and project_id != caller:
        # Another project's URL with one's own token: refused as Manila
        # does, before any handler could say whether something exists.
        return faults.fault_response(400, 'Malformed request url')
    req.environ['manila.url_project_id'] = project_id
    req.environ['manila.legacy_path'] = legacy
    try:
        result = handler(req, **params)
    except exception.ManilaLiteException as err:
        if isinstance(err, exception.BrokerUnavailable):
            LOG.warning('%s %s: %s', req.method, req.path_info, err.msg)
        elif err.code >= 500:
            LOG.exception('%s %s failed', req.method, req.path_info)
        return faults.fault_response(err.code, err.msg, headers=err.headers)
    except webob.exc.HTTPException as err:
        return faults.fault_response(err.code, err.detail or err.title)
    if isinstance(result, webob.Response):
        return result
    return common.json_response(result)
