"""manila-lite-manage: operator commands run against the configuration.

    manila-lite-manage [--config-file FILE] db sync [--version REVISION]
    manila-lite-manage [--config-file FILE] db version
    manila-lite-manage [--config-file FILE] local stop [--backend NAME]
    manila-lite-manage [--config-file FILE] local cleanup [--backend NAME]

The ``local`` commands run on the host of the local backend's share
service, as root, after that service is stopped: the daemons its driver
started outlive it on purpose (clients keep their mounts).
"""

import logging
import sys

from alembic import util as alembic_util
from oslo_config import cfg
from oslo_log import log
from sqlalchemy import exc as sa_exc

from manila_lite.cmd import common
from manila_lite import conf
from manila_lite.db import migration
from manila_lite import exception
from manila_lite.share.drivers.local import tools as local_tools

CONF = conf.CONF
LOG = log.getLogger(__name__)
PROGRAM = 'manila-lite-manage'


def db_sync():
    """Upgrade the database schema (to the newest revision by default)."""
    migration.db_sync(version=CONF.category.version)
    print('Database schema is at revision %s.' % migration.db_version())


def db_version():
    """Print the schema revision of the database ('None' if empty)."""
    # Logs go to stdout by default; keep it to the revision for scripts.
    logging.getLogger('alembic').setLevel(logging.WARNING)
    print(migration.db_version())


def _local_drivers():
    if CONF.category.all_in_one:
        CONF.set_default('state_path', common.embedded_state_path())
    return local_tools.local_backends(CONF, CONF.category.backend)


def local_stop():
    """Stop the servers (ganesha.nfsd, smbd, rpcbind, dbus-daemon) the
    local driver started."""
    for name, driver in _local_drivers().items():
        stopped = local_tools.stop(driver)
        print('%s: stopped %s' % (name, ', '.join(stopped) or 'nothing'))


def local_cleanup():
    """Stop those servers, unmount the exported shares and the pool, and
    detach the pool's loop device; the data stays for the next start."""
    for name, driver in _local_drivers().items():
        released = local_tools.cleanup(driver)
        print('%s: stopped and released %s' % (
            name, ', '.join(released) or 'nothing'))


def _add_command_parsers(subparsers):
    db = subparsers.add_parser('db', help='Database schema commands.')
    actions = db.add_subparsers(dest='action', title='db commands')
    actions.required = True
    sync = actions.add_parser('sync', help=db_sync.__doc__)
    sync.add_argument('--version', metavar='REVISION',
                      help='Alembic revision to upgrade to (default: the '
                           'newest).')
    sync.set_defaults(func=db_sync)
    version = actions.add_parser('version', help=db_version.__doc__)
    version.set_defaults(func=db_version)

    local = subparsers.add_parser(
        'local', help='The local backend\'s servers and pool (run after '
                      'stopping its share service).')
    actions = local.add_subparsers(dest='action', title='local commands')
    actions.required = True
    for action, func in (('stop', local_stop), ('cleanup', local_cleanup)):
        parser = actions.add_parser(action, help=func.__doc__)
        parser.add_argument('--backend', action='append', metavar='NAME',
                            help='A backend section (default: every '
                                 'enabled local backend); repeatable.')
        parser.add_argument('--all-in-one', action='store_true',
                            help='Default state_path to manila-lite-all\'s '
                                 '(~/.local/share/manila-lite).')
        parser.set_defaults(func=func)


category_opt = cfg.SubCommandOpt('category', title='Commands',
                                 handler=_add_command_parsers)


def _failed(err):
    """The reason a command failed, for the operator's terminal: the log
    may be a file nobody is watching."""
    reason = str(err) or err.__class__.__name__
    if isinstance(err, (ImportError, sa_exc.NoSuchModuleError)):
        reason += (" (the database driver of [database] connection is not "
                   "installed: pip install 'manila-lite[mysql]' brings "
                   "PyMySQL for mysql+pymysql:// URLs)")
    print('manila-lite-manage %s %s failed: %s' % (
        CONF.category.name, CONF.category.action, reason), file=sys.stderr)


def main(argv=None):
    """Parse the command line and configuration, then run the command."""
    argv = sys.argv[1:] if argv is None else argv
    if 'category' not in CONF:
        CONF.register_cli_opt(category_opt)
    log.register_options(CONF)
    CONF(argv, project='manila-lite', prog=PROGRAM)
    common.name_log_file(PROGRAM)
    log.setup(CONF, PROGRAM)
    try:
        CONF.category.func()
    except (alembic_util.CommandError, exception.ManilaLiteException) as err:
        # An operator's mistake or a known condition: no traceback needed.
        LOG.error('manila-lite-manage %s %s failed: %s',
                  CONF.category.name, CONF.category.action, err)
        _failed(err)
        return 1
    except Exception as err:
        LOG.exception('manila-lite-manage %s %s failed',
                      CONF.category.name, CONF.category.action)
        _failed(err)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
