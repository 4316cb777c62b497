"""Options of the share manager's bulk work: deferred deletion and ensure.

Both walk every share of a backend, so both work in batches of
``share_batch_size`` instances: memory stays bounded at any number of
shares, and no database transaction stays open while a driver works.
"""

from oslo_config import cfg

periodic_opts = [
    cfg.BoolOpt('deferred_deletion', default=False,
                deprecated_name='is_deferred_deletion_enabled',
                help='Delete shares and snapshots in a deferred manner: '
                     'a delete request gives the quota back at once and '
                     'moves the share or snapshot to deleting_in_driver; '
                     'the share manager deletes it on the backend in its '
                     'periodic deferred deletion task. False deletes as '
                     'requests arrive, releasing quota once the backend '
                     'has deleted. (Manila names this option '
                     'is_deferred_deletion_enabled; that name still '
                     'works.)'),
    cfg.IntOpt('periodic_deferred_delete_interval', default=300, min=1,
               help='Seconds between runs of the share manager task that '
                    'deletes shares and snapshots in deleting_in_driver '
                    'on the backend.'),
    cfg.IntOpt('deferred_delete_retry_delay', default=1800, min=0,
               help='Seconds a share or snapshot stays in '
                    'deleting_in_driver_error after a failed backend '
                    'deletion before the periodic task tries again.'),
    cfg.BoolOpt('update_shares_status_on_ensure', default=True,
                help='Whether an ensure shares run moves the available '
                     'shares it checks to the ensuring status (and back) '
                     'while their backend checks them. Shares busy in '
                     'another operation are never touched.'),
    cfg.IntOpt('share_batch_size', default=500, min=1,
               help='Share or snapshot instances the share manager reads, '
                    'hands to the driver and records per batch in the '
                    'deferred deletion task and the ensure shares run.'),
]


def register_opts(conf):
    conf.register_opts(periodic_opts)


def list_opts():
    return [('DEFAULT', periodic_opts)]
