"""Services and availability zones through the API."""

import datetime

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import services as service_db
from manila_lite.tests.unit.api.helpers import fault


@pytest.fixture
def services(api, admin_ctx):
    """A share service per zone, one of them silent for an hour."""
    ids = {
        'share-a': service_db.register(admin_ctx, 'hostA@alpha',
                                       'manila-share', 'manila-share',
                                       'az1'),
        'share-b': service_db.register(admin_ctx, 'hostB@beta',
                                       'manila-share', 'manila-share',
                                       'az2'),
        'scheduler': service_db.register(admin_ctx, 'hostA',
                                         'manila-scheduler',
                                         'manila-scheduler', 'az1'),
    }
    with db_api.writer.using(admin_ctx) as session:
        session.execute(sa.update(models.Service)
                        .where(models.Service.id == ids['share-b'])
                        .values(heartbeat_at=timeutils.utcnow() -
                                datetime.timedelta(hours=1)))
    service_db.set_disabled(admin_ctx, 'hostB@beta', 'manila-share', True)
    return ids


SERVICE_FIELDS = {'id', 'binary', 'host', 'zone', 'status', 'state',
                  'updated_at'}

LIST_CASES = [
    # (path, version, query, expected hosts/binaries)
    ('/os-services', '2.6', '', ['hostA@alpha', 'hostB@beta', 'hostA']),
    ('/services', '2.7', '', ['hostA@alpha', 'hostB@beta', 'hostA']),
    ('/services', '2.64', '?host=hostA', ['hostA']),
    ('/services', '2.64', '?binary=manila-share',
     ['hostA@alpha', 'hostB@beta']),
    ('/services', '2.64', '?zone=az2', ['hostB@beta']),
    ('/services', '2.64', '?zone=nowhere', []),
    ('/services', '2.64', '?state=down', ['hostB@beta']),
    ('/services', '2.64', '?state=up', ['hostA@alpha', 'hostA']),
    ('/services', '2.64', '?status=disabled', ['hostB@beta']),
    ('/services', '2.64', '?status=enabled', ['hostA@alpha', 'hostA']),
    # An unknown status lists nothing rather than failing.
    ('/services', '2.64', '?status=sleepy', []),
]


@pytest.mark.parametrize('path,version,query,hosts', LIST_CASES)
def test_list(api, services, path, version, query, hosts):
    listed = api.get(path + query, version=version,
                     status=200).json['services']
    assert [s['host'] for s in listed] == hosts
    for service in listed:
        assert set(service) == SERVICE_FIELDS


def test_list_view(api, services):
    listed = {s['host']: s for s in api.get(
        '/services', version='2.64', status=200).json['services']}
    assert listed['hostA@alpha']['status'] == 'enabled'
    assert listed['hostA@alpha']['state'] == 'up'
    assert listed['hostA@alpha']['zone'] == 'az1'
    assert listed['hostA@alpha']['binary'] == 'manila-share'
    assert listed['hostB@beta']['status'] == 'disabled'
    assert listed['hostB@beta']['state'] == 'down'
    # Version 2.83 added disabled_reason; we stop at 2.64.
    assert 'disabled_reason' not in listed['hostB@beta']


URL_VERSION_CASES = [
    # The old and new URL each answer only their own versions.
    ('/os-services', '2.7', 404),
    ('/services', '2.6', 404),
    ('/os-services', '2.0', 200),
]


@pytest.mark.parametrize('path,version,status', URL_VERSION_CASES)
def test_url_by_version(api, services, path, version, status):
    api.get(path, version=version, status=status)


def test_list_as_member_403(api, services):
    resp = api.get('/services', version='2.64', role='member', status=403)
    assert fault(resp)[0] == 'forbidden'


UPDATE_CASES = [
    # (path, version, action, expected status)
    ('/services', '2.7', 'disable', 'disabled'),
    ('/services', '2.64', 'enable', 'enabled'),
    ('/os-services', '2.6', 'disable', 'disabled'),
]


@pytest.mark.parametrize('path,version,action,status', UPDATE_CASES)
def test_enable_disable(api, services, path, version, action, status):
    body = {'host': 'hostA@alpha', 'binary': 'manila-share'}
    resp = api.put('%s/%s' % (path, action), body, version=version,
                   status=200)
    assert resp.json == {'host': 'hostA@alpha', 'binary': 'manila-share',
                         'status': status}
    listed = {s['host']: s for s in api.get(
        path, version=version, status=200).json['services']}
    assert listed['hostA@alpha']['status'] == status


def test_enable_disabled_service(api, services):
    body = {'host': 'hostB@beta', 'binary': 'manila-share'}
    resp = api.put('/services/enable', body, version='2.64', status=200)
    assert resp.json['status'] == 'enabled'


UPDATE_ERRORS = [
    # (case, action, body, version, status)
    ('unknown action', 'restart',
     {'host': 'hostA@alpha', 'binary': 'manila-share'}, '2.64', 404),
    ('unknown service', 'disable',
     {'host': 'nowhere', 'binary': 'manila-share'}, '2.64', 404),
    ('no host', 'disable', {'binary': 'manila-share'}, '2.64', 400),
    ('no binary', 'enable', {'host': 'hostA@alpha'}, '2.64', 400),
    ('wrapped body', 'enable',
     {'service': {'host': 'hostA@alpha', 'binary': 'manila-share'}},
     '2.64', 400),
    ('disabled_reason before 2.83', 'disable',
     {'host': 'hostA@alpha', 'binary': 'manila-share',
      'disabled_reason': 'maintenance'}, '2.64', 400),
]


@pytest.mark.parametrize('case,action,body,version,status', UPDATE_ERRORS,
                         ids=[c[0] for c in UPDATE_ERRORS])
def test_update_errors(api, services, case, action, body, version, status):
    api.put('/services/%s' % action, body, version=version, status=status)


def test_update_as_member_403(api, services):
    api.put('/services/disable',
            {'host': 'hostA@alpha', 'binary': 'manila-share'},
            version='2.64', role='member', status=403)


# --- availability zones -----------------------------------------------------

@pytest.mark.parametrize('path,version', [
    ('/os-availability-zone', '2.0'),
    ('/availability-zones', '2.7'),
    ('/availability-zones', '2.64'),
])
def test_availability_zones(api, services, path, version):
    zones = api.get(path, version=version, role='member',
                    status=200).json['availability_zones']
    assert [z['name'] for z in zones] == ['az1', 'az2']
    for zone in zones:
        assert set(zone) == {'id', 'name', 'created_at', 'updated_at'}
        assert zone['created_at']


@pytest.mark.parametrize('path,version', [
    ('/os-availability-zone', '2.7'),
    ('/availability-zones', '2.6'),
])
def test_availability_zones_url_by_version(api, path, version):
    api.get(path, version=version, status=404)
