"""Shares: create, list, show, update, delete and admin actions."""

from manila_lite.api import common
from manila_lite.api.handlers import access_rules
from manila_lite.api.handlers import metadata_common
from manila_lite.api.handlers import share_manage
from manila_lite.api.handlers import share_resize
from manila_lite.api.handlers import snapshots as snapshot_handlers
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import shares as schema
from manila_lite.api.views import shares as views
from manila_lite import conf
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import create_options
from manila_lite.share.api import recycle_bin
from manila_lite.share.api import shares as share_api
from manila_lite import states

CONF = conf.CONF
# From 2.48 the zones a share type lists bind where its new shares go.
V2_31 = Version('2.31')
V2_48 = Version('2.48')
V2_65 = Version('2.65')
V2_67 = Version('2.67')
V2_84 = Version('2.84')
V2_90 = Version('2.90')

# Query parameter -> filter key understood by db.shares, for everyone.
_FILTERS = {
    'name': 'display_name', 'status': 'status',
    'share_type_id': 'share_type_id', 'volume_type_id': 'share_type_id',
    'snapshot_id': 'snapshot_id', 'share_network_id': 'share_network_id',
    'share_server_id': 'share_server_id', 'share_proto': 'share_proto',
    'size': 'size', 'user_id': 'user_id', 'project_id': 'project_id',
    'id': 'id', 'mount_point_name': 'mount_point_name',
}
# Filters that appeared with a microversion.
_VERSIONED_FILTERS = {
    'export_location_id': ('2.35', 'export_location_id'),
    'export_location_path': ('2.35', 'export_location_path'),
    'name~': ('2.36', 'display_name~'),
    'description~': ('2.36', 'display_description~'),
    'description': ('2.36', 'display_description'),
    'encryption_key_ref': ('2.90', 'encryption_key_ref'),
    'availability_zone': ('2.97', 'availability_zone'),
}
# Other query parameters a list understands: the rest are no filter.
_LIST_OPTIONS = ('host', 'metadata', 'extra_specs', 'is_soft_deleted',
                 'is_public', 'all_tenants', 'sort_key', 'sort_dir', 'limit',
                 'offset', 'marker', 'with_count', 'display_name')
# Failed deferred deletions are for administrators to see.
_DEFERRED_RULE = 'share:list_shares_in_deferred_deletion_states'
_SORT_ALIASES = {'name': 'display_name', 'share_type': 'share_type_id',
                 'share_network': 'share_network_id',
                 'snapshot': 'snapshot_id',
                 'availability_zone_id': 'availability_zone'}


def _get(req, share_id):
    """(share, {type id: name}), or 404 whether it is unknown or not the
    caller's to see (as Manila, so a share's existence does not leak). A
    public share is checked against the caller's own project: every
    project may see it. Export locations are read only for versions whose
    view shows them."""
    ctx = common.context(req)
    share, type_names = share_db.get_with_type_name(
        ctx, share_id,
        with_export_locations=common.version(req) < views.EXPORTS_MOVED)
    owner = share.project_id
    if share.is_public and owner != ctx.project_id:
        owner = ctx.project_id
    if not common.allowed(req, 'share:get', {'project_id': owner}):
        raise exception.ShareNotFound(share_id=share_id)
    if share.status == states.DELETING_IN_DRIVER_ERROR and not \
            common.allowed(req, _DEFERRED_RULE, {'project_id': owner}):
        raise exception.ShareNotFound(share_id=share_id)
    return share, type_names


