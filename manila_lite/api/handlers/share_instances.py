"""Share instances (2.3+): what a backend holds of a share.

An administrators' API: list and show instances and their export
locations (2.9+), reset an instance's status and force-delete it. Each
share has exactly one instance here, so both actions are those of its
share (``share.api``): a force-deleted instance takes its share with it,
as the last instance of a share does in Manila.
"""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite.api.schemas import shares as schema
from manila_lite.api.views import export_locations as location_views
from manila_lite.api.views import share_instances as views
from manila_lite.db import share_instances as instance_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.share.api import shares as share_api

MIN_VERSION = '2.3'
EXPORT_LOCATIONS_VERSION = '2.9'
# List filters (2.35+); Manila reads none below it.
FILTERS_VERSION = Version('2.35')
_FILTERS = ('export_location_id', 'export_location_path', 'host',
            'share_server_id')


def index(req):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_instance:index')
    filters = {}
    if common.version(req) >= FILTERS_VERSION:
        params = req.GET
        filters = {name: params[name] for name in _FILTERS if name in params}
        if 'is_soft_deleted' in params:
            filters['is_soft_deleted'] = common.bool_param(
                params['is_soft_deleted'], 'is_soft_deleted')
    return views.detail_list(
        req, instance_db.get_all(common.context(req), filters))


def show(req, instance_id):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_instance:show')
    return views.detail(
        req, instance_db.get(common.context(req), instance_id))


def of_share(req, share_id):
    """GET /shares/{share_id}/instances: the share's one instance."""
    common.require_version(req, MIN_VERSION)
    common.authorize(req, 'share_instance:index')
    share = share_db.get(common.context(req), share_id)
    return views.detail_list(req, [share.instance])


def _share_of(req, instance_id):
    ctx = common.context(req)
    instance = instance_db.get(ctx, instance_id)
    return share_db.get(ctx, instance.share_id)


@common.checked_before_lookup('share_instance:reset_status')
def _reset_status(req, instance_id, args):
    status = common.validate(args, schema.reset_status)['status']
    share_api.get().reset_status(
        common.context(req), _share_of(req, instance_id), status)


@common.checked_before_lookup('share_instance:force_delete')
def _force_delete(req, instance_id, _args):
    share_api.get().force_delete(
        common.context(req), _share_of(req, instance_id))


# action name -> (handler, first version, last version or None).
ACTIONS = {
    'os-reset_status': (_reset_status, '2.3', '2.6'),
    'reset_status': (_reset_status, '2.7', None),
    'os-force_delete': (_force_delete, '2.3', '2.6'),
    'force_delete': (_force_delete, '2.7', None),
}


def action(req, instance_id):
    common.require_version(req, MIN_VERSION)
    _name, (handler, _low, _high), args = common.action(req, schema.action,
                                                        ACTIONS)
    handler(req, instance_id, args)
    return common.accepted()


def _locations(req, instance_id, action_name):
    common.require_version(req, EXPORT_LOCATIONS_VERSION)
    common.authorize(req, action_name)
    return instance_db.get(common.context(req),
                           instance_id).export_locations


def export_locations(req, instance_id):
    locations = _locations(req, instance_id,
                           'share_instance_export_location:index')
    return location_views.summary_list(req, locations)


def export_location(req, instance_id, export_location_id):
    locations = _locations(req, instance_id,
                           'share_instance_export_location:show')
    for location in locations:
        if location.uuid == export_location_id:
            return {'export_location': location_views.detail(req,
                                                             location)}
    raise exception.ExportLocationNotFound(uuid=export_location_id)
