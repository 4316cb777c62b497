"""Share transfers (2.77): offer, show, list, delete, accept, expire."""

import datetime

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_transfers as transfer_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.share.api import transfers as transfer_api
from manila_lite import states
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
V = '2.77'
MEMBER = 'member-user'
TAKER = 'taker-user'


@pytest.fixture
def share_type(admin_ctx):
    return type_db.create(admin_ctx, 'default', {
        'driver_handles_share_servers': 'False'})


def _share(admin_ctx, share_type, status=states.AVAILABLE, size=1,
           **values):
    share = share_db.create(
        admin_ctx, dict({'project_id': PROJECT, 'user_id': MEMBER,
                         'size': size, 'share_proto': 'NFS'}, **values),
        {'status': status, 'host': 'hostA@alpha#gold',
         'share_type_id': share_type.id})
    return share


def _snapshot(admin_ctx, share, status=states.AVAILABLE, size=1):
    return snapshot_db.create(
        admin_ctx, share, {'project_id': PROJECT, 'user_id': MEMBER,
                           'size': size, 'share_size': share.size,
                           'share_proto': 'NFS'},
        {'status': status})


def _offer(api, share_id, name='move-me', status=202, **kwargs):
    body = {'transfer': {'share_id': share_id, 'name': name}}
    kwargs.setdefault('role', 'member')
    return api.post('/share-transfers', body, version=V, status=status,
                    **kwargs)


def _accept(api, transfer_id, auth_key, status=202, project=OTHER_PROJECT,
            version=V, roles='member,reader', body=None, **accept):
    """POST .../accept as TAKER of ``project``."""
    if body is None:
        body = {'accept': dict({'auth_key': auth_key}, **accept)}
    resp = api.app.post_json(
        '/v2/share-transfers/%s/accept' % transfer_id, body,
        headers={'X-Auth-Token': '%s:%s' % (TAKER, project),
                 'X-Roles': roles,
                 'X-OpenStack-Manila-API-Version': version},
        expect_errors=True)
    assert resp.status_int == status, resp.text
    return resp


def _status(admin_ctx, share_id):
    return share_db.get(admin_ctx, share_id).status


def _usage(admin_ctx, project, **scope):
    return {resource: held['in_use'] for resource, held in
            quotas.usages(admin_ctx, project, **scope).items()
            if resource in ('shares', 'gigabytes', 'snapshots',
                            'snapshot_gigabytes')}


# --- offer, show, list, delete -----------------------------------------------

def test_offer_show_list_delete(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type)
    created = _offer(api, share.id, name=' move-me ').json['transfer']
    assert set(created) == {
        'id', 'created_at', 'name', 'resource_type', 'resource_id',
        'source_project_id', 'destination_project_id', 'accepted',
        'expires_at', 'links', 'auth_key'}
    assert created['name'] == 'move-me'
    assert (created['resource_type'], created['resource_id']) == (
        'share', share.id)
    assert created['source_project_id'] == PROJECT
    assert (created['accepted'], created['destination_project_id']) == (
        False, None)
    assert len(created['auth_key']) == CONF.share_transfer_key_length
    expires = timeutils.parse_isotime(created['expires_at'])
    made = timeutils.parse_isotime(created['created_at'])
    assert (expires - made).total_seconds() == pytest.approx(
        CONF.transfer_retention_time, abs=2)
    assert _status(admin_ctx, share.id) == states.AWAITING_TRANSFER

    path = '/share-transfers/%s' % created['id']
    shown = api.get(path, version=V, role='member', status=200).json
    assert shown['transfer'] == {k: v for k, v in created.items()
                                 if k != 'auth_key'}
    summary = api.get('/share-transfers', version=V, role='member',
                      status=200).json['transfers']
    assert summary == [{k: created[k] for k in (
        'id', 'name', 'resource_type', 'resource_id', 'links')}]
    detail = api.get('/share-transfers/detail', version=V, role='member',
                     status=200).json['transfers']
    assert detail == [shown['transfer']]

    resp = api.delete(path, version=V, role='member', status=200)
    assert resp.body == b''
    assert _status(admin_ctx, share.id) == states.AVAILABLE
    assert api.get('/share-transfers', version=V, role='member',
                   status=200).json['transfers'] == []
    api.get(path, version=V, role='member', status=404)
    api.delete(path, version=V, role='member', status=404)


