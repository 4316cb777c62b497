"""Fixtures of the API unit tests: the real WSGI app on a throwaway
SQLite database, and the scheduler serving RPC.

The oslo.db engine facade is global to the process and starts once, so
the database is set up once per test session (per xdist worker, each of
which is its own process) and its tables are emptied after every test.
The scheduler manager serves RPC on oslo.messaging's in-process fake://
transport, with two backends' capabilities fed in directly. What the
test modules share besides fixtures (the client, the projects, helpers
making shares) is in helpers.py.
"""

import pytest
import webtest

from manila_lite.api import app as api_app
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import rpc
from manila_lite.scheduler import rpcapi as scheduler_rpcapi
from manila_lite.share import manager as share_manager
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite.tests.unit.api import helpers

CONF = conf.CONF


@pytest.fixture(scope='session')
def database(tmp_path_factory):
    # Parsed with no files, so no operator config leaks in; oslo.policy
    # needs a parsed configuration.
    CONF([], project='manila-lite', default_config_files=[],
         default_config_dirs=[])
    path = tmp_path_factory.mktemp('db') / 'manila.sqlite'
    CONF.set_override('connection', 'sqlite:///%s' % path, group='database')
    CONF.set_override('state_path', str(path.parent))
    db_api.configure()
    helpers.create_schema()
    return db_api.get_engine()


@pytest.fixture(scope='session')
def scheduler_service(database):
    manager, server = helpers.start_scheduler()
    yield manager, server
    server.stop()
    server.wait()
    scheduler_rpcapi.shared.cache_clear()
    share_rpcapi.shared.cache_clear()
    rpc.cleanup()


@pytest.fixture
def scheduler(scheduler_service):
    """The running scheduler, its pools reported afresh: what earlier
    tests placed does not use up the capacity of later ones."""
    manager, server = scheduler_service
    helpers.report_pools(manager)
    return server


@pytest.fixture
def api(database):
    CONF.set_override('auth_strategy', 'noauth')
    yield helpers.Client(webtest.TestApp(api_app.build_app()))
    CONF.clear_override('auth_strategy')
    CONF.clear_override('default_share_type')
    CONF.clear_override('default_share_group_type')
    CONF.clear_override('service_down_time')
    with database.begin() as connection:
        for table in reversed(models.Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def admin_ctx():
    return ml_context.RequestContext(
        user_id='admin', project_id=helpers.ADMIN_PROJECT,
        roles=['admin', 'member', 'reader'])


@pytest.fixture
def manager(scheduler):
    """The share manager of hostA@alpha, over the fake driver."""
    CONF.set_override('host', 'hostA')
    manager = share_manager.ShareManager('alpha')
    CONF.set_override('fake_pools', ['gold', 'silver'], group='alpha')
    yield manager
    CONF.clear_override('fake_pools', group='alpha')
    CONF.clear_override('fake_fail_operations', group='alpha')
    CONF.clear_override('host')
