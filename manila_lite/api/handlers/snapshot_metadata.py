"""Snapshot metadata (2.73+): ``/snapshots/{snapshot_id}/metadata[/{key}]``.

The same shapes and answers as share metadata: GET lists
(``{"metadata": {...}}``) or shows one item (``{"meta": {key: value}}``),
POST merges, PUT replaces all, POST on a key sets that one item, DELETE
removes one; all answer 200.
"""

from manila_lite.api import common
from manila_lite.api.handlers import metadata_common
from manila_lite.db import resource_metadata
from manila_lite.db import snapshots as snapshot_db

MIN_VERSION = '2.73'
_TABLE = resource_metadata.snapshots


def _snapshot(req, snapshot_id, action):
    """The snapshot once the caller may do ``action``; 404 for another
    project's, as for an unknown one."""
    common.require_version(req, MIN_VERSION)
    snapshot = snapshot_db.get(common.context(req), snapshot_id)
    common.authorize(req, action, {'project_id': snapshot.project_id})
    return snapshot


def index(req, snapshot_id):
    _snapshot(req, snapshot_id, 'share_snapshot:get_metadata')
    return {'metadata': _TABLE.get(common.context(req), snapshot_id)}


def create(req, snapshot_id):
    """Merge the items given into the snapshot's metadata."""
    _snapshot(req, snapshot_id, 'share_snapshot:update_metadata')
    items = metadata_common.items(req)
    return {'metadata': _TABLE.update(common.context(req), snapshot_id,
                                      items)}


def update_all(req, snapshot_id):
    """Replace the snapshot's metadata with the items given (null: none)."""
    _snapshot(req, snapshot_id, 'share_snapshot:update_metadata')
    items = metadata_common.items(req, allow_null=True)
    return {'metadata': _TABLE.update(common.context(req), snapshot_id,
                                      items, replace=True)}


def show(req, snapshot_id, key):
    _snapshot(req, snapshot_id, 'share_snapshot:get_metadata')
    return {'meta': {key: _TABLE.get_item(common.context(req), snapshot_id,
                                          key)}}


def update_item(req, snapshot_id, key):
    _snapshot(req, snapshot_id, 'share_snapshot:update_metadata')
    items = metadata_common.item_for_key(req, key)
    return {'metadata': _TABLE.update(common.context(req), snapshot_id,
                                      items)}


def delete(req, snapshot_id, key):
    _snapshot(req, snapshot_id, 'share_snapshot:delete_metadata')
    _TABLE.delete_item(common.context(req), snapshot_id, key)
    return metadata_common.empty_200()
