"""Availability zones: the zones share services have registered in."""

from manila_lite.api import common
from manila_lite.db import services as service_db


def _view(zone):
    return {'id': zone.id, 'name': zone.name,
            'created_at': common.isotime(zone.created_at),
            'updated_at': common.isotime(zone.updated_at)}


def index(req):
    common.check_url_name(req)
    common.authorize(req, 'availability_zone:index')
    zones = service_db.zones(common.context(req))
    return {'availability_zones': [_view(zone) for zone in zones]}
