"""Share replicas (2.11+), as a deployment without replication shows them.

No share here has a replica yet (replication is not served), so the
lists are empty and every replica id is unknown: the answers Manila gives
when no share has a replication type. Clients rely on them: the tempest
plugin lists a share's replicas before deleting the share.

From 2.11 to 2.55 replicas were experimental: a request must send
``X-OpenStack-Manila-API-Experimental: True`` or finds nothing (404).
"""

from manila_lite.api import common
from manila_lite import exception

SINCE = '2.11'
GRADUATED = '2.56'


def _available(req, rule):
    common.require_version(req, SINCE, experimental_before=GRADUATED)
    common.authorize(req, rule)


def index(req):
    _available(req, 'share_replica:get_all')
    return {'share_replicas': []}


def detail(req):
    _available(req, 'share_replica:get_all')
    return {'share_replicas': []}


def show(req, replica_id):
    _available(req, 'share_replica:show')
    raise exception.ShareReplicaNotFound(replica_id=replica_id)


def delete(req, replica_id):
    _available(req, 'share_replica:delete')
    raise exception.ShareReplicaNotFound(replica_id=replica_id)
