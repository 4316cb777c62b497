"""Service views: the list entry and the enable/disable answer."""

from manila_lite.api import common
from manila_lite.api.microversion import Version
from manila_lite import conf
from manila_lite.db import services as service_db

CONF = conf.CONF
V2_83 = Version('2.83')
V2_86 = Version('2.86')


def status(service):
    return 'disabled' if service.disabled else 'enabled'


def state(service):
    return 'up' if service_db.is_up(service, CONF.service_down_time) \
        else 'down'


def detail(req, service):
    d = {
        'id': service.id,
        'binary': service.binary,
        'host': service.host,
        'zone': service.availability_zone,
        'status': status(service),
        'state': state(service),
        'updated_at': common.isotime(service.heartbeat_at or
                                     service.updated_at),
    }
    if common.version(req) >= V2_83:
        d['disabled_reason'] = service.disabled_reason
    if common.version(req) >= V2_86:
        d['ensuring'] = bool(service.ensuring)
    return d


def index(req, items, *, count=None, next_links=None):
    return common.collection(req, 'services', items, detail,
                             count=count, next_links=next_links)


def update(req, service):
    """Enable/disable answer: flat, not wrapped in a "service" key."""
    d = {'host': service.host, 'binary': service.binary,
         'status': status(service)}
    if common.version(req) >= V2_83:
        d['disabled_reason'] = service.disabled_reason
    if common.version(req) >= V2_86:
        d['ensuring'] = bool(service.ensuring)
    return d
