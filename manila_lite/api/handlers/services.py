"""Services: list the daemons and enable or disable share services."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import services as schema
from manila_lite.api.views import services as views
from manila_lite.db import services as service_db
from manila_lite import exception

_STATUSES = {'enabled': False, 'disabled': True}


def index(req):
    common.check_url_name(req)
    common.authorize(req, 'service:index')
    params = req.GET
    filters = {key: params[key] for key in ('host', 'binary', 'zone')
               if key in params}
    if 'status' in params:
        if params['status'] not in _STATUSES:
            # Manila answers an unknown status with nothing, not a 400.
            return views.index(req, [])
        filters['disabled'] = _STATUSES[params['status']]
    if 'ensuring' in params and common.version(req) >= Version('2.93'):
        try:
            filters['ensuring'] = common.bool_param(params['ensuring'],
                                                    'ensuring')
        except exception.Invalid:
            # As for status: an unknown value matches nothing.
            return views.index(req, [])
    services = service_db.get_all(common.context(req), filters)
    if 'state' in params:
        services = [s for s in services
                    if views.state(s) == params['state']]
    return views.index(req, services)


def update(req, action):
    common.check_url_name(req)
    common.authorize(req, 'service:update')
    if action not in ('enable', 'disable'):
        raise exception.NotFound("Unknown action '%s'" % action)
    data = common.body(req, schema.update)
    reason = None
    if action == 'disable' and data.get('disabled_reason'):
        if common.version(req) < Version('2.83'):
            raise exception.Invalid(
                "'disabled_reason' needs API microversion 2.83 or later.")
        reason = data['disabled_reason'].strip()
        if not 1 <= len(reason) <= 255:
            raise exception.Invalid(
                'Disabled reason contains invalid characters or is too long')
    service = service_db.set_disabled(common.context(req), data['host'],
                                      data['binary'], action == 'disable',
                                      reason)
    return views.update(req, service)
