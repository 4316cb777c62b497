"""Version documents at / and /v2/, as clients discover them."""

from manila_lite.api import common
from manila_lite.api import microversion


def _v2_entry(req):
    return {
        'id': 'v2.0',
        'status': 'CURRENT',
        'version': microversion.MAX_VERSION,
        'min_version': microversion.MIN_VERSION,
        'updated': '2015-08-27T11:33:21Z',
        'links': [
            {'rel': 'describedby', 'type': 'text/html',
             'href': 'https://docs.openstack.org/'},
            {'rel': 'self', 'href': common.base_url(req) + '/v2/'},
        ],
        'media-types': [
            {'base': 'application/json',
             'type': 'application/vnd.openstack.share+json;version=1'},
        ],
    }


def root(req):
    """300 Multiple Choices, like every OpenStack service root."""
    return common.json_response({'versions': [_v2_entry(req)]}, status=300)


def v2(req):
    return {'versions': [_v2_entry(req)]}
