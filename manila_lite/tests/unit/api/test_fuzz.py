"""No input answers 5xx: a seeded fuzzer over every route, on SQLite.

Each failure prints the request that caused it; the same seed sends the
same requests again.
"""

import json

import pytest

from manila_lite.api import microversion
from manila_lite.tests import fuzz
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import make_available

COUNT = 9000
TOKEN = 'admin-user:%s' % ADMIN_PROJECT


DEEP = ('[' * 5000 + ']' * 5000).encode()
LISTS = ['/shares', '/shares/detail', '/snapshots', '/snapshots/detail',
         '/share-networks', '/messages', '/share-groups',
         '/share-transfers', '/qos-types', '/resource-locks']
HUGE = 99999999999999999999


def _json(data):
    return json.dumps(data).encode()


def _share(**fields):
    return _json({'share': dict({'share_proto': 'NFS', 'size': 1},
                                **fields)})


def _manage(**fields):
    return _json({'share': dict({'protocol': 'NFS', 'service_host':
                                 'hostA@alpha#gold', 'export_path':
                                 '10.0.0.1:/x'}, **fields)})


# (method, path, body, what the 400's message names); {share} is a real
# share's id. Each of these answered 500 (or an empty 500) once.
BAD_INPUT = [
    ('GET', '/v2/%s/shares/%%ff%%fe', None, 'UTF-8'),
    ('GET', '/v2/shares/%ff%fe/export_locations', None, 'UTF-8'),
    ('GET', '/v2/shares?name=%ff', None, 'UTF-8'),
    ('GET', '/v2/shares?name=a%00b', None, 'NUL'),
    ('POST', '/v2/shares', DEEP, 'nested too deeply'),
    ('PUT', '/v2/shares/{share}', DEEP, 'nested too deeply'),
    ('POST', '/v2/shares/{share}/action', DEEP, 'nested too deeply'),
    ('POST', '/v2/snapshots', DEEP, 'nested too deeply'),
    ('PUT', '/v2/quota-sets/%s', DEEP, 'nested too deeply'),
    ('GET', '/v2/shares?size=%d' % HUGE, None, 'size'),
    ('GET', '/v2/snapshots?size=%d' % HUGE, None, 'size'),
    ('GET', '/v2/shares?limit=%d' % HUGE, None, 'limit'),
    ('PUT', '/v2/quota-sets/%s', _json({'quota_set': {'shares': 2 ** 63}}),
     'shares'),
    ('PUT', '/v2/quota-sets/%s', _json({'quota_set': {'gigabytes':
                                                      str(HUGE)}}),
     'gigabytes'),
    ('PUT', '/v2/quota-class-sets/default',
     _json({'quota_class_set': {'shares': 2 ** 31}}), 'shares'),
    ('POST', '/v2/shares', _share(size=1e20), 'size'),
    ('POST', '/v2/shares', _share(size=1e308), 'size'),
    ('POST', '/v2/shares', _share(size=str(HUGE)), 'size'),
    ('POST', '/v2/shares', _share(size=2 ** 31), 'size'),
    ('POST', '/v2/shares/{share}/action', _json({'extend': {
        'new_size': 1e20}}), 'new_size'),
    ('POST', '/v2/shares/{share}/action', _json({'extend': {
        'new_size': 1e308}}), 'new_size'),
    ('POST', '/v2/shares/{share}/action', _json({'extend': {
        'new_size': str(HUGE)}}), 'new_size'),
    ('POST', '/v2/shares/manage', _manage(export_path='x' * 70000),
     'export_path'),
    ('POST', '/v2/shares/manage', _manage(export_path={
        'path': 'x' * 70000}), 'export_path'),
    ('POST', '/v2/shares/manage', _manage(service_host='h' * 300),
     'service_host'),
    ('POST', '/v2/shares', _share(name='a\x00b'), 'name'),
    ('PUT', '/v2/shares/{share}', _json({'share': {
        'display_description': '\x00'}}), 'display_description'),
    ('POST', '/v2/shares', _share(metadata={'k\x00': 'v'}), 'NUL'),
] + [('GET', '%s?offset=%d' % ('/v2' + path, HUGE), None, 'offset')
     for path in LISTS]


def check_bad_input(app, ids):
    """BAD_INPUT, each of which must be a 400 naming what is wrong."""
    wrong = []
    project = ids['project'][0]
    for method, path, body, named in BAD_INPUT:
        path = path.replace('{share}', ids['share_id'][0])
        if '%s' in path:
            path = path % project
        request = fuzz.Request(method, path, {
            'X-OpenStack-Manila-API-Version': microversion.MAX_VERSION,
            'Content-Type': 'application/json'}, body)
        response = fuzz.send(app, request, TOKEN)
        problem = fuzz.failure(request, response)
        if problem is None and (response.status_int != 400 or
                                named not in response.text):
            problem = '%s -> %s, not a 400 naming %r: %s' % (
                request, response.status, named, response.text[:300])
        if problem:
            wrong.append(problem)
    return wrong


def known_ids(api, admin_ctx):
    """A share type, an available share and a snapshot the fuzzer's
    paths can name."""
    share_type = default_share_type(admin_ctx, snapshot_support='True')
    share = create_share(api, '2.64', role='admin').json['share']
    make_available(admin_ctx, share['id'],
                   locations=[{'path': '10.0.0.1:/s', 'preferred': True}])
    return {'project': [ADMIN_PROJECT], 'share_id': [share['id']],
            'type_id': [share_type.id, 'default'], 'key': ['k', 'x' * 300]}


def run(app, ids, seed, count):
    failures = []
    for request in fuzz.Generator(seed, ids).requests(count):
        problem = fuzz.failure(request, fuzz.send(app, request, TOKEN))
        if problem:
            failures.append(problem)
    return failures


def test_bad_input_is_400_naming_the_field(api, admin_ctx, scheduler):
    wrong = check_bad_input(api.app.app, known_ids(api, admin_ctx))
    assert not wrong, '\n'.join(wrong)


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_no_request_answers_5xx(api, admin_ctx, scheduler, seed):
    failures = run(api.app.app, known_ids(api, admin_ctx), seed, COUNT // 3)
    assert not failures, '%d failures:\n%s' % (
        len(failures), '\n'.join(failures[:30]))
