"""Security service views, one step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version


def summary(req, service):
    return {'id': service.id, 'name': service.name, 'type': service.type,
            'status': service.status}


def detail(req, service):
    version = common.version(req)
    d = summary(req, service)
    d.update({
        'description': service.description, 'dns_ip': service.dns_ip,
        'server': service.server, 'domain': service.domain,
        'user': service.user, 'password': service.password,
        'project_id': service.project_id,
        'created_at': common.isotime(service.created_at),
        'updated_at': common.isotime(service.updated_at),
        'share_networks': [n.id for n in service.share_networks],
    })
    if version >= Version('2.44'):
        d['ou'] = service.ou
    if version >= Version('2.76'):
        d['default_ad_site'] = service.default_ad_site
    return d


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'security_services', items, summary,
                             count=count, next_links=next_links)


def detail_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'security_services', items, detail,
                             count=count, next_links=next_links)
