"""Start-up shared by the daemons: config, logging, signals."""

import signal
import sys
import threading

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import api as db_api

CONF = conf.CONF
LOG = logging.getLogger(__name__)
_logging_registered = False


def parse_args(argv=None, default_config_files=None):
    global _logging_registered
    if not _logging_registered:
        logging.register_options(CONF)
        _logging_registered = True
    CONF(sys.argv[1:] if argv is None else argv, project='manila-lite',
         default_config_files=default_config_files)
    logging.setup(CONF, 'manila-lite')
    db_api.configure()


def wait_for_signal(services):
    """Block until SIGTERM/SIGINT, then stop the services in order."""
    stop = threading.Event()

    def _handler(signum, _frame):
        LOG.info('Signal %s received, stopping', signum)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    while not stop.wait(3600):
        pass
    for service in services:
        service.stop()
