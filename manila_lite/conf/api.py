"""Options of the REST API service."""

from oslo_config import cfg

api_opts = [
    cfg.HostAddressOpt('osapi_share_listen', default='127.0.0.1',
                       help='IP address the share API listens on.'),
    cfg.PortOpt('osapi_share_listen_port', default=8786,
                help='Port the share API listens on.'),
    cfg.IntOpt('osapi_share_workers', default=2, min=1,
               help='Number of API worker processes (manila-lite-api only; '
                    'manila-lite-all always serves from its own process).'),
    cfg.IntOpt('osapi_share_threads', default=8, min=1,
               help='Request threads in each API worker: the requests a '
                    'worker serves at once (idle keep-alive connections '
                    'hold none; further requests wait their turn). No '
                    'request waits on a storage backend, the API only '
                    'casts to it; threads wait on the database and '
                    'Keystone, and Python runs one at a time per worker, '
                    'so more threads add memory and contention for the '
                    'interpreter lock, not throughput: measured with 200 '
                    'concurrent creates, 16 threads cost a third more CPU '
                    'per share than 8. Raise it when Keystone or the '
                    'database answer slowly.'),
    cfg.IntOpt('osapi_max_limit', default=1000, min=1,
               help='Largest number of items a collection returns in one '
                    'response.'),
    cfg.StrOpt('osapi_share_base_URL',
               help='Base URL presented in links; defaults to the request '
                    'host URL.'),
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone', 'keystonemiddleware auth_token, '
                                     'configured in [keystone_authtoken]'),
                        ('noauth', 'no authentication: the token is '
                                   '"user:project"; callers are '
                                   'administrators unless an X-Roles '
                                   'header names their roles '
                                   '(development only)')],
               help='How API requests are authenticated.'),
    cfg.StrOpt('default_share_type',
               help='Share type used when a create request names none.'),
    cfg.StrOpt('default_share_group_type',
               help='Name of the share group type shown by '
                    'GET /share-group-types/default and flagged '
                    'is_default (2.46+); unset, there is no default.'),
    cfg.ListOpt('enabled_share_protocols',
                default=['NFS', 'CIFS'],
                help='Protocols users may request, as Manila spells them '
                     '(NFS, CIFS, GLUSTERFS, HDFS, CEPHFS, MAPRFS); a '
                     'share of any other protocol is refused with 400. '
                     'List only what the enabled backends serve.'),
]


def register_opts(conf):
    conf.register_opts(api_opts)


def list_opts():
    return [('DEFAULT', api_opts)]
