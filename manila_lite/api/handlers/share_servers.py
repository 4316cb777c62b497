"""Share servers (administrators): list, show, details, delete.

Servers are made by share managers of DHSS=True backends on demand; an
administrator may delete one that holds no share.
"""

from manila_lite.api import common
from manila_lite.api.views import share_servers as views
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite import exception
from manila_lite.share.api import networks as network_api
from manila_lite import states

_FILTERS = ('host', 'status', 'share_network_id', 'project_id',
            'share_network_subnet_id')
# Query parameters that page the list rather than match a field.
_LIST_OPTIONS = ('share_network', 'all_tenants', 'limit', 'offset')


def _network_names(ctx, servers):
    names = {}
    for network_id in {s.share_network_id for s in servers}:
        try:
            names[network_id] = network_db.get(ctx, network_id).name
        except exception.ShareNetworkNotFound:
            names[network_id] = None
    return names


def _get(req, server_id, action):
    common.authorize(req, action)
    return server_db.get(common.context(req), server_id)


def index(req):
    ctx = common.context(req)
    common.authorize(req, 'share_server:index')
    params = req.GET
    if any(k not in _FILTERS + _LIST_OPTIONS for k in params):
        # Manila matches every parameter against the servers' fields:
        # one they do not have matches none.
        return views.summary_list(req, [], network_names={})
    filters = {k: params[k] for k in _FILTERS if k in params}
    if 'share_network' in params:
        filters['share_network_id'] = params['share_network']
    servers = server_db.get_all(ctx, filters)
    names = _network_names(ctx, servers)
    return views.summary_list(req, servers, network_names=names)


def show(req, share_server_id):
    ctx = common.context(req)
    server = _get(req, share_server_id, 'share_server:show')
    return {'share_server': views.detail(req, server,
                                         _network_names(ctx, [server]))}


def details(req, share_server_id):
    server = _get(req, share_server_id, 'share_server:details')
    return {'details': server_db.details(server)}


def delete(req, share_server_id):
    ctx = common.context(req)
    server = _get(req, share_server_id, 'share_server:delete')
    if server_db.instance_count(ctx, server.id):
        raise exception.ShareNetworkInUse(
            reason='Share server %s still holds shares.' % server.id)
    if not server_db.start_delete_if_unused(ctx, server.id):
        raise exception.InvalidStatusTransition(
            resource='Share server', id=server.id, current=server.status,
            allowed=', '.join(states.sources(states.SHARE_SERVER,
                                             states.DELETING)))
    network_api.share_rpc().delete_share_server(ctx, server.host, server.id)
    return common.accepted()
