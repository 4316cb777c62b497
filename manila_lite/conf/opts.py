"""Entry points for oslo-config-generator."""

from oslo_db import options as db_options

from manila_lite.conf import api
from manila_lite.conf import backend
from manila_lite.conf import healthcheck
from manila_lite.conf import quota
from manila_lite.conf import scheduler
from manila_lite.conf import service
from manila_lite.conf import share_features
from manila_lite.conf import share_periodic
from manila_lite.network import standalone
from manila_lite.share.drivers import fake
from manila_lite.share.drivers.local import options as local_options
from manila_lite.share.manager import servers


def list_opts():
    merged = {}
    for module in (service, api, scheduler, quota, backend,
                   share_periodic, share_features):
        for group, opts in module.list_opts():
            merged.setdefault(group, []).extend(opts)
    merged.setdefault('backend', []).extend(fake.fake_opts)
    merged['backend'].extend(standalone.standalone_network_opts)
    merged['backend'].extend(servers.server_opts)
    merged['backend'].extend(local_options.local_opts)
    return sorted(merged.items())


def set_lib_defaults():
    """Defaults we want for library options (embedded SQLite)."""
    from oslo_config import cfg
    db_options.set_defaults(cfg.CONF,
                            connection='sqlite:///$state_path/manila.sqlite')
    healthcheck.register_opts(cfg.CONF)
