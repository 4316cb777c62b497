"""The standalone network plugin: addresses from ranges an operator sets.

No Neutron is needed: each DHSS=True backend names, in its own config
section, the network its share servers live on (CIDR, allowed ranges,
gateway, MTU, type and segmentation id). Every subnet of every share
network then gets its addresses from that network; the
``network_allocations`` table, unique on (cidr, ip_address), makes sure no
address is handed out twice, even by two backends on the same network.
"""

import ipaddress

from oslo_config import cfg
from oslo_db import exception as db_exception
from oslo_log import log as logging

from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite import exception

LOG = logging.getLogger(__name__)

standalone_network_opts = [
    cfg.StrOpt('standalone_network_plugin_cidr', default='10.254.0.0/24',
               help='Network (CIDR) share servers of this backend get their '
                    'addresses from, e.g. 10.0.0.0/24 or fd00::/64.'),
    cfg.ListOpt('standalone_network_plugin_allowed_ip_ranges', default=[],
                help='Ranges of that network that may be handed out, as '
                     'single addresses, "first-last" ranges or CIDRs, e.g. '
                     '10.0.0.10-10.0.0.200,10.0.0.250. Empty: every host '
                     'address but the gateway.'),
    cfg.StrOpt('standalone_network_plugin_gateway',
               help='Gateway of the network; never handed out. Defaults to '
                    'the first host address of the CIDR.'),
    cfg.IntOpt('standalone_network_plugin_mtu', default=1500, min=68,
               help='MTU of the network.'),
    cfg.StrOpt('standalone_network_plugin_network_type', default='flat',
               choices=['flat', 'vlan', 'vxlan', 'gre'],
               help='Type of the network, reported to drivers.'),
    cfg.IntOpt('standalone_network_plugin_segmentation_id', min=1,
               help='VLAN/VNI of the network, for vlan, vxlan and gre '
                    'types.'),
]


def _ranges(network, specs):
    for spec in specs:
        spec = spec.strip()
        if not spec:
            continue
        if '-' in spec:
            first, last = (ipaddress.ip_address(p.strip())
                           for p in spec.split('-', 1))
        elif '/' in spec:
            block = ipaddress.ip_network(spec, strict=False)
            first, last = block[0], block[-1]
        else:
            first = last = ipaddress.ip_address(spec)
        if first not in network or last not in network or first > last:
            raise exception.NetworkBadConfigurationException(
                reason='range %s is not inside %s' % (spec, network))
        yield first, last


class StandaloneNetworkPlugin:
    """Hands out addresses to share servers and records them."""

    def __init__(self, config):
        self.config = config
        try:
            self.network = ipaddress.ip_network(
                config.standalone_network_plugin_cidr, strict=False)
            gateway = config.standalone_network_plugin_gateway
            self.gateway = (ipaddress.ip_address(gateway) if gateway
                            else next(self.network.hosts()))
            self.ranges = list(_ranges(
                self.network,
                config.standalone_network_plugin_allowed_ip_ranges))
        except (ValueError, StopIteration) as err:
            raise exception.NetworkBadConfigurationException(reason=err)
        if self.gateway not in self.network:
            raise exception.NetworkBadConfigurationException(
                reason='gateway %s is not inside %s' % (self.gateway,
                                                        self.network))

    @property
    def subnet_values(self):
        """What a subnet served by this plugin looks like."""
        return {
            'cidr': str(self.network),
            'ip_version': self.network.version,
            'gateway': str(self.gateway),
            'mtu': self.config.standalone_network_plugin_mtu,
            'network_type': self.config.standalone_network_plugin_network_type,
            'segmentation_id':
                self.config.standalone_network_plugin_segmentation_id,
        }

    def _candidates(self):
        if self.ranges:
            for first, last in self.ranges:
                address = first
                while address <= last:
                    yield address
                    address += 1
        else:
            yield from self.network.hosts()

    def _free(self, context, count):
        used = server_db.used_addresses(context, str(self.network))
        found = []
        for address in self._candidates():
            if address == self.gateway or str(address) in used:
                continue
            found.append(str(address))
            if len(found) == count:
                return found
        raise exception.NetworkBadConfigurationException(
            reason='no free address left in %s for %d allocation(s)'
                   % (self.network, count))

    def allocate_network(self, context, share_server_id, subnet, count,
                         label='user'):
        """Record ``count`` new addresses of ``share_server_id`` on
        ``subnet``; the subnet takes this network's description."""
        if count <= 0:
            return []
        values = self.subnet_values
        network_db.subnet_update(context, subnet.id, values)
        while True:
            # _free raises once the network has no address left.
            rows = [dict(share_server_id=share_server_id,
                         share_network_subnet_id=subnet.id,
                         ip_address=address, label=label,
                         ip_version=values['ip_version'],
                         cidr=values['cidr'], gateway=values['gateway'],
                         mtu=values['mtu'],
                         network_type=values['network_type'],
                         segmentation_id=values['segmentation_id'])
                    for address in self._free(context, count)]
            try:
                server_db.add_allocations(context, rows)
            except db_exception.DBDuplicateEntry:
                # Another server's allocation of one of these addresses
                # was committed since they were read: each retry follows
                # someone's progress, so no fixed number of tries (five
                # gave up with eight servers allocating at once).
                LOG.info('An address of %s was taken meanwhile; retrying',
                         self.network)
                continue
            return server_db.allocations(context, share_server_id, subnet.id)

    def deallocate(self, context, allocations):
        server_db.delete_allocations(context, [a.id for a in allocations])
