"""Access rules of mountable snapshots (2.32+).

* the snapshot actions ``allow_access`` (202 with the new rule,
  ``queued_to_apply``) and ``deny_access`` (202);
* ``GET /snapshots/{id}/access-list``.

As in Manila, each checks its rule before the snapshot is read (another
project's snapshot is then 404), and answers 400 when the snapshot's share
lacks ``mount_snapshot_support``, when the snapshot is not ``available``,
and for a duplicate grantee. Targets are validated as a share rule's
(share/api/access.py; IPv6 from 2.38). The rest is in
share/api/snapshots.py, db/snapshot_access.py and
share/manager/snapshot_access.py.
"""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import access_rules as schema
from manila_lite.api.views import snapshots as views
from manila_lite.db import snapshots as snapshot_db
from manila_lite.share.api import access as access_api
from manila_lite.share.api import snapshots as snapshot_api

MIN_VERSION = '2.32'
V2_38 = Version('2.38')


def _snapshot(req, snapshot_id, rule):
    snapshot = snapshot_db.get(common.context(req), snapshot_id)
    common.authorize(req, rule, {'project_id': snapshot.project_id})
    return snapshot


@common.checked_before_lookup('share_snapshot:allow_access')
def allow_access(req, snapshot_id, args):
    data = common.validate(args, schema.allow)
    access_api.validate_access(data['access_type'], data['access_to'],
                               ipv6=common.version(req) >= V2_38)
    snapshot = _snapshot(req, snapshot_id, 'share_snapshot:allow_access')
    rule = snapshot_api.get().allow_access(
        common.context(req), snapshot, data['access_type'], data['access_to'])
    return common.json_response({'snapshot_access': views.access(req, rule)},
                                status=202)


@common.checked_before_lookup('share_snapshot:deny_access')
def deny_access(req, snapshot_id, args):
    data = common.validate(args, schema.deny)
    snapshot = _snapshot(req, snapshot_id, 'share_snapshot:deny_access')
    snapshot_api.get().deny_access(common.context(req), snapshot,
                                   data['access_id'])


# action name -> (handler, first version); handlers/snapshots.py merges
# these into the snapshot actions.
ACTIONS = {
    'allow_access': (allow_access, MIN_VERSION),
    'deny_access': (deny_access, MIN_VERSION),
}


def access_list(req, snapshot_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_snapshot:access_list')
    snapshot = _snapshot(req, snapshot_id, 'share_snapshot:access_list')
    return views.access_list(
        req, snapshot_api.get().access_list(common.context(req), snapshot))
