"""Share networks: ``/share-networks`` CRUD and actions (security services).

From 2.51 a network is a set of subnets, one default subnet
(availability zone null) made with the network; see share_network_subnets
for the subnets API.
"""

import datetime

from oslo_utils import timeutils

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_networks as schema
from manila_lite.api.views import share_networks as views
from manila_lite.db import security_services as security_db
from manila_lite.db import share_networks as network_db
from manila_lite import exception
from manila_lite.share.api import networks as network_api
from manila_lite.share.api import security_service_update as security_update
from manila_lite import states

V2_26 = Version('2.26')
V2_36 = Version('2.36')
V2_51 = Version('2.51')
V2_63 = Version('2.63')
_LIST_FILTERS = (('security_service_id', 'created_since', 'created_before') +
                 network_db.NETWORK_FILTERS + network_db.SUBNET_FILTERS)
_LIKE_FILTERS = ('name~', 'description~')
# Query parameters that choose, order or page the networks listed rather
# than match one of their fields.
_LIST_OPTIONS = ('all_tenants', 'project_id', 'limit', 'offset', 'sort_key',
                 'sort_dir')
_INT_FILTERS = ('segmentation_id', 'ip_version', 'mtu')


def entity(req, key, schema_):
    """The ``key`` object of the body: 422 without it, 400 if invalid."""
    data = common.body(req, {})
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise exception.UnprocessableEntity(
            reason='%s entity not found in request body.' % key)
    return common.validate(data[key], schema_)


def get_network(req, network_id, action='share_network:show'):
    network = network_db.get(common.context(req), network_id)
    common.authorize(req, action, {'project_id': network.project_id})
    return network


def _date_filter(value, name):
    """created_since / created_before: a day, yyyy-mm-dd, as Manila
    takes them (a time of day is a 400 there too)."""
    try:
        return datetime.datetime.strptime(value, '%Y-%m-%d')
    except ValueError:
        raise exception.InvalidInput(
            reason='%s: %s is not in yyyy-mm-dd format.' % (name, value))


def _stored_time(value, name):
    """A time given in a create body, as stored (naive UTC)."""
    if value is None:
        return None
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise exception.InvalidInput(
            reason='%s must be an ISO 8601 time, not %r.' % (name, value))


def _list(req, detailed):
    ctx = common.context(req)
    common.authorize(req, 'share_network:index' if not detailed
                     else 'share_network:detail')
    params = req.GET
    filters = {k: params[k] for k in _LIST_FILTERS + _LIKE_FILTERS
               if k in params}
    for key in ('created_since', 'created_before'):
        if key in filters:
            filters[key] = _date_filter(filters[key], key)
    known = _LIST_FILTERS + _LIST_OPTIONS
    if common.version(req) >= V2_36:
        known += _LIKE_FILTERS
    if any(key not in known for key in params):
        # Manila matches every other parameter against the networks'
        # fields: one they do not have matches none.
        return (views.detail_list(req, [], support={}) if detailed
                else views.summary_list(req, []))
    for key in _INT_FILTERS:
        if key in filters:
            filters[key] = common.int_param(filters[key], key)
    if ctx.is_admin:
        if 'project_id' in params:
            filters['project_id'] = params['project_id']
        if common.bool_param(params.get('all_tenants', 'false'),
                             'all_tenants'):
            filters['all_tenants'] = True
    sort_key, sort_dir = common.sort_params(params, network_db.SORT_KEYS, {})
    networks = network_db.get_all(
        ctx, filters, sort_key, sort_dir, limit=common.limit_param(params),
        offset=common.int_param(params.get('offset', 0), 'offset'))
    if detailed:
        return views.detail_list(req, networks,
                                 support=update_support(req, networks))
    return views.summary_list(req, networks)


def update_support(req, networks):
    """{network id: security_service_update_support} for the views, in
    one query; nothing below 2.63, which does not show it."""
    if common.version(req) < Version('2.63'):
        return {}
    return network_db.security_update_support(common.context(req),
                                              [n.id for n in networks])


def network_body(req, network):
    return {'share_network': views.detail(req, network,
                                          update_support(req, [network]))}


