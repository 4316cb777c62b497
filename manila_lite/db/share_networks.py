"""Queries on share networks, their subnets, subnet metadata and the
security services associated with them.

A share network holds the ``share_networks`` quota of its project from
the transaction that inserts it to the one that deletes it.
"""

from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import project_scope
from manila_lite.db import quotas
from manila_lite.db import resource_metadata
from manila_lite import exception
from manila_lite import states

Network = models.ShareNetwork
Subnet = models.ShareNetworkSubnet
Mapping = models.ShareServerSubnetMapping
Server = models.ShareServer

SORT_KEYS = {'created_at': Network.created_at, 'id': Network.id,
             'name': Network.name, 'updated_at': Network.updated_at,
             'project_id': Network.project_id}
# Network columns the list filters match exactly.
NETWORK_FILTERS = ('name', 'description', 'id', 'status', 'user_id')
# Subnet columns the list filters of networks match (any subnet).
SUBNET_FILTERS = ('neutron_net_id', 'neutron_subnet_id', 'network_type',
                  'segmentation_id', 'cidr', 'ip_version', 'gateway', 'mtu',
                  'availability_zone')


@db_api.retry_on_deadlock
def create(context, values, subnet_values):
    """A network with its default subnet, and its quota charge."""
    network = Network(status=states.ACTIVE, **values)
    network.subnets = [Subnet(**subnet_values)]
    with db_api.writer.using(context) as session:
        quotas.consume(session, network.project_id, network.user_id, None,
                       {'share_networks': 1})
        session.add(network)
    return get(context, network.id)


def _visible(query, context):
    if not context.is_admin:
        query = query.where(Network.project_id == context.project_id)
    return query


def get(context, network_id):
    """One network the caller may see, or 404."""
    with db_api.reader.using(context) as session:
        network = session.scalars(_visible(
            sa.select(Network).where(Network.id == network_id),
            context)).first()
        if network is None:
            raise exception.ShareNetworkNotFound(share_network_id=network_id)
        return network


def get_all(context, filters, sort_key='created_at', sort_dir='desc',
            limit=None, offset=None):
    with db_api.reader.using(context) as session:
        query = sa.select(Network)
        query = project_scope.scoped(query, context, filters,
                                     Network.project_id)
        for key in NETWORK_FILTERS:
            if key in filters:
                query = query.where(getattr(Network, key) == filters[key])
        for key in ('name', 'description'):
            if key + '~' in filters:
                query = query.where(getattr(Network, key).ilike(
                    '%' + filters[key + '~'] + '%'))
        if 'created_since' in filters:
            query = query.where(Network.created_at >= filters['created_since'])
        if 'created_before' in filters:
            query = query.where(
                Network.created_at <= filters['created_before'])
        subnet_conds = [getattr(Subnet, key) == filters[key]
                        for key in SUBNET_FILTERS if key in filters]
        if subnet_conds:
            query = query.where(sa.exists().where(
                Subnet.share_network_id == Network.id, *subnet_conds))
        if 'security_service_id' in filters:
            link = models.ShareNetworkSecurityService
            query = query.where(sa.exists().where(
                link.share_network_id == Network.id,
                link.security_service_id == filters['security_service_id']))
        column = SORT_KEYS[sort_key]
        query = query.order_by(
            column.desc() if sort_dir == 'desc' else column.asc(),
            Network.id.asc())
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return session.scalars(query).all()


@db_api.retry_on_deadlock
def update(context, network_id, values, default_subnet_values=None):
    with db_api.writer.using(context) as session:
        network = session.get(Network, network_id)
        if network is None:
            raise exception.ShareNetworkNotFound(share_network_id=network_id)
        for key, value in values.items():
            setattr(network, key, value)
        if default_subnet_values:
            default = next((s for s in network.subnets if s.is_default),
                           None)
            if default is None:
                raise exception.InvalidInput(
                    reason='Share network %s has no default subnet to '
                           'update.' % network_id)
            for key, value in default_subnet_values.items():
                setattr(default, key, value)
        network.updated_at = timeutils.utcnow()
    return get(context, network_id)


def in_use(session, network_id):
    """Why a network cannot go, or None."""
    shares = session.scalar(sa.select(sa.func.count()).where(
        models.ShareInstance.share_network_id == network_id))
    if shares:
        return '%d share(s)' % shares
    servers = session.scalar(sa.select(sa.func.count()).where(
        Server.share_network_id == network_id))
    if servers:
        return '%d share server(s)' % servers
    return None


def in_use_by(context, network_id):
    """What uses a network (shares, servers), or None."""
    with db_api.reader.using(context) as session:
        return in_use(session, network_id)


