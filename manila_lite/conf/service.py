"""Options shared by every manila-lite daemon."""

import socket

from oslo_config import cfg

service_opts = [
    cfg.HostAddressOpt(
        'host', default=socket.gethostname(), sample_default='<hostname>',
        help='Name of this node. Share services register as '
             'host@backend; it must be unique per node and stable across '
             'restarts, since share instances are bound to it.'),
    cfg.StrOpt('storage_availability_zone', default='nova',
               help='Availability zone of this node.'),
    cfg.StrOpt('state_path', default='/var/lib/manila-lite',
               help='Top-level directory for the service state (SQLite '
                    'database, fake backend state, locks).'),
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between service heartbeats written to the '
                    'database.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='A service whose last heartbeat is older than this many '
                    'seconds is reported as down.'),
    cfg.IntOpt('periodic_interval', default=60, min=1,
               help='Seconds between runs of the share manager periodic '
                    'tasks, including capability reports to the scheduler.'),
    cfg.IntOpt('stalled_request_timeout', default=600, min=0,
               help='Seconds a share or snapshot may stay creating or '
                    'deleting, with nothing working on it, before its '
                    'request is taken as lost (a message broker restart '
                    'drops queued messages) and passed on again: by the '
                    'scheduler for a share with no host yet (counted from '
                    'its creation), by the share service otherwise '
                    '(counted from the share\'s placement, or from the '
                    'last change). A request that was only late does no '
                    'harm: a share is placed once, and a share service '
                    'runs one create or delete of a share or snapshot at a '
                    'time and skips a create no longer wanted. 0 turns '
                    'this off; restarted services resume such work in any '
                    'case.'),
    cfg.IntOpt('rpc_cast_timeout', default=10, min=0,
               help='Seconds a request to another service may spend '
                    'reconnecting to a message broker that cannot be '
                    'reached, before the API gives up on it. Creates and '
                    'deletes of shares and snapshots are then answered as '
                    'usual and sent when the broker is back (the periodic '
                    'tasks ask for them again after '
                    'stalled_request_timeout in any case); other requests '
                    'are undone and answered 503. Once a request has '
                    'failed, later ones fail at once until the broker '
                    'answers again.'),
    cfg.StrOpt('scheduler_topic', default='manila-scheduler',
               help='RPC topic the scheduler listens on.'),
    cfg.StrOpt('share_topic', default='manila-share',
               help='RPC topic the share managers listen on.'),
    cfg.IntOpt('rpc_executor_pool_size', default=8, min=1,
               help='Threads each RPC server (each share backend, the '
                    'scheduler) uses to run incoming requests: the number '
                    'of driver operations one backend runs at once. More '
                    'requests wait in order, none is lost (a restarted '
                    'service resumes what was in progress). Every thread '
                    'that ever ran keeps its memory, about 0.4 MiB, and '
                    'threads beyond what the backend can use only contend '
                    'for the interpreter lock: under a burst of creates on '
                    'the fake backend, 16 threads per backend cost more CPU '
                    'per share and 17 MiB more than 8 (and oslo.messaging\'s '
                    'default of 64 far more). Raise it for drivers whose '
                    'calls mostly wait on a slow storage controller (the '
                    'generic driver booting service VMs). oslo.messaging\'s '
                    'executor_thread_pool_size, when set, wins.'),
]


def register_opts(conf):
    conf.register_opts(service_opts)


def list_opts():
    return [('DEFAULT', service_opts)]