def index(req):
    return _list(req, detailed=False)


def detail(req):
    return _list(req, detailed=True)


def show(req, share_network_id):
    return network_body(req, get_network(req, share_network_id))


def _subnet_values(data):
    values = {k: data.get(k) for k in ('neutron_net_id',
                                       'neutron_subnet_id')}
    if bool(values['neutron_net_id']) != bool(values['neutron_subnet_id']):
        raise exception.InvalidInput(
            reason='Neutron net ID and Neutron subnet ID must be given '
                   'together, or neither.')
    return values


def segment_values(data):
    """The segment details (network type, segmentation id, ...) a create
    body gives for its subnet."""
    return {k: data[k] for k in schema.SEGMENT if data.get(k) is not None}


def create(req):
    ctx = common.context(req)
    common.authorize(req, 'share_network:create')
    data = entity(req, 'share_network', schema.network_create)
    if data.get('nova_net_id'):
        raise exception.InvalidInput(
            reason='nova networks are not supported.')
    if 'availability_zone' in data and common.version(req) < V2_51:
        raise exception.InvalidInput(
            reason='availability_zone needs microversion 2.51 or later.')
    subnet_values = _subnet_values(data)
    subnet_values.update(segment_values(data))
    zone = data.get('availability_zone')
    network_api.check_zone(ctx, zone)
    subnet_values['availability_zone'] = zone
    values = {'project_id': ctx.project_id, 'user_id': ctx.user_id,
              'name': data.get('name'),
              'description': data.get('description')}
    # Manila keeps the times a body gives, on the network and its subnet.
    for key in ('created_at', 'updated_at'):
        when = _stored_time(data.get(key), key)
        if when is not None:
            values[key] = subnet_values[key] = when
    network = network_db.create(ctx, values, subnet_values)
    return network_body(req, network)


def update(req, share_network_id):
    ctx = common.context(req)
    data = entity(req, 'share_network', schema.network_update)
    network = get_network(req, share_network_id, 'share_network:update')
    if data.get('nova_net_id'):
        raise exception.InvalidInput(
            reason='nova networks are not supported.')
    values = {k: data[k] for k in ('name', 'description') if k in data}
    subnet_values = {k: data[k] for k in ('neutron_net_id',
                                          'neutron_subnet_id') if k in data}
    if set(data) - {'name', 'description'} and network_db.in_use_by(
            ctx.elevated(), network.id):
        raise exception.ForbiddenAction(
            message='Share network %s is in use; only its '
                    'name and description may change.' % network.id)
    network = network_db.update(ctx, network.id, values, subnet_values)
    return network_body(req, network)


def delete(req, share_network_id):
    network = get_network(req, share_network_id, 'share_network:delete')
    network_api.delete_network(common.context(req), network)
    return common.accepted()


# -- actions ------------------------------------------------------------------

def _security_service(req, args):
    data = common.validate(args, schema.security_service_ref)
    return security_db.get(common.context(req), data['security_service_id'])


def _check_unused(req, network, what):
    """Below 2.63 (and for removal always) the security services of a
    network whose share servers were built with them cannot change."""
    if network_db.in_use_by(common.context(req).elevated(),
                            network.id):
        raise exception.ForbiddenAction(
            message='Cannot %s security services: share network %s is in '
                    'use.' % (what, network.id))


def _add_security_service(req, network, args):
    common.authorize(req, 'share_network:add_security_service',
                     {'project_id': network.project_id})
    service = _security_service(req, args)
    if common.version(req) >= V2_63:
        security_update.update(common.context(req), network, service)
        return
    _check_unused(req, network, 'add')
    network_db.add_security_service(common.context(req), network.id,
                                    service)


def _remove_security_service(req, network, args):
    common.authorize(req, 'share_network:remove_security_service',
                     {'project_id': network.project_id})
    data = common.validate(args, schema.security_service_ref)
    _check_unused(req, network, 'remove')
    # 404 for an unknown service; 400 for one not associated.
    service = security_db.get(common.context(req),
                              data['security_service_id'])
    network_db.remove_security_service(common.context(req), network.id,
                                       service.id)


