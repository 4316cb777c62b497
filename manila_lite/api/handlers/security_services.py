"""Security services: ``/security-services`` CRUD, every version (``ou``
from 2.44, ``default_ad_site`` from 2.76)."""

from manila_lite.api import common
from manila_lite.api.handlers import share_networks
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_networks as schema
from manila_lite.api.views import security_services as views
from manila_lite.db import security_services as security_db
from manila_lite.db import share_networks as network_db
from manila_lite import exception

_SINCE = {'ou': Version('2.44'), 'default_ad_site': Version('2.76')}


def _get(req, service_id, action):
    service = security_db.get(common.context(req), service_id)
    common.authorize(req, action, {'project_id': service.project_id})
    return service


def _versioned(req, data, fields):
    """The ``fields`` of a body (others are ignored, as Manila ignores
    them); 400 for one newer than the request's version."""
    version = common.version(req)
    for key, since in _SINCE.items():
        if key in data and version < since:
            raise exception.InvalidInput(
                reason='%s needs microversion %s or later.' % (key, since))
    return {k: v for k, v in data.items() if k in fields}


# Query parameters that choose or page the services listed rather than
# match one of their fields.
_LIST_OPTIONS = ('share_network_id', 'all_tenants', 'project_id', 'limit',
                 'offset', 'sort_key', 'sort_dir')


def _list(req, detailed):
    ctx = common.context(req)
    common.authorize(req, 'security_service:index')
    params = req.GET
    filters = {k: params[k] for k in security_db.FILTERS if k in params}
    if 'share_network_id' in params:
        # 404 for a network the caller cannot see, as Manila.
        network_db.get(ctx, params['share_network_id'])
        filters['share_network_id'] = params['share_network_id']
        # The network's services, whoever's project it is in.
        filters['all_tenants'] = True
    if ctx.is_admin and any(key not in security_db.FILTERS + _LIST_OPTIONS
                            for key in params):
        # Manila drops the parameters it does not know from others'
        # requests, and matches an administrator's against the services'
        # fields: one they do not have matches none.
        return views.summary_list(req, [])
    if ctx.is_admin:
        if 'project_id' in params:
            filters['project_id'] = params['project_id']
        if common.bool_param(params.get('all_tenants', 'false'),
                             'all_tenants'):
            filters['all_tenants'] = True
    services = security_db.get_all(ctx, filters)
    view = views.detail_list if detailed else views.summary_list
    return view(req, services)


def index(req):
    return _list(req, detailed=False)


def detail(req):
    return _list(req, detailed=True)


def show(req, security_service_id):
    return {'security_service': views.detail(req, _get(
        req, security_service_id, 'security_service:show'))}


def create(req):
    ctx = common.context(req)
    common.authorize(req, 'security_service:create')
    data = _versioned(req, share_networks.entity(
        req, 'security_service', schema.security_service_create),
        schema.SECURITY_FIELDS + ('type',))
    service = security_db.create(ctx, dict(data, project_id=ctx.project_id))
    return {'security_service': views.detail(req, service)}


def update(req, security_service_id):
    ctx = common.context(req)
    data = _versioned(req, share_networks.entity(
        req, 'security_service', schema.security_service_update),
        schema.SECURITY_FIELDS)
    service = _get(req, security_service_id, 'security_service:update')
    if service.share_networks and set(data) - {'name', 'description'}:
        raise exception.ForbiddenAction(
            message='Security service %s is in use by share networks; only '
                    'its name and description may change.' % service.id)
    return {'security_service': views.detail(
        req, security_db.update(ctx, service.id, data))}


def delete(req, security_service_id):
    service = _get(req, security_service_id, 'security_service:delete')
    security_db.destroy(common.context(req), service.id)
    return common.accepted()
