"""Share metadata: ``/shares/{share_id}/metadata[/{key}]``, every version.

GET lists (``{"metadata": {...}}``) or shows one item (``{"meta":
{key: value}}``); POST merges items into what is there, PUT replaces it
all, POST on a key updates that one item, DELETE removes one. All answer
200. The metadata of a public share may be read by every project but
changed only by its own.
"""

import webob

from manila_lite import exception
from manila_lite.api import common
from manila_lite.db import share_metadata as metadata_db
from manila_lite.db import shares as share_db


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


def _items(req, allow_null=False):
    """The body's metadata, checked as Manila checks it (400s)."""
    data = common.body(req, {})
    if not isinstance(data, dict) or 'metadata' not in data:
        raise exception.Invalid('Malformed request body')
    metadata = data['metadata']
    if metadata is None and allow_null:
        return {}
    if not isinstance(metadata, dict):
        raise exception.Invalid('Malformed request body')
    for key, value in metadata.items():
        if not key:
            raise exception.Invalid('Metadata property key is blank.')
        if len(key) > 255:
            raise exception.Invalid(
                'Metadata property key is greater than 255 characters.')
        if not isinstance(value, str):
            raise exception.Invalid('Malformed request body')
        if not value:
            raise exception.Invalid('Metadata property value is blank.')
        if len(value) > 1023:
            raise exception.Invalid(
                'Metadata property value is greater than 1023 characters.')
    return metadata


def index(req, share_id):
    _share(req, share_id, 'share:get_share_metadata', modifying=False)
    return {'metadata': metadata_db.get(common.context(req), share_id)}


def create(req, share_id):
    """Merge the items given into the share's metadata."""
    items = _items(req)
    _share(req, share_id, 'share:update_share_metadata', modifying=True)
    return {'metadata': metadata_db.update(common.context(req), share_id,
                                           items)}


def update_all(req, share_id):
    """Replace the share's metadata with the items given (null: none)."""
    items = _items(req, allow_null=True)
    _share(req, share_id, 'share:update_share_metadata', modifying=True)
    return {'metadata': metadata_db.update(common.context(req), share_id,
                                           items, replace=True)}


def show(req, share_id, key):
    _share(req, share_id, 'share:get_share_metadata', modifying=False)
    return {'meta': {key: metadata_db.get_item(common.context(req),
                                               share_id, key)}}


def update_item(req, share_id, key):
    """Set one item; the body must hold exactly that key."""
    items = _items(req)
    if key not in items:
        raise exception.Invalid('Request body and URI mismatch')
    if len(items) > 1:
        raise exception.Invalid('Request body contains too many items')
    _share(req, share_id, 'share:update_share_metadata', modifying=True)
    return {'metadata': metadata_db.update(common.context(req), share_id,
                                           items)}


def delete(req, share_id, key):
    _share(req, share_id, 'share:delete_share_metadata', modifying=True)
    metadata_db.delete_item(common.context(req), share_id, key)
    return _empty_200()


def _empty_200():
    """200 with no body, as Manila answers a metadata delete.

    pecan turns an empty 200 into a 204 unless the body comes from an
    iterator that yields something, here one empty chunk.
    """
    response = webob.Response(status=200, content_type=None)
    response.app_iter = (chunk for chunk in [b''])
    response.content_length = 0
    return response
