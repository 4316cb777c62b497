"""The deployments functional tests share, beyond manila_lite.devtools.

A split deployment here runs on a throwaway database and RabbitMQ virtual
host, in a pytest temporary directory; when MariaDB, PostgreSQL or
RabbitMQ is missing the test is skipped (or fails, under CI=true). That
is test-only, so it is kept out of devtools, which the benchmarks use.
"""

import contextlib
import uuid

from manila_lite.devtools import deployment as deploy
from manila_lite.devtools import infra
from manila_lite.tests.functional import services

# Share names the fake backends fail to create (fake_fail_share_names).
FAIL_NAME = 'doomed-share'
DATABASES = {'mysql': services.require_mysql,
             'postgres': services.require_postgres}


@contextlib.contextmanager
def running_split(tmp_path_factory, database, backends=None, name=None,
                  options=None, daemon_options=None):
    """A started split deployment on a throwaway database and vhost;
    ``options`` adds to (or overrides) its [DEFAULT] section,
    ``daemon_options`` that of one daemon (see ``deploy.split``)."""
    database_server = DATABASES[database]()
    rabbit = services.require_rabbit()
    name = name or '%s-%s' % (database, uuid.uuid4().hex[:8])
    workdir = tmp_path_factory.mktemp(name)
    with infra.throwaway_database(database_server) as db_url, \
            infra.throwaway_vhost(rabbit) as transport_url:
        deployment = deploy.split(
            workdir, db_url, transport_url, name, backends=backends,
            fail_share_names=[FAIL_NAME], options=options,
            daemon_options=daemon_options)
        deployment.manage('db', 'sync')
        with deploy.running(deployment):
            deploy.ensure_default_share_type(deployment)
            yield deployment
