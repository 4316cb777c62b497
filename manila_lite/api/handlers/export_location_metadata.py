"""Export location metadata (2.87+):
``/shares/{share_id}/export_locations/{export_location_id}/metadata[/{key}]``.

Shapes and answers as share metadata. Keys named in the
``admin_only_el_metadata`` option are the administrators', as the keys of
``admin_only_metadata`` are on shares. An export location meant for
administrators is refused to others (403) as showing it is, and so is
another project's private share (``export_locations.share_of``).
"""

from manila_lite.api import common
from manila_lite.api.handlers import export_locations
from manila_lite.api.handlers import metadata_common
from manila_lite import conf
from manila_lite.db import resource_metadata
from manila_lite import exception

CONF = conf.CONF
MIN_VERSION = '2.87'
ADMIN_ONLY_RULE = 'share_export_location:update_admin_only_metadata'
_TABLE = resource_metadata.export_locations


def _location(req, share_id, export_location_id, action):
    """The export location's row id, once the caller may do ``action``."""
    common.require_version(req, MIN_VERSION)
    ctx = common.context(req)
    share = export_locations.share_of(req, share_id)
    owner = share.project_id
    if share.is_public and owner != ctx.project_id and action.endswith(
            ':get_metadata'):
        owner = ctx.project_id
    common.authorize(req, action, {'project_id': owner})
    for location in share.instance.export_locations:
        if location.uuid == export_location_id:
            break
    else:
        raise exception.ExportLocationNotFound(uuid=export_location_id)
    if location.is_admin_only and not ctx.is_admin:
        raise exception.NotAuthorized()
    return location.id


def _merge(req, location_id, items, replace):
    current = _TABLE.get(common.context(req), location_id)
    return metadata_common.admin_only_merge(
        req, ADMIN_ONLY_RULE, CONF.admin_only_el_metadata, current, items,
        replace)


def index(req, share_id, export_location_id):
    location_id = _location(req, share_id, export_location_id,
                            'share_export_location:get_metadata')
    return {'metadata': _TABLE.get(common.context(req), location_id)}


def create(req, share_id, export_location_id):
    location_id = _location(req, share_id, export_location_id,
                            'share_export_location:update_metadata')
    items, _replace = _merge(req, location_id, metadata_common.items(req),
                             replace=False)
    return {'metadata': _TABLE.update(common.context(req), location_id,
                                      items)}


def update_all(req, share_id, export_location_id):
    location_id = _location(req, share_id, export_location_id,
                            'share_export_location:update_metadata')
    items, replace = _merge(req, location_id,
                            metadata_common.items(req, allow_null=True),
                            replace=True)
    return {'metadata': _TABLE.update(common.context(req), location_id,
                                      items, replace=replace)}


def show(req, share_id, export_location_id, key):
    location_id = _location(req, share_id, export_location_id,
                            'share_export_location:get_metadata')
    return {'meta': {key: _TABLE.get_item(common.context(req), location_id,
                                          key)}}


def update_item(req, share_id, export_location_id, key):
    location_id = _location(req, share_id, export_location_id,
                            'share_export_location:update_metadata')
    items, _replace = _merge(req, location_id,
                             metadata_common.item_for_key(req, key),
                             replace=False)
    return {'metadata': _TABLE.update(common.context(req), location_id,
                                      items)}


def delete(req, share_id, export_location_id, key):
    location_id = _location(req, share_id, export_location_id,
                            'share_export_location:delete_metadata')
    metadata_common.check_admin_only_delete(
        req, ADMIN_ONLY_RULE, CONF.admin_only_el_metadata, key)
    _TABLE.delete_item(common.context(req), location_id, key)
    return metadata_common.empty_200()
