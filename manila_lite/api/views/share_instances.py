"""Share instance views: the base fields, then one step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version

EXPORTS_MOVED = Version('2.9')


def _v2_10(d, instance):
    # Until 2.28 an instance whose rules are being applied was out_of_sync,
    # as in the share view.
    status = instance.access_rules_status
    d['access_rules_status'] = 'out_of_sync' if status == 'syncing' \
        else status


def _v2_28(d, instance):
    d['access_rules_status'] = instance.access_rules_status


def _v2_11(d, instance):
    d['replica_state'] = instance.replica_state


def _v2_22(d, instance):
    d['share_type_id'] = instance.share_type_id


def _v2_30(d, instance):
    # Only replicas cast their rules to read-only; none exists here.
    d['cast_rules_to_readonly'] = False


def _v2_54(d, instance):
    d['progress'] = instance.progress


def _v2_71(d, instance):
    d['updated_at'] = common.isotime(instance.updated_at)


STEPS = [(Version(v), step) for v, step in (
    ('2.10', _v2_10), ('2.11', _v2_11), ('2.22', _v2_22), ('2.28', _v2_28),
    ('2.30', _v2_30), ('2.54', _v2_54), ('2.71', _v2_71),
)]


def _detail(instance, version):
    d = {
        'id': instance.id,
        'share_id': instance.share_id,
        'availability_zone': instance.availability_zone,
        'created_at': common.isotime(instance.created_at),
        'host': instance.host,
        'status': instance.status,
        'share_network_id': instance.share_network_id,
        'share_server_id': instance.share_server_id,
    }
    if version < EXPORTS_MOVED:
        # Before 2.9 export locations were part of the instance itself.
        paths = [location.path for location in instance.export_locations]
        d['export_location'] = paths[0] if paths else None
        d['export_locations'] = paths
    for since, step in STEPS:
        if version >= since:
            step(d, instance)
    return d


def detail(req, instance):
    return {'share_instance': _detail(instance, common.version(req))}


def detail_list(req, items, *, count=None, next_links=None):
    version = common.version(req)

    def view(req, instance):
        # The version is read once per response, not once per instance.
        return _detail(instance, version)
    return common.collection(req, 'share_instances', items, view,
                             count=count, next_links=next_links)
