"""Snapshot and snapshot instance views, one step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.db import snapshot_access

COLLECTION = 'snapshots'


def _v2_12(d, snapshot, ctx):
    if ctx.is_admin:
        d['provider_location'] = snapshot.provider_location


def _v2_17(d, snapshot, ctx):
    d['user_id'] = snapshot.user_id
    d['project_id'] = snapshot.project_id


def _v2_73(d, snapshot, ctx):
    d['metadata'] = snapshot.metadata_dict


STEPS = [(Version('2.12'), _v2_12), (Version('2.17'), _v2_17),
         (Version('2.73'), _v2_73)]


def summary(req, snapshot):
    return {'id': snapshot.id, 'name': snapshot.display_name,
            'links': common.links(req, COLLECTION, snapshot.id)}


def detail(req, snapshot):
    ctx = common.context(req)
    version = common.version(req)
    d = {
        'id': snapshot.id,
        'share_id': snapshot.share_id,
        'share_size': snapshot.share_size,
        'created_at': common.isotime(snapshot.created_at),
        'status': snapshot.status,
        'name': snapshot.display_name,
        'description': snapshot.display_description,
        'size': snapshot.size,
        'share_proto': snapshot.share_proto,
        'links': common.links(req, COLLECTION, snapshot.id),
    }
    for since, step in STEPS:
        if version >= since:
            step(d, snapshot, ctx)
    return d


# Manila names a snapshot list's next page so, not 'snapshots_links'.
LINKS = 'share_snapshots_links'


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'snapshots', items, summary, count=count,
                             next_links=next_links, links_key=LINKS)


def detail_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'snapshots', items, detail, count=count,
                             next_links=next_links, links_key=LINKS)


# -- snapshot instances (2.19+, administrators) -------------------------------

def instance_summary(req, instance):
    return {'id': instance.id, 'snapshot_id': instance.snapshot_id,
            'status': instance.status}


def instance_detail(req, instance):
    d = instance_summary(req, instance)
    d.update({
        'created_at': common.isotime(instance.created_at),
        'updated_at': common.isotime(instance.updated_at),
        'share_id': instance.snapshot.share_id,
        'share_instance_id': instance.share_instance_id,
        'progress': instance.progress,
        'provider_location': instance.provider_location,
    })
    return d


def instance_summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'snapshot_instances', items,
                             instance_summary, count=count,
                             next_links=next_links)


def instance_detail_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'snapshot_instances', items,
                             instance_detail, count=count,
                             next_links=next_links)


# -- mountable snapshots (2.32+) ---------------------------------------------

EXPORT_LOCATIONS = 'share_snapshot_export_locations'


def export_location(req, location, detail=False):
    """One export location of a snapshot instance; administrators also
    see which instance it is of and whether it is theirs only."""
    d = {'id': location.id, 'path': location.path,
         'links': common.links(req, EXPORT_LOCATIONS, location.id)}
    if common.context(req).is_admin:
        d['share_snapshot_instance_id'] = location.share_snapshot_instance_id
        d['is_admin_only'] = location.is_admin_only
    if detail:
        d['created_at'] = common.isotime(location.created_at)
        d['updated_at'] = common.isotime(location.updated_at)
    return d


def export_location_list(req, items, *, count=None, next_links=None):
    """Locations meant for administrators only are left out for others."""
    is_admin = common.context(req).is_admin
    shown = [location for location in items
             if is_admin or not location.is_admin_only]
    return common.collection(req, EXPORT_LOCATIONS, shown, export_location,
                             count=count, next_links=next_links)


def access(req, rule):
    """A snapshot access rule: always read-only, so no level is shown."""
    return {'id': rule.id, 'access_type': rule.access_type,
            'access_to': rule.access_to,
            'state': snapshot_access.rule_state(rule)}


def access_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'snapshot_access_list', items, access,
                             count=count, next_links=next_links)