def test_another_projects_transfer_is_404(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type)
    transfer_id = _offer(api, share.id).json['transfer']['id']
    path = '/share-transfers/%s' % transfer_id
    api.get(path, version=V, role='member', project=OTHER_PROJECT,
            status=404)
    api.delete(path, version=V, role='member', project=OTHER_PROJECT,
               status=404)
    assert api.get('/share-transfers', version=V, role='member',
                   project=OTHER_PROJECT, status=200).json == {
        'transfers': []}
    assert _status(admin_ctx, share.id) == states.AWAITING_TRANSFER
    # Administrators see it, and every project's with all_tenants.
    api.get(path, version=V, status=200)
    assert api.get('/share-transfers', version=V,
                   status=200).json['transfers'] == []
    listed = api.get('/share-transfers?all_tenants=1', version=V,
                     status=200).json['transfers']
    assert [t['id'] for t in listed] == [transfer_id]
    # A member's all_tenants is ignored.
    assert api.get('/share-transfers?all_tenants=1', version=V,
                   role='member', project=OTHER_PROJECT,
                   status=200).json['transfers'] == []


# (query, names listed) with transfers 'alpha', 'beta' (newest) of PROJECT.
LIST_CASES = [
    ('', ['beta', 'alpha']),
    ('?sort_dir=asc', ['alpha', 'beta']),
    ('?sort_key=name&sort_dir=asc', ['alpha', 'beta']),
    ('?name=alpha', ['alpha']),
    ('?name~=ET', ['beta']),
    ('?resource_type=share', ['beta', 'alpha']),
    ('?source_project_id=%s' % PROJECT, ['beta', 'alpha']),
    ('?source_project_id=%s' % OTHER_PROJECT, []),
    ('?destination_project_id=%s' % OTHER_PROJECT, []),
    ('?limit=1', ['beta']),
    ('?limit=1&offset=1', ['alpha']),
    ('?unknown=1', ['beta', 'alpha']),
]


@pytest.mark.parametrize('query,names', LIST_CASES)
def test_list_filters(api, admin_ctx, share_type, query, names):
    for name in ('alpha', 'beta'):
        _offer(api, _share(admin_ctx, share_type).id, name=name)
    listed = api.get('/share-transfers/detail' + query, version=V,
                     role='member', status=200).json
    assert listed == {'transfers': listed['transfers']}
    assert [t['name'] for t in listed['transfers']] == names


def test_list_bad_sort_key_is_400(api):
    api.get('/share-transfers?sort_key=auth_key', version=V, status=400)


# (what the share is like, status) of an offer.
def _in_network(admin_ctx, share_type):
    network = network_db.create(admin_ctx, {'project_id': PROJECT},
                                {'availability_zone': None})
    share = _share(admin_ctx, share_type)
    with db_api.writer.using(admin_ctx) as session:
        session.execute(sa.update(models.ShareInstance).where(
            models.ShareInstance.id == share.instance.id).values(
            share_network_id=network.id))
    return share


def _with_snapshot(status):
    def make(admin_ctx, share_type):
        share = _share(admin_ctx, share_type)
        _snapshot(admin_ctx, share, status)
        return share
    return make


def _soft_deleted(admin_ctx, share_type):
    return _share(admin_ctx, share_type, is_soft_deleted=True)


