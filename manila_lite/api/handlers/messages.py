"""User messages: what went wrong asynchronously (2.37+).

Administrators see the messages of every project, as in Manila; others
see their own project's.
"""

import webob

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.views import messages as views
from manila_lite.db import messages as message_db

MIN_VERSION = '2.37'


def index(req):
    common.require_version(req, MIN_VERSION)
    ctx = common.context(req)
    common.authorize(req, 'message:get_all')
    params = req.GET
    filters = {key: params[key] for key in message_db.FILTERS
               if key in params}
    if common.version(req) >= Version('2.52'):
        for name in ('created_since', 'created_before'):
            if name in params:
                filters[name] = common.time_param(params, name)
    filters['all_tenants'] = ctx.is_admin
    limit = common.limit_param(params)
    offset = common.int_param(params.get('offset', 0), 'offset')
    sort_dir = 'asc' if params.get('sort_dir', 'desc') != 'desc' else 'desc'
    items = message_db.get_all(ctx, filters, limit=limit, offset=offset,
                               sort_key=params.get('sort_key', 'created_at'),
                               sort_dir=sort_dir)
    next_links = (common.next_link(req, 'messages', items, limit)
                  if 'limit' in params else None)
    return views.index(req, items, next_links=next_links)


def _get(req, message_id, action):
    common.require_version(req, MIN_VERSION)
    message = message_db.get(common.context(req), message_id)
    common.authorize(req, action, {'project_id': message.project_id})
    return message


def show(req, message_id):
    return {'message': views.detail(req, _get(req, message_id,
                                              'message:get'))}


def delete(req, message_id):
    _get(req, message_id, 'message:delete')
    message_db.destroy(common.context(req), message_id)
    return webob.Response(status=204, content_type=None)
