"""Scheduler-stats pools, answered by the scheduler manager over fake RPC."""

import threading

import pytest

from manila_lite.db import share_types as type_db
from manila_lite.tests.unit.api.helpers import fault

ALL = ['hostA@alpha#gold', 'hostA@alpha#silver', 'hostB@beta#bronze']


@pytest.fixture
def types(api, admin_ctx):
    type_db.create(admin_ctx, 'dhss-off',
                   {'driver_handles_share_servers': 'False'})
    type_db.create(admin_ctx, 'dhss-on',
                   {'driver_handles_share_servers': 'True'})
    type_db.create(admin_ctx, 'snapshots',
                   {'driver_handles_share_servers': 'False',
                    'snapshot_support': 'True'})


def _names(resp):
    return sorted(pool['name'] for pool in resp.json['pools'])


@pytest.mark.parametrize('suffix,keys', [
    ('', {'name', 'host', 'backend', 'pool'}),
    ('/detail', {'name', 'host', 'backend', 'pool', 'capabilities'}),
])
def test_views(api, scheduler, suffix, keys):
    pools = api.get('/scheduler-stats/pools' + suffix,
                    status=200).json['pools']
    assert sorted(p['name'] for p in pools) == sorted(ALL)
    for pool in pools:
        assert set(pool) == keys
    gold = next(p for p in pools if p['pool'] == 'gold')
    assert (gold['host'], gold['backend']) == ('hostA', 'alpha')
    if 'capabilities' in keys:
        assert gold['capabilities']['share_backend_name'] == 'ALPHA'
        assert gold['capabilities']['total_capacity_gb'] == 100


FILTER_CASES = [
    # (version, query, expected pools)
    ('2.0', '?host=hostA', ['hostA@alpha#gold', 'hostA@alpha#silver']),
    ('2.0', '?backend=beta', ['hostB@beta#bronze']),
    ('2.0', '?pool=gold', ['hostA@alpha#gold']),
    ('2.0', '?pool_name=sil', ['hostA@alpha#silver']),
    ('2.0', '?host=host.&pool=(gold|bronze)',
     ['hostA@alpha#gold', 'hostB@beta#bronze']),
    # Expressions match from the start of the field.
    ('2.0', '?host=B', []),
    ('2.0', '?name=hostB', ['hostB@beta#bronze']),
    ('2.0', '?colour=blue', []),
    ('2.0', "?capabilities={'storage_protocol': '<in> CEPHFS'}",
     ['hostB@beta#bronze']),
    # share_type is a filter from 2.23; before, an unknown key.
    ('2.22', '?share_type=dhss-off', []),
    ('2.23', '?share_type=dhss-off',
     ['hostA@alpha#gold', 'hostA@alpha#silver']),
    ('2.23', '?share_type=dhss-on', ['hostB@beta#bronze']),
    ('2.64', '?share_type=snapshots', ['hostA@alpha#gold']),
    ('2.64', '?share_type=snapshots&host=hostB', []),
]


@pytest.mark.parametrize('version,query,expected', FILTER_CASES)
@pytest.mark.parametrize('suffix', ['', '/detail'])
def test_filters(api, scheduler, types, suffix, version, query, expected):
    resp = api.get('/scheduler-stats/pools%s%s' % (suffix, query),
                   version=version, status=200)
    assert _names(resp) == expected


def test_share_type_by_id(api, scheduler, types, admin_ctx):
    type_id = type_db.get_by_name(admin_ctx, 'dhss-on').id
    resp = api.get('/scheduler-stats/pools?share_type=%s' % type_id,
                   version='2.23', status=200)
    assert _names(resp) == ['hostB@beta#bronze']


@pytest.mark.parametrize('query', ['?share_type=nope', '?host=(',
                                   '?capabilities=notadict'])
def test_bad_filters_400(api, scheduler, query):
    resp = api.get('/scheduler-stats/pools' + query, version='2.23',
                   status=400)
    assert fault(resp)[0] == 'badRequest'


@pytest.mark.parametrize('suffix', ['', '/detail'])
def test_member_403(api, suffix):
    api.get('/scheduler-stats/pools' + suffix, role='member', status=403)


def test_all_in_one_asks_its_own_scheduler_in_the_calling_thread(
        api, scheduler_service, scheduler, monkeypatch):
    """On the in-process transport a call goes straight to the endpoint
    this process serves (oslo.messaging's fake driver would answer only
    at its next 50 ms poll), through the wire forms: the endpoint gets a
    context rebuilt from its dict, the caller a JSON-shaped answer."""
    manager, _server = scheduler_service
    seen = []
    real = manager.get_pools

    def get_pools(context, filters=None):
        seen.append((threading.get_ident(), type(context).__name__,
                     context is not None))
        return real(context, filters)

    monkeypatch.setattr(manager, 'get_pools', get_pools)
    pools = api.get('/scheduler-stats/pools/detail', status=200).json['pools']
    assert sorted(p['name'] for p in pools) == sorted(ALL)
    assert seen == [(threading.get_ident(), 'RequestContext', True)]
