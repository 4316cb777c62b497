"""Export locations of a share through the API (2.9+)."""

import pytest

from manila_lite.api.microversion import Version
from manila_lite.db import shares as share_db
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT


@pytest.fixture
def share(api, admin_ctx):
    """A share of PROJECT with a user and an admin-only export location."""
    created = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'u', 'size': 1,
                    'share_proto': 'NFS', 'display_name': 'data'},
        {'status': 'creating', 'host': 'hostA@alpha#gold'})
    share_db.finish_create(admin_ctx, created.instance.id, [
        {'path': '10.0.0.1:/shares/data', 'preferred': True},
        {'path': '192.168.0.1:/shares/data', 'is_admin_only': True},
    ])
    return share_db.get(admin_ctx, created.id)


def _by_path(resp):
    return {loc['path']: loc for loc in resp.json['export_locations']}


# (version, role, keys of each listed location, paths listed)
INDEX_CASES = [
    ('2.9', 'admin', {'id', 'path', 'share_instance_id', 'is_admin_only'},
     {'10.0.0.1:/shares/data', '192.168.0.1:/shares/data'}),
    ('2.13', 'member', {'id', 'path'}, {'10.0.0.1:/shares/data'}),
    ('2.14', 'member', {'id', 'path', 'preferred'},
     {'10.0.0.1:/shares/data'}),
    ('2.64', 'admin', {'id', 'path', 'preferred', 'share_instance_id',
                       'is_admin_only'},
     {'10.0.0.1:/shares/data', '192.168.0.1:/shares/data'}),
]


@pytest.mark.parametrize('version,role,keys,paths', INDEX_CASES)
def test_index(api, share, version, role, keys, paths):
    listed = _by_path(api.get('/shares/%s/export_locations' % share.id,
                              version=version, role=role, status=200))
    assert set(listed) == paths
    for location in listed.values():
        assert set(location) == keys
    if Version(version) >= Version('2.14'):
        assert listed['10.0.0.1:/shares/data']['preferred'] is True
    if role == 'admin':
        assert listed['192.168.0.1:/shares/data']['is_admin_only'] is True
        assert listed['10.0.0.1:/shares/data']['share_instance_id'] == \
            share.instance.id


def test_show(api, share):
    user_loc, admin_loc = sorted(share.instance.export_locations,
                                 key=lambda loc: loc.is_admin_only)
    base = '/shares/%s/export_locations/' % share.id
    view = api.get(base + user_loc.uuid, version='2.14', role='member',
                   status=200).json['export_location']
    assert set(view) == {'id', 'path', 'preferred', 'created_at',
                         'updated_at'}
    assert view['id'] == user_loc.uuid
    admin_view = api.get(base + admin_loc.uuid, version='2.14',
                         status=200).json['export_location']
    assert admin_view['is_admin_only'] is True
    # Members may not look at admin-only locations.
    resp = api.get(base + admin_loc.uuid, version='2.14', role='member',
                   status=403)
    assert fault(resp)[0] == 'forbidden'


ERROR_CASES = [
    # (version, role, project, path suffix, status)
    ('2.8', 'admin', None, '', 404),
    ('2.8', 'admin', None, '/x', 404),
    ('2.9', 'admin', None, '/unknown', 404),
    # Another project's private share: Manila checks share:get against it.
    ('2.9', 'member', OTHER_PROJECT, '', 403),
    ('2.9', 'member', OTHER_PROJECT, '/unknown', 403),
    ('2.9', 'member', None, '/unknown', 404),
]


@pytest.mark.parametrize('version,role,project,suffix,status', ERROR_CASES)
def test_errors(api, share, version, role, project, suffix, status):
    api.get('/shares/%s/export_locations%s' % (share.id, suffix),
            version=version, role=role, project=project, status=status)


def test_unknown_share_404(api):
    api.get('/shares/nope/export_locations', version='2.9', status=404)
