"""Bring a database to the schema of models.py with the alembic scripts.

``db_sync`` runs the scripts under db/migrations on the configured database
(``[database] connection``) or on a given engine. There is no alembic.ini:
the alembic configuration is built here and env.py gets our connection.

Concurrent runs: a deployment tool may start ``db sync`` on several nodes at
once. Each run first takes a lock scoped to the database -- a PostgreSQL
advisory lock, a MySQL/MariaDB named lock (GET_LOCK), or for a SQLite file
an flock on ``<file>.lock`` next to it -- and only then lets alembic read
the schema version. The runs therefore go one after the other: the later
ones find the schema at the target revision and do nothing. A run that
waits longer than LOCK_TIMEOUT seconds gives up with an error. Galera
clusters refuse GET_LOCK; there db_sync warns and runs unlocked, so run it
on one node at a time.
"""

import contextlib
import fcntl
import os
import time
import zlib

from alembic import command
from alembic import config as alembic_cfg
from alembic import migration as alembic_migration
from oslo_log import log
import sqlalchemy as sa

from manila_lite.db import api
from manila_lite import exception

CONF = api.CONF
LOG = log.getLogger(__name__)
SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'migrations')
LOCK_NAME = 'manila_lite_db_sync'
LOCK_TIMEOUT = 600
_LOCK_POLL_INTERVAL = 0.2


def alembic_config(connection=None):
    """Alembic configuration for our scripts; env.py migrates ``connection``.
    """
    config = alembic_cfg.Config()
    config.set_main_option('script_location', SCRIPT_LOCATION)
    if connection is not None:
        config.attributes['connection'] = connection
    return config


def get_engine():
    """The configured engine, after creating a SQLite file's directory.

    The default database lives under state_path, which may not exist yet
    on a new node.
    """
    _ensure_sqlite_dir(sa.engine.make_url(CONF.database.connection))
    return api.get_engine()


def db_sync(version=None, engine=None):
    """Upgrade the schema to ``version`` (default: the newest revision).

    Safe to run again and concurrently (see the module docstring).
    """
    engine = engine if engine is not None else get_engine()
    _ensure_sqlite_dir(engine.url)
    with engine.connect() as connection, _sync_lock(connection):
        command.upgrade(alembic_config(connection), version or 'head')
        connection.commit()


def db_version(engine=None):
    """The schema revision of the database, or None if it has none yet."""
    engine = engine if engine is not None else get_engine()
    _ensure_sqlite_dir(engine.url)
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def _sqlite_path(url):
    """The file a SQLite URL names; None for other databases and memory."""
    if url.get_backend_name() != 'sqlite':
        return None
    database = url.database
    if not database or database == ':memory:' or database.startswith(
            'file:'):
        return None
    return os.path.abspath(database)


def _ensure_sqlite_dir(url):
    path = _sqlite_path(url)
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)


@contextlib.contextmanager
def _sync_lock(connection, timeout=None):
    """Hold the database's migration lock (see the module docstring)."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    backend = connection.dialect.name
    if backend == 'postgresql':
        lock = _PostgresLock(connection)
    elif backend in ('mysql', 'mariadb'):
        lock = _MySQLLock(connection)
    elif backend == 'sqlite' and _sqlite_path(connection.engine.url):
        lock = _FileLock(_sqlite_path(connection.engine.url) + '.lock')
    else:
        # In-memory SQLite is private to its process: nothing to share.
        yield
        return
    deadline = time.monotonic() + timeout
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise exception.ManilaLiteException(
                'Gave up after %ss waiting for the database migration lock '
                '(%s); is another "manila-lite-manage db sync" stuck?'
                % (timeout, lock))
        time.sleep(_LOCK_POLL_INTERVAL)
    try:
        yield
    finally:
        lock.release()


class _PostgresLock:
    """Session advisory lock; PostgreSQL scopes it to the database."""

    KEY = zlib.crc32(LOCK_NAME.encode())

    def __init__(self, connection):
        self.connection = connection

    def _call(self, function):
        # Commit right away: the lock belongs to the session, and alembic
        # should start from a fresh transaction that sees the other run's
        # committed schema.
        result = self.connection.execute(
            sa.text('SELECT %s(:key)' % function), {'key': self.KEY}).scalar()
        self.connection.commit()
        return result

    def try_acquire(self):
        return bool(self._call('pg_try_advisory_lock'))

    def release(self):
        self._call('pg_advisory_unlock')

    def __str__(self):
        return 'PostgreSQL advisory lock %s' % self.KEY


class _MySQLLock:
    """Named lock; the names are server-wide, so the database is in it."""

    def __init__(self, connection):
        database = connection.exec_driver_sql('SELECT DATABASE()').scalar()
        # MySQL limits lock names to 64 characters; a clash after cutting
        # only makes two databases' runs wait for each other.
        self.name = ('%s.%s' % (LOCK_NAME, database))[:64]
        self.connection = connection
        self.held = False

    def _call(self, statement):
        result = self.connection.execute(
            sa.text(statement), {'name': self.name}).scalar()
        self.connection.commit()
        return result

    def try_acquire(self):
        try:
            self.held = self._call('SELECT GET_LOCK(:name, 0)') == 1
        except sa.exc.DBAPIError as err:
            # Galera (wsrep_on) does not support user locks.
            self.connection.rollback()
            LOG.warning('Running db sync without %s, which the server '
                        'refused: %s', self, err)
            return True
        return self.held

    def release(self):
        if self.held:
            self._call('SELECT RELEASE_LOCK(:name)')

    def __str__(self):
        return 'MySQL lock %s' % self.name


class _FileLock:
    """flock on a file beside the SQLite database; freed if we die."""

    def __init__(self, path):
        self.path = path
        self.file = None

    def try_acquire(self):
        lock_file = open(self.path, 'a')
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            return False
        self.file = lock_file
        return True

    def release(self):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()
        self.file = None

    def __str__(self):
        return 'file lock %s' % self.path