@db_api.retry_on_deadlock
def destroy(context, network_id):
    """Delete an unused network of at most one subnet and give its quota
    back, at once; 409 otherwise."""
    with db_api.writer.using(context) as session:
        network = session.scalars(sa.select(Network).where(
            Network.id == network_id).with_for_update()).first()
        if network is None:
            raise exception.ShareNetworkNotFound(share_network_id=network_id)
        reason = in_use(session, network_id)
        if reason:
            raise exception.ShareNetworkInUse(
                reason='Share network %s is in use by %s and cannot be '
                       'deleted.' % (network_id, reason))
        # As Manila: the subnets beyond one are deleted one by one first,
        # each delete checking what uses it.
        subnets = session.scalar(sa.select(sa.func.count()).where(
            Subnet.share_network_id == network_id))
        if subnets > 1:
            raise exception.ShareNetworkInUse(
                reason='Share network %s has %d subnets; delete all but '
                       'one before deleting the network.'
                       % (network_id, subnets))
        quotas.consume(session, network.project_id, network.user_id, None,
                       {'share_networks': -1})
        session.delete(network)


# -- asynchronous check results --------------------------------------------

def get_check(context, network_id, key):
    network = get(context.elevated(), network_id)
    data = jsonutils.loads(network.async_operation_data or '{}')
    return data.get(key)


@db_api.retry_on_deadlock
def set_check(context, network_id, key, value=None, host=None,
              host_result=None):
    """Store a check result, or one host's part of it.

    With ``host``, the host's answer is recorded and the check becomes
    compatible once every expected host has answered True.
    """
    with db_api.writer.using(context) as session:
        network = session.scalars(sa.select(Network).where(
            Network.id == network_id).with_for_update()).first()
        if network is None:
            return None
        data = jsonutils.loads(network.async_operation_data or '{}')
        if host is None:
            data[key] = value
        else:
            check = data.setdefault(key, {'compatible': None,
                                          'hosts_check_result': {},
                                          'expected_hosts': [host]})
            check['hosts_check_result'][host] = host_result
            answers = check['hosts_check_result']
            if not host_result:
                check['compatible'] = False
            elif all(answers.get(h) for h in check['expected_hosts']):
                check['compatible'] = True
        network.async_operation_data = jsonutils.dumps(data)
        return data.get(key)


# -- subnets ------------------------------------------------------------------

@db_api.retry_on_deadlock
def subnet_create(context, network_id, values, metadata=None):
    subnet = Subnet(share_network_id=network_id, **values)
    subnet.subnet_metadata = [
        models.ShareNetworkSubnetMetadata(key=k, value=v)
        for k, v in (metadata or {}).items()]
    with db_api.writer.using(context) as session:
        if session.get(Network, network_id) is None:
            raise exception.ShareNetworkNotFound(share_network_id=network_id)
        session.add(subnet)
    return subnet_get(context, network_id, subnet.id)


def subnet_get(context, network_id, subnet_id):
    with db_api.reader.using(context) as session:
        return _subnet_of(session, network_id, subnet_id)


def _subnet_of(session, network_id, subnet_id):
    """The subnet of that network; 404 for another network's."""
    subnet = session.scalars(sa.select(Subnet).where(
        Subnet.id == subnet_id,
        Subnet.share_network_id == network_id)).first()
    if subnet is None:
        raise exception.ShareNetworkSubnetNotFound(
            share_network_subnet_id=subnet_id)
    return subnet


def subnet_get_by_id(context, subnet_id):
    with db_api.reader.using(context) as session:
        return session.get(Subnet, subnet_id)


def subnets_for_zone(context, network_id, zone):
    """Subnets of ``zone``, else the default ones (zone null)."""
    with db_api.reader.using(context) as session:
        subnets = session.scalars(sa.select(Subnet).where(
            Subnet.share_network_id == network_id)
            .order_by(Subnet.created_at, Subnet.id)).all()
    zoned = [s for s in subnets if zone and s.availability_zone == zone]
    return zoned or [s for s in subnets if s.is_default]


@db_api.retry_on_deadlock
def subnet_update(context, subnet_id, values):
    with db_api.writer.using(context) as session:
        session.execute(sa.update(Subnet).where(Subnet.id == subnet_id)
                        .values(updated_at=timeutils.utcnow(), **values))


def _servers_of_subnet(session, subnet_id):
    return session.scalars(
        sa.select(Server).join(Mapping, Mapping.share_server_id == Server.id)
        .where(Mapping.share_network_subnet_id == subnet_id)).all()


def _instances_on_servers(session, server_ids):
    if not server_ids:
        return 0
    return session.scalar(sa.select(sa.func.count()).where(
        models.ShareInstance.share_server_id.in_(server_ids)))


