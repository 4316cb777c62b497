"""Export locations of mountable snapshots (2.32+).

``/snapshots/{id}/export-locations[/{el_id}]`` for whoever may see the
snapshot (another project's is 404); locations meant for administrators
only are left out of lists for other users, and showing one to them is
forbidden, as for shares. ``/snapshot-instances/{id}/export-locations
[/{el_id}]`` is for administrators, whose rule is checked before the
instance is read. A snapshot of a share without mount_snapshot_support
simply has none.
"""

from manila_lite.api import common
from manila_lite.api.views import snapshots as views
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception

MIN_VERSION = '2.32'


def _of_snapshot(req, snapshot_id, rule):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, rule)
    ctx = common.context(req)
    snapshot = snapshot_db.get(ctx, snapshot_id)
    common.authorize(req, rule, {'project_id': snapshot.project_id})
    return snapshot_db.export_locations(ctx, snapshot_id=snapshot.id)


def _of_instance(req, instance_id, rule):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, rule)
    ctx = common.context(req)
    instance = snapshot_db.instance_get(ctx, instance_id)
    return snapshot_db.export_locations(ctx, instance_id=instance.id)


def _one(req, locations, export_location_id):
    for location in locations:
        if location.id == export_location_id:
            break
    else:
        raise exception.ExportLocationNotFound(uuid=export_location_id)
    if location.is_admin_only and not common.context(req).is_admin:
        raise exception.NotAuthorized()
    return {'share_snapshot_export_location':
            views.export_location(req, location, detail=True)}


def index(req, snapshot_id):
    return views.export_location_list(req, _of_snapshot(
        req, snapshot_id, 'share_snapshot_export_location:index'))


def show(req, snapshot_id, export_location_id):
    return _one(req, _of_snapshot(req, snapshot_id,
                                  'share_snapshot_export_location:show'),
                export_location_id)


def instance_index(req, instance_id):
    return views.export_location_list(req, _of_instance(
        req, instance_id, 'share_snapshot_instance_export_location:index'))


def instance_show(req, instance_id, export_location_id):
    return _one(req, _of_instance(
        req, instance_id, 'share_snapshot_instance_export_location:show'),
        export_location_id)