def _list(req, detailed):
    ctx = common.context(req)
    common.authorize(req, 'share:get_all')
    version = common.version(req)
    params = req.GET
    filters = {}
    for name, key in _FILTERS.items():
        if name in params:
            filters[key] = params[name]
    if 'display_name' in params:
        # Manila's other spelling of the name filter.
        filters.setdefault('display_name', params['display_name'])
    for name, (since, key) in _VERSIONED_FILTERS.items():
        if name in params and version >= Version(since):
            filters[key] = params[name]
    if 'host' in params:
        common.authorize(req, 'share:list_by_host')
        filters['host'] = params['host']
    if 'share_server_id' in params:
        # The administrators' filter: a server's shares whatever their
        # project (unless project_id narrows it), as in Manila.
        common.authorize(req, 'share:list_by_share_server_id')
        filters['all_tenants'] = 'project_id' not in filters
    if 'metadata' in params:
        filters['metadata'] = common.dict_param(params['metadata'],
                                                'metadata')
    if 'extra_specs' in params:
        wanted = common.dict_param(params['extra_specs'], 'extra_specs')
        filters['share_type_ids'] = [
            t.id for t in type_db.get_all(ctx, extra_specs=wanted)]
    if 'size' in filters:
        filters['size'] = common.int_param(filters['size'], 'size')
    if 'is_soft_deleted' in params and version >= Version('2.69'):
        filters['is_soft_deleted'] = common.bool_param(
            params['is_soft_deleted'], 'is_soft_deleted')
    if 'is_public' in params:
        filters['is_public'] = common.bool_param(params['is_public'],
                                                 'is_public')
    # Callers the rule refuses get their own project's shares, as Manila.
    if common.bool_param(params.get('all_tenants', 'false'),
                         'all_tenants') and \
            common.allowed(req, 'share:list_all_projects'):
        filters['all_tenants'] = True
    if 'project_id' in filters and not ctx.is_admin:
        filters.pop('project_id')
    if not common.allowed(req, _DEFERRED_RULE):
        filters['hidden_statuses'] = [states.DELETING_IN_DRIVER_ERROR]

    sort_key, sort_dir = common.sort_params(params, share_db.SORT_KEYS,
                                            _SORT_ALIASES)
    limit = common.limit_param(params)
    offset = common.int_param(params.get('offset', 0), 'offset')
    with_count = (version >= Version('2.42') or detailed) and \
        common.bool_param(params.get('with_count', 'false'), 'with_count')

    if ctx.is_admin and any(name not in _FILTERS and
                            name not in _VERSIONED_FILTERS and
                            name not in _LIST_OPTIONS for name in params):
        # Manila drops the parameters it does not know from others'
        # requests, and matches an administrator's against the shares'
        # fields: one they do not have matches none.
        shares, count = [], (0 if with_count else None)
    else:
        shares, count = share_db.get_all(
            ctx, filters, [sort_key], [sort_dir], limit=limit,
            marker=params.get('marker'), offset=offset,
            with_count=with_count,
            with_export_locations=detailed and version < Version('2.9'))
    next_links = (common.next_link(req, 'shares', shares, limit)
                  if 'limit' in params else None)
    if detailed:
        # Rows carry their type's name: no second read for it.
        return views.detail_list(req, shares, count=count,
                                 next_links=next_links,
                                 type_names=share_db.type_names(shares))
    return views.summary_list(req, shares, count=count,
                              next_links=next_links)


def index(req):
    return _list(req, detailed=False)


def detail(req):
    return _list(req, detailed=True)


def show(req, share_id):
    share, type_names = _get(req, share_id)
    return {'share': views.detail(req, share, type_names)}


def create(req):
    ctx = common.context(req)
    common.authorize(req, 'share:create')
    data = common.body(req, schema.create)['share']
    size = common.int_param(data['size'], 'size')
    if size <= 0:
        raise exception.InvalidInput(
            reason='Share size must be a positive integer, not %s.' % size)
    if data.get('share_type') and data.get('volume_type'):
        raise exception.InvalidInput(
            reason='share_type and volume_type are the same parameter; '
                   'give only one.')
    is_public = common.bool_param(data.get('is_public') or False,
                                  'is_public')
    if is_public:
        common.authorize(req, 'share:create_public_share')
    version = common.version(req)
    if data.get('share_group_id') and version >= V2_31:
        # Share groups exist, but shares cannot join them yet
        # (docs/share-groups.rst); below 2.31 the field means nothing.
        raise exception.InvalidInput(
            reason='Shares in share groups are not served yet: '
                   'share_group_id must be left out.')
    _check_admin_only_metadata(req, data.get('metadata'))
    hints = create_options.scheduler_hints(
        ctx, data.get('scheduler_hints') if version >= V2_65 else None,
        only_host_allowed=version >= V2_67)
    share = share_api.get().create(
        ctx, data['share_proto'], size,
        name=data.get('name', data.get('display_name')),
        description=data.get('description',
                             data.get('display_description')),
        share_type=data.get('share_type') or data.get('volume_type'),
        availability_zone=data.get('availability_zone'),
        metadata=data.get('metadata'), is_public=is_public,
        snapshot_id=data.get('snapshot_id'),
        share_network_id=data.get('share_network_id'),
        check_create_from_snapshot_support=(
            common.version(req) >= Version('2.24')),
        scheduler_hints=hints,
        mount_point_name=(data.get('mount_point_name')
                          if version >= V2_84 else None),
        encryption_key_ref=(data.get('encryption_key_ref')
                            if version >= V2_90 else None),
        type_zones=version >= V2_48)
    # The type the share was created with, as the API resolved it.
    return {'share': views.detail(req, share, {
        share.share_type_id: share.share_type_name})}


def update(req, share_id):
    ctx = common.context(req)
    share = share_db.get(ctx, share_id, with_export_locations=False)
    common.authorize(req, 'share:update', {'project_id': share.project_id})
    recycle_bin.check_not_soft_deleted(share, 'be updated')
    data = common.body(req, schema.update)['share']
    values = common.display_fields(data)
    if 'is_public' in data:
        common.authorize(req, 'share:set_public_share',
                         {'project_id': share.project_id})
        values['is_public'] = common.bool_param(data['is_public'],
                                                'is_public')
    share_api.get().update(ctx, share, values)
    share, type_names = share_db.get_with_type_name(
        ctx, share_id,
        with_export_locations=common.version(req) < views.EXPORTS_MOVED)
    return {'share': views.detail(req, share, type_names)}


