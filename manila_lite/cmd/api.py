"""manila-lite-api: the REST API under gunicorn with osapi_share_workers.

The master process only reads the configuration and supervises: the
application (and the database engine and RPC transport it opens on first
use) is imported and built in each worker, after the fork, so no
connection is shared between processes and the master stays small.
"""

from gunicorn.app import base

from manila_lite.cmd import common


class _Server(base.BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from manila_lite.api import app as api_app
        from manila_lite.db import api as db_api
        db_api.configure()
        return api_app.build_app()


def main():
    common.limit_malloc_arenas()
    common.parse_args(database=False)
    conf = common.CONF
    _Server({
        'bind': '%s:%s' % (conf.osapi_share_listen,
                           conf.osapi_share_listen_port),
        'workers': conf.osapi_share_workers,
        'worker_class': 'gthread',
        'threads': conf.osapi_share_threads,
        'preload_app': False,
        'accesslog': None,
        'proc_name': 'manila-lite-api',
        'timeout': 120,
    }).run()
