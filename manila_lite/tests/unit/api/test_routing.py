"""What the route table answers before any handler runs, as Manila does:
unknown paths and empty ids are 404, a project id is a segment a
collection follows (or the caller's own project, alone), actions a
resource does not have at the request's version are 404; and the two
collections served only so that clients find them, extensions and share
replicas."""

import pytest

from manila_lite.api import microversion
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

LATEST = microversion.MAX_VERSION


def _raw(api, method, url, version=LATEST, headers=None, body=None):
    """A request as a member of PROJECT to ``url`` exactly as written."""
    headers = dict(headers or {}, **{
        'X-Auth-Token': 'member-user:%s' % PROJECT, 'X-Roles': 'member,reader',
        microversion.HEADER: version})
    if body is not None:
        return getattr(api.app, method.lower() + '_json')(
            url, body, headers=headers, expect_errors=True)
    return api.app.request(url, method=method, headers=headers,
                           expect_errors=True)


# -- unknown paths and the version document -----------------------------------

@pytest.mark.parametrize('url,status', [
    ('/v2', 200), ('/v2/', 200),
    ('/v2/%s' % PROJECT, 200), ('/v2/%s/' % PROJECT, 200),
    # A single segment is not a project id unless it is the caller's.
    ('/v2/foo', 404), ('/v2/foo/', 404), ('/v2/extensionz', 404),
    ('/v2/share-instances', 404), ('/v2/%s' % OTHER_PROJECT, 404),
    # Nor is a segment no collection follows.
    ('/v2/foo/bar', 404), ('/v2/%s/foo' % PROJECT, 404),
    ('/v2/%s/foo/bar' % PROJECT, 404), ('/v2/shares/x/nothing', 404),
    ('/v3/shares', 404),
])
def test_unknown_paths_and_the_version_document(api, url, status):
    resp = _raw(api, 'GET', url)
    assert resp.status_int == status, resp.text
    if status == 200:
        assert resp.json['versions'][0]['id'] == 'v2.0'
    else:
        assert fault(resp)[0] == 'itemNotFound'


@pytest.mark.parametrize('prefix', ['', '/' + PROJECT])
def test_a_collection_after_a_project_id_is_served(api, prefix):
    resp = _raw(api, 'GET', '/v2%s/types' % prefix)
    assert resp.status_int == 200
    assert resp.json['share_types'] == []


def test_another_projects_url_is_refused(api):
    resp = _raw(api, 'GET', '/v2/%s/types' % OTHER_PROJECT)
    assert resp.status_int == 400
    assert fault(resp)[1] == 'Malformed request url'


# -- empty ids -------------------------------------------------------------

@pytest.fixture
def share_type(api, admin_ctx):
    return type_db.create(admin_ctx, 'default', {
        'driver_handles_share_servers': 'False', 'snapshot_support': 'True'})


# (method, path as the plugin sends it with an empty id, body). Tempest
# folds '//' into '/', so an empty id in the middle of a path vanishes.
EMPTY_IDS = [
    ('GET', '/shares/', None),
    ('DELETE', '/shares/', None),
    ('PUT', '/shares/', {'share': {'display_name': 'x'}}),
    ('GET', '/security-services/', None),
    ('PUT', '/security-services/', {'security_service': {'name': 'x'}}),
    ('DELETE', '/security-services/', None),
    ('GET', '/share-networks/', None),
    ('PUT', '/share-networks/', {'share_network': {'name': 'x'}}),
    ('DELETE', '/share-networks/', None),
    ('POST', '/share-networks/action',
     {'add_security_service': {'security_service_id': 'x'}}),
    ('GET', '/quota-sets/', None),
    ('DELETE', '/quota-sets/', None),
    ('GET', '/types/extra_specs', None),
    ('POST', '/types/extra_specs', {'extra_specs': {'k': 'v'}}),
    ('GET', '/types/{type}/extra_specs/', None),
    ('PUT', '/types/{type}/extra_specs/', {'k': 'v'}),
    ('DELETE', '/types/{type}/extra_specs/', None),
    ('GET', '/{project}/shares/', None),
    ('GET', '//shares', None),
    ('GET', '/shares//metadata', None),
]


@pytest.mark.parametrize('method,path,body', EMPTY_IDS,
                         ids=['%s %s' % (m, p) for m, p, _b in EMPTY_IDS])
def test_empty_ids_are_404(api, share_type, method, path, body):
    url = '/v2' + path.format(type=share_type.id, project=PROJECT)
    resp = _raw(api, method, url, body=body)
    assert resp.status_int == 404, resp.text
    assert fault(resp)[0] == 'itemNotFound'


def test_the_same_paths_with_their_ids_are_served(api, share_type):
    """The 404s above come from the empty id, not from the collection."""
    for path in ('/shares', '/security-services', '/share-networks',
                 '/types/%s' % share_type.id):
        assert _raw(api, 'GET', '/v2' + path).status_int == 200, path


@pytest.mark.parametrize('method,path,allow', [
    ('PATCH', '/types', 'GET, POST'),
    ('POST', '/share-networks/{net}', 'DELETE, GET, PUT'),
])
def test_a_method_a_route_does_not_serve_is_405(api, admin_ctx, method,
                                                path, allow):
    net = network_db.create(admin_ctx, {'project_id': PROJECT}, {})
    resp = _raw(api, method, '/v2' + path.format(net=net.id), body={})
    assert resp.status_int == 405
    assert resp.headers['Allow'] == allow


