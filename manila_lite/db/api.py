"""Engine and transactions, shared by the per-resource query modules.

One oslo.db enginefacade per process: the engine is built once, at first
use, and every query module opens its transaction with ``reader`` or
``writer`` on the request context.
"""

import contextlib
import os
import threading
import time

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import engines
import sqlalchemy as sa

from manila_lite import conf

CONF = conf.CONF
db_options.set_defaults(CONF, connection='sqlite:///$state_path/manila.sqlite')

_facade = enginefacade.transaction_context()
_local = threading.local()


class _Mode:
    """``reader``/``writer``: enginefacade's, telling SQLite which it is.

    On SQLite a writer takes the database lock as its transaction begins;
    a reader must not, or every GET would queue behind the writers.
    """

    def __init__(self, read_only):
        self.read_only = read_only

    @contextlib.contextmanager
    def using(self, context):
        outer = getattr(_local, 'read_only', None)
        if outer is None:
            _local.read_only = self.read_only
        manager = _facade.reader if self.read_only else _facade.writer
        try:
            with manager.using(context) as session:
                yield session
        finally:
            _local.read_only = outer


reader = _Mode(read_only=True)
writer = _Mode(read_only=False)

# Writes that may meet a deadlock (MariaDB/MySQL, PostgreSQL) run again
# as a whole; every decorated function is one transaction.
_WRITE_LOCK = threading.Lock()
_LOCK_WAIT = 30
# Seconds a pooled connection may sit idle and still be used unpinged.
IDLE_PING = 5

retry_on_deadlock = oslo_db_api.wrap_db_retry(max_retries=5,
                                              retry_on_deadlock=True)


def unreachable(err):
    """Whether ``err`` says the database cannot be reached now (down,
    restarting, the connection lost): a transient state, unlike an error
    in what was asked of it."""
    if isinstance(err, (db_exc.DBConnectionError,
                        sa.exc.DisconnectionError)):
        return True
    if isinstance(err, db_exc.DBError):
        err = err.inner_exception
    if isinstance(err, sa.exc.OperationalError) and err.statement is None:
        # Raised while connecting, with words oslo.db's filters do not
        # all know (libpq's "connection to server ... failed").
        return True
    return (isinstance(err, sa.exc.DBAPIError)
            and bool(err.connection_invalidated))


def _row_values(obj):
    """Column values of an unsaved mapped object, its column defaults
    filled in on the object too, so that it reads as a loaded row would."""
    values = {}
    for prop in sa.inspect(type(obj)).column_attrs:
        column = prop.columns[0]
        value = obj.__dict__.get(prop.key)
        if value is None and column.default is not None:
            default = column.default
            value = default.arg(None) if default.is_callable else default.arg
            setattr(obj, prop.key, value)
        if value is not None:
            values[column.key] = value
    return values


def sort_term(column, direction, dialect):
    """ORDER BY term of one sort key: NULLs first ascending and last
    descending on every engine, as MySQL and SQLite sort them by
    themselves (PostgreSQL the other way round) and the lists' keyset
    paging after a marker expects. NOT NULL columns keep the bare term,
    which their indexes serve."""
    term = column.desc() if direction == 'desc' else column.asc()
    if dialect == 'postgresql' and column.expression.nullable:
        term = term.nulls_last() if direction == 'desc' else \
            term.nulls_first()
    return term


def on_host(column, host):
    """``column`` names host@backend, or a pool of it (host@backend#pool).

    startswith(autoescape) keeps '_' and '%' in host names literal.
    """
    return sa.or_(column == host,
                  column.startswith(host + '#', autoescape=True))


def since_before(since_column, created_column, before):
    """``since_column`` (or, while it is NULL, ``created_column``) is
    earlier than ``before``."""
    return sa.func.coalesce(since_column, created_column) < before


def insert(session, obj):
    """INSERT one unsaved mapped object with Core, outside the session's
    unit of work; the object stays transient."""
    session.execute(sa.insert(type(obj).__table__).values(_row_values(obj)))


def insert_many(session, objs):
    """insert() for objects of one class, in one executemany."""
    if objs:
        rows = [_row_values(obj) for obj in objs]
        session.execute(sa.insert(type(objs[0]).__table__), rows)


def configure():
    """Open the engine from [database] options; call once at start-up."""
    url = sa.engine.make_url(CONF.database.connection)
    if url.get_backend_name() == 'sqlite' and url.database and \
            url.database != ':memory:' and not url.database.startswith(
                'file:'):
        # A new node's state_path may not exist yet.
        os.makedirs(os.path.dirname(os.path.abspath(url.database)),
                    exist_ok=True)
    engine = get_engine()
    _no_greenthread_yield(engine)
    if engine.dialect.name == 'sqlite':
        _tune_sqlite(engine)
    elif engine.dialect.name == 'mysql':
        _read_committed(engine)
        _no_rollback_on_return(engine)
    if engine.dialect.name != 'sqlite':
        _ping_idle_connections(engine)


def _no_greenthread_yield(engine):
    """oslo.db sleeps(0) as each connection goes back to the pool, so that
    other greenthreads get a turn under eventlet. Our threads are the
    operating system's: the sleep only gives the GIL away, once per
    transaction, and the request that did so waits to get it back."""
    if sa.event.contains(engine, 'checkin', engines._thread_yield):
        sa.event.remove(engine, 'checkin', engines._thread_yield)


