"""Share transfers (2.77): offer a share to another project, which accepts
it with the auth key the offer answered with.

Answers follow Manila's controller: create and accept are 202, delete
200; a share the caller cannot see, or an unknown transfer on accept,
is 400; another project's transfer is 404 everywhere else.
"""

from oslo_utils import uuidutils

from manila_lite.api import common
from manila_lite.api.handlers import metadata_common
from manila_lite.api.schemas import share_transfers as schema
from manila_lite.api.views import share_transfers as views
from manila_lite.db import share_transfers as transfer_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import transfers as transfer_api

MIN_VERSION = '2.77'
# Query parameter -> filter key of db.share_transfers.
_FILTERS = {'name': 'display_name', 'name~': 'display_name~',
            'id': 'id', 'resource_type': 'resource_type',
            'resource_id': 'resource_id',
            'source_project_id': 'source_project_id',
            'destination_project_id': 'destination_project_id'}


def _list(req, detailed):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_transfer:get_all')
    ctx = common.context(req)
    params = req.GET
    all_projects = (
        common.bool_param(params.get('all_tenants', 'false'), 'all_tenants')
        and common.allowed(req, 'share_transfer:get_all_tenant'))
    sort_key, sort_dir = common.sort_params(
        params, transfer_db.SORT_KEYS, {})
    # Paged by limit and offset; no 'next' link (Manila's names a marker
    # its own list ignores).
    transfers = transfer_db.get_all(
        ctx, {_FILTERS[key]: params[key] for key in _FILTERS
              if key in params},
        all_projects=all_projects, sort_key=sort_key, sort_dir=sort_dir,
        limit=common.limit_param(params),
        offset=common.int_param(params.get('offset', 0), 'offset'))
    view = views.detail_list if detailed else views.summary_list
    return view(req, transfers)


def index(req):
    return _list(req, detailed=False)


def detail(req):
    return _list(req, detailed=True)


def show(req, transfer_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_transfer:get')
    return views.show(req, transfer_db.get(common.context(req),
                                           transfer_id))


def create(req):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_transfer:create')
    data = common.body(req, schema.create)['transfer']
    share_id = data['share_id']
    if not uuidutils.is_uuid_like(share_id):
        raise exception.InvalidInput(
            reason="The 'share_id' attribute must be a uuid.")
    ctx = common.context(req)
    try:
        share = share_db.get(ctx, share_id, with_export_locations=False)
    except exception.ShareNotFound:
        raise exception.InvalidShare(reason='Share specified was not found.')
    common.authorize(req, 'share_transfer:create',
                     {'project_id': share.project_id})
    name = data.get('name')
    transfer, auth_key = transfer_api.create(
        ctx, share, name.strip() if name is not None else None)
    return common.json_response(views.created(req, transfer, auth_key),
                                status=202)


def accept(req, transfer_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_transfer:accept')
    data = common.body(req, schema.accept)['accept']
    clear = data.get('clear_access_rules') or False
    if clear is not False:
        clear = common.bool_param(clear, 'clear_access_rules')
    transfer_api.accept(common.context(req), transfer_id, data['auth_key'],
                        clear_access_rules=clear)
    return common.accepted()


def delete(req, transfer_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_transfer:delete')
    ctx = common.context(req)
    transfer = transfer_db.get(ctx, transfer_id)
    common.authorize(req, 'share_transfer:delete',
                     {'project_id': transfer.source_project_id})
    transfer_api.delete(ctx, transfer)
    return metadata_common.empty_200()
