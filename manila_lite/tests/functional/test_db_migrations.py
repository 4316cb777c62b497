"""The migrations on SQLite, MariaDB and PostgreSQL, each test on a
fresh database.

A deployment runs ``manila-lite-manage db sync`` and expects exactly
models.py's schema, again and again, even when several nodes run it at
once, on whichever database it has: every test here runs on the three
(MariaDB and PostgreSQL skip when their server is missing, and fail under
CI=true). What needs no database server (the one head, the schema
comparison itself, ``manila-lite-manage db``) is tested in
tests/unit/db/test_migrations.py.
"""

import os
import subprocess
import sys
import time

from alembic import command
import pytest
import sqlalchemy as sa

import manila_lite
from manila_lite.db import migration
from manila_lite.devtools import infra
from manila_lite import exception
from manila_lite.tests.functional import services
from manila_lite.tests.functional import testbed
from manila_lite.tests import schema


@pytest.fixture(params=['sqlite'] + sorted(testbed.DATABASES))
def database_url(request, tmp_path):
    if request.param == 'sqlite':
        # A directory that does not exist yet, as on a new node.
        yield 'sqlite:///%s' % (tmp_path / 'state' / 'manila.sqlite')
        return
    with infra.throwaway_database(testbed.DATABASES[request.param]()) as url:
        yield url


@pytest.fixture
def engine(database_url):
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def test_sync_creates_the_modelled_schema(engine):
    assert migration.db_version(engine=engine) is None
    migration.db_sync(engine=engine)
    assert migration.db_version(engine=engine) == schema.head_revision()
    with engine.connect() as connection:
        assert schema.schema_differences(connection) == []


def test_sync_again_changes_nothing(engine):
    migration.db_sync(engine=engine)
    migration.db_sync(engine=engine)
    migration.db_sync(version=schema.head_revision(), engine=engine)
    assert migration.db_version(engine=engine) == schema.head_revision()
    with engine.connect() as connection:
        assert schema.schema_differences(connection) == []


def test_downgrade_to_base_leaves_only_the_version_table(engine):
    migration.db_sync(engine=engine)
    with engine.connect() as connection:
        command.downgrade(migration.alembic_config(connection), 'base')
        connection.commit()
    assert sa.inspect(engine).get_table_names() == ['alembic_version']
    assert migration.db_version(engine=engine) is None


def test_sync_gives_up_when_another_sync_holds_the_lock(engine):
    migration.db_sync(engine=engine)
    with engine.connect() as holder, migration._sync_lock(holder):
        with engine.connect() as waiter:
            with pytest.raises(exception.ManilaLiteException,
                               match='migration lock'):
                with migration._sync_lock(waiter, timeout=0.3):
                    pass


def test_tables_are_innodb_utf8mb4_on_mysql():
    with infra.throwaway_database(services.require_mysql()) as url:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        migration.db_sync(engine=engine)
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                'SELECT table_name, engine, table_collation FROM '
                'information_schema.tables WHERE table_schema = DATABASE()'
            )).all()
    assert rows
    for name, storage_engine, collation in rows:
        assert storage_engine == 'InnoDB', name
        assert collation.startswith('utf8mb4_'), name


def test_all_mysql_indexes_are_btree():
    with infra.throwaway_database(services.require_mysql()) as url:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        migration.db_sync(engine=engine)
        with engine.connect() as connection:
            others = connection.execute(sa.text(
                'SELECT DISTINCT table_name, index_name, index_type '
                'FROM information_schema.statistics '
                "WHERE table_schema = DATABASE() AND index_type <> 'BTREE'"
            )).all()
    assert others == []


# Each child process says it is ready, waits for the go file, then syncs;
# so the runs start together instead of one after the other's imports.
_SYNC_CHILD = '''
from manila_lite.db import migration
import os, sys, time
import sqlalchemy as sa
url, ready, go = sys.argv[1:]
engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
open(ready, 'w').close()
while not os.path.exists(go):
    time.sleep(0.005)
migration.db_sync(engine=engine)
'''


def _sync_concurrently(url, workdir, runs=3):
    """Run db_sync in ``runs`` processes at once; (exit code, stderr)s."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(manila_lite.__file__))
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [root, env.get('PYTHONPATH')]))
    go = workdir / 'go'
    ready = [workdir / ('ready-%d' % index) for index in range(runs)]
    logs = [workdir / ('stderr-%d' % index) for index in range(runs)]
    children = []
    try:
        for ready_path, log_path in zip(ready, logs):
            with open(log_path, 'w') as log:
                children.append(subprocess.Popen(
                    [sys.executable, '-c', _SYNC_CHILD, url, str(ready_path),
                     str(go)], env=env, stderr=log))
        deadline = time.monotonic() + 60
        while not all(path.exists() for path in ready):
            assert time.monotonic() < deadline, 'children did not start'
            assert all(child.poll() is None for child in children), [
                log.read_text() for log in logs]
            time.sleep(0.01)
        go.touch()
        codes = [child.wait(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    return [(code, log.read_text()) for code, log in zip(codes, logs)]


def test_concurrent_syncs_all_succeed(database_url, tmp_path):
    results = _sync_concurrently(database_url, tmp_path)
    assert [code for code, _stderr in results] == [0] * len(results), results
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        assert migration.db_version(engine=engine) == (
            schema.head_revision())
        with engine.connect() as connection:
            assert schema.schema_differences(connection) == []
    finally:
        engine.dispose()
