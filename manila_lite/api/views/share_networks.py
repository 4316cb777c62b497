"""Share network and subnet views, one step per microversion."""

from manila_lite.api import common
from manila_lite.api.microversion import Version

_NET_FIELDS = ('neutron_net_id', 'neutron_subnet_id', 'network_type',
               'segmentation_id', 'cidr', 'ip_version')


def _default_subnet(network):
    return next((s for s in network.subnets if s.is_default), None)


def subnet_fields(subnet):
    return {
        'id': subnet.id,
        'availability_zone': subnet.availability_zone,
        'created_at': common.isotime(subnet.created_at),
        'updated_at': common.isotime(subnet.updated_at),
        'segmentation_id': subnet.segmentation_id,
        'neutron_net_id': subnet.neutron_net_id,
        'neutron_subnet_id': subnet.neutron_subnet_id,
        'ip_version': subnet.ip_version,
        'cidr': subnet.cidr,
        'network_type': subnet.network_type,
        'mtu': subnet.mtu,
        'gateway': subnet.gateway,
    }


def _v_until_2_25(d, network, default):
    d['nova_net_id'] = None


def _v_until_2_50(d, network, default):
    """Before subnets (2.51) the network carried its one network's data."""
    for field in _NET_FIELDS:
        d[field] = default and default[field]


def _v2_18_until_2_50(d, network, default):
    d['gateway'] = default and default.gateway


def _v2_20_until_2_50(d, network, default):
    d['mtu'] = default and default.mtu


def _v2_51(d, network, default):
    d['share_network_subnets'] = [subnet_fields(s) for s in network.subnets]


def _v2_63(d, network, default):
    d['status'] = network.status
    # Filled in by detail() from the network's share servers.
    d['security_service_update_support'] = None


def _v2_70(d, network, default):
    d['network_allocation_update_support'] = True


# (first version, last version or None, step)
STEPS = [
    ('2.0', '2.25', _v_until_2_25),
    ('2.0', '2.50', _v_until_2_50),
    ('2.18', '2.50', _v2_18_until_2_50),
    ('2.20', '2.50', _v2_20_until_2_50),
    ('2.51', None, _v2_51),
    ('2.63', None, _v2_63),
    ('2.70', None, _v2_70),
]


def summary(req, network):
    return {'id': network.id, 'name': network.name}


def detail(req, network, support):
    """``support``: {network id: security_service_update_support} from
    ``db.share_networks.security_update_support`` (2.63+), read by the
    handler for all the networks it shows at once."""
    version = common.version(req)
    d = {
        'id': network.id, 'project_id': network.project_id,
        'name': network.name, 'description': network.description,
        'created_at': common.isotime(network.created_at),
        'updated_at': common.isotime(network.updated_at),
    }
    default = _default_subnet(network)
    for low, high, step in STEPS:
        if version.matches(low, high):
            step(d, network, default)
    if 'security_service_update_support' in d:
        d['security_service_update_support'] = support[network.id]
    return d


def summary_list(req, items, *, count=None, next_links=None):
    return common.collection(req, 'share_networks', items, summary,
                             count=count, next_links=next_links)


def detail_list(req, items, *, count=None, next_links=None, support):
    """``support``: as for detail(), for all the networks listed."""
    def view(req, network):
        return detail(req, network, support)
    return common.collection(req, 'share_networks', items, view,
                             count=count, next_links=next_links)


def subnet(req, subnet, network):
    d = subnet_fields(subnet)
    d['share_network_id'] = network.id
    d['share_network_name'] = network.name
    if common.version(req) >= Version('2.78'):
        d['metadata'] = subnet.metadata_dict
    return d


def subnet_list(req, items, *, count=None, next_links=None, network):
    """``network``: the one network all the listed subnets are of."""
    def view(req, item):
        return subnet(req, item, network)
    return common.collection(req, 'share_network_subnets', items, view,
                             count=count, next_links=next_links)
