"""Export locations of a share (2.9+): where clients mount it from.

Locations meant for administrators only are left out of lists for other
users, and showing one to them is forbidden. Another project's private
share is 403 here, not 404 as elsewhere: Manila reads the share whatever
its project and then checks ``share:get`` against it.
"""

from manila_lite.api import common
from manila_lite.api.views import export_locations as views
from manila_lite.db import shares as share_db
from manila_lite import exception

MIN_VERSION = '2.9'


def share_of(req, share_id):
    """The share whose export locations (or their metadata) are asked
    for: 404 if there is none, 403 if it is another project's and not
    public."""
    share = share_db.get(common.context(req), share_id, project_only=False)
    if not share.is_public:
        common.authorize(req, 'share:get', {'project_id': share.project_id})
    return share


def _locations(req, share_id, action):
    common.require_version(req, MIN_VERSION)
    common.authorize(req, action)
    return share_of(req, share_id).instance.export_locations


def index(req, share_id):
    locations = _locations(req, share_id, 'share_export_location:index')
    is_admin = common.context(req).is_admin
    return views.summary_list(req, [
        location for location in locations
        if is_admin or not location.is_admin_only])


def show(req, share_id, export_location_id):
    locations = _locations(req, share_id, 'share_export_location:show')
    for location in locations:
        if location.uuid == export_location_id:
            break
    else:
        raise exception.ExportLocationNotFound(uuid=export_location_id)
    if location.is_admin_only and not common.context(req).is_admin:
        raise exception.NotAuthorized()
    return {'export_location': views.detail(req, location)}
