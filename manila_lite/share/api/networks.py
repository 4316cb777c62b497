"""Share networks and subnets as the API sees them.

Rows change here in one transaction each; whatever share servers must do
about it (plug into a new subnet, unplug from a force-deleted one, go
away) is cast to the share managers of the servers' hosts.
"""

import hashlib

from oslo_log import log as logging

from manila_lite.db import services as service_db
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite import exception
from manila_lite import rpc
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states

LOG = logging.getLogger(__name__)

share_rpc = share_rpcapi.shared


def check_share_network(context, share_network_id, type_name, dhss,
                        availability_zone=None):
    """A new share's network must exist, be the caller's, fit its type's
    driver_handles_share_servers and reach its availability zone."""
    if not share_network_id:
        if dhss:
            raise exception.InvalidInput(
                reason='Share network must be set in order to create a '
                       'share with share type %s, which has '
                       'driver_handles_share_servers=True.' % type_name)
        return None
    network = network_db.get(context, share_network_id)
    if context.is_admin and network.project_id != context.project_id:
        raise exception.ShareNetworkNotFound(
            share_network_id=share_network_id)
    if not dhss:
        raise exception.InvalidInput(
            reason='Share type %s has driver_handles_share_servers=False: '
                   'its shares cannot be given a share network.'
                   % type_name)
    if network.status != states.ACTIVE:
        # Its servers are changing (or failed to): no new share meanwhile.
        raise exception.InvalidInput(
            reason='Share network %s is %s; shares can be created on an '
                   'active share network only.' % (network.id,
                                                   network.status))
    if availability_zone and not network_db.subnets_for_zone(
            context, network.id, availability_zone):
        raise exception.InvalidInput(
            reason='Share network %s has no subnet in availability zone %s '
                   'and no default subnet.' % (network.id,
                                               availability_zone))
    return network


def check_zone(context, zone):
    if zone and zone not in {z.name for z in service_db.zones(context)}:
        raise exception.InvalidInput(
            reason='The provided availability zone %s does not exist.'
                   % zone)


def delete_network(context, network):
    network_db.destroy(context, network.id)


def create_subnet(context, network, values, metadata, multiple_per_zone):
    """A new subnet; from 2.70, servers of its zone are plugged into it
    (the network is ``network_change`` meanwhile; 400 unless active)."""
    zone = values.get('availability_zone')
    check_zone(context, zone)
    same_zone = [s for s in network.subnets
                 if s.availability_zone == zone]
    if same_zone and not multiple_per_zone:
        raise exception.ShareNetworkInUse(
            reason='Another share network subnet was found in the specified '
                   'availability zone %s; only one subnet per zone is '
                   'allowed below microversion 2.70.' % (zone or 'default'))
    if not multiple_per_zone:
        return network_db.subnet_create(context, network.id, values,
                                        metadata)
    # The network and its active servers are in network_change until
    # their share managers have plugged them in.
    rpc.BROKER.check()
    subnet, hosts = network_db.subnet_create_and_plug(
        context.elevated(), network.id, values, metadata)
    for host in hosts:
        share_rpc().update_share_server_network_allocations(
            context, host, network.id, subnet.id)
    return subnet


def delete_subnet(context, network, subnet_id):
    """Manila's 2.51+ delete: refused (409) while shares use the subnet's
    servers; the servers without shares go with it."""
    rpc.BROKER.check()
    affected = network_db.subnet_destroy(context.elevated(), network.id,
                                         subnet_id)
    for server_id, host, _status in affected:
        share_rpc().delete_share_server(context, host, server_id)


def force_delete_subnet(context, network, subnet_id):
    """2.100: delete even a used subnet but the last one; its servers stay
    and their share managers unplug them from it."""
    rpc.BROKER.check()
    affected = network_db.subnet_destroy(context.elevated(), network.id,
                                         subnet_id, force=True)
    for host in sorted({host for _id, host, _status in affected}):
        share_rpc().delete_share_network_subnet(context, host, network.id,
                                                subnet_id)
    LOG.info('Subnet %s of share network %s force-deleted by %s; %d share '
             'server(s) to unplug', subnet_id, network.id, context.user_id,
             len(affected))


def _check_key(subnet_id):
    return 'subnet_delete_check:%s' % hashlib.sha256(
        subnet_id.encode()).hexdigest()[:16]


def delete_check(context, network, subnet_id, reset_operation):
    """The cached check result, or (``reset_operation``, or none cached)
    a new asynchronous check by the share managers of the subnet's
    servers; ``compatible`` stays null until they have all answered."""
    network_db.subnet_get(context, network.id, subnet_id)
    admin = context.elevated()
    hosts = network_db.subnet_hosts(admin, network.id, subnet_id)
    key = _check_key(subnet_id)
    return _check(context, admin, network, key, hosts, reset_operation,
                  lambda host: share_rpc().check_delete_share_network_subnet(
                      context, host, network.id, subnet_id, key))


def create_check(context, network, zone, reset_operation):
    """Whether the servers of ``network`` (of ``zone``) can be plugged
    into a new subnet there (2.70), cached like the delete check."""
    check_zone(context, zone)
    admin = context.elevated()
    hosts = sorted({s.host for s in server_db.get_all(
        admin, {'share_network_id': network.id})
        if s.status == states.ACTIVE and _serves_zone(admin, s, zone)})
    key = 'subnet_create_check:%s' % (zone or '')
    return _check(context, admin, network, key, hosts, reset_operation,
                  lambda host: share_rpc().check_add_share_network_subnet(
                      context, host, network.id, zone, key))


def _check(context, admin, network, key, hosts, reset_operation, ask):
    """The check cached under ``key``, or a new one: ``ask(host)`` casts
    it to each host, whose answers fill ``hosts_check_result``."""
    cached = network_db.get_check(context, network.id, key)
    if cached is not None and not reset_operation:
        return _public(cached)
    check = {'compatible': None if hosts else True,
             'hosts_check_result': {}, 'expected_hosts': hosts}
    network_db.set_check(admin, network.id, key, check)
    for host in hosts:
        ask(host)
    return _public(check)


def _serves_zone(context, server, zone):
    if not zone:
        return True
    for subnet_id in server.share_network_subnet_ids:
        subnet = network_db.subnet_get_by_id(context, subnet_id)
        if subnet is not None and subnet.availability_zone in (None, zone):
            return True
    return False


def _public(check):
    return {'compatible': check.get('compatible'),
            'hosts_check_result': dict(check.get('hosts_check_result')
                                       or {})}
