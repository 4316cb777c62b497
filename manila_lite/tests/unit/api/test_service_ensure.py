"""Ensure shares through the API (2.86+) and the services view's flag."""

import datetime

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import ensure as ensure_db
from manila_lite.db import models
from manila_lite.db import services as service_db
from manila_lite.tests.unit.api.helpers import fault

HOST = 'hostA@alpha'


@pytest.fixture
def services(api, admin_ctx, scheduler):
    service_db.register(admin_ctx, HOST, 'manila-share', 'manila-share',
                        'nova')
    service_db.register(admin_ctx, 'hostB@beta', 'manila-share',
                        'manila-share', 'nova')
    service_db.register(admin_ctx, 'hostA', 'manila-scheduler',
                        'manila-scheduler', 'nova')
    return admin_ctx


def _ensuring(ctx, host=HOST):
    return service_db.get_by_host_binary(ctx, host, 'manila-share').ensuring


@pytest.mark.parametrize('path,body', [
    ('/services/ensure-shares', {'host': HOST}),
    ('/services/ensure-shares', {'ensure_shares': {'host': HOST}}),
    ('/services/ensure', {'host': HOST}),
])
def test_accepted_and_flagged(api, services, path, body):
    resp = api.post(path, body, version='2.86', status=202)
    assert resp.body == b''
    assert _ensuring(services) is True
    # A second request while the first run goes on: 409.
    resp = api.post(path, body, version='2.86', status=409)
    assert 'already ensuring' in fault(resp)[1]


def test_refusals(api, services):
    ctx = services
    path = '/services/ensure-shares'
    # Not there before 2.86.
    api.post(path, {'host': HOST}, version='2.85', status=404)
    # Only administrators.
    api.post(path, {'host': HOST}, version='2.86', role='member',
             status=403)
    # Bodies.
    api.post(path, {}, version='2.86', status=400)
    api.post(path, {'host': HOST, 'extra': 1}, version='2.86', status=400)
    # Unknown backend, and a scheduler is not a share service.
    resp = api.post(path, {'host': 'hostZ@zeta'}, version='2.86',
                    status=404)
    assert 'hostZ@zeta' in fault(resp)[1]
    api.post(path, {'host': 'hostA'}, version='2.86', status=404)
    # Disabled.
    service_db.set_disabled(ctx, 'hostB@beta', 'manila-share', True)
    resp = api.post(path, {'host': 'hostB@beta'}, version='2.86',
                    status=409)
    assert 'disabled' in fault(resp)[1]
    # Down.
    with db_api.writer.using(ctx) as session:
        session.execute(sa.update(models.Service)
                        .where(models.Service.host == HOST)
                        .values(heartbeat_at=timeutils.utcnow() -
                                datetime.timedelta(hours=1)))
    resp = api.post(path, {'host': HOST}, version='2.86', status=409)
    assert 'down' in fault(resp)[1]
    assert not _ensuring(ctx) and not _ensuring(ctx, 'hostB@beta')
    # PUT on the literal path is not the enable/disable action.
    api.put(path, {'host': HOST, 'binary': 'manila-share'}, version='2.86',
            status=405)


def test_view_and_filter_by_microversion(api, services):
    ensure_db.start(services, HOST)
    listed = api.get('/services', version='2.85', status=200).json
    assert all('ensuring' not in s for s in listed['services'])
    listed = api.get('/services', version='2.86', status=200).json
    assert {s['host']: s['ensuring'] for s in listed['services']} == {
        HOST: True, 'hostB@beta': False, 'hostA': False}

    def hosts(query, version):
        return sorted(s['host'] for s in api.get(
            '/services' + query, version=version, status=200)
            .json['services'])
    assert hosts('?ensuring=true', '2.93') == [HOST]
    assert hosts('?ensuring=false', '2.93') == ['hostA', 'hostB@beta']
    assert hosts('?ensuring=maybe', '2.93') == []
    # Ignored below 2.93.
    assert len(hosts('?ensuring=true', '2.92')) == 3
    # The enable/disable answer carries it from 2.86.
    resp = api.put('/services/enable', {'host': HOST,
                                        'binary': 'manila-share'},
                   version='2.86', status=200)
    assert resp.json['ensuring'] is True
