"""Share snapshots: create, list, show, update, delete, manage and actions;
and the share action ``revert`` (2.27+), which needs a snapshot."""


from manila_lite.api import common
from manila_lite.api.handlers import snapshot_access
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import snapshots as schema
from manila_lite.api.views import snapshots as views
from manila_lite.db import resource_metadata
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite.share.api import recycle_bin
from manila_lite.share.api import snapshots as snapshot_api
from manila_lite import states


# Query parameter -> filter key understood by db.snapshots, for everyone.
_FILTERS = {'name': 'display_name', 'display_name': 'display_name',
            'status': 'status', 'share_id': 'share_id', 'size': 'size'}
# Filters that appeared with 2.36.
_LIKE_FILTERS = {'name~': 'display_name~', 'description~':
                 'display_description~', 'description':
                 'display_description'}
# Filters only administrators may use; others' are dropped, as Manila.
_ADMIN_FILTERS = {'usage': 'usage', 'project_id': 'project_id',
                  'user_id': 'user_id'}
_SORT_ALIASES = {'name': 'display_name', 'description':
                 'display_description'}
V2_36 = Version('2.36')
# Failed deferred deletions are for administrators to see.
_DEFERRED_RULE = \
    'share_snapshot:list_snapshots_in_deferred_deletion_states'
V2_73 = Version('2.73')
V2_79 = Version('2.79')


def _entity(req, key, schema_):
    """The ``key`` object of the body: 422 without it, 400 if invalid."""
    data = common.parse_body(req)
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise exception.UnprocessableEntity(
            reason='%s entity not found in request body.' % key)
    return common.validate(data[key], schema_)


_METADATA = {'type': 'object',
             'additionalProperties': {'type': 'string', 'minLength': 1,
                                      'maxLength': 1023},
             'propertyNames': {'minLength': 1, 'maxLength': 255}}


def _get(req, snapshot_id, action='share_snapshot:get_snapshot'):
    """The snapshot, once the caller may do ``action`` on it."""
    snapshot = snapshot_db.get(common.context(req), snapshot_id)
    common.authorize(req, action, {'project_id': snapshot.project_id})
    if snapshot.status == states.DELETING_IN_DRIVER_ERROR and not \
            common.allowed(req, _DEFERRED_RULE,
                           {'project_id': snapshot.project_id}):
        raise exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)
    return snapshot


def _list(req, detailed):
    ctx = common.context(req)
    common.authorize(req, 'share_snapshot:get_all_snapshots')
    params = req.GET
    filters = {key: params[name] for name, key in _FILTERS.items()
               if name in params}
    if common.version(req) >= V2_36:
        filters.update({key: params[name]
                        for name, key in _LIKE_FILTERS.items()
                        if name in params})
    if ctx.is_admin:
        filters.update({key: params[name]
                        for name, key in _ADMIN_FILTERS.items()
                        if name in params})
        if common.bool_param(params.get('all_tenants', 'false'),
                             'all_tenants'):
            filters['all_tenants'] = True
    if 'size' in filters:
        filters['size'] = common.int_param(filters['size'], 'size')
    if 'metadata' in params and common.version(req) >= V2_73:
        filters['metadata'] = common.dict_param(params['metadata'],
                                                'metadata')
    if not common.allowed(req, _DEFERRED_RULE):
        filters['hidden_statuses'] = [states.DELETING_IN_DRIVER_ERROR]
    sort_key, sort_dir = common.sort_params(params, snapshot_db.SORT_KEYS,
                                            _SORT_ALIASES)
    limit = common.limit_param(params)
    count = None
    if common.version(req) >= V2_79 and common.bool_param(
            params.get('with_count', 'false'), 'with_count'):
        count = snapshot_db.count_all(ctx, filters)
    snapshots = snapshot_db.get_all(
        ctx, filters, sort_key, sort_dir, limit=limit,
        offset=common.int_param(params.get('offset', 0), 'offset'),
        marker=params.get('marker'))
    next_links = (common.next_link(req, views.COLLECTION, snapshots, limit)
                  if 'limit' in params else None)
    if detailed:
        return views.detail_list(req, snapshots, count=count,
                                 next_links=next_links)
    return views.summary_list(req, snapshots, count=count,
                              next_links=next_links)


def index(req):
    return _list(req, detailed=False)


def detail(req):
    return _list(req, detailed=True)


def show(req, snapshot_id):
    return {'snapshot': views.detail(req, _get(req, snapshot_id))}


