"""Options of share features added by microversions 2.65 to 2.99:
admin-only metadata keys (2.68, 2.87), the recycle bin (2.69) and share
transfers (2.77)."""

from oslo_config import cfg

# The keys the share API writes for scheduler hints (2.65).
AFFINITY_KEY = '__affinity_same_host'
ANTI_AFFINITY_KEY = '__affinity_different_host'

share_feature_opts = [
    cfg.ListOpt('admin_only_metadata',
                default=[AFFINITY_KEY, ANTI_AFFINITY_KEY],
                help='Share metadata keys only administrators (policy '
                     'share:update_admin_only_metadata) may set, change or '
                     'delete. Others see them, and replacing all metadata '
                     'keeps them. The defaults hold the scheduler hints a '
                     'share was created with.'),
    cfg.ListOpt('admin_only_el_metadata', default=[],
                help='Export location metadata keys only administrators '
                     '(policy share_export_location:'
                     'update_admin_only_metadata) may set, change or '
                     'delete.'),
    cfg.IntOpt('soft_deleted_share_retention_time', default=604800, min=0,
               help='Seconds a share stays in the recycle bin (soft '
                    'deleted, API 2.69+) before it is deleted for good. Its '
                    'quota stays in use until then.'),
    cfg.IntOpt('soft_deleted_share_purge_batch_size', default=100, min=1,
               help='Expired soft-deleted shares deleted per run of the '
                    "scheduler's periodic task; the rest wait for the "
                    'next run.'),
    cfg.IntOpt('transfer_retention_time', default=300, min=1,
               help='Seconds a share transfer (API 2.77+) waits to be '
                    "accepted. The scheduler's periodic task then deletes "
                    'it and the share, awaiting_transfer until then, is '
                    'available again to its project.'),
    cfg.IntOpt('share_transfer_key_length', default=16, min=16, max=255,
               help='Length, in hexadecimal digits, of the auth key a new '
                    'share transfer answers with (once; only a salted hash '
                    'of it is kept).'),
]


def register_opts(conf):
    conf.register_opts(share_feature_opts)


def list_opts():
    return [('DEFAULT', share_feature_opts)]
