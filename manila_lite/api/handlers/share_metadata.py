"""Share metadata: ``/shares/{share_id}/metadata[/{key}]``, every version.

GET lists (``{"metadata": {...}}``) or shows one item (``{"meta":
{key: value}}``); POST merges items into what is there, PUT replaces it
all, POST on a key updates that one item, DELETE removes one. All answer
200. The metadata of a public share may be read by every project but
changed only by its own.
"""

from manila_lite.api import common
from manila_lite.api.handlers import metadata_common
from manila_lite import conf
from manila_lite.db import share_metadata as metadata_db
from manila_lite.db import shares as share_db
from manila_lite import exception

CONF = conf.CONF
ADMIN_ONLY_RULE = 'share:update_admin_only_metadata'


def _admin_only(req, share_id, items, replace):
    """The keys of admin_only_metadata are the administrators' (2.68):
    others get 403 for naming them, and keep them on a replace-all."""
    current = metadata_db.get(common.context(req), share_id)
    return metadata_common.admin_only_merge(
        req, ADMIN_ONLY_RULE, CONF.admin_only_metadata, current, items,
        replace)


def _share(req, share_id, action, modifying):
    ctx = common.context(req)
    try:
        share = share_db.get(ctx, share_id)
    except exception.ShareNotFound:
        raise exception.NotFound('Share not found.')
    owner = share.project_id
    if share.is_public and not modifying and owner != ctx.project_id:
        owner = ctx.project_id
    common.authorize(req, action, {'project_id': owner})
    return share


def index(req, share_id):
    _share(req, share_id, 'share:get_share_metadata', modifying=False)
    return {'metadata': metadata_db.get(common.context(req), share_id)}


def create(req, share_id):
    """Merge the items given into the share's metadata."""
    items = metadata_common.items(req)
    _share(req, share_id, 'share:update_share_metadata', modifying=True)
    items, _replace = _admin_only(req, share_id, items, replace=False)
    return {'metadata': metadata_db.update(common.context(req), share_id,
                                           items)}


def update_all(req, share_id):
    """Replace the share's metadata with the items given (null: none)."""
    items = metadata_common.items(req, allow_null=True)
    _share(req, share_id, 'share:update_share_metadata', modifying=True)
    items, replace = _admin_only(req, share_id, items, replace=True)
    return {'metadata': metadata_db.update(common.context(req), share_id,
                                           items, replace=replace)}


def show(req, share_id, key):
    _share(req, share_id, 'share:get_share_metadata', modifying=False)
    return {'meta': {key: metadata_db.get_item(common.context(req),
                                               share_id, key)}}


def update_item(req, share_id, key):
    """Set one item; the body must hold exactly that key."""
    items = metadata_common.item_for_key(req, key)
    _share(req, share_id, 'share:update_share_metadata', modifying=True)
    items, _replace = _admin_only(req, share_id, items, replace=False)
    return {'metadata': metadata_db.update(common.context(req), share_id,
                                           items)}


def delete(req, share_id, key):
    _share(req, share_id, 'share:delete_share_metadata', modifying=True)
    metadata_common.check_admin_only_delete(
        req, ADMIN_ONLY_RULE, CONF.admin_only_metadata, key)
    metadata_db.delete_item(common.context(req), share_id, key)
    return metadata_common.empty_200()