# -- actions ---------------------------------------------------------------

@pytest.fixture
def resources(api, admin_ctx, share_type):
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 1, 'share_proto': 'NFS'},
        {'status': 'available', 'host': 'hostA@alpha#gold',
         'share_type_id': share_type.id})
    snapshot = snapshot_db.create(
        admin_ctx, share, {'project_id': PROJECT, 'user_id': 'member-user',
                           'size': 1, 'share_size': 1, 'share_proto': 'NFS'},
        {'status': 'available'})
    net = network_db.create(admin_ctx, {'project_id': PROJECT}, {})
    return {'share': share.id, 'snapshot': snapshot.id, 'type': share_type.id,
            'snapshot_instance': snapshot.instance.id, 'net': net.id,
            'subnet': net.subnets[0].id}


SUBNET = '/share-networks/{net}/subnets/{subnet}/action'
# (path, action, version): each names a resource that exists, and an
# action it does not have at that version.
ACTIONS = [
    ('/shares/{share}/action', 'no_such_action', LATEST),
    ('/shares/{share}/action', 'migration_start', '2.21'),
    ('/shares/{share}/action', 'migration_start', LATEST),
    ('/shares/{share}/action', 'revert', '2.26'),
    ('/shares/{share}/action', 'os-reset_status', '2.7'),
    ('/snapshots/{snapshot}/action', 'no_such_action', LATEST),
    ('/snapshots/{snapshot}/action', 'unmanage', '2.11'),
    ('/snapshot-instances/{snapshot_instance}/action', 'force_delete',
     LATEST),
    ('/types/{type}/action', 'grantEverything', LATEST),
    ('/share-networks/{net}/action', 'no_such_action', LATEST),
    ('/share-networks/{net}/action', 'reset_status', '2.62'),
    (SUBNET, 'no_such_action', LATEST),
    (SUBNET, 'force_delete', '2.99'),
]


@pytest.mark.parametrize('path,name,version', ACTIONS,
                         ids=['%s %s %s' % a for a in ACTIONS])
def test_unknown_or_unavailable_actions_are_404(api, resources, path, name,
                                                version):
    resp = api.post(path.format(**resources), {name: {}}, version=version,
                    status=404)
    assert fault(resp) == ('itemNotFound',
                           'Action %s is not available at API version %s.'
                           % (name, version))


@pytest.mark.parametrize('path,name,args', [
    ('/shares/{share}/action', 'reset_status', {'status': 'error'}),
    ('/snapshots/{snapshot}/action', 'reset_status', {'status': 'error'}),
    ('/snapshot-instances/{snapshot_instance}/action', 'reset_status',
     {'status': 'error'}),
])
def test_known_actions_are_dispatched(api, resources, path, name, args):
    api.post(path.format(**resources), {name: args}, version=LATEST,
             status=202)


# -- extensions --------------------------------------------------------------

@pytest.mark.parametrize('url', ['/v2/extensions',
                                 '/v2/%s/extensions' % PROJECT])
@pytest.mark.parametrize('version', ['2.0', LATEST])
def test_extensions_are_an_empty_list(api, url, version):
    resp = _raw(api, 'GET', url, version=version)
    assert resp.status_int == 200
    assert resp.json == {'extensions': []}


def test_an_extension_alias_is_not_found(api):
    resp = _raw(api, 'GET', '/v2/extensions/os-share-manage')
    assert resp.status_int == 404


# -- share replicas ----------------------------------------------------------

EXPERIMENTAL = {microversion.EXPERIMENTAL_HEADER: 'True'}


@pytest.mark.parametrize('version,headers,status', [
    ('2.10', EXPERIMENTAL, 404),
    ('2.11', {}, 404),
    ('2.55', {}, 404),
    ('2.11', EXPERIMENTAL, 200),
    ('2.55', EXPERIMENTAL, 200),
    ('2.56', {}, 200),
    ('2.56', EXPERIMENTAL, 200),
    (LATEST, {}, 200),
])
@pytest.mark.parametrize('path', ['/share-replicas',
                                  '/share-replicas/detail',
                                  '/share-replicas/detail?share_id={share}'])
def test_replica_lists_are_empty_from_2_11(api, resources, path, version,
                                           headers, status):
    resp = _raw(api, 'GET', '/v2' + path.format(**resources),
                version=version, headers=headers)
    assert resp.status_int == status, resp.text
    if status == 200:
        assert resp.json == {'share_replicas': []}
    # Manila echoes the experimental header.
    assert resp.headers.get(microversion.EXPERIMENTAL_HEADER) == (
        'True' if headers else None)


@pytest.mark.parametrize('method', ['GET', 'DELETE'])
def test_no_replica_is_found(api, resources, method):
    """Not even a share's instance: no share here is replicated."""
    resp = _raw(api, method, '/v2/share-replicas/%s' % resources['share'])
    assert resp.status_int == 404
    assert fault(resp)[1] == ('Share replica %s could not be found.'
                              % resources['share'])
