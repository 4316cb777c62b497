"""Security services: ``/security-services`` CRUD, every version (``ou``
from 2.44, ``default_ad_site`` from 2.76)."""

from manila_lite import exception
from manila_lite.api import common
from manila_lite.api.handlers import share_networks
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_networks as schema
from manila_lite.api.views import security_services as views
from manila_lite.db import security_services as security_db

_SINCE = {'ou': Version('2.44'), 'default_ad_site': Version('2.76')}


def _get(req, service_id, action):
    service = security_db.get(common.context(req), service_id)
    common.authorize(req, action, {'project_id': service.project_id})
    return service


def _versioned(req, data):
    version = common.version(req)
    for key, since in _SINCE.items():
        if key in data and version < since:
            raise exception.InvalidInput(
                reason='%s needs microversion %s or later.' % (key, since))
    return data


def _list(req, detailed):
    ctx = common.context(req)
    common.authorize(req, 'security_service:index')
    params = req.GET
    filters = {k: params[k] for k in security_db.FILTERS if k in params}
    if 'share_network_id' in params:
        filters['share_network_id'] = params['share_network_id']
    if ctx.is_admin:
        if 'project_id' in params:
            filters['project_id'] = params['project_id']
        if common.bool_param(params.get('all_tenants', 'false'),
                             'all_tenants'):
            filters['all_tenants'] = True
    services = security_db.get_all(ctx, filters)
    view = views.detail if detailed else views.summary
    return {'security_services': [view(req, s) for s in services]}


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
        req, 'security_service', schema.security_service_create))
    service = security_db.create(ctx, dict(data, project_id=ctx.project_id))
    return {'security_service': views.detail(req, service)}


def update(req, security_service_id):
    ctx = common.context(req)
    data = _versioned(req, share_networks.entity(
        req, 'security_service', schema.security_service_update))
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