def _services(req, args, schema_):
    """(current, new) of an update body; 400 when either is unknown."""
    data = common.validate(args, schema_)
    ctx = common.context(req)
    try:
        current = (security_db.get(ctx, data['current_service_id'])
                   if 'current_service_id' in data else None)
        new = security_db.get(ctx, data.get('new_service_id')
                              or data.get('security_service_id'))
    except exception.SecurityServiceNotFound:
        raise exception.InvalidInput(
            reason="The current security service or the new security "
                   "service doesn't exist.")
    reset = common.bool_param(str(data.get('reset_operation', False)),
                              'reset_operation')
    return current, new, reset


def _update_security_service(req, network, args):
    common.authorize(req, 'share_network:update_security_service',
                     {'project_id': network.project_id})
    current, new, _reset = _services(req, args,
                                     schema.security_service_update_ref)
    security_update.update(common.context(req), network, new, current)


def _check_view(req, current, new, result):
    view = {'compatible': result.get('compatible'),
            'requested_operation': {
                'operation': ('update_security_service' if current
                              else 'add_security_service'),
                'current_security_service': current and current.id,
                'new_security_service': new.id}}
    if common.context(req).is_admin:
        view['hosts_check_result'] = dict(
            result.get('hosts_check_result') or {})
    return common.json_response(view, status=202)


def _update_security_service_check(req, network, args):
    return _security_service_check(
        req, network, args, 'share_network:update_security_service_check',
        schema.security_service_update_check, replacing=True)


def _add_security_service_check(req, network, args):
    return _security_service_check(
        req, network, args, 'share_network:add_security_service_check',
        schema.security_service_add_check, replacing=False)


def _security_service_check(req, network, args, rule, body_schema,
                            replacing):
    """Start (or show the cached) check of an update (``replacing``) or
    an add of a security service."""
    common.authorize(req, rule, {'project_id': network.project_id})
    current, new, reset = _services(req, args, body_schema)
    if not replacing:
        current = None
    result = security_update.check(common.context(req), network, new,
                                   current, reset)
    return _check_view(req, current, new, result)


def _reset_status(req, network, args):
    common.authorize(req, 'share_network:reset_status',
                     {'project_id': network.project_id})
    status = (args or {}).get('status')
    allowed = sorted(states.SHARE_NETWORK)
    if status not in allowed:
        raise exception.InvalidInput(
            reason='Invalid status %r; allowed are %s.'
                   % (status, ', '.join(allowed)))
    network_db.update(common.context(req).elevated(), network.id,
                      {'status': status})


def _subnet_create_check(req, network, args):
    common.authorize(req, 'share_network:subnet_create_check',
                     {'project_id': network.project_id})
    data = common.validate(args, schema.subnet_create_check)
    reset = common.bool_param(str(data.get('reset_operation', False)),
                              'reset_operation')
    result = network_api.create_check(common.context(req), network,
                                      data.get('availability_zone'), reset)
    return common.json_response(result, status=202)


# name -> (handler, first version, last version, answers with the network)
ACTIONS = {
    'share_network_subnet_create_check': (_subnet_create_check, '2.70',
                                          None, None),
    'add_security_service': (_add_security_service, '2.0', None, True),
    'remove_security_service': (_remove_security_service, '2.0', None,
                                True),
    'update_security_service': (_update_security_service, '2.63', None,
                                'accepted'),
    'update_security_service_check': (_update_security_service_check,
                                      '2.63', None, None),
    'add_security_service_check': (_add_security_service_check, '2.63',
                                   None, None),
    'reset_status': (_reset_status, '2.63', None, False),
}


def action(req, share_network_id):
    _name, (handler, _low, _high, returns), args = common.action(
        req, schema.action, ACTIONS)
    network = get_network(req, share_network_id)
    result = handler(req, network, args)
    if returns is None:
        return result
    if not returns:
        return common.accepted()
    network = network_db.get(common.context(req), network.id)
    body = network_body(req, network)
    if returns == 'accepted':
        return common.json_response(body, status=202)
    return body
