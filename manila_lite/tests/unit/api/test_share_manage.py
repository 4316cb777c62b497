"""Manage and unmanage through the real WSGI stack (administrators).

What the API answers and records; the driver's part is in
tests/unit/share/manager/test_manage.py. Manage requests go through the
real scheduler on the in-process transport, which checks that the share
type fits the pool named.
"""

import datetime
from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import services as service_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_for_status

HOST = 'hostA@alpha#gold'
PATH = '10.0.0.7:/shares/legacy'


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    share_type = default_share_type(admin_ctx)
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    return share_type


def _manage(api, version='2.64', path='/shares/manage', role='admin',
            **fields):
    body = {'share': dict({'service_host': HOST, 'protocol': 'nfs',
                           'export_path': PATH}, **fields)}
    return api.post(path, body, version=version, role=role)


def _usage(admin_ctx, project=ADMIN_PROJECT):
    usage = quotas.usages(admin_ctx, project)
    return usage['shares']['in_use'], usage['gigabytes']['in_use']


def test_manage_records_the_share_without_quota(api, share_type,
                                                admin_ctx):
    resp = _manage(api, name='adopted', description='from before',
                   driver_options={'opt': 'x'})
    assert resp.status_int == 200
    share = resp.json['share']
    assert share['status'] == states.MANAGE_STARTING
    assert share['size'] == 0
    assert share['host'] == HOST
    assert share['share_proto'] == 'NFS'
    assert share['name'] == 'adopted'
    assert share['description'] == 'from before'
    assert share['share_type'] == share_type.id
    assert share['project_id'] == ADMIN_PROJECT
    assert share['is_public'] is False
    locations = api.get('/shares/%s/export_locations' % share['id'],
                        version='2.64').json['export_locations']
    assert [loc['path'] for loc in locations] == [PATH]
    assert _usage(admin_ctx) == (0, 0)


def test_manage_versions_and_paths(api, share_type):
    assert _manage(api, version='2.6').status_int == 404
    legacy = _manage(api, version='2.6', path='/os-share-manage')
    assert legacy.status_int == 200
    assert 'export_locations' in legacy.json['share']
    assert _manage(api, version='2.7', path='/os-share-manage',
                   export_path='10.0.0.7:/other').status_int == 404
    # is_public counts from 2.8.
    old = _manage(api, version='2.7', export_path='10.0.0.7:/a',
                  is_public=True)
    assert old.json['share']['is_public'] is False
    new = _manage(api, version='2.8', export_path='10.0.0.7:/b',
                  is_public=True)
    assert new.json['share']['is_public'] is True


@pytest.mark.parametrize('fields,status,words', [
    ({'export_path': None}, 422, 'export_path is empty'),
    ({'service_host': ''}, 422, 'service_host is empty'),
    ({'export_path': {'nopath': 1}}, 422, 'Export path must be'),
    ({'service_host': 'hostA@alpha'}, 400, 'should contain pool'),
    ({'service_host': 'nohost@none#p'}, 404, 'could not be found'),
    ({'share_type': 'nosuchtype'}, 404, 'nosuchtype'),
    ({'share_server_id': 'abc'}, 400, 'Share Server ID'),
])
def test_manage_refuses_bad_requests(api, share_type, fields, status,
                                     words):
    resp = _manage(api, **fields)
    assert resp.status_int == status, resp.body
    assert words in fault(resp)[1]


def test_manage_needs_the_required_fields(api, share_type):
    for missing in ('export_path', 'service_host', 'protocol'):
        body = {'service_host': HOST, 'protocol': 'NFS',
                'export_path': PATH}
        del body[missing]
        resp = api.post('/shares/manage', {'share': body}, version='2.64')
        assert resp.status_int == 422
        assert 'Required parameter %s not found' % missing in fault(resp)[1]
    assert api.post('/shares/manage', {'nope': {}},
                    version='2.64').status_int == 422


def test_manage_takes_a_path_as_a_dictionary(api, share_type):
    resp = _manage(api, export_path={'path': PATH})
    assert resp.status_int == 200


def test_manage_on_a_down_service_is_400(api, share_type, admin_ctx):
    conf.CONF.set_override('service_down_time', 1)
    with db_api.writer.using(admin_ctx) as session:
        session.execute(sa.update(models.Service).values(
            heartbeat_at=timeutils.utcnow() - datetime.timedelta(seconds=60)))
    resp = _manage(api)
    assert resp.status_int == 400
    assert 'is down' in fault(resp)[1]


def test_a_path_managed_already_is_409(api, share_type):
    assert _manage(api).status_int == 200
    again = _manage(api)
    assert again.status_int == 409
    assert 'already exists' in fault(again)[1]
    # The same path on another pool is another share.
    assert _manage(api, service_host='hostA@alpha#silver').status_int == 200


def test_manage_with_a_dhss_type_is_400(api, share_type, admin_ctx):
    type_db.create(admin_ctx, 'servers', {
        'driver_handles_share_servers': 'True'})
    resp = _manage(api, share_type='servers')
    assert resp.status_int == 400
    assert 'Share Server ID parameter is required' in fault(resp)[1]


def test_members_cannot_manage(api, share_type):
    resp = _manage(api, role='member')
    assert resp.status_int == 403


def test_scheduler_refuses_a_type_the_pool_does_not_fit(
        api, share_type, admin_ctx):
    type_db.create(admin_ctx, 'elsewhere', {
        'driver_handles_share_servers': 'False',
        'share_backend_name': 'NOT-ALPHA'})
    resp = _manage(api, share_type='elsewhere')
    share = wait_for_status(admin_ctx, resp.json['share']['id'],
                            states.MANAGE_ERROR)
    assert share.size == 0
    assert _usage(admin_ctx) == (0, 0)


