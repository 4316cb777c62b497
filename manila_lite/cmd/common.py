"""Start-up shared by the daemons: config, logging, signals."""

import ctypes
import ctypes.util
import logging as std_logging
import os
import signal
import sys
import threading

from oslo_log import log as logging

from manila_lite import conf
from manila_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)
_logging_registered = False
# mallopt() parameter of glibc's malloc.h.
_M_ARENA_MAX = -8
# manila-lite-api's command line, for its gunicorn workers (JSON).
API_ARGS_ENV = 'MANILA_LITE_API_ARGS'
# The API's name in its log file and gunicorn's process titles, the same
# under manila-lite-api and any other WSGI server.
API_PROGRAM = 'manila-lite-api'


def embedded_state_path():
    """manila-lite-all's state_path unless configured."""
    return os.path.join(os.path.expanduser('~'), '.local', 'share',
                        'manila-lite')


def limit_malloc_arenas(arenas=2):
    """glibc gives each thread that allocates its own malloc arena, up to
    eight per core, and freed memory stays in them: with a threaded RPC
    executor and request threads, resident memory grows with the number
    of threads rather than with the work. Python allocates under the GIL
    anyway, so two arenas lose nothing. An operator's MALLOC_ARENA_MAX
    wins; other C libraries are left alone."""
    if 'MALLOC_ARENA_MAX' in os.environ:
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
        libc.mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass


def name_log_file(program):
    """With ``log_dir`` and no ``log_file``, oslo.log names the file after
    the interpreter's outermost frame: ``<frozen runpy>`` under ``python
    -m``, ``<string>`` under ``python -c``. Each program logs to
    ``<program>.log`` in ``log_dir`` instead."""
    CONF.clear_override('log_file')
    if CONF.log_dir and not CONF.log_file:
        CONF.set_override('log_file', '%s.log' % program)


def parse_args(argv=None, default_config_files=None, database=True,
               program=None):
    """Config and logging; the database engine too unless ``database`` is
    False (the API's gunicorn master, whose workers open their own after
    the fork, so that no connection is shared between processes).
    ``program`` names the log file (default: the command's name)."""
    global _logging_registered
    if not _logging_registered:
        logging.register_options(CONF)
        _logging_registered = True
    CONF(sys.argv[1:] if argv is None else argv, project='manila-lite',
         default_config_files=default_config_files)
    name_log_file(program or os.path.basename(sys.argv[0]))
    logging.setup(CONF, 'manila-lite')
    if database:
        from manila_lite.db import api as db_api
        db_api.configure()


def exit_failed(what, err, stop=()):
    """Say in one line on stderr and in the log why ``what`` failed,
    stop ``stop`` and exit 1 at once."""
    reason = ' '.join(str(err).split()) or type(err).__name__
    message = '%s: %s' % (what, reason)
    if isinstance(err, exception.ManilaLiteException):
        LOG.error('%s; exiting', message)
        LOG.debug('Start-up failure', exc_info=err)
    else:
        LOG.error('%s; exiting', message, exc_info=err)
    print(message, file=sys.stderr)
    for other in stop:
        try:
            other.stop()
        except Exception:
            LOG.exception('Could not stop %s', other)
    std_logging.shutdown()
    sys.stderr.flush()
    # Threads of libraries (messaging executors, the in-process
    # transport) may outlive their services: leave now.
    os._exit(1)


def start_services(services, program, also_stop=()):
    """Start ``services`` in order, or exit.

    When one cannot start (a backend whose servers fail), the process
    must not linger half up -- a bound API port nobody answers, threads
    of the services already started keeping it alive: say why in one
    line on stderr and in the log, stop what was started (and
    ``also_stop``), and exit 1. The driver has already stopped what its
    own failed start began.
    """
    started = []
    for service in services:
        try:
            service.start()
        except Exception as err:
            exit_failed('%s cannot start %s %s' % (
                program, service.binary, service.host), err,
                [service] + started[::-1] + list(also_stop))
        started.append(service)
    return started


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