def delete(req, share_id):
    ctx = common.context(req)
    share = share_db.get(ctx, share_id, with_export_locations=False)
    common.authorize(req, 'share:delete', {'project_id': share.project_id})
    share_api.get().delete(ctx, share)
    return common.accepted()


@common.checked_before_lookup('share:force_delete')
def _force_delete(req, share, _args):
    common.authorize(req, 'share:force_delete',
                     {'project_id': share.project_id})
    share_api.get().force_delete(common.context(req), share)


def _reset_status_legacy(req, share, args):
    """``os-reset_status`` (2.0-2.6), the rule checked once the share is
    found: another project's share is 404 there, as in Manila."""
    common.authorize(req, 'share:reset_status',
                     {'project_id': share.project_id})
    status = common.validate(args, schema.reset_status)['status']
    share_api.get().reset_status(common.context(req), share, status)


@common.checked_before_lookup('share:reset_status')
def _reset_status(req, share, args):
    _reset_status_legacy(req, share, args)


def _soft_delete(req, share, _args):
    """Move a share to the recycle bin (2.69+)."""
    common.authorize(req, 'share:soft_delete',
                     {'project_id': share.project_id})
    recycle_bin.soft_delete(common.context(req), share)


def _restore(req, share, _args):
    """Take a share out of the recycle bin; 200 when it was not in it."""
    common.authorize(req, 'share:restore', {'project_id': share.project_id})
    if not recycle_bin.restore(common.context(req), share):
        return metadata_common.empty_200()


@common.checked_before_lookup('share:reset_task_state')
def _reset_task_state(req, share, args):
    """Set the task state of a share (2.22+): one of Manila's migration
    and data copying states, or None."""
    common.authorize(req, 'share:reset_task_state',
                     {'project_id': share.project_id})
    task_state = common.validate(args, schema.reset_task_state)['task_state']
    if task_state not in states.SHARE_TASK_STATES:
        raise exception.InvalidInput(
            reason='Invalid task state %s; valid task states are: %s.'
                   % (task_state, ', '.join(
                       str(s) for s in states.SHARE_TASK_STATES)))
    share_api.get().update(common.context(req), share,
                           {'task_state': task_state})


def _check_admin_only_metadata(req, metadata):
    for key in metadata or {}:
        metadata_common.check_admin_only_delete(
            req, 'share:update_admin_only_metadata',
            CONF.admin_only_metadata, key)


# Actions Manila refuses (403) on a share in the recycle bin, with the
# words of its refusal.
_REFUSED_IN_RECYCLE_BIN = {
    'os-reset_status': 'have its status reset',
    'reset_status': 'have its status reset',
    'reset_task_state': 'have its task state reset',
    'os-extend': 'be extended', 'extend': 'be extended',
    'os-shrink': 'be shrunk', 'shrink': 'be shrunk',
    'revert': 'revert to a snapshot', 'unmanage': 'be unmanaged',
    'os-allow_access': 'have access allowed',
    'allow_access': 'have access allowed',
    'os-deny_access': 'have access denied',
    'deny_access': 'have access denied',
}


# action name -> (handler, first version, last version or None). Before 2.7
# actions carried an "os-" prefix.
ACTIONS = {
    'os-force_delete': (_force_delete, '2.0', '2.6'),
    'force_delete': (_force_delete, '2.7', None),
    'os-reset_status': (_reset_status_legacy, '2.0', '2.6'),
    'reset_status': (_reset_status, '2.7', None),
    'revert': (snapshot_handlers.revert_share, '2.27', None),
    'os-extend': (share_resize.extend, '2.0', '2.6'),
    'extend': (share_resize.extend, '2.7', None),
    'os-shrink': (share_resize.shrink, '2.0', '2.6'),
    'shrink': (share_resize.shrink, '2.7', None),
    # Before 2.7 unmanage was POST /os-share-unmanage/{id}/unmanage.
    'unmanage': (share_manage.unmanage, '2.7', None),
    'soft_delete': (_soft_delete, '2.69', None),
    'restore': (_restore, '2.69', None),
    'reset_task_state': (_reset_task_state, '2.22', None),
}
ACTIONS.update(access_rules.ACTIONS)


def action(req, share_id):
    name, (handler, _low, _high), args = common.action(req, schema.action,
                                                       ACTIONS)
    share = share_db.get(common.context(req), share_id)
    if name in _REFUSED_IN_RECYCLE_BIN:
        recycle_bin.check_not_soft_deleted(share,
                                           _REFUSED_IN_RECYCLE_BIN[name])
    # Actions answering with a body (allow_access, access_list) return it.
    result = handler(req, share, args)
    return common.accepted() if result is None else result
