"""Share group snapshots (2.31+), as a deployment without them shows them.

Groups cannot be snapshotted here yet (docs/share-groups.rst), so the
lists are empty and every group snapshot id is unknown: what Manila
answers where no group snapshot exists. Clients list them unasked:
manila-ui's Share Group Snapshots pages, and its Share Groups page.

Before 2.55 they were experimental: a request must send
``X-OpenStack-Manila-API-Experimental: True`` or finds nothing (404).
"""

from manila_lite.api import common
from manila_lite import exception

SINCE = '2.31'
GRADUATED = '2.55'


def _available(req, rule):
    common.require_version(req, SINCE, experimental_before=GRADUATED)
    common.authorize(req, rule)


def _list(req):
    _available(req, 'share_group_snapshot:get_all')
    # An administrator's all_tenants must still read as a boolean.
    common.bool_param(req.GET.get('all_tenants', 'false'), 'all_tenants')
    return {'share_group_snapshots': []}


def index(req):
    return _list(req)


def detail(req):
    return _list(req)


def show(req, snapshot_id):
    _available(req, 'share_group_snapshot:get')
    raise exception.ShareGroupSnapshotNotFound(snapshot_id=snapshot_id)


def delete(req, snapshot_id):
    _available(req, 'share_group_snapshot:delete')
    raise exception.ShareGroupSnapshotNotFound(snapshot_id=snapshot_id)
