"""manila-lite-all: API, scheduler and share manager in one process.

The embedded default: SQLite under state_path, oslo.messaging's in-process
transport, the fake backend, noauth, 127.0.0.1:8786. Any option can still
be set in a config file; these are only defaults.
"""

import os
import socket
import threading

from cheroot import wsgi
from oslo_db import options as db_options
from oslo_log import log as logging

from manila_lite.api import app as api_app
from manila_lite.cmd import common
from manila_lite.cmd import scheduler as scheduler_cmd
from manila_lite.cmd import share as share_cmd
from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import migration
from manila_lite.db import share_types as type_db
from manila_lite import exception
from manila_lite import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)
DEFAULT_TYPE = 'default'


def set_embedded_defaults():
    CONF.set_default('state_path', common.embedded_state_path())
    CONF.set_default('auth_strategy', 'noauth')
    CONF.set_default('default_share_type', DEFAULT_TYPE)
    rpc.set_transport_default('fake:/')
    db_options.set_defaults(CONF,
                            connection='sqlite:///$state_path/manila.sqlite')


def ensure_default_share_type():
    """First start: a public type the fake backend can serve."""
    ctx = ml_context.get_admin_context()
    name = CONF.default_share_type
    try:
        type_db.get_by_name(ctx, name, check_access=False)
    except exception.ShareTypeNotFound:
        type_db.create(ctx, name, {'driver_handles_share_servers': 'False',
                                   'snapshot_support': 'True'})
        LOG.info('Created default share type %s', name)


def main():
    set_embedded_defaults()
    common.limit_malloc_arenas()
    common.parse_args(program='manila-lite-all')
    os.makedirs(CONF.state_path, exist_ok=True)
    migration.db_sync()
    ensure_default_share_type()

    server = wsgi.Server((CONF.osapi_share_listen,
                          CONF.osapi_share_listen_port),
                         api_app.build_app(),
                         numthreads=CONF.osapi_share_threads,
                         request_queue_size=socket.SOMAXCONN,
                         server_name='manila-lite')
    # Every client connection may stay open between requests.
    server.keep_alive_conn_limit = CONF.osapi_share_threads * 4
    # Bind before anything starts, so a taken port stops us at once.
    server.prepare()

    try:
        services = [scheduler_cmd.build()] + share_cmd.build()
    except exception.ManilaLiteException as err:
        # A backend's configuration refused by its driver.
        common.exit_failed('manila-lite-all cannot start', err, [server])
    # A backend that cannot start ends the process (exit 1, the reason on
    # stderr): one process, one service, up or not at all.
    common.start_services(services, 'manila-lite-all', also_stop=[server])
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    LOG.info('manila-lite-all serving on http://%s:%s',
             CONF.osapi_share_listen, CONF.osapi_share_listen_port)
    common.wait_for_signal([server] + services[::-1])
