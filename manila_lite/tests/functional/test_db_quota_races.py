"""The first quota charge of a new project is safe to make concurrently.

A project (or a user of it, or a share type in it) has no usage rows
until its first charge adds them. Several requests creating the first
shares of a new project at once all find no row; each must still be
charged exactly once, none may fail on the unique key of the usage rows
(which the API answered with a 500).

Real threads on real MariaDB and PostgreSQL servers, each test on a
fresh database of its own, the db modules' engine facade pointed at it.
"""

import collections
import threading

from oslo_db.sqlalchemy import enginefacade
import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite.db import migration
from manila_lite.db import quotas
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.devtools import infra
from manila_lite import states
from manila_lite.tests.functional import services

CONF = conf.CONF
HOST = 'host1@backend1#pool0'
SERVERS = {'mysql': services.require_mysql,
           'postgres': services.require_postgres}
PROJECTS = 5
PER_PROJECT = 8
USERS = ('u1', 'u2')


@pytest.fixture(params=sorted(SERVERS))
def server_url(request, tmp_path):
    with infra.throwaway_database(SERVERS[request.param]()) as url:
        yield url


@pytest.fixture(params=['sqlite'] + sorted(SERVERS))
def any_url(request, tmp_path):
    if request.param == 'sqlite':
        yield 'sqlite:///%s' % (tmp_path / 'manila.sqlite')
        return
    with infra.throwaway_database(SERVERS[request.param]()) as url:
        yield url


def _context(url, monkeypatch):
    CONF.set_override('connection', url, group='database')
    # Room for every thread's connection at once.
    CONF.set_override('max_pool_size', PROJECTS * PER_PROJECT,
                      group='database')
    monkeypatch.setattr(db_api, '_facade', enginefacade.transaction_context())
    db_api.configure()
    migration.db_sync(engine=db_api.get_engine())
    return ml_context.get_admin_context()


@pytest.fixture
def on_server(server_url, monkeypatch):
    try:
        yield _context(server_url, monkeypatch)
        db_api.get_engine().dispose()
    finally:
        CONF.clear_override('connection', group='database')
        CONF.clear_override('max_pool_size', group='database')


@pytest.fixture
def on_any(any_url, monkeypatch):
    try:
        yield _context(any_url, monkeypatch)
        db_api.get_engine().dispose()
    finally:
        CONF.clear_override('connection', group='database')
        CONF.clear_override('max_pool_size', group='database')


def _run_all(work):
    """Run ``work(project, number)`` in a thread each, all at once;
    the exceptions raised."""
    errors = []
    start = threading.Barrier(PROJECTS * PER_PROJECT, timeout=60)

    def run(project, number):
        try:
            start.wait()
            work(project, number)
        except Exception as err:   # what the API would answer 500 for
            errors.append(err)

    threads = [threading.Thread(target=run, args=('p%d' % p, n))
               for p in range(PROJECTS) for n in range(PER_PROJECT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def _expected(sizes_by_project, type_id):
    """{(project, user, type): {'shares': n, 'gigabytes': n}}."""
    expected = collections.defaultdict(collections.Counter)
    for project, charges in sizes_by_project.items():
        for user, size in charges:
            for scope in ((project, '', ''), (project, user, ''),
                          (project, '', type_id)):
                expected[scope]['shares'] += 1
                expected[scope]['gigabytes'] += size
    return expected


def _assert_usage(ctx, expected):
    for (project, user, type_id), counts in expected.items():
        held = quotas.usages(ctx, project, user, type_id)
        assert {r: held[r]['in_use'] for r in counts} == dict(counts), (
            project, user, type_id)
        assert held['shares']['reserved'] == 0


def test_first_shares_of_new_projects_created_at_once(on_any):
    """share_db.create, as the API's share create calls it."""
    ctx = on_any
    share_type = type_db.create(ctx, 'default',
                                {'driver_handles_share_servers': 'False'})
    charged = collections.defaultdict(list)
    lock = threading.Lock()

    def create(project, number):
        user, size = USERS[number % 2], number + 1
        share_db.create(
            ctx, {'project_id': project, 'user_id': user, 'size': size,
                  'share_proto': 'NFS'},
            {'status': states.CREATING, 'host': HOST,
             'share_type_id': share_type.id})
        with lock:
            charged[project].append((user, size))

    assert _run_all(create) == []
    assert sum(len(c) for c in charged.values()) == PROJECTS * PER_PROJECT
    _assert_usage(ctx, _expected(charged, share_type.id))


def test_first_charges_that_all_read_no_usage_rows(on_server):
    """Every transaction reads the (missing) usage rows before any of
    them writes: the interleaving that lost the race on the unique key.
    A barrier inside the transactions holds them all until each has
    opened its transaction; the charges then run together."""
    ctx = on_server
    type_id = 'c0ffee00-0000-4000-8000-000000000001'
    inside = {'p%d' % p: threading.Barrier(PER_PROJECT, timeout=60)
              for p in range(PROJECTS)}
    waited = set()

    @db_api.retry_on_deadlock   # as every caller of consume()
    def charge(project, number):
        user, size = USERS[number % 2], number + 1
        with db_api.writer.using(ctx) as session:
            limits = quotas.check_per_share_size(session, project, size)
            if (project, number) not in waited:   # not again on a retry
                waited.add((project, number))
                inside[project].wait()
            quotas.consume(session, project, user, type_id,
                           share_db.quota_deltas(size), limits=limits)

    assert _run_all(charge) == []
    sizes = [(USERS[n % 2], n + 1) for n in range(PER_PROJECT)]
    _assert_usage(ctx, _expected(
        {'p%d' % p: sizes for p in range(PROJECTS)}, type_id))


@pytest.mark.parametrize('failing', ['share', 'instance'])
def test_a_failed_insert_leaves_the_quota_as_it_was(on_any, failing):
    """The charge and the rows go in one transaction: when an insert
    fails (here a primary key taken already), the usage of the project,
    its user and its share type is what it was before, on every engine."""
    ctx = on_any
    share_type = type_db.create(ctx, 'default',
                                {'driver_handles_share_servers': 'False'})
    first = share_db.create(
        ctx, {'project_id': 'p1', 'user_id': 'u1', 'size': 2,
              'share_proto': 'NFS'},
        {'status': states.CREATING, 'host': HOST,
         'share_type_id': share_type.id})
    before = {scope: quotas.usages(ctx, 'p1', *scope)
              for scope in (('',), ('u1',), ('', share_type.id))}
    assert before[('',)]['gigabytes']['in_use'] == 2
    taken = ({'id': first.id} if failing == 'share'
             else {'id': first.instance.id})
    share_values = {'project_id': 'p1', 'user_id': 'u1', 'size': 5,
                    'share_proto': 'NFS'}
    instance_values = {'status': states.CREATING, 'host': HOST,
                       'share_type_id': share_type.id}
    (share_values if failing == 'share' else instance_values).update(taken)

    with pytest.raises(Exception) as err:
        share_db.create(ctx, share_values, instance_values)
    assert 'Duplicate' in type(err.value).__name__ or \
        'IntegrityError' in repr(err.value), repr(err.value)

    after = {scope: quotas.usages(ctx, 'p1', *scope)
             for scope in (('',), ('u1',), ('', share_type.id))}
    assert after == before
    # Nor is half of it left: one share, one instance.
    with db_api.get_engine().connect() as connection:
        for table in ('shares', 'share_instances'):
            assert connection.execute(sa.text(
                'SELECT COUNT(*) FROM %s' % table)).scalar() == 1, table
