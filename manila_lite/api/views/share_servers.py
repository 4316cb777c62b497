"""Share server views (administrators), one step per microversion."""

from manila_lite.api import common
from manila_lite.db import share_servers as server_db


def _v2_49(d, server):
    d['is_auto_deletable'] = server.is_auto_deletable
    d['identifier'] = server.identifier


def _v2_51_until_2_69(d, server):
    ids = server.share_network_subnet_ids
    d['share_network_subnet_id'] = ids[0] if ids else None


def _v2_57(d, server):
    d['task_state'] = None
    d['source_share_server_id'] = None


def _v2_63(d, server):
    d['security_service_update_support'] = bool(
        server.security_service_update_support)


def _v2_70(d, server):
    d['share_network_subnet_ids'] = server.share_network_subnet_ids
    d['network_allocation_update_support'] = True


def _v2_90(d, server):
    d['encryption_key_ref'] = None


STEPS = [('2.49', None, _v2_49), ('2.51', '2.69', _v2_51_until_2_69),
         ('2.57', None, _v2_57), ('2.63', None, _v2_63),
         ('2.70', None, _v2_70), ('2.90', None, _v2_90)]


def summary(req, server, network_names):
    version = common.version(req)
    d = {
        'id': server.id, 'project_id': server.project_id,
        'updated_at': common.isotime(server.updated_at),
        'status': server.status, 'host': server.host,
        'share_network_id': server.share_network_id,
        'share_network_name': network_names.get(server.share_network_id),
    }
    for low, high, step in STEPS:
        if version.matches(low, high):
            step(d, server)
    return d


def detail(req, server, network_names):
    d = summary(req, server, network_names)
    d['created_at'] = common.isotime(server.created_at)
    d['backend_details'] = server_db.details(server)
    return d


def summary_list(req, items, *, count=None, next_links=None, network_names):
    """``network_names``: {share network id: name}, fetched once for all
    the servers listed."""
    def view(req, server):
        return summary(req, server, network_names)
    return common.collection(req, 'share_servers', items, view,
                             count=count, next_links=next_links)
