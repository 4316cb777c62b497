"""All configuration options, registered on import for every module."""

from oslo_config import cfg

from manila_lite.conf import api
from manila_lite.conf import backend
from manila_lite.conf import healthcheck
from manila_lite.conf import quota
from manila_lite.conf import scheduler
from manila_lite.conf import service
from manila_lite.conf import share_features
from manila_lite.conf import share_periodic

CONF = cfg.CONF

for _module in (api, backend, healthcheck, quota, scheduler, service,
                share_periodic, share_features):
    _module.register_opts(CONF)
