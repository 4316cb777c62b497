"""Client side of the share manager RPC API: casts to host@backend."""

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
        self._fanout.cast(context, 'publish_capabilities')

    def create_share_instance(self, context, host, share_instance_id):
        self._client(host).cast(context, 'create_share_instance',
                                share_instance_id=share_instance_id)

    def delete_share_instance(self, context, host, share_instance_id,
                              force=False):
        self._client(host).cast(context, 'delete_share_instance',
                                share_instance_id=share_instance_id,
                                force=force)

    # -- resize and manage ---------------------------------------------------

    def extend_share(self, context, host, share_instance_id, new_size,
                     reservations):
        self._client(host).cast(context, 'extend_share',
                                share_instance_id=share_instance_id,
                                new_size=new_size, reservations=reservations)

    def shrink_share(self, context, host, share_instance_id, new_size,
                     reservations):
        self._client(host).cast(context, 'shrink_share',
                                share_instance_id=share_instance_id,
                                new_size=new_size, reservations=reservations)

    def manage_share(self, context, host, share_instance_id, driver_options):
        self._client(host).cast(context, 'manage_share',
                                share_instance_id=share_instance_id,
                                driver_options=driver_options)

    def unmanage_share(self, context, host, share_instance_id):
        self._client(host).cast(context, 'unmanage_share',
                                share_instance_id=share_instance_id)

    # -- snapshots ------------------------------------------------------------

    def create_snapshot(self, context, host, snapshot_id):
        self._client(host).cast(context, 'create_snapshot',
                                snapshot_id=snapshot_id)

    def delete_snapshot(self, context, host, snapshot_id, force=False):
        self._client(host).cast(context, 'delete_snapshot',
                                snapshot_id=snapshot_id, force=force)

    def revert_to_snapshot(self, context, host, snapshot_id):
        self._client(host).cast(context, 'revert_to_snapshot',
                                snapshot_id=snapshot_id)

    def manage_snapshot(self, context, host, snapshot_id, driver_options):
        self._client(host).cast(context, 'manage_snapshot',
                                snapshot_id=snapshot_id,
                                driver_options=driver_options)

    def unmanage_snapshot(self, context, host, snapshot_id):
        self._client(host).cast(context, 'unmanage_snapshot',
                                snapshot_id=snapshot_id)
