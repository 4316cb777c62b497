"""Client side of the scheduler RPC API."""

import functools

from manila_lite import conf
from manila_lite import rpc

CONF = conf.CONF


class SchedulerAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(CONF.scheduler_topic, self.VERSION)
        self.fanout = rpc.get_client(CONF.scheduler_topic, self.VERSION,
                                     fanout=True)

    def create_share_instance(self, context, share_instance_id, spec):
        rpc.cast(self.client, context, 'create_share_instance', redriven=True,
                 share_instance_id=share_instance_id, spec=spec)

    def create_share_group(self, context, share_group_id, spec):
        rpc.cast(self.client, context, 'create_share_group',
                 share_group_id=share_group_id, spec=spec)

    def extend_share(self, context, share_instance_id, new_size,
                     reservations, spec):
        rpc.cast(self.client, context, 'extend_share',
                 share_instance_id=share_instance_id, new_size=new_size,
                 reservations=reservations, spec=spec)

    def manage_share(self, context, share_instance_id, driver_options,
                     spec):
        rpc.cast(self.client, context, 'manage_share',
                 share_instance_id=share_instance_id,
                 driver_options=driver_options, spec=spec)

    def update_service_capabilities(self, context, host, capabilities,
                                    availability_zone, timestamp):
        """Fanout, so every scheduler keeps the same picture."""
        rpc.cast(self.fanout, context, 'update_service_capabilities',
                 droppable=True, host=host, capabilities=capabilities,
                 availability_zone=availability_zone, timestamp=timestamp)

    def get_pools(self, context, filters=None):
        return rpc.call(self.client, context, 'get_pools', filters=filters)


@functools.cache
def shared():
    """One client for callers that keep none of their own; built on first
    use, once the transport is configured."""
    return SchedulerAPI()
