"""Default quotas and reservation behaviour ([quota] group)."""

from oslo_config import cfg

quota_group = cfg.OptGroup('quota', title='Quota options')

# Resource name -> (default, help). Order is the order of quota-set views.
RESOURCES = {
    'shares': (50, 'Shares allowed per project.'),
    'gigabytes': (1000, 'Total share size in GiB allowed per project.'),
    'snapshots': (50, 'Share snapshots allowed per project.'),
    'snapshot_gigabytes': (1000,
                           'Total snapshot size in GiB allowed per project.'),
    'share_networks': (10, 'Share networks allowed per project.'),
    'share_groups': (50, 'Share groups allowed per project.'),
    'share_group_snapshots': (50,
                              'Share group snapshots allowed per project.'),
    'share_replicas': (100, 'Share replicas allowed per project.'),
    'replica_gigabytes': (1000,
                          'Total replica size in GiB allowed per project.'),
    'per_share_gigabytes': (-1, 'Largest size in GiB of one share.'),
    'backups': (10, 'Share backups allowed per project.'),
    'backup_gigabytes': (1000,
                         'Total backup size in GiB allowed per project.'),
    'encryption_keys': (100, 'Encryption keys (distinct encryption_key_ref '
                             'values) allowed per project.'),
}

quota_opts = [
    cfg.IntOpt(name, default=default, min=-1, help=text + ' -1 is unlimited.')
    for name, (default, text) in RESOURCES.items()
] + [
    cfg.IntOpt('reservation_expire', default=86400, min=1,
               help='Seconds until an uncommitted reservation expires and '
                    'its amounts are returned to the project.'),
]


def register_opts(conf):
    conf.register_group(quota_group)
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return [(quota_group.name, quota_opts)]
