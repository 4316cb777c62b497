"""QoS type views (2.94): one shape, shown to every reader."""

from manila_lite.api import common


def detail(req, qos_type):
    return {
        'id': qos_type.id,
        'name': qos_type.name,
        'description': qos_type.description,
        'specs': qos_type.specs,
        'created_at': common.isotime(qos_type.created_at),
        'updated_at': common.isotime(qos_type.updated_at),
    }


def show(req, qos_type):
    return {'qos_type': detail(req, qos_type)}


def index(req, items, *, count=None, next_links=None):
    return common.collection(req, 'qos_types', items, detail,
                             count=count, next_links=next_links)
