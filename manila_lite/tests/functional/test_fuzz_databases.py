"""No input answers 5xx on MariaDB and PostgreSQL either.

The fuzzer of the unit tests (manila_lite/tests/fuzz.py) and their table
of known bad input, fewer random requests,
against the WSGI app on a throwaway database of each server: what SQLite
lets through (over-long strings, integers beyond a column, NUL
characters) these refuse, and the API must have refused it first.
"""

from oslo_db.sqlalchemy import enginefacade
import pytest
import webtest

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite import rpc
from manila_lite.api import app as api_app
from manila_lite.db import api as db_api
from manila_lite.db import migration
from manila_lite.scheduler import rpcapi as scheduler_rpcapi
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite.tests.functional import services
from manila_lite.tests.unit.api import conftest as api_fixtures
from manila_lite.tests.unit.api import test_fuzz

CONF = conf.CONF
COUNT = 1500
SERVERS = {'mysql': services.require_mysql,
           'postgres': services.require_postgres}


@pytest.fixture(params=sorted(SERVERS))
def client(request, monkeypatch):
    """A webtest client of the API on a fresh database of the server,
    a scheduler serving it in process."""
    CONF([], project='manila-lite', default_config_files=[],
         default_config_dirs=[])
    with services.throwaway_database(SERVERS[request.param]()) as url:
        before = CONF.database.connection
        CONF.set_override('connection', url, group='database')
        CONF.set_override('auth_strategy', 'noauth')
        monkeypatch.setattr(db_api, '_facade',
                            enginefacade.transaction_context())
        server = None
        try:
            db_api.configure()
            migration.db_sync(engine=db_api.get_engine())
            _manager, server = api_fixtures._start_scheduler()
            yield api_fixtures.Client(webtest.TestApp(api_app.build_app()))
        finally:
            if server is not None:
                server.stop()
                server.wait()
            scheduler_rpcapi.shared.cache_clear()
            share_rpcapi.shared.cache_clear()
            rpc.cleanup()
            db_api.get_engine().dispose()
            CONF.set_override('connection', before, group='database')
            CONF.clear_override('auth_strategy')
            CONF.clear_override('default_share_type')


def test_no_request_answers_5xx(client):
    admin_ctx = ml_context.RequestContext(
        user_id='admin', project_id=api_fixtures.ADMIN_PROJECT,
        roles=['admin', 'member', 'reader'])
    ids = test_fuzz.known_ids(client, admin_ctx)
    failures = test_fuzz.check_bad_input(client.app.app, ids)
    failures += test_fuzz.run(client.app.app, ids, 7, COUNT)
    assert not failures, '%d failures:\n%s' % (
        len(failures), '\n'.join(failures[:30]))
