"""Ensure shares (2.86+): ask one share service to re-check its shares.

``POST /services/ensure-shares`` is the path python-manilaclient calls
(``openstack share service ensure``); ``POST /services/ensure`` is the
name the seed gives it. The share service must be up and enabled; its
``ensuring`` flag, set here with a conditional UPDATE, makes a second
request answer 409 until the run has ended.
"""

from oslo_log import log as logging

from manila_lite.api import common
from manila_lite.api.schemas import service_ensure as schema
from manila_lite import conf
from manila_lite.db import ensure as ensure_db
from manila_lite.db import services as service_db
from manila_lite import exception
from manila_lite import rpc
from manila_lite.share import rpcapi as share_rpcapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def ensure_shares(req):
    common.check_url_name(req)
    common.require_version(req, '2.86')
    common.authorize(req, 'service:ensure_shares')
    data = common.body(req, schema.ensure_shares)
    host = data.get('ensure_shares', data)['host']
    ctx = common.context(req)
    try:
        service = service_db.get_by_host_binary(ctx, host,
                                                ensure_db.SHARE_BINARY)
    except exception.ServiceNotFound:
        raise exception.NotFound(
            'No share service runs the backend %s (give host@backend).'
            % host)
    if service.disabled:
        raise exception.Conflict('Share service %s is disabled.' % host)
    if not service_db.is_up(service, CONF.service_down_time):
        raise exception.Conflict('Share service %s is down.' % host)
    rpc.BROKER.check()
    if not ensure_db.start(ctx, host):
        raise exception.Conflict(
            'Share service %s is already ensuring its shares.' % host)
    try:
        share_rpcapi.shared().ensure_shares(ctx, host)
    except Exception:
        ensure_db.finish(ctx, host)
        raise
    LOG.info('Ensure shares of %s requested by %s', host, ctx.user_id)
    return common.accepted()
