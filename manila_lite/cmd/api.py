"""manila-lite-api: the REST API under gunicorn with osapi_share_workers.

This process reads the configuration, then becomes gunicorn's master by
exec: a fresh interpreter that imports gunicorn alone (26 MiB resident
rather than 35 with oslo.config, oslo.log and manila-lite's options),
and only supervises. Each worker imports and builds the
application from ``manila_lite.wsgi.api`` after the fork, reading the
same command line, so no connection is shared between processes.
"""

import json
import os
import sys

from manila_lite.cmd import common


def control_socket(conf):
    """gunicorn's control socket, under state_path and named after the
    port: its default, ~/.gunicorn/gunicorn.ctl, is shared by every
    gunicorn of the user, so a second API (or Keystone) would take it."""
    return os.path.join(conf.state_path, '%s-%s.ctl' % (
        common.API_PROGRAM, conf.osapi_share_listen_port))


def gunicorn_argv(conf):
    """gunicorn's command line for the configured API."""
    return [sys.executable, '-m', 'gunicorn',
            '--control-socket', control_socket(conf),
            '--bind', '%s:%s' % (conf.osapi_share_listen,
                                 conf.osapi_share_listen_port),
            '--workers', str(conf.osapi_share_workers),
            '--worker-class', 'gthread',
            '--threads', str(conf.osapi_share_threads),
            '--name', common.API_PROGRAM,
            '--timeout', '120',
            'manila_lite.wsgi.api:application']


def main():
    args = sys.argv[1:]
    common.parse_args(args, database=False, program=common.API_PROGRAM)
    os.environ[common.API_ARGS_ENV] = json.dumps(args)
    try:
        os.makedirs(common.CONF.state_path, exist_ok=True)
    except OSError:
        pass  # gunicorn then warns that its control socket is off.
    argv = gunicorn_argv(common.CONF)
    os.execv(argv[0], argv)