@db_api.retry_on_deadlock
def subnet_destroy(context, network_id, subnet_id, force=False):
    """Remove a subnet; the servers it leaves behind, as (id, host, status).

    Plain deletion (Manila 2.51+) refuses while shares live on a server of
    the subnet; the servers with no share go with it. ``force`` (2.100)
    skips that check but refuses to take the network's last subnet; the
    servers stay, and their share managers unplug them from the subnet.
    The network row is locked so two deletions cannot both pass the
    last-subnet check.
    """
    with db_api.writer.using(context) as session:
        network = session.scalars(sa.select(Network).where(
            Network.id == network_id).with_for_update()).first()
        if network is None:
            raise exception.ShareNetworkNotFound(share_network_id=network_id)
        subnet = _subnet_of(session, network_id, subnet_id)
        servers = _servers_of_subnet(session, subnet_id)
        if force:
            check_not_last(session, network_id, subnet_id)
        elif _instances_on_servers(session, [s.id for s in servers]):
            raise exception.ShareNetworkInUse(
                reason='Cannot delete share network subnet %s: shares use '
                       'its share servers.' % subnet_id)
        elif servers:
            # Servers holding no share go with the subnet.
            session.execute(
                sa.update(Server)
                .where(Server.id.in_([s.id for s in servers]),
                       Server.status.in_(states.sources(
                           states.SHARE_SERVER, states.DELETING)))
                .values(status=states.DELETING,
                        updated_at=timeutils.utcnow())
                .execution_options(synchronize_session='fetch'))
        affected = [(s.id, s.host, s.status) for s in servers]
        session.delete(subnet)
        return affected


def check_not_last(session, network_id, subnet_id):
    count = session.scalar(sa.select(sa.func.count()).where(
        Subnet.share_network_id == network_id))
    if count <= 1:
        raise exception.ShareNetworkInUse(
            reason='Share network subnet %s is the last subnet of share '
                   'network %s; a share network cannot be left without a '
                   'subnet.' % (subnet_id, network_id))


def subnet_hosts(context, network_id, subnet_id):
    """Hosts of the share servers on a subnet, after the last-subnet
    check the delete check answers 409 to."""
    with db_api.reader.using(context) as session:
        check_not_last(session, network_id, subnet_id)
        return sorted({s.host for s in _servers_of_subnet(session,
                                                          subnet_id)})


# -- subnet metadata (2.78+) --------------------------------------------------

_SUBNET_METADATA = resource_metadata.MetadataTable(
    models.ShareNetworkSubnetMetadata, 'share_network_subnet_id',
    missing='Metadata item %(key)s was not found.')


def subnet_metadata_set(context, subnet_id, items, replace=False):
    _SUBNET_METADATA.update(context, subnet_id, items, replace=replace)


subnet_metadata_delete = _SUBNET_METADATA.delete_item


# -- security services ------------------------------------------------------

@db_api.retry_on_deadlock
def add_security_service(context, network_id, service):
    link = models.ShareNetworkSecurityService
    with db_api.writer.using(context) as session:
        network = session.scalars(sa.select(Network).where(
            Network.id == network_id).with_for_update()).first()
        same = [s for s in network.security_services if s.id == service.id]
        if same:
            raise exception.InvalidSecurityService(
                reason='Security service %s is already associated with '
                       'share network %s.' % (service.id, network_id))
        if any(s.type == service.type for s in network.security_services):
            raise exception.InvalidSecurityService(
                reason='Share network %s already has a security service of '
                       'type %s.' % (network_id, service.type))
        session.add(link(share_network_id=network_id,
                         security_service_id=service.id))


@db_api.retry_on_deadlock
def remove_security_service(context, network_id, service_id):
    link = models.ShareNetworkSecurityService
    with db_api.writer.using(context) as session:
        removed = session.execute(sa.delete(link).where(
            link.share_network_id == network_id,
            link.security_service_id == service_id)).rowcount
    if not removed:
        raise exception.InvalidInput(
            reason='Security service %s is not associated with share '
                   'network %s.' % (service_id, network_id))


# -- changes of in-use networks (network_change) ----------------------------

PENDING_KEY = 'pending_change'
_BUSY_SERVER = (states.CREATING, states.DELETING, states.NETWORK_CHANGE)


def _start_change(session, network, pending):
    """Move the network and its active servers to ``network_change`` and
    remember what the share managers are to do (a restarted manager
    reads it back); the hosts to cast to. Nothing moves, and no host is
    returned, when the network has no active server."""
    servers = session.scalars(sa.select(Server).where(
        Server.share_network_id == network.id)).all()
    busy = [s.id for s in servers if s.status in _BUSY_SERVER]
    if busy:
        raise exception.InvalidInput(
            reason='Share network %s has share servers being created, '
                   'deleted or changed (%s); try again later.'
                   % (network.id, ', '.join(busy)))
    active = [s for s in servers if s.status == states.ACTIVE]
    if not active:
        return []
    states.check(states.SHARE_NETWORK, 'Share network', network.id,
                 network.status, states.NETWORK_CHANGE)
    now = timeutils.utcnow()
    session.execute(
        sa.update(Server).where(
            Server.id.in_([s.id for s in active]),
            Server.status.in_(states.sources(states.SHARE_SERVER,
                                             states.NETWORK_CHANGE)))
        .values(status=states.NETWORK_CHANGE, updated_at=now)
        .execution_options(synchronize_session=False))
    data = jsonutils.loads(network.async_operation_data or '{}')
    data[PENDING_KEY] = pending
    network.async_operation_data = jsonutils.dumps(data)
    network.status = states.NETWORK_CHANGE
    network.updated_at = now
    return sorted({s.host for s in active})


