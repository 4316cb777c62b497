"""Options of share backends.

Each name in ``enabled_share_backends`` is a config section holding the
options below; the share service runs one manager per backend, registered
as ``host@backend``.
"""

from oslo_config import cfg

backend_opts = [
    cfg.StrOpt('share_driver', default='fake',
               help='Driver of this backend: a stevedore alias from the '
                    'manila_lite.share.drivers namespace, or a dotted import '
                    'path to a driver class.'),
    cfg.StrOpt('share_backend_name',
               help='Backend name reported to the scheduler and matched by '
                    'the share_backend_name extra spec; defaults to the '
                    'section name.'),
    cfg.BoolOpt('driver_handles_share_servers', default=False,
                help='Whether the driver creates share servers itself.'),
    cfg.IntOpt('reserved_share_percentage', default=0, min=0, max=100,
               help='Percentage of capacity kept free of new shares.'),
    cfg.IntOpt('reserved_share_from_snapshot_percentage', default=0,
               min=0, max=100,
               help='Percentage of capacity kept free of shares created '
                    'from snapshots.'),
    cfg.FloatOpt('max_over_subscription_ratio', default=20.0, min=1.0,
                 help='Ratio of provisioned to real capacity allowed on '
                      'thin-provisioned pools.'),
    cfg.StrOpt('filter_function',
               help='Expression a pool must make true to be chosen; '
                    'overrides the driver default.'),
    cfg.StrOpt('goodness_function',
               help='Expression rating a pool from 0 to 100; overrides the '
                    'driver default.'),
    cfg.StrOpt('backend_availability_zone',
               help='Availability zone of this backend; defaults to '
                    'storage_availability_zone.'),
]

enabled_backends_opt = cfg.ListOpt(
    'enabled_share_backends', default=['fake'],
    help='Config sections of the backends this share service runs.')


def register_opts(conf):
    conf.register_opt(enabled_backends_opt)


def register_backend(conf, name, extra_opts=()):
    """Register the backend options in the section of one backend."""
    conf.register_opts(backend_opts, group=name)
    if extra_opts:
        conf.register_opts(list(extra_opts), group=name)
    return conf[name]


def list_opts():
    return [('DEFAULT', [enabled_backends_opt]), ('backend', backend_opts)]
