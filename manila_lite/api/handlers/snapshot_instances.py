"""Snapshot instances (2.19+): what each backend holds of a snapshot.

Administrators list and show them and reset their status; everything
else goes through the snapshot.
"""

from manila_lite.api import common
from manila_lite.api.schemas import snapshots as schema
from manila_lite.api.views import snapshots as views
from manila_lite.db import snapshots as snapshot_db
from manila_lite.share.api import snapshots as snapshot_api

MIN_VERSION = '2.19'


def _instances(req, action):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, action)
    return snapshot_db.instance_get_all(common.context(req),
                                        req.GET.get('snapshot_id'))


def index(req):
    instances = _instances(req, 'share_snapshot_instance:index')
    return views.instance_summary_list(req, instances)


def detail(req):
    instances = _instances(req, 'share_snapshot_instance:detail')
    return views.instance_detail_list(req, instances)


def show(req, instance_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_snapshot_instance:show')
    instance = snapshot_db.instance_get(common.context(req), instance_id)
    return {'snapshot_instance': views.instance_detail(req, instance)}


@common.checked_before_lookup('share_snapshot_instance:reset_status')
def _reset_status(req, instance_id, args):
    status = common.validate(args, schema.reset_status)['status']
    ctx = common.context(req)
    snapshot_api.get().reset_instance_status(
        ctx, snapshot_db.instance_get(ctx, instance_id), status)


ACTIONS = {'reset_status': (_reset_status, MIN_VERSION)}


def action(req, instance_id):
    common.require_version(req, MIN_VERSION)
    _name, (handler, _low), args = common.action(req, schema.action,
                                                 ACTIONS)
    handler(req, instance_id, args)
    return common.accepted()
