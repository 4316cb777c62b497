"""Share views: the base fields, then one small step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version


def _v2_2(d, share, ctx, types):
    d['snapshot_support'] = share.snapshot_support


def _v2_5(d, share, ctx, types):
    d['task_state'] = share.task_state


def _v2_6(d, share, ctx, types):
    d['share_type'] = share.share_type_id
    d['share_type_name'] = types.get(share.share_type_id)


def _v2_10(d, share, ctx, types):
    # Until 2.28 a share whose rules are being applied was out_of_sync.
    status = share.access_rules_status
    d['access_rules_status'] = 'out_of_sync' if status == 'syncing' \
        else status


def _v2_28(d, share, ctx, types):
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


def _v2_69(d, share, ctx, types):
    d['is_soft_deleted'] = bool(share.is_soft_deleted)
    d['scheduled_to_be_deleted_at'] = common.isotime(
        share.scheduled_to_be_deleted_at)


def _v2_80(d, share, ctx, types):
    # Backups are not served: no share is ever restored from one.
    d['source_backup_id'] = None


def _v2_84(d, share, ctx, types):
    d['mount_point_name'] = share.mount_point_name


def _v2_90(d, share, ctx, types):
    d['encryption_key_ref'] = share.encryption_key_ref


def _v2_99(d, share, ctx, types):
    d['snapshot_inherit_share_access_support'] = bool(
        share.snapshot_inherit_share_access_support)


EXPORTS_MOVED = Version('2.9')
STEPS = [(Version(v), step) for v, step in (
    ('2.2', _v2_2), ('2.5', _v2_5), ('2.6', _v2_6),
    ('2.10', _v2_10), ('2.11', _v2_11), ('2.16', _v2_16),
    ('2.24', _v2_24), ('2.27', _v2_27), ('2.28', _v2_28), ('2.31', _v2_31),
    ('2.32', _v2_32), ('2.54', _v2_54), ('2.69', _v2_69),
    ('2.80', _v2_80), ('2.84', _v2_84), ('2.90', _v2_90),
    ('2.99', _v2_99),
)]


def summary(req, share):
    return {'id': share.id, 'name': share.display_name,
            'links': common.links(req, 'shares', share.id)}


class _Request:
    """What the views of one response's shares have in common, worked out
    once per response rather than once per share: the caller, the steps
    its microversion takes, the links' prefixes."""

    def __init__(self, req):
        self.ctx = common.context(req)
        version = common.version(req)
        self.exports = version < EXPORTS_MOVED
        self.steps = [step for since, step in STEPS if version >= since]
        base, project = common.base_url(req), self.ctx.project_id
        self.self_prefix = '%s/v2/%s/shares/' % (base, project)
        self.bookmark_prefix = '%s/%s/shares/' % (base, project)


def detail(req, share, type_names):
    """``type_names``: {share_type_id: name}, fetched once per response."""
    return _detail(share, type_names, _Request(req))


def _detail(share, type_names, request):
    ctx = request.ctx
    type_id = share.share_type_id
    type_name = type_names.get(type_id, type_id)
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
        'share_type': type_name,
        'volume_type': type_name,
        'links': [
            {'href': request.self_prefix + share.id, 'rel': 'self'},
            {'href': request.bookmark_prefix + share.id, 'rel': 'bookmark'},
        ],
        'is_public': share.is_public,
    }
    if request.exports:
        # Before 2.9 export locations were part of the share itself.
        paths = [loc.path for loc in share.export_locations]
        d['export_location'] = paths[0] if paths else None
        d['export_locations'] = paths
    for step in request.steps:
        step(d, share, ctx, type_names)
    if ctx.is_admin:
        d['share_server_id'] = share.share_server_id
        d['host'] = share.host
    return d


def detail_list(req, items, *, count=None, next_links=None, type_names):
    """``type_names``: as for detail(), for all the shares listed."""
    request = _Request(req)

    def view(req, share):
        return _detail(share, type_names, request)
    return common.collection(req, 'shares', items, view,
                             count=count, next_links=next_links)


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'shares', items, summary,
                             count=count, next_links=next_links)