def _lock(session, network_id):
    network = session.scalars(sa.select(Network).where(
        Network.id == network_id).with_for_update()).first()
    if network is None:
        raise exception.ShareNetworkNotFound(share_network_id=network_id)
    return network


def require_active(network):
    if network.status != states.ACTIVE:
        raise exception.InvalidInput(
            reason='Share network %s is %s; it must be active for this '
                   'change.' % (network.id, network.status))


@db_api.retry_on_deadlock
def change_security_service(context, network_id, new_service,
                            current_service_id=None, drop_keys=()):
    """Associate ``new_service`` (in place of ``current_service_id``) and,
    when share servers use the network, start their update; the hosts to
    cast to. One transaction, so a failure changes nothing."""
    link = models.ShareNetworkSecurityService
    with db_api.writer.using(context) as session:
        network = _lock(session, network_id)
        require_active(network)
        if current_service_id:
            session.execute(sa.delete(link).where(
                link.share_network_id == network_id,
                link.security_service_id == current_service_id))
        session.add(link(share_network_id=network_id,
                         security_service_id=new_service.id))
        data = jsonutils.loads(network.async_operation_data or '{}')
        if any(key in data for key in drop_keys):
            # Written only when it changes: a plain association leaves
            # the network row (and its updated_at) alone, as in Manila.
            for key in drop_keys:
                data.pop(key, None)
            network.async_operation_data = jsonutils.dumps(data)
        return _start_change(session, network, {
            'operation': 'security_service',
            'new_security_service_id': new_service.id,
            'current_security_service_id': current_service_id})


@db_api.retry_on_deadlock
def subnet_create_and_plug(context, network_id, values, metadata=None):
    """A new subnet (2.70) that the network's active share servers are to
    be plugged into: (subnet, hosts to cast to), in one transaction."""
    subnet = Subnet(share_network_id=network_id, **values)
    subnet.subnet_metadata = [
        models.ShareNetworkSubnetMetadata(key=k, value=v)
        for k, v in (metadata or {}).items()]
    with db_api.writer.using(context) as session:
        network = _lock(session, network_id)
        require_active(network)
        session.add(subnet)
        session.flush()
        hosts = _start_change(session, network, {
            'operation': 'add_subnet', 'share_network_subnet_id': subnet.id})
    return subnet_get(context, network_id, subnet.id), hosts


def pending_change(context, network_id):
    with db_api.reader.using(context) as session:
        network = session.get(Network, network_id)
        if network is None:
            return None
        return jsonutils.loads(
            network.async_operation_data or '{}').get(PENDING_KEY)


@db_api.retry_on_deadlock
def finish_change(context, network_id):
    """Once no server of the network is changing any more, the network
    goes back to ``active`` (``error`` if a server failed); the new
    status, or None while servers are still at work."""
    with db_api.writer.using(context) as session:
        network = session.scalars(sa.select(Network).where(
            Network.id == network_id).with_for_update()).first()
        if network is None or network.status != states.NETWORK_CHANGE:
            return None
        statuses = set(session.scalars(sa.select(Server.status).where(
            Server.share_network_id == network_id)).all())
        if states.NETWORK_CHANGE in statuses:
            return None
        target = states.ERROR if states.ERROR in statuses else states.ACTIVE
        states.check(states.SHARE_NETWORK, 'Share network', network_id,
                     network.status, target)
        data = jsonutils.loads(network.async_operation_data or '{}')
        data.pop(PENDING_KEY, None)
        network.async_operation_data = jsonutils.dumps(data)
        network.status = target
        network.updated_at = timeutils.utcnow()
        return target


def security_update_support(context, network_ids):
    """{network id: whether every share server of it can change security
    services in place} (True for a network without servers), in one
    query."""
    result = {network_id: True for network_id in network_ids}
    if not network_ids:
        return result
    with db_api.reader.using(context) as session:
        unable = session.scalars(
            sa.select(Server.share_network_id).distinct().where(
                Server.share_network_id.in_(list(network_ids)),
                ~Server.security_service_update_support)).all()
    for network_id in unable:
        result[network_id] = False
    return result
