"""Pooled connections on MariaDB (PyMySQL and mysqlclient) and
PostgreSQL: pinged only when idle.

The engine is oslo.db's, as the services build it, with manila-lite's
pool tuning; the server really drops the connection (KILL /
pg_terminate_backend), as a restart or a proxy timeout would.
"""

import time

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import engines
import pytest
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.devtools import infra
from manila_lite.tests.functional import services


def _mysqlclient():
    """The MariaDB server of the tests through mysqlclient, the driver
    README recommends (the suite's URL names PyMySQL)."""
    try:
        import MySQLdb  # noqa: F401
    except ImportError as err:
        services.unavailable('mysqlclient is not installed (pip install '
                             '-e .[test] builds it): %s' % err)
    url = sa.engine.make_url(services.require_mysql())
    return url.set(drivername='mysql+mysqldb').render_as_string(
        hide_password=False)


SERVERS = {'mysql': services.require_mysql, 'mysqlclient': _mysqlclient,
           'postgres': services.require_postgres}
_BACKEND_ID = {'mysql': 'SELECT CONNECTION_ID()',
               'postgresql': 'SELECT pg_backend_pid()'}
_KILL = {'mysql': 'KILL %d',
         'postgresql': 'SELECT pg_terminate_backend(%d)'}


@pytest.fixture(params=sorted(SERVERS))
def engine(request):
    server = SERVERS[request.param]()
    with infra.throwaway_database(server) as url:
        engine = engines.create_engine(url)
        db_api._ping_idle_connections(engine)
        yield engine
        engine.dispose()


def _backend_id(engine):
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            _BACKEND_ID[engine.dialect.name]).scalar()


def _kill(engine, backend_id):
    admin = infra.server_engine(engine.url)
    with admin.connect() as connection:
        connection.exec_driver_sql(_KILL[engine.dialect.name] % backend_id)
    admin.dispose()


def test_a_connection_idle_too_long_is_pinged_and_replaced(engine,
                                                           monkeypatch):
    monkeypatch.setattr(db_api, 'IDLE_PING', 0.2)
    first = _backend_id(engine)
    assert _backend_id(engine) == first, 'the pool keeps its connection'
    _kill(engine, first)
    time.sleep(0.4)
    # The ping finds it dead: a new one serves, and nothing fails.
    second = _backend_id(engine)
    assert second != first


def test_a_connection_just_used_goes_unpinged(engine, monkeypatch):
    """No round trip before a transaction on a busy connection: a server
    lost meanwhile is found by the statement, and the pool recovers."""
    monkeypatch.setattr(db_api, 'IDLE_PING', 60)
    first = _backend_id(engine)
    _kill(engine, first)
    with pytest.raises((db_exc.DBConnectionError, sa.exc.DBAPIError)):
        _backend_id(engine)
    assert _backend_id(engine) != first