def create(req):
    """202 and the new snapshot, ``creating``; the backend finishes it."""
    ctx = common.context(req)
    data = _entity(req, 'snapshot', schema.create)
    share = share_db.get(ctx, data['share_id'])
    common.authorize(req, 'share:create_snapshot',
                     {'project_id': share.project_id})
    recycle_bin.check_not_soft_deleted(share, 'be snapshotted')
    metadata = None
    if common.version(req) >= V2_73 and data.get('metadata'):
        metadata = common.validate(data['metadata'], _METADATA)
    snapshot = snapshot_api.get().create(
        ctx, share, data.get('name', data.get('display_name')),
        data.get('description', data.get('display_description')))
    if metadata:
        # Snapshot metadata (2.73+), checked above, so this cannot fail
        # on the request's account.
        resource_metadata.snapshots.update(ctx, snapshot.id, metadata)
        snapshot = snapshot_db.get(ctx, snapshot.id)
    return common.json_response({'snapshot': views.detail(req, snapshot)},
                                status=202)


def update(req, snapshot_id):
    ctx = common.context(req)
    data = _entity(req, 'snapshot', schema.update)
    snapshot = _get(req, snapshot_id, 'share:snapshot_update')
    values = common.display_fields(data)
    snapshot_api.get().update(ctx, snapshot, values)
    return {'snapshot': views.detail(req,
                                     snapshot_db.get(ctx, snapshot_id))}


def delete(req, snapshot_id):
    snapshot = _get(req, snapshot_id, 'share:delete_snapshot')
    snapshot_api.get().delete(common.context(req), snapshot)
    return common.accepted()


def manage(req):
    """Adopt a snapshot the backend holds (2.12+, administrators)."""
    common.require_version(req, '2.12')
    common.authorize(req, 'share_snapshot:manage_snapshot')
    data = _entity(req, 'snapshot', schema.manage)
    for required in ('share_id', 'provider_location'):
        if required not in data:
            raise exception.UnprocessableEntity(
                reason='Required parameter %s not found.' % required)
    recycle_bin.check_not_soft_deleted(
        share_db.get(common.context(req), data['share_id']),
        'have snapshots managed')
    snapshot = snapshot_api.get().manage(
        common.context(req), data['share_id'], data['provider_location'],
        name=data.get('name', data.get('display_name')),
        description=data.get('description', data.get('display_description')),
        driver_options=data.get('driver_options'))
    return common.json_response({'snapshot': views.detail(req, snapshot)},
                                status=202)


@common.checked_before_lookup('share_snapshot:force_delete')
def _force_delete(req, snapshot_id, _args):
    snapshot = _get(req, snapshot_id, 'share_snapshot:force_delete')
    snapshot_api.get().force_delete(common.context(req), snapshot)


@common.checked_before_lookup('share_snapshot:reset_status')
def _reset_status(req, snapshot_id, args):
    snapshot = _get(req, snapshot_id, 'share_snapshot:reset_status')
    status = common.validate(args, schema.reset_status)['status']
    snapshot_api.get().reset_status(common.context(req), snapshot, status)


@common.checked_before_lookup('share_snapshot:unmanage_snapshot')
def _unmanage(req, snapshot_id, _args):
    snapshot = _get(req, snapshot_id, 'share_snapshot:unmanage_snapshot')
    snapshot_api.get().unmanage(common.context(req), snapshot)


# action name -> (handler, first version, last version or None).
ACTIONS = {
    'os-force_delete': (_force_delete, '2.0', '2.6'),
    'force_delete': (_force_delete, '2.7', None),
    'os-reset_status': (_reset_status, '2.0', '2.6'),
    'reset_status': (_reset_status, '2.7', None),
    'unmanage': (_unmanage, '2.12', None),
}
# Access rules of mountable snapshots (2.32+).
ACTIONS.update(snapshot_access.ACTIONS)


def action(req, snapshot_id):
    _name, (handler, *_versions), args = common.action(req, schema.action,
                                                       ACTIONS)
    result = handler(req, snapshot_id, args)
    return common.accepted() if result is None else result


def revert_share(req, share, args):
    """The share action ``revert``: back to its latest snapshot."""
    common.authorize(req, 'share:revert_to_snapshot',
                     {'project_id': share.project_id})
    data = common.validate(args, schema.revert)
    snapshot_api.get().revert(common.context(req), share, data['snapshot_id'])
