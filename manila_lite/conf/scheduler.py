"""Options of the scheduler: which filters and weighers rank the pools."""

from oslo_config import cfg

scheduler_opts = [
    cfg.ListOpt('scheduler_default_filters',
                default=['OnlyHostFilter', 'AvailabilityZoneFilter',
                         'CapacityFilter', 'CapabilitiesFilter',
                         'DriverFilter', 'AffinityFilter',
                         'AntiAffinityFilter'],
                help='Filters, by name, a pool must pass to receive a '
                     'share.'),
    cfg.ListOpt('scheduler_default_weighers',
                default=['CapacityWeigher', 'GoodnessWeigher'],
                help='Weighers, by name, that rank the pools that passed.'),
    cfg.FloatOpt('capacity_weight_multiplier', default=1.0,
                 help='Multiplier of the capacity weigher; negative values '
                      'stack shares on the fullest pool instead of '
                      'spreading them.'),
    cfg.FloatOpt('goodness_weight_multiplier', default=1.0,
                 help='Multiplier of the goodness weigher.'),
]


def register_opts(conf):
    conf.register_opts(scheduler_opts)


def list_opts():
    return [('DEFAULT', scheduler_opts)]