def _ping_idle_connections(engine):
    """Ping a pooled connection before use only when it has been idle.

    oslo.db turns SQLAlchemy's pre-ping on: a round trip to the server
    as every transaction starts, a quarter of those of a GET. A
    connection that came back to the pool less than IDLE_PING seconds
    ago is as alive as a ping could tell; one idle longer (the server
    restarted, a proxy cut it) is pinged and, if dead, replaced before
    use, as with pre-ping. A server lost in between is found by the
    statement itself, and SQLAlchemy then drops every pooled connection.
    """
    engine.pool._pre_ping = False   # dispose() keeps it for the new pool

    @sa.event.listens_for(engine, 'checkin')
    def _on_checkin(_dbapi_conn, record):
        record.info['back_at'] = time.monotonic()

    @sa.event.listens_for(engine, 'checkout')
    def _on_checkout(dbapi_conn, record, _proxy):
        back_at = record.info.get('back_at')
        if back_at is None or time.monotonic() - back_at < IDLE_PING:
            return   # just opened, or just used
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception:
            alive = False
        if not alive:
            # The pool then opens a new connection.
            raise sa.exc.DisconnectionError('connection lost while idle')


def _read_committed(engine):
    """READ COMMITTED on MariaDB/MySQL: fewer gap locks than REPEATABLE
    READ; row locks taken with SELECT ... FOR UPDATE and conditional
    UPDATEs still serialize what must be serialized.

    Set once per connection as it opens. As an engine execution option
    SQLAlchemy would set it again as every transaction begins and reset
    it as the connection goes back to the pool: two more round trips
    per transaction.
    """
    @sa.event.listens_for(engine, 'connect')
    def _on_connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('SET SESSION TRANSACTION ISOLATION LEVEL '
                       'READ COMMITTED')
        cursor.close()

    # Connections opened before (oslo.db tests one) go.
    engine.dispose()


def _no_rollback_on_return(engine):
    """One ROLLBACK per transaction on MariaDB/MySQL, not two.

    oslo.db ends every transaction itself (COMMIT, or ROLLBACK for readers
    and failures), then closes the session; the pool would still send a
    ROLLBACK of its own as the connection comes back, a round trip per
    transaction for nothing (PyMySQL sends it even when no transaction
    is open). A connection closed inside a transaction is still rolled
    back: SQLAlchemy's Connection.close() ends its transaction first.
    Equivalent to create_engine(pool_reset_on_return=None), which oslo.db
    does not pass on; recreated pools (dispose) keep it.
    """
    engine.pool._reset_on_return = sa.pool.base.reset_none


def _tune_sqlite(engine):
    """WAL lets readers proceed while the share manager writes.

    Transactions start with BEGIN IMMEDIATE: a deferred transaction that
    reads, then writes after another thread committed, gets "database is
    locked" at once (SQLite cannot upgrade its stale snapshot, and the busy
    timeout does not apply). Taking the write lock up front makes
    concurrent transactions wait their turn instead.
    """
    @sa.event.listens_for(engine, 'connect')
    def _on_connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA synchronous=NORMAL')
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute('PRAGMA busy_timeout=30000')
        cursor.close()

    # oslo.db sends its own deferred BEGIN on SQLite (SQLAlchemy ignores
    # insert=True for connection events, so ours cannot simply go first):
    # take its hook out and send BEGIN IMMEDIATE the same way, keeping its
    # conn.info flag, which its commit/rollback hooks clear.
    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', None) == '_sqlite_emit_begin':
            sa.event.remove(engine, 'begin', listener)

    @sa.event.listens_for(engine, 'begin')
    def _on_begin(connection):
        if 'in_transaction' in connection.info:
            return
        if getattr(_local, 'read_only', False):
            connection.exec_driver_sql('BEGIN')
        else:
            # Writers of this process queue on a fair lock rather than in
            # SQLite's busy handler, which sleeps and retries and lets
            # throughput collapse as soon as a few threads compete.
            # A writer nested in another writer of the same thread cannot
            # get the lock: it then waits in SQLite's busy handler, whose
            # timeout reports the mistake, instead of hanging here.
            if _WRITE_LOCK.acquire(timeout=_LOCK_WAIT):
                connection.info['write_lock'] = True
            try:
                connection.exec_driver_sql('BEGIN IMMEDIATE')
            except Exception:
                _on_end(connection)
                raise
        connection.info['in_transaction'] = True

    @sa.event.listens_for(engine, 'commit')
    @sa.event.listens_for(engine, 'rollback')
    def _on_end(connection):
        if connection.info.pop('write_lock', False):
            _WRITE_LOCK.release()

    # oslo.db gives file SQLite a NullPool: a new connection, and its
    # PRAGMAs, for every transaction. Keep connections instead; the
    # sqlite3 module allows them to move between threads once
    # check_same_thread is off, and the pool hands each to one thread at a
    # time.
    # The new pool takes over the old one's event listeners (oslo.db's
    # and ours above), which are attached to the pool, not the engine.
    old = engine.pool
    engine.pool = sa.pool.QueuePool(
        old._creator, pool_size=CONF.database.max_pool_size or 5,
        max_overflow=-1, _dispatch=old.dispatch, dialect=old._dialect)
    engine.dispose()


def get_engine():
    return _facade.writer.get_engine()
