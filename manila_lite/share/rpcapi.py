"""Client side of the share manager RPC API: casts to host@backend."""

import functools

from manila_lite import conf
from manila_lite import rpc

CONF = conf.CONF


def backend_of(host):
    """'host@backend#pool' -> 'host@backend', the RPC server name."""
    return host.partition('#')[0]


class ShareAPI:
    VERSION = '1.0'

    def __init__(self):
        self._clients = {}
        self._fanout = None

    def _client(self, host):
        server = backend_of(host)
        client = self._clients.get(server)
        if client is None:
            client = rpc.get_client(CONF.share_topic, self.VERSION,
                                    server=server)
            self._clients[server] = client
        return client

    def request_capabilities(self, context):
        """Ask every share manager to report its pools now (fanout)."""
        if self._fanout is None:
            self._fanout = rpc.get_client(CONF.share_topic, self.VERSION,
                                          fanout=True)
        rpc.cast(self._fanout, context, 'publish_capabilities', droppable=True)

    def create_share_instance(self, context, host, share_instance_id):
        rpc.cast(self._client(host), context, 'create_share_instance',
                 redriven=True, share_instance_id=share_instance_id)

    def delete_share_instance(self, context, host, share_instance_id,
                              force=False):
        rpc.cast(self._client(host), context, 'delete_share_instance',
                 redriven=True, share_instance_id=share_instance_id,
                 force=force)

    def ensure_shares(self, context, host):
        """Run ensure shares on ``host`` (host@backend)."""
        rpc.cast(self._client(host), context, 'ensure_shares')

    # -- resize and manage ---------------------------------------------------

    def extend_share(self, context, host, share_instance_id, new_size,
                     reservations):
        rpc.cast(self._client(host), context, 'extend_share',
                 share_instance_id=share_instance_id, new_size=new_size,
                 reservations=reservations)

    def shrink_share(self, context, host, share_instance_id, new_size,
                     reservations):
        rpc.cast(self._client(host), context, 'shrink_share',
                 share_instance_id=share_instance_id, new_size=new_size,
                 reservations=reservations)

    def manage_share(self, context, host, share_instance_id, driver_options):
        rpc.cast(self._client(host), context, 'manage_share',
                 share_instance_id=share_instance_id,
                 driver_options=driver_options)

    def unmanage_share(self, context, host, share_instance_id):
        rpc.cast(self._client(host), context, 'unmanage_share',
                 share_instance_id=share_instance_id)

    # -- access rules ---------------------------------------------------------

    def update_access(self, context, host, share_instance_id):
        """Ask the backend to apply the instance's queued rule changes."""
        rpc.cast(self._client(host), context, 'update_access',
                 redriven=True, share_instance_id=share_instance_id)

    # -- snapshots ------------------------------------------------------------

    def create_snapshot(self, context, host, snapshot_id):
        rpc.cast(self._client(host), context, 'create_snapshot', redriven=True,
                 snapshot_id=snapshot_id)

    def delete_snapshot(self, context, host, snapshot_id, force=False):
        rpc.cast(self._client(host), context, 'delete_snapshot', redriven=True,
                 snapshot_id=snapshot_id, force=force)

    def revert_to_snapshot(self, context, host, snapshot_id):
        rpc.cast(self._client(host), context, 'revert_to_snapshot',
                 snapshot_id=snapshot_id)

    def manage_snapshot(self, context, host, snapshot_id, driver_options):
        rpc.cast(self._client(host), context, 'manage_snapshot',
                 snapshot_id=snapshot_id, driver_options=driver_options)

    def unmanage_snapshot(self, context, host, snapshot_id):
        rpc.cast(self._client(host), context, 'unmanage_snapshot',
                 snapshot_id=snapshot_id)

    def snapshot_update_access(self, context, host, snapshot_instance_id):
        """Ask the backend to apply a mountable snapshot's queued rule
        changes (2.32+)."""
        rpc.cast(self._client(host), context, 'snapshot_update_access',
                 redriven=True, snapshot_instance_id=snapshot_instance_id)

    # -- share groups ---------------------------------------------------------

    def create_share_group(self, context, host, share_group_id):
        rpc.cast(self._client(host), context, 'create_share_group',
                 share_group_id=share_group_id)

    def delete_share_group(self, context, host, share_group_id):
        rpc.cast(self._client(host), context, 'delete_share_group',
                 share_group_id=share_group_id)

    # -- share servers and subnets --------------------------------------------

    def delete_share_server(self, context, host, share_server_id):
        rpc.cast(self._client(host), context, 'delete_share_server',
                 share_server_id=share_server_id)

    def update_share_server_network_allocations(
            self, context, host, share_network_id, share_network_subnet_id,
            delete=False):
        rpc.cast(self._client(host), context,
                 'update_share_server_network_allocations',
                 share_network_id=share_network_id,
                 share_network_subnet_id=share_network_subnet_id,
                 delete=delete)

    def delete_share_network_subnet(self, context, host, share_network_id,
                                    share_network_subnet_id):
        rpc.cast(self._client(host), context, 'delete_share_network_subnet',
                 share_network_id=share_network_id,
                 share_network_subnet_id=share_network_subnet_id)

    def check_add_share_network_subnet(self, context, host,
                                       share_network_id, availability_zone,
                                       key):
        rpc.cast(self._client(host), context, 'check_add_share_network_subnet',
                 share_network_id=share_network_id,
                 availability_zone=availability_zone, key=key)

    def check_delete_share_network_subnet(self, context, host,
                                          share_network_id,
                                          share_network_subnet_id, key):
        rpc.cast(self._client(host), context,
                 'check_delete_share_network_subnet',
                 share_network_id=share_network_id,
                 share_network_subnet_id=share_network_subnet_id, key=key)

    def update_share_network_security_service(self, context, host,
                                              share_network_id):
        rpc.cast(self._client(host), context,
                 'update_share_network_security_service',
                 share_network_id=share_network_id)

    def check_update_share_network_security_service(
            self, context, host, share_network_id, new_security_service_id,
            current_security_service_id, key):
        rpc.cast(self._client(host), context,
                 'check_update_share_network_security_service',
                 share_network_id=share_network_id,
                 new_security_service_id=new_security_service_id,
                 current_security_service_id=current_security_service_id,
                 key=key)


@functools.cache
def shared():
    """One client for callers that keep none of their own; built on first
    use, once the transport is configured."""
    return ShareAPI()
