"""[healthcheck]: oslo.middleware's options for the API's /healthcheck,
with the database and broker checks of manila-lite on by default."""

from oslo_config import cfg
from oslo_middleware.healthcheck import opts

# Names of manila_lite.api.healthcheck's backends in setup.cfg
# (oslo.middleware.healthcheck entry points).
DEFAULT_BACKENDS = ['manila_lite_database', 'manila_lite_messaging']


def register_opts(conf):
    # On the options themselves, so that the sample shows it too.
    cfg.set_defaults(opts.HEALTHCHECK_OPTS, backends=DEFAULT_BACKENDS)
    conf.register_opts(opts.HEALTHCHECK_OPTS, group='healthcheck')
