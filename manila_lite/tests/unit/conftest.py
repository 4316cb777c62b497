"""A migrated SQLite database shared by the unit tests of one process,
and oslo.messaging's in-process transport for all of them.

oslo.db's engine facade is global to the process and starts once, so the
database is created once per test session (per xdist worker) and tests
empty the tables they touch with ``clean_database``. The RPC transport is
made once per process too: whichever test makes it first, it is the
in-process one, never a broker that happens to run on this machine.
"""

import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite.db import api as db_api
from manila_lite.db import migration
from manila_lite.db import models
from manila_lite import rpc

CONF = conf.CONF
rpc.set_transport_default('fake:/')


@pytest.fixture(scope='session')
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp('db') / 'manila.sqlite'
    CONF.set_override('connection', 'sqlite:///%s' % path, group='database')
    CONF.set_override('state_path', str(path.parent))
    db_api.configure()
    migration.db_sync()
    return db_api.get_engine()


@pytest.fixture
def clean_database(database):
    yield database
    with database.begin() as conn:
        for table in reversed(models.Base.metadata.sorted_tables):
            conn.execute(sa.delete(table))
