"""Share group snapshots as a deployment without any answers them: empty
lists from 2.31 (experimental before 2.55), 404 for every id."""

import pytest

from manila_lite.api import microversion
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT

EXPERIMENTAL = {microversion.EXPERIMENTAL_HEADER: 'True'}
UNKNOWN = '11111111-2222-3333-4444-555555555555'


@pytest.mark.parametrize('path', [
    '/share-group-snapshots', '/share-group-snapshots/detail',
    '/%s/share-group-snapshots/detail' % PROJECT])
def test_lists_are_empty(api, path):
    for role in ('admin', 'member'):
        resp = api.get(path, version='2.55', role=role, status=200,
                       project=PROJECT)
        assert resp.json == {'share_group_snapshots': []}


def test_manila_ui_query_as_admin(api):
    """What manila-ui's admin page asks (2.87, experimental header)."""
    resp = api.get('/share-group-snapshots/detail?all_tenants=True',
                   version='2.87', headers=EXPERIMENTAL, status=200)
    assert resp.json == {'share_group_snapshots': []}
    resp = api.get('/share-group-snapshots/detail?all_tenants=maybe',
                   version='2.87', status=400)
    assert fault(resp)[0] == 'badRequest'


@pytest.mark.parametrize('version,headers,status', [
    ('2.30', EXPERIMENTAL, 404),
    ('2.31', {}, 404),
    ('2.31', EXPERIMENTAL, 200),
    ('2.54', {}, 404),
    ('2.55', {}, 200),
])
def test_experimental_before_2_55(api, version, headers, status):
    api.get('/share-group-snapshots', version=version, headers=headers,
            status=status)


def test_every_id_is_unknown(api):
    path = '/share-group-snapshots/' + UNKNOWN
    for method in ('GET', 'DELETE'):
        resp = api.request(method, path, version='2.55', status=404)
        assert fault(resp) == (
            'itemNotFound',
            'Share group snapshot %s could not be found.' % UNKNOWN)
