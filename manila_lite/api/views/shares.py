"""Share views: the base fields, then one small step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version


def _share_type_name(share, type_names):
    return type_names.get(share.share_type_id)


def _v2_2(d, share, ctx, types):
    d['snapshot_support'] = share.snapshot_support


def _v2_5(d, share, ctx, types):
    d['task_state'] = share.task_state


def _v2_6(d, share, ctx, types):
    d['share_type'] = share.share_type_id
    d['share_type_name'] = types.get(share.share_type_id)


def _v2_10(d, share, ctx, types):
    d['access_rules_status'] = share.access_rules_status


def _v2_11(d, share, ctx, types):
    d['replication_type'] = share.replication_type
    d['has_replicas'] = False


def _v2_16(d, share, ctx, types):
    d['user_id'] = share.user_id


def _v2_24(d, share, ctx, types):
    d['create_share_from_snapshot_support'] = \
        share.create_share_from_snapshot_support


def _v2_27(d, share, ctx, types):
    d['revert_to_snapshot_support'] = share.revert_to_snapshot_support


def _v2_31(d, share, ctx, types):
    d['share_group_id'] = None
    d['source_share_group_snapshot_member_id'] = None


def _v2_32(d, share, ctx, types):
    d['mount_snapshot_support'] = share.mount_snapshot_support


def _v2_54(d, share, ctx, types):
    d['progress'] = share.progress


EXPORTS_MOVED = Version('2.9')
STEPS = [(Version(v), step) for v, step in (
    ('2.2', _v2_2), ('2.5', _v2_5), ('2.6', _v2_6),
    ('2.10', _v2_10), ('2.11', _v2_11), ('2.16', _v2_16),
    ('2.24', _v2_24), ('2.27', _v2_27), ('2.31', _v2_31),
    ('2.32', _v2_32), ('2.54', _v2_54),
)]


def summary(req, share):
    return {'id': share.id, 'name': share.display_name,
            'links': common.links(req, 'shares', share.id)}


def detail(req, share, type_names):
    """``type_names``: {share_type_id: name}, fetched once per response."""
    ctx = common.context(req)
    version = common.version(req)
    d = {
        'id': share.id,
        'size': share.size,
        'availability_zone': share.availability_zone,
        'created_at': common.isotime(share.created_at),
        'status': share.status,
        'name': share.display_name,
        'description': share.display_description,
        'project_id': share.project_id,
        'snapshot_id': share.snapshot_id,
        'share_network_id': share.share_network_id,
        'share_proto': share.share_proto,
        'metadata': share.metadata_dict,
        'share_type': type_names.get(share.share_type_id,
                                     share.share_type_id),
        'volume_type': type_names.get(share.share_type_id,
                                      share.share_type_id),
        'links': common.links(req, 'shares', share.id),
        'is_public': share.is_public,
    }
    if version < EXPORTS_MOVED:
        # Before 2.9 export locations were part of the share itself.
        paths = [loc.path for loc in share.export_locations]
        d['export_location'] = paths[0] if paths else None
        d['export_locations'] = paths
    for since, step in STEPS:
        if version >= since:
            step(d, share, ctx, type_names)
    if ctx.is_admin:
        d['share_server_id'] = share.share_server_id
        d['host'] = share.host
    return d


def detail_list(req, shares, type_names, count=None, next_links=None):
    body = {'shares': [detail(req, s, type_names) for s in shares]}
    if count is not None:
        body['count'] = count
    if next_links:
        body['shares_links'] = next_links
    return body


def summary_list(req, shares, count=None, next_links=None):
    body = {'shares': [summary(req, s) for s in shares]}
    if count is not None:
        body['count'] = count
    if next_links:
        body['shares_links'] = next_links
    return body
