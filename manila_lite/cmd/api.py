"""manila-lite-api: the REST API under gunicorn with osapi_share_workers.

Each worker builds its own database engine and RPC transport on first use,
after the fork, so no connection is shared between processes.
"""

from gunicorn.app import base

from manila_lite.api import app as api_app
from manila_lite.cmd import common


class _Server(base.BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return api_app.build_app()


def main():
    common.parse_args()
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
