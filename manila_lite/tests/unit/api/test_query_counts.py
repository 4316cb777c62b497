"""Database statements per request: reading shares must not cost one more
query per share (N+1, lazy loads), whatever the microversion.

Statements are counted with an engine event around one request, once
with few shares and once with many; the counts must be the same, and
small.
"""

import contextlib
import threading
import time

import pytest
import sqlalchemy as sa

from manila_lite.db import shares as share_db
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import wait_for_status

# Generous: a request reads the share(s) and their one-to-many
# collections in a few statements; a per-share query would exceed this
# as soon as there are more shares than that.
MOST_STATEMENTS = 12


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx)


@contextlib.contextmanager
def counted(engine):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, 'before_cursor_execute', count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, 'before_cursor_execute', count)


def _add_shares(api, admin_ctx, count, role='admin'):
    """Available shares with metadata and two export locations each, as
    a share manager leaves them."""
    ids = []
    for number in range(count):
        share = api.post('/shares', {'share': {
            'share_proto': 'NFS', 'size': 1, 'name': 'q%d' % number,
            'metadata': {'k1': 'v1', 'k2': 'v2'}}},
            version='2.64', role=role, status=200).json['share']
        ids.append(share['id'])
    for share_id in ids:
        instance = wait_for_scheduled(admin_ctx, share_id)
        assert share_db.finish_create(admin_ctx, instance.id, [
            {'path': '10.0.0.1:/%s' % share_id, 'preferred': True},
            {'path': '10.0.0.2:/%s' % share_id, 'is_admin_only': True}])
        wait_for_status(admin_ctx, share_id, 'available')
    return ids


def wait_for_scheduled(admin_ctx, share_id):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        share = share_db.get(admin_ctx, share_id)
        if share.host:
            return share.instance
        time.sleep(0.02)
    raise AssertionError('share %s was never scheduled' % share_id)


READS = [
    ('show', '/shares/{id}', '2.64'),
    ('show before 2.9', '/shares/{id}', '2.8'),
    ('detail', '/shares/detail', '2.64'),
    ('detail before 2.9', '/shares/detail', '2.8'),
    ('detail, a page', '/shares/detail?limit=5', '2.64'),
    ('summary list', '/shares', '2.64'),
]


def _statements(api, database, path, version, role='admin'):
    with counted(database) as statements:
        api.get(path, version=version, role=role, status=200)
    return len(statements)


def test_reads_cost_the_same_statements_for_2_or_12_shares(
        api, admin_ctx, share_type, database):
    first = _add_shares(api, admin_ctx, 2)
    few = {label: _statements(api, database, path.format(id=first[0]),
                              version)
           for label, path, version in READS}
    _add_shares(api, admin_ctx, 10)
    many = {label: _statements(api, database, path.format(id=first[0]),
                               version)
            for label, path, version in READS}
    assert many == few
    assert max(many.values()) <= MOST_STATEMENTS, many


def test_member_lists_cost_the_same_and_see_only_their_project(
        api, admin_ctx, share_type, database):
    _add_shares(api, admin_ctx, 3)
    mine = _add_shares(api, admin_ctx, 2, role='member')
    before = _statements(api, database, '/shares/detail', '2.64',
                         role='member')
    mine += _add_shares(api, admin_ctx, 6, role='member')
    response = api.get('/shares/detail', version='2.64', role='member',
                       status=200)
    assert sorted(s['id'] for s in response.json['shares']) == sorted(mine)
    assert _statements(api, database, '/shares/detail', '2.64',
                       role='member') == before


@contextlib.contextmanager
def counted_here(engine):
    """(transactions, statements) this thread runs: the request's own, not
    the scheduler's working in the background on the fake transport."""
    me = threading.get_ident()
    seen = {'transactions': 0, 'statements': []}

    def on_begin(_conn):
        if threading.get_ident() == me:
            seen['transactions'] += 1

    def on_statement(_conn, _cursor, statement, *_args):
        if threading.get_ident() == me and not \
                statement.startswith('BEGIN'):
            seen['statements'].append(statement)

    sa.event.listen(engine, 'begin', on_begin)
    sa.event.listen(engine, 'before_cursor_execute', on_statement)
    try:
        yield seen
    finally:
        sa.event.remove(engine, 'begin', on_begin)
        sa.event.remove(engine, 'before_cursor_execute', on_statement)


# (transactions, statements) of the share lifecycle's requests at 2.64,
# BEGIN not counted. A create reads its share type with its extra specs
# joined in, then writes the share, its instance, its metadata and the
# quota charge in one transaction, reading the project's limits once
# there; the response is built from what was written. A show reads the
# share with its instance, type name and metadata in one statement;
# export locations are not in its view and not read. A detail list reads rows,
# then all their metadata at once. A delete
# reads the share with its metadata joined in, asks in one statement
# whether resource locks veto it (its own or its rules'), then counts
# snapshots and moves it to deleting in one transaction.
LIFECYCLE = {'create': (2, 7), 'show': (1, 1), 'delete': (3, 4),
             'detail': (1, 2)}


def test_lifecycle_requests_transactions_and_statements(
        api, admin_ctx, share_type, database):
    _add_shares(api, admin_ctx, 3)
    seen = {}
    with counted_here(database) as create:
        share = api.post('/shares', {'share': {
            'share_proto': 'NFS', 'size': 1, 'name': 'counted',
            'metadata': {'k1': 'v1'}}},
            version='2.64', status=200).json['share']
    seen['create'] = create
    instance = wait_for_scheduled(admin_ctx, share['id'])
    assert share_db.finish_create(admin_ctx, instance.id,
                                  [{'path': '10.0.0.1:/counted'}])
    with counted_here(database) as show:
        body = api.get('/shares/%s' % share['id'], version='2.64',
                       status=200).json['share']
    assert body['share_type_name'] == 'default'
    assert body['status'] == 'available'
    seen['show'] = show
    with counted_here(database) as detail:
        api.get('/shares/detail', version='2.64', status=200)
    seen['detail'] = detail
    with counted_here(database) as delete:
        api.delete('/shares/%s' % share['id'], version='2.64', status=202)
    seen['delete'] = delete
    counts = {name: (c['transactions'], len(c['statements']))
              for name, c in seen.items()}
    assert counts == LIFECYCLE, (counts, {
        name: c['statements'] for name, c in seen.items()})