OFFER_CASES = [
    ('creating', lambda ctx, t: _share(ctx, t, states.CREATING), 400),
    ('error', lambda ctx, t: _share(ctx, t, states.ERROR), 400),
    ('other project', lambda ctx, t: _share(ctx, t,
                                            project_id=OTHER_PROJECT), 400),
    ('public of other project', lambda ctx, t: _share(
        ctx, t, project_id=OTHER_PROJECT, is_public=True), 403),
    ('share network', _in_network, 400),
    ('snapshot creating', _with_snapshot(states.CREATING), 400),
    ('soft deleted', _soft_deleted, 403),
    ('available snapshot', _with_snapshot(states.AVAILABLE), 202),
]


@pytest.mark.parametrize('label,make,status', OFFER_CASES,
                         ids=[c[0] for c in OFFER_CASES])
def test_what_may_be_offered(api, admin_ctx, share_type, label, make,
                             status):
    share = make(admin_ctx, share_type)
    before = _status(admin_ctx, share.id)
    _offer(api, share.id, status=status)
    expected = (states.AWAITING_TRANSFER if status == 202 else before)
    assert _status(admin_ctx, share.id) == expected
    assert len(transfer_db.get_all(admin_ctx, {}, all_projects=True)) == (
        1 if status == 202 else 0)


def test_one_offer_at_a_time(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type)
    _offer(api, share.id)
    _offer(api, share.id, status=400)


# (body, status) of POST /share-transfers.
OFFER_BODIES = [
    ({}, 400),
    ({'transfer': None}, 400),
    ({'transfer': {'name': 'x'}}, 400),
    ({'transfer': {'share_id': 'not-a-uuid'}}, 400),
    ({'transfer': {'share_id': '7f1a5b3e-4d55-4c5a-9a53-5d2b8e0c1a11'}},
     400),
]


@pytest.mark.parametrize('body,status', OFFER_BODIES)
def test_offer_bodies(api, body, status):
    api.post('/share-transfers', body, version=V, role='member',
             status=status)


# --- accept ------------------------------------------------------------------

def test_accept_moves_share_snapshots_and_quota(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type, size=3)
    snapshot = _snapshot(admin_ctx, share, size=2)
    access_db.create(admin_ctx, share.id, 'ip', '10.0.0.7', 'rw')
    offer = _offer(api, share.id).json['transfer']
    owner_before = _usage(admin_ctx, PROJECT)
    assert owner_before == {'shares': 1, 'gigabytes': 3, 'snapshots': 1,
                            'snapshot_gigabytes': 2}

    resp = _accept(api, offer['id'], offer['auth_key'])
    assert resp.body == b''
    moved = share_db.get(admin_ctx, share.id)
    assert (moved.project_id, moved.user_id, moved.status) == (
        OTHER_PROJECT, TAKER, states.AVAILABLE)
    snap = snapshot_db.get(admin_ctx, snapshot.id)
    assert (snap.project_id, snap.user_id) == (OTHER_PROJECT, TAKER)
    assert _usage(admin_ctx, PROJECT) == dict.fromkeys(owner_before, 0)
    assert _usage(admin_ctx, OTHER_PROJECT) == owner_before
    for old_scope, new_scope in (
            ({'user_id': MEMBER}, {'user_id': TAKER}),
            ({'share_type_id': share_type.id},
             {'share_type_id': share_type.id})):
        assert _usage(admin_ctx, PROJECT, **old_scope) == dict.fromkeys(
            owner_before, 0)
        assert _usage(admin_ctx, OTHER_PROJECT, **new_scope) == owner_before
    # Gone for everyone; the rules stay unless asked to go.
    api.get('/share-transfers/%s' % offer['id'], version=V, status=404)
    rules = access_db.get_all_for_share(admin_ctx, share.id)
    assert [r.instance_mappings[0].state for r in rules] == [
        states.ACCESS_QUEUED_TO_APPLY]
    # The new owner sees and manages the share; the old one no longer.
    api.get('/shares/%s' % share.id, version=V, role='member',
            project=OTHER_PROJECT, status=200)
    api.get('/shares/%s' % share.id, version=V, role='member', status=404)


