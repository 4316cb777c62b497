"""While the database cannot be reached, the API answers 503 with
Retry-After in Manila's fault body, not 500; it serves again, with no
restart, once the database is back.

The outage is a MariaDB or PostgreSQL URL on a local port nothing
listens on, behind the real WSGI app.
"""

import socket

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
import pymysql
import pytest
import sqlalchemy as sa

from manila_lite.api import app as api_app
from manila_lite import conf
from manila_lite.db import api as db_api
from manila_lite.tests.unit.api.helpers import fault

CONF = conf.CONF
SHARE = '6a1b5a0e-8a43-4f0e-9b5e-2f7d6c1a9e01'
REQUESTS = [
    ('GET', '/shares', None),
    ('GET', '/shares/detail', None),
    ('GET', '/shares/%s' % SHARE, None),
    ('POST', '/shares', {'share': {
        'share_proto': 'NFS', 'size': 1, 'share_type': 'default'}}),
    ('DELETE', '/shares/%s' % SHARE, None),
    ('GET', '/types', None),
]


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture(params=['mysql+pymysql://root@127.0.0.1:%d/manila',
                        'postgresql+psycopg2://postgres@127.0.0.1:%d/manila'],
                ids=['mysql', 'postgres'])
def unreachable_database(request, api, monkeypatch):
    """The API's database facade pointed at a server that is down."""
    before = CONF.database.connection
    CONF.set_override('connection', request.param % _closed_port(),
                      group='database')
    # One attempt to connect per request, not oslo.db's ten, 10 s apart.
    CONF.set_override('max_retries', 1, group='database')
    CONF.set_override('retry_interval', 0, group='database')
    monkeypatch.setattr(db_api, '_facade', enginefacade.transaction_context())
    try:
        yield
    finally:
        CONF.set_override('connection', before, group='database')
        CONF.clear_override('max_retries', group='database')
        CONF.clear_override('retry_interval', group='database')


@pytest.mark.parametrize('method,path,body', REQUESTS,
                         ids=['%s %s' % (m, p) for m, p, _b in REQUESTS])
def test_database_down_answers_503_with_retry_after(
        api, unreachable_database, method, path, body):
    response = api.request(method, path, version='2.64', body=body,
                           role='member', status=503)
    assert response.headers['Retry-After'] == str(api_app.DB_RETRY_AFTER)
    assert fault(response) == (
        'serviceUnavailable', 'The database is unavailable; try again later.')
    assert response.headers['x-openstack-request-id'].startswith('req-')


def test_database_back_serves_again(api, database, monkeypatch):
    """The same app and engine facade: unreachable, then reachable."""
    before = CONF.database.connection
    # The database the API's tables are in: the option may name another
    # file, if a second test database fixture set it after the facade
    # had started.
    serving = database.url.render_as_string(hide_password=False)
    CONF.set_override('max_retries', 1, group='database')
    CONF.set_override('retry_interval', 0, group='database')
    try:
        CONF.set_override('connection', 'mysql+pymysql://root@127.0.0.1:%d/m'
                          % _closed_port(), group='database')
        monkeypatch.setattr(db_api, '_facade',
                            enginefacade.transaction_context())
        api.get('/shares', version='2.64', status=503)
        api.get('/shares', version='2.64', status=503)
        CONF.set_override('connection', serving, group='database')
        assert api.get('/shares', version='2.64',
                       status=200).json == {'shares': []}
    finally:
        CONF.set_override('connection', before, group='database')
        CONF.clear_override('max_retries', group='database')
        CONF.clear_override('retry_interval', group='database')


def _dbapi_error(cls, code, invalidated=False, statement='SELECT 1'):
    return cls(statement, {}, pymysql.err.OperationalError(code, 'x'),
               connection_invalidated=invalidated)


@pytest.mark.parametrize('err,expected', [
    (db_exc.DBConnectionError(_dbapi_error(sa.exc.OperationalError, 2003)),
     True),
    (_dbapi_error(sa.exc.OperationalError, 2013, invalidated=True), True),
    (db_exc.DBError(_dbapi_error(sa.exc.OperationalError, 2013,
                                 invalidated=True)), True),
    (sa.exc.DisconnectionError('gone'), True),
    (_dbapi_error(sa.exc.OperationalError, 0, statement=None), True),
    (db_exc.DBError(_dbapi_error(sa.exc.ProgrammingError, 1064)), False),
    (_dbapi_error(sa.exc.OperationalError, 1205), False),
    (db_exc.DBDeadlock(), False),
    (ValueError('not the database'), False),
], ids=['refused', 'lost mid-query', 'lost, wrapped', 'lost while idle',
        'refused, unwrapped',
        'bad SQL', 'lock wait timeout', 'deadlock', 'other'])
def test_only_connection_failures_count_as_unreachable(err, expected):
    assert db_api.unreachable(err) is expected
