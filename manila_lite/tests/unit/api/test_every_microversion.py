"""Promises docs/microversions.rst makes "at every version", checked at
every microversion the API serves, 2.0 to the maximum it advertises (read
from manila_lite.api.microversion, so a new maximum is covered as soon as
it is announced):

* resources not served (backups, the migration API, the other collections
  of ``router.NOT_SERVED``) and paths no route serves answer 404;
* the keys of ``admin_only_metadata`` are the administrators' to set,
  change and delete (2.68 brought them; as in Manila's code they hold at
  every version);
* and those of ``admin_only_el_metadata`` from 2.87, where export location
  metadata begins.
"""

import pytest

from manila_lite.api import microversion
from manila_lite.api import router
from manila_lite import conf
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
REFUSED = 'Cannot set or update admin only metadata.'
AFFINITY = '__affinity_same_host'
ANTI_AFFINITY = '__affinity_different_host'


def _versions(since=microversion.MIN_VERSION):
    low, high = microversion.Version(since), microversion.MAX
    assert low[0] == high[0] == 2
    return ['2.%d' % minor for minor in range(low[1], high[1] + 1)]


VERSIONS = _versions()
# Manila's migration actions: of shares (2.0-2.4, 2.5-2.6, then 2.15+) and
# of share servers (2.57+).
SHARE_MIGRATION = ('os-migrate_share', 'migrate_share', 'migration_start',
                   'migration_complete', 'migration_cancel',
                   'migration_get_progress')
SERVER_MIGRATION = ('migration_check', 'migration_start',
                    'migration_complete', 'migration_cancel',
                    'migration_get_progress')


def test_every_version_is_listed():
    assert VERSIONS[0] == microversion.MIN_VERSION
    assert VERSIONS[-1] == microversion.MAX_VERSION
    assert len(VERSIONS) == microversion.MAX[1] + 1


@pytest.fixture
def share(api, admin_ctx):
    """An available share of PROJECT with an admin-only key, a key of its
    own, and two export locations (one for administrators)."""
    share_type = default_share_type(admin_ctx)
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 1, 'share_proto': 'NFS'},
        {'status': states.CREATING, 'host': 'hostA@alpha#gold',
         'share_type_id': share_type.id},
        metadata={AFFINITY: 'first', 'k': 'v'})
    share_db.finish_create(admin_ctx, share.instance.id, [
        {'path': '10.0.0.1:/s', 'preferred': True},
        {'path': '10.0.0.2:/s', 'is_admin_only': True}])
    return share_db.get(admin_ctx, share.id)


@pytest.mark.parametrize('version', VERSIONS)
def test_what_is_not_served_is_404(api, share, version):
    paths = ['/foo', '/%s/foo' % PROJECT,
             '/share-servers/some-id/action']
    for collection in sorted(router.NOT_SERVED):
        paths += ['/' + collection, '/%s/%s' % (PROJECT, collection),
                  '/%s/detail' % collection, '/%s/some-id' % collection]
    for path in paths:
        for role in ('member', 'admin'):
            resp = api.get(path, version=version, role=role, status=404)
            assert fault(resp)[0] == 'itemNotFound', path
    for name in SERVER_MIGRATION:
        resp = api.post('/share-servers/some-id/action', {name: {}},
                        version=version, status=404)
        assert fault(resp)[0] == 'itemNotFound'
    # An action a share does not have: not the share that is missing.
    for name in SHARE_MIGRATION:
        resp = api.post('/shares/%s/action' % share.id, {name: {}},
                        version=version, status=404)
        assert fault(resp) == ('itemNotFound', 'Action %s is not available '
                               'at API version %s.' % (name, version))


def _member(api, version):
    """Requests of a member of the share's project at ``version``."""
    def request(method, path, *body, status):
        return getattr(api, method)(path, *body, version=version,
                                    role='member', status=status)
    return request


def _refused(as_member, meta, key):
    """Setting ``key`` in each way there is, and deleting it, are 403."""
    for method, path, body in (
            ('post', meta, {'metadata': {key: 'x'}}),
            ('put', meta, {'metadata': {key: 'x'}}),
            ('post', meta + '/' + key, {'metadata': {key: 'x'}}),
            ('delete', meta + '/' + key, None)):
        resp = as_member(method, path, *([body] if body else []),
                         status=403)
        assert fault(resp) == ('forbidden', REFUSED), (method, path)


@pytest.mark.parametrize('version', VERSIONS)
def test_admin_only_metadata_keys(api, share, version):
    meta = '/shares/%s/metadata' % share.id
    as_member = _member(api, version)
    # Everyone sees them.
    assert as_member('get', meta, status=200).json['metadata'] == {
        AFFINITY: 'first', 'k': 'v'}
    # Only administrators may set, change or delete them, or create a
    # share with them.
    _refused(as_member, meta, AFFINITY)
    _refused(as_member, meta, ANTI_AFFINITY)
    created = as_member('post', '/shares', {'share': {
        'share_proto': 'NFS', 'size': 1,
        'metadata': {ANTI_AFFINITY: share.id}}}, status=403)
    assert fault(created) == ('forbidden', REFUSED)
    # Replacing all of the metadata keeps them.
    assert as_member('put', meta, {'metadata': {'k': 'w'}},
                     status=200).json['metadata'] == {
        AFFINITY: 'first', 'k': 'w'}
    api.post(meta, {'metadata': {ANTI_AFFINITY: 'x'}}, version=version,
             status=200)
    api.delete(meta + '/' + AFFINITY, version=version, status=200)
    assert api.get(meta, version=version).json['metadata'] == {
        ANTI_AFFINITY: 'x', 'k': 'w'}


@pytest.fixture
def pinned():
    CONF.set_override('admin_only_el_metadata', ['pinned'])
    yield 'pinned'
    CONF.clear_override('admin_only_el_metadata')


@pytest.mark.parametrize('version', _versions('2.87'))
def test_admin_only_export_location_metadata_keys(api, share, pinned,
                                                  version):
    location = [loc.uuid for loc in share.instance.export_locations
                if not loc.is_admin_only][0]
    meta = '/shares/%s/export_locations/%s/metadata' % (share.id, location)
    as_member = _member(api, version)
    api.post(meta, {'metadata': {pinned: 'yes'}}, version=version,
             status=200)
    assert as_member('get', meta, status=200).json['metadata'] == {
        pinned: 'yes'}
    _refused(as_member, meta, pinned)
    assert as_member('put', meta, {'metadata': {'k': 'v'}},
                     status=200).json['metadata'] == {pinned: 'yes',
                                                      'k': 'v'}
    api.delete(meta + '/' + pinned, version=version, status=200)
    assert as_member('get', meta, status=200).json['metadata'] == {
        'k': 'v'}


def test_export_location_metadata_begins_at_2_87(api, share):
    location = share.instance.export_locations[0].uuid
    meta = '/shares/%s/export_locations/%s/metadata' % (share.id, location)
    api.get(meta, version='2.86', status=404)
    api.get(meta, version='2.87', status=200)
    assert _versions('2.87')[0] == '2.87'
