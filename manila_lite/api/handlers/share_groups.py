"""Share groups (2.31+): create, list, show, rename, delete, and the
admin actions reset_status and force_delete.

Before 2.55 they were experimental: a request must send
``X-OpenStack-Manila-API-Experimental: True``, else it finds nothing
(404), as in Manila. Shares cannot be created in a group yet, nor can
groups be snapshotted (docs/share-groups.rst).
"""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import share_groups as schema
from manila_lite.api.views import share_groups as views
from manila_lite.db import share_groups as group_db
from manila_lite import exception
from manila_lite.share.api import groups as group_api

SINCE = '2.31'
GRADUATED = '2.55'
V2_36 = Version('2.36')
# Query parameters that choose, order or page the list rather than
# match a field of the groups.
_LIST_OPTIONS = ('all_tenants', 'project_id', 'limit', 'offset',
                 'sort_key', 'sort_dir')
_LIKE_FILTERS = ('name~', 'description~')
_api = None


def api():
    global _api
    if _api is None:
        _api = group_api.API()
    return _api


def _available(req):
    common.require_version(req, SINCE, experimental_before=GRADUATED)


def _get(req, group_id, rule='share_group:get'):
    """The group, once the caller may do ``rule`` on it."""
    group = group_db.get(common.context(req), group_id)
    common.authorize(req, rule, {'project_id': group.project_id})
    return group


def _list(req, detailed):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group:get_all')
    params = dict(req.GET)
    if 'group_type_id' in params:
        params['share_group_type_id'] = params.pop('group_type_id')
    filters = {key: params[key] for key in group_db.FILTERS
               if key in params}
    if common.version(req) >= V2_36:
        filters.update({key: params[key] for key in _LIKE_FILTERS
                        if key in params})
    if ctx.is_admin:
        if 'project_id' in params:
            filters['project_id'] = params['project_id']
        if common.bool_param(params.get('all_tenants', 'false'),
                             'all_tenants'):
            filters['all_tenants'] = True
    sort_key, sort_dir = common.sort_params(params, group_db.SORT_KEYS, {})
    groups = group_db.get_all(
        ctx, filters, sort_key, sort_dir, limit=common.limit_param(params),
        offset=common.int_param(params.get('offset', 0), 'offset'))
    view = views.detail_list if detailed else views.summary_list
    return view(req, groups)


def index(req):
    return _list(req, detailed=False)


def detail(req):
    return _list(req, detailed=True)


def show(req, share_group_id):
    _available(req)
    return views.show(req, _get(req, share_group_id))


def create(req):
    _available(req)
    ctx = common.context(req)
    common.authorize(req, 'share_group:create')
    data = common.body(req, schema.create)['share_group']
    if data.get('source_share_group_snapshot_id'):
        raise exception.InvalidInput(
            reason='Share group snapshots are not served yet: a share '
                   'group cannot be created from one.')
    group = api().create(
        ctx, name=data.get('name'), description=data.get('description'),
        share_group_type_id=data.get('share_group_type_id'),
        share_type_ids=data.get('share_types'),
        availability_zone=data.get('availability_zone'),
        share_network_id=data.get('share_network_id'))
    return common.json_response(views.show(req, group), status=202)


def update(req, share_group_id):
    _available(req)
    ctx = common.context(req)
    data = common.body(req, schema.update)['share_group']
    group = _get(req, share_group_id, 'share_group:update')
    return views.show(req, group_db.update(ctx, group.id, data))


def delete(req, share_group_id):
    _available(req)
    group = _get(req, share_group_id, 'share_group:delete')
    api().delete(common.context(req), group)
    return common.accepted()


@common.checked_before_lookup('share_group:force_delete')
def _force_delete(req, share_group_id, _args):
    group = _get(req, share_group_id, 'share_group:force_delete')
    api().force_delete(common.context(req), group)


@common.checked_before_lookup('share_group:reset_status')
def _reset_status(req, share_group_id, args):
    group = _get(req, share_group_id, 'share_group:reset_status')
    status = common.validate(args, schema.reset_status)['status']
    api().reset_status(common.context(req), group, status)


ACTIONS = {
    'force_delete': _force_delete,
    'reset_status': _reset_status,
}


def action(req, share_group_id):
    _available(req)
    _name, handler, args = common.action(req, schema.action, ACTIONS)
    handler(req, share_group_id, args)
    return common.accepted()
