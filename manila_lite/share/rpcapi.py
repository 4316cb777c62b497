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

    def _client(self, host):
        server = backend_of(host)
        client = self._clients.get(server)
        if client is None:
            client = rpc.get_client(CONF.share_topic, self.VERSION,
                                    server=server)
            self._clients[server] = client
        return client

    def create_share_instance(self, context, host, share_instance_id):
        self._client(host).cast(context, 'create_share_instance',
                                share_instance_id=share_instance_id)

    def delete_share_instance(self, context, host, share_instance_id,
                              force=False):
        self._client(host).cast(context, 'delete_share_instance',
                                share_instance_id=share_instance_id,
                                force=force)