def test_accept_clearing_access_rules(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type)
    rule = access_db.create(admin_ctx, share.id, 'ip', '10.0.0.7', 'rw')
    instance_id = rule.instance_mappings[0].share_instance_id
    # Applied, as the share manager records it.
    access_db.start_sync(admin_ctx, [instance_id], ())
    access_db.record_sync(admin_ctx, [{
        'instance_id': instance_id, 'ok': True,
        'active': [rule.instance_mappings[0].id]}])
    offer = _offer(api, share.id).json['transfer']
    _accept(api, offer['id'], offer['auth_key'], clear_access_rules=True)
    rule = access_db.get(admin_ctx, rule.id)
    assert rule.instance_mappings[0].state == states.ACCESS_QUEUED_TO_DENY


def test_accept_by_own_project_changes_no_usage(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type, size=2)
    offer = _offer(api, share.id).json['transfer']
    before = _usage(admin_ctx, PROJECT)
    _accept(api, offer['id'], offer['auth_key'], project=PROJECT)
    assert _usage(admin_ctx, PROJECT) == before
    assert _status(admin_ctx, share.id) == states.AVAILABLE


# (accept options, status) of an accept that changes nothing.
ACCEPT_ERRORS = [
    ({'auth_key': 'incorrect_auth_key'}, 400),
    ({'auth_key': ''}, 400),
    ({'clear_access_rules': 'maybe'}, 400),
    ({'transfer_id': '7f1a5b3e-4d55-4c5a-9a53-5d2b8e0c1a11'}, 400),
    ({'body': {}}, 400),
    ({'body': {'accept': {}}}, 400),
    ({'roles': 'reader'}, 403),
    ({'version': '2.76'}, 404),
]


@pytest.mark.parametrize('options,status', ACCEPT_ERRORS)
def test_accept_errors(api, admin_ctx, share_type, options, status):
    share = _share(admin_ctx, share_type)
    offer = _offer(api, share.id).json['transfer']
    options = dict(options)
    _accept(api, options.pop('transfer_id', offer['id']),
            options.pop('auth_key', offer['auth_key']), status=status,
            **options)
    assert share_db.get(admin_ctx, share.id).project_id == PROJECT
    assert _status(admin_ctx, share.id) == states.AWAITING_TRANSFER


def test_accept_over_quota_is_413_and_changes_nothing(api, admin_ctx,
                                                      share_type):
    share = _share(admin_ctx, share_type, size=5)
    offer = _offer(api, share.id).json['transfer']
    quotas.set_limits(admin_ctx, OTHER_PROJECT, {'gigabytes': 4})
    before = _usage(admin_ctx, PROJECT)
    name, message = fault(_accept(api, offer['id'], offer['auth_key'],
                                  status=413))
    assert 'gigabytes' in message
    assert _usage(admin_ctx, PROJECT) == before
    assert _usage(admin_ctx, OTHER_PROJECT)['gigabytes'] == 0
    assert share_db.get(admin_ctx, share.id).project_id == PROJECT
    assert _status(admin_ctx, share.id) == states.AWAITING_TRANSFER
    # The offer stands: another project with room may take it.
    _accept(api, offer['id'], offer['auth_key'], project=PROJECT)


def test_accept_needs_access_to_a_private_type(api, admin_ctx):
    private = type_db.create(admin_ctx, 'private', {
        'driver_handles_share_servers': 'False'}, is_public=False,
        projects=[PROJECT])
    share = _share(admin_ctx, private)
    offer = _offer(api, share.id).json['transfer']
    assert 'not public' in fault(_accept(api, offer['id'], offer['auth_key'],
                                         status=400))[1]
    type_db.add_project(admin_ctx, private.id, OTHER_PROJECT)
    _accept(api, offer['id'], offer['auth_key'])


