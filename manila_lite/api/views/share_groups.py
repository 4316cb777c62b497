"""Share group views: the summary, the detail's base fields, then one
step per microversion that changed them."""

from manila_lite.api import common
from manila_lite.api.microversion import Version

COLLECTION = 'share-groups'


def _v2_34(d, group):
    d['availability_zone'] = group.availability_zone
    d['consistent_snapshot_support'] = group.consistent_snapshot_support


STEPS = [(Version('2.34'), _v2_34)]


def summary(req, group):
    return {'id': group.id, 'name': group.name,
            'links': common.links(req, COLLECTION, group.id)}


def detail(req, group):
    d = {
        'id': group.id, 'name': group.name,
        'created_at': common.isotime(group.created_at),
        'status': group.status, 'description': group.description,
        'project_id': group.project_id, 'host': group.host,
        'share_group_type_id': group.share_group_type_id,
        'source_share_group_snapshot_id':
            group.source_share_group_snapshot_id,
        'share_network_id': group.share_network_id,
        'share_types': group.share_type_ids,
        'links': common.links(req, COLLECTION, group.id),
    }
    version = common.version(req)
    for since, step in STEPS:
        if version >= since:
            step(d, group)
    if common.context(req).is_admin:
        d['share_server_id'] = group.share_server_id
    return d


def show(req, group):
    return {'share_group': detail(req, group)}


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'share_groups', items, summary,
                             count=count, next_links=next_links)


def detail_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'share_groups', items, detail,
                             count=count, next_links=next_links)