def _available_share(admin_ctx, share_type, project=PROJECT, size=3):
    share = share_db.create(
        admin_ctx, {'project_id': project, 'user_id': 'u', 'size': size,
                    'share_proto': 'NFS'},
        {'status': states.CREATING, 'host': HOST,
         'share_type_id': share_type.id})
    share_db.finish_create(admin_ctx, share.instance.id,
                           [{'path': '10.0.0.1:/u', 'preferred': True}])
    return share


def test_unmanage_moves_to_unmanage_starting(api, share_type, admin_ctx):
    share = _available_share(admin_ctx, share_type)
    resp = api.post('/shares/%s/action' % share.id, {'unmanage': None},
                    version='2.64')
    assert resp.status_int == 202 and not resp.body
    assert share_db.get(admin_ctx, share.id).status == \
        states.UNMANAGE_STARTING
    # Quota is given back when the backend has forgotten the share.
    assert _usage(admin_ctx, PROJECT) == (1, 3)


def test_unmanage_paths_follow_microversion(api, share_type, admin_ctx):
    share = _available_share(admin_ctx, share_type)
    assert api.post('/shares/%s/action' % share.id, {'unmanage': None},
                    version='2.6').status_int == 404
    assert api.post('/os-share-unmanage/%s/unmanage' % share.id, {},
                    version='2.7').status_int == 404
    assert api.post('/os-share-unmanage/%s/unmanage' % share.id, {},
                    version='2.6').status_int == 202
    assert share_db.get(admin_ctx, share.id).status == \
        states.UNMANAGE_STARTING


@pytest.mark.parametrize('status', [states.CREATING, states.EXTENDING,
                                    states.DELETING,
                                    states.UNMANAGE_STARTING])
def test_transitional_shares_cannot_be_unmanaged(api, share_type,
                                                 admin_ctx, status):
    share = _available_share(admin_ctx, share_type)
    share_db.set_status(admin_ctx, share.instance.id, status)
    resp = api.post('/shares/%s/action' % share.id, {'unmanage': None},
                    version='2.64')
    assert resp.status_int == 403
    assert 'transitional state' in fault(resp)[1]


@pytest.mark.parametrize('status', [
    states.CREATING, states.DELETING, states.MIGRATING, states.MIGRATING_TO,
    states.SERVER_MIGRATING])
def test_reset_to_a_transitional_status_forbids_unmanage(
        api, share_type, admin_ctx, status):
    """Every status Manila's reset_status accepts is accepted (migration
    ones too, though migration is not served); unmanage then answers 403
    until the share is reset again."""
    share = _available_share(admin_ctx, share_type)
    action = '/shares/%s/action' % share.id
    api.post(action, {'reset_status': {'status': status}}, version='2.64',
             status=202)
    assert api.get('/shares/%s' % share.id, version='2.64').json[
        'share']['status'] == status
    resp = api.post(action, {'unmanage': None}, version='2.64', status=403)
    assert 'transitional state' in fault(resp)[1]
    api.post(action, {'reset_status': {'status': 'available'}},
             version='2.64', status=202)
    api.delete('/shares/%s' % share.id, version='2.64', status=202)


@pytest.mark.parametrize('status', [states.MIGRATING, states.MIGRATING_TO,
                                    states.SERVER_MIGRATING])
def test_a_migration_status_waits_for_an_administrator(
        api, share_type, admin_ctx, status):
    """Only reset_status leads there, and only reset_status or
    force_delete lead away."""
    assert states.sources(states.SHARE_INSTANCE, status) == []
    share = _available_share(admin_ctx, share_type)
    action = '/shares/%s/action' % share.id
    api.post(action, {'reset_status': {'status': status}}, version='2.64',
             status=202)
    api.delete('/shares/%s' % share.id, version='2.64', status=403)
    api.post(action, {'force_delete': None}, version='2.64', status=202)
    assert share_db.get(admin_ctx, share.id).status == states.DELETING


def test_unmanage_of_a_failed_manage_has_its_own_status(
        api, share_type, admin_ctx):
    managed = _manage(api).json['share']
    share_db.transition(admin_ctx, share_db.get(
        admin_ctx, managed['id']).instance.id, states.MANAGE_ERROR,
        sources=[states.MANAGE_STARTING, states.MANAGE_ERROR])
    resp = api.post('/shares/%s/action' % managed['id'], {'unmanage': None},
                    version='2.64')
    assert resp.status_int == 202
    assert share_db.get(admin_ctx, managed['id']).status == \
        states.MANAGE_ERROR_UNMANAGE_STARTING


def test_unmanage_of_a_never_placed_share_removes_it_at_once(
        api, share_type, admin_ctx):
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'u', 'size': 2,
                    'share_proto': 'NFS'},
        {'status': states.ERROR, 'share_type_id': share_type.id})
    resp = api.post('/shares/%s/action' % share.id, {'unmanage': None},
                    version='2.64')
    assert resp.status_int == 202
    assert api.get('/shares/%s' % share.id,
                   version='2.64').status_int == 404
    assert _usage(admin_ctx, PROJECT) == (0, 0)


def test_members_cannot_unmanage(api, share_type, admin_ctx):
    share = _available_share(admin_ctx, share_type)
    resp = api.post('/shares/%s/action' % share.id, {'unmanage': None},
                    version='2.64', role='member')
    assert resp.status_int == 403
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