def test_accept_with_a_snapshot_no_longer_available(api, admin_ctx,
                                                    share_type):
    share = _share(admin_ctx, share_type)
    snapshot = _snapshot(admin_ctx, share)
    offer = _offer(api, share.id).json['transfer']
    snapshot_db.set_status(admin_ctx, snapshot.id, states.ERROR)
    _accept(api, offer['id'], offer['auth_key'], status=400)
    assert share_db.get(admin_ctx, share.id).project_id == PROJECT


# --- expiry and the share's own fate -----------------------------------------

def test_expired_transfers_are_deleted(api, admin_ctx, share_type):
    old, fresh = _share(admin_ctx, share_type), _share(admin_ctx, share_type)
    old_id = _offer(api, old.id).json['transfer']['id']
    fresh_id = _offer(api, fresh.id).json['transfer']['id']
    with db_api.writer.using(admin_ctx) as session:
        session.execute(sa.update(models.ShareTransfer).where(
            models.ShareTransfer.id == old_id).values(
            expires_at=timeutils.utcnow() - datetime.timedelta(seconds=1)))
    assert transfer_api.expire(ml_context.get_admin_context()) == 1
    assert _status(admin_ctx, old.id) == states.AVAILABLE
    assert _status(admin_ctx, fresh.id) == states.AWAITING_TRANSFER
    api.get('/share-transfers/%s' % old_id, version=V, status=404)
    api.get('/share-transfers/%s' % fresh_id, version=V, status=200)


def test_share_going_takes_its_transfer(api, admin_ctx, share_type):
    share = _share(admin_ctx, share_type)
    transfer_id = _offer(api, share.id).json['transfer']['id']
    # As the share manager removes a force-deleted share.
    share_db.destroy(admin_ctx, share.id)
    api.get('/share-transfers/%s' % transfer_id, version=V, status=404)


# Every route below 2.77 answers 404.
@pytest.mark.parametrize('method,path', [
    ('GET', '/share-transfers'), ('GET', '/share-transfers/detail'),
    ('GET', '/share-transfers/{id}'), ('DELETE', '/share-transfers/{id}'),
    ('POST', '/share-transfers'),
])
def test_not_served_below_2_77(api, admin_ctx, share_type, method, path):
    share = _share(admin_ctx, share_type)
    transfer_id = _offer(api, share.id).json['transfer']['id']
    body = ({'transfer': {'share_id': share.id}} if method == 'POST'
            else None)
    api.request(method, path.format(id=transfer_id), body=body,
                version='2.76', role='member', status=404)
    assert _status(admin_ctx, share.id) == states.AWAITING_TRANSFER


# (method, path, body) a share awaiting a transfer refuses, and the
# answer: its status allows none of them.
FROZEN = [
    ('DELETE', '/shares/{id}', None, 403),
    ('POST', '/shares/{id}/action', {'extend': {'new_size': 2}}, 400),
    ('POST', '/snapshots', {'snapshot': {'share_id': '{id}'}}, 400),
    ('POST', '/shares/{id}/action',
     {'allow_access': {'access_type': 'ip', 'access_to': '10.0.0.9'}}, 400),
]


@pytest.mark.parametrize('method,path,body,status', FROZEN)
def test_awaiting_share_is_frozen(api, admin_ctx, share_type, method, path,
                                  body, status):
    share = _share(admin_ctx, share_type, snapshot_support=True)
    _offer(api, share.id)
    if body is not None:
        body = {k: {f: (v.format(id=share.id) if isinstance(v, str) else v)
                    for f, v in inner.items()} for k, inner in body.items()}
    api.request(method, path.format(id=share.id), body=body, version=V,
                role='member', status=status)
    assert _status(admin_ctx, share.id) == states.AWAITING_TRANSFER
    assert snapshot_db.count_for_share(admin_ctx, share.id) == 0
    assert access_db.get_all_for_share(admin_ctx, share.id) == []
