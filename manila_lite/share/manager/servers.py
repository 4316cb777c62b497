"""Share servers in the share manager (driver_handles_share_servers=True).

A share on a DHSS=True backend lives on a share server the manager
provides just before the driver creates the share: an active server of
the same share network and subnets on this backend that the driver finds
compatible, else a new one, whose addresses the network plugin allocates
on each subnet of the share's availability zone (or the default subnets)
before the driver's ``setup_server`` builds it.

Subnets come and go under running servers: a subnet added to a network
plugs its servers into it, a force-deleted one (2.100) unplugs them,
both through the driver's ``update_share_server_network_allocations``
(``delete=True`` to unplug). A server left with no allocation is torn
down.
"""

import collections
import threading

from oslo_config import cfg
from oslo_log import log as logging

from manila_lite import conf
from manila_lite.conf import backend as backend_conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import security_services as security_db
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.network import standalone
from manila_lite.share import driver_data
from manila_lite.share.manager import backend
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)

server_opts = [
    cfg.BoolOpt('delete_share_server_with_last_share', default=False,
                help='Tear a share server down as soon as its last share '
                     'is deleted.'),
    cfg.BoolOpt('automatic_share_server_cleanup', default=True,
                help='Periodically tear down share servers that have held '
                     'no share for unused_share_server_cleanup_interval '
                     'minutes (only servers manila-lite created).'),
    cfg.IntOpt('unused_share_server_cleanup_interval', default=10, min=1,
               max=720,
               help='Minutes a share server may stay without shares before '
                    'the periodic cleanup tears it down.'),
]

_LOCKS = collections.defaultdict(threading.Lock)
_LOCKS_GUARD = threading.Lock()


def _network_lock(network_id):
    """Serializes server choice and cleanup per share network, so two
    shares created at once share one new server."""
    with _LOCKS_GUARD:
        return _LOCKS[network_id]


def _security_services(network):
    return [{'id': s.id, 'type': s.type, 'name': s.name,
             'dns_ip': s.dns_ip, 'server': s.server, 'domain': s.domain,
             'user': s.user, 'password': s.password, 'ou': s.ou,
             'default_ad_site': s.default_ad_site}
            for s in network.security_services]


class ShareServers(backend.Part):
    """Provides, updates and tears down the share servers of one
    backend."""

    _network_plugin = None

    @property
    def network_plugin(self):
        if self._network_plugin is None:
            section = backend_conf.register_backend(
                CONF, self.backend.name,
                standalone.standalone_network_opts + server_opts)
            self._network_plugin = standalone.StandaloneNetworkPlugin(
                section)
        return self._network_plugin

    def _server_opt(self, name):
        backend_conf.register_backend(CONF, self.backend.name, server_opts)
        return CONF[self.backend.name][name]

    def _network_info(self, context, server_id, network, subnet,
                      allocations):
        first = allocations[0] if allocations else None
        return {
            'server_id': server_id,
            'share_network_id': network.id,
            'share_network_subnet_id': subnet.id,
            'availability_zone': subnet.availability_zone,
            'cidr': first and first.cidr,
            'gateway': first and first.gateway,
            'mtu': first and first.mtu,
            'ip_version': first and first.ip_version,
            'network_type': first and first.network_type,
            'segmentation_id': first and first.segmentation_id,
            'security_services': _security_services(network),
            'network_allocations': [driver_data.allocation_dict(a)
                                    for a in allocations],
            'admin_network_allocations': [],
        }

    # -- providing a server for a new share -------------------------------

    def provide_share_server_for(self, context, instance):
        """The server dict the share will live on, or None once the
        instance is marked error (with a user message) because none could
        be provided."""
        share = instance.share
        try:
            server = self.provide_share_server(
                context, instance.id, instance.share_network_id)
        except Exception as err:
            LOG.error('No share server for share instance %s: %s',
                      instance.id, err)
            share_db.transition(
                context, instance.id, states.ERROR, sources=[states.CREATING],
                message=(share.project_id, share.id, messages.ACTION_CREATE,
                         messages.SHARE_SERVER_SETUP_FAILED))
            return None
        return driver_data.server_dict(server)

    def provide_share_server(self, context, share_instance_id,
                             share_network_id, snapshot_id=None):
        """A compatible active server of the share's network on this
        backend, else a new one; recorded on the instance."""
        if not share_network_id:
            raise exception.ShareBackendException(
                msg='a share on a backend handling share servers needs a '
                    'share network')
        instance = share_db.instance_get(context, share_instance_id)
        network = network_db.get(context.elevated(), share_network_id)
        subnets = network_db.subnets_for_zone(context, share_network_id,
                                              instance.availability_zone)
        if not subnets:
            raise exception.ShareBackendException(
                msg='share network %s has no subnet for availability zone '
                    '%s and no default subnet'
                    % (share_network_id, instance.availability_zone))
        wanted = {s.id for s in subnets}
        snapshot_id = snapshot_id or instance.share.snapshot_id
        snapshot = None
        if snapshot_id:
            # The driver may keep the new share on its source's server.
            snapshot = driver_data.load_snapshot(context, snapshot_id)[1]
        with _network_lock(share_network_id):
            if instance.share_server_id:
                # A creation resumed after a restart keeps its server.
                try:
                    server = server_db.get(context, instance.share_server_id)
                except exception.ShareServerNotFound:
                    server = None
                if server is not None and server.status == states.ACTIVE:
                    return server
            candidates = {
                s.id: s for s in server_db.on_host(
                    context, self.host, [states.ACTIVE], share_network_id)
                if wanted <= set(s.share_network_subnet_ids)}
            chosen = self.driver.choose_share_server_compatible_with_share(
                context,
                [driver_data.server_dict(s) for s in candidates.values()],
                {'id': instance.id, 'share_id': instance.share_id,
                 'share_network_id': share_network_id,
                 'availability_zone': instance.availability_zone},
                snapshot=snapshot)
            if chosen:
                server = candidates[chosen['id']]
                LOG.info('Share instance %s goes on share server %s',
                         instance.id, server.id)
            else:
                server = self._create_server(context, network, subnets,
                                             instance)
            if not server_db.set_instance_server(context, instance.id,
                                                 server.id):
                raise exception.ShareBackendException(
                    msg='share server %s is going away' % server.id)
        return server

    def _create_server(self, context, network, subnets, instance):
        share = instance.share
        server = server_db.create(context, {
            'host': self.host, 'share_network_id': network.id,
            'project_id': share.project_id, 'is_auto_deletable': True,
            'security_service_update_support': bool(
                self.driver.get_share_stats().get(
                    'security_service_update_support'))},
            [s.id for s in subnets])
        LOG.info('Creating share server %s on share network %s',
                 server.id, network.id)
        count = self.driver.get_network_allocations_number()
        try:
            network_info = [
                self._network_info(
                    context, server.id, network, subnet,
                    self.network_plugin.allocate_network(
                        context, server.id, subnet, count))
                for subnet in subnets]
            # The share it is made for rides along, as in Manila.
            details = self.driver.setup_server(network_info, metadata={
                'request_host': self.host,
                'share': {'id': instance.id,
                          'share_type_id': instance.share_type_id,
                          'metadata': share.metadata_dict}})
        except Exception:
            self.network_plugin.deallocate(
                context, server_db.allocations(context, server.id))
            server_db.transition(context, server.id, states.ERROR)
            raise
        server_db.set_details(context, server.id, details,
                              identifier=(details or {}).get('name'))
        server_db.transition(context, server.id, states.ACTIVE)
        return server_db.get(context, server.id)

    def share_server_of(self, context, instance):
        """The server dict of an instance's server, or None."""
        if not instance.share_server_id:
            return None
        try:
            return driver_data.server_dict(
                server_db.get(context, instance.share_server_id))
        except exception.ShareServerNotFound:
            return None

    # -- deleting servers ----------------------------------------------------

    def delete_share_server(self, context, share_server_id):
        """RPC: tear a server down (it must hold no share) and forget it."""
        try:
            server = server_db.get(context, share_server_id)
        except exception.ShareServerNotFound:
            return
        if server.status != states.DELETING and not server_db.transition(
                context, server.id, states.DELETING):
            LOG.warning('Share server %s is %s; not deleting it',
                        server.id, server.status)
            return
        try:
            self.driver.teardown_server(server_db.details(server),
                                        security_services=[])
        except Exception as err:
            LOG.error('Driver failed to tear down share server %s: %s',
                      server.id, err)
            server_db.transition(context, server.id, states.ERROR_DELETING)
            return
        self.network_plugin.deallocate(
            context, server_db.allocations(context, server.id))
        server_db.destroy(context, server.id)
        LOG.info('Share server %s deleted', server.id)

    def after_share_deleted(self, context, share_server_id):
        """With delete_share_server_with_last_share, the server of the
        last share goes with it."""
        if not share_server_id or not self._server_opt(
                'delete_share_server_with_last_share'):
            return
        try:
            server = server_db.get(context, share_server_id)
        except exception.ShareServerNotFound:
            return
        if server_db.start_delete_if_unused(context, server.id,
                                            sources=[states.ACTIVE]):
            self.delete_share_server(context, server.id)

    def cleanup_unused_share_servers(self, context):
        """Periodic: tear down servers unused for the configured time."""
        if not self.driver.driver_handles_share_servers or not \
                self._server_opt('automatic_share_server_cleanup'):
            return
        minutes = self._server_opt('unused_share_server_cleanup_interval')
        for server in server_db.unused(context, self.host, minutes * 60):
            if not server_db.start_delete_if_unused(
                    context, server.id, sources=[states.ACTIVE]):
                continue
            LOG.info('Share server %s unused for %d minutes; deleting it',
                     server.id, minutes)
            self.delete_share_server(context, server.id)

    # -- subnets added to or removed from a network ---------------------------

    def _current_allocations(self, context, server):
        allocations = server_db.allocations(context, server.id)
        by_subnet = collections.defaultdict(list)
        for allocation in allocations:
            by_subnet[allocation.share_network_subnet_id].append(
                driver_data.allocation_dict(allocation))
        return {'admin_network_allocations': [],
                'subnets': [{'share_network_subnet_id': sid,
                             'network_allocations': allocs}
                            for sid, allocs in by_subnet.items()]}

    def _instances_and_rules(self, context, server):
        """The server's share instances and each one's access rules as
        the driver applies them (one query for all rules)."""
        instances = server_db.instances(context, server.id)
        dicts = [{'id': i.id, 'share_id': i.share_id, 'host': i.host,
                  'share_proto': i.share.share_proto} for i in instances]
        return dicts, access_db.rules_for_instances(
            context, [i.id for i in instances])

    def update_share_server_network_allocations(
            self, context, share_network_id, share_network_subnet_id,
            delete=False):
        """RPC: plug this backend's servers of a network into a new subnet,
        or unplug them from a deleted one (``delete``)."""
        if delete:
            self._remove_subnet_allocations(context, share_network_subnet_id)
            return
        self._run_pending_change(context, share_network_id)

    def _run_pending_change(self, context, share_network_id):
        """Do what the network's pending change (a subnet to plug into, a
        security service to take) asks of this backend's servers in
        ``network_change``, move each back to ``active`` (``error`` if
        the driver failed) and, the last one, the network too. Run again
        after a restart, so drivers see a change twice at most."""
        pending = network_db.pending_change(context, share_network_id) or {}
        operation = pending.get('operation')
        with _network_lock(share_network_id):
            servers = server_db.on_host(context, self.host,
                                        [states.NETWORK_CHANGE],
                                        share_network_id)
            try:
                network = network_db.get(context.elevated(),
                                         share_network_id)
            except exception.ShareNetworkNotFound:
                return
            for server in servers:
                if operation == 'add_subnet':
                    ok = self._plug_subnet(
                        context, network, server,
                        pending['share_network_subnet_id'])
                elif operation == 'security_service':
                    ok = self._update_security_service(
                        context, network, server, pending)
                else:
                    ok = True
                server_db.transition(
                    context, server.id,
                    states.ACTIVE if ok else states.ERROR,
                    sources=[states.NETWORK_CHANGE])
        status = network_db.finish_change(context, share_network_id)
        if status:
            LOG.info('Share network %s is %s again after its %s change',
                     share_network_id, status, operation)

    def _plug_subnet(self, context, network, server, subnet_id):
        subnet = network_db.subnet_get_by_id(context, subnet_id)
        if subnet is None or subnet.id in server.share_network_subnet_ids:
            return True
        zone = subnet.availability_zone
        if zone and not self._server_in_zone(context, server, zone):
            return True
        return self._plug(context, network, server, subnet,
                          self.driver.get_network_allocations_number())

    def _server_in_zone(self, context, server, zone):
        for sid in server.share_network_subnet_ids:
            subnet = network_db.subnet_get_by_id(context, sid)
            if subnet is not None and subnet.availability_zone in (None,
                                                                   zone):
                return True
        return False

    def _plug(self, context, network, server, subnet, count):
        current = self._current_allocations(context, server)
        new = self.network_plugin.allocate_network(context, server.id,
                                                   subnet, count)
        instances, rules = self._instances_and_rules(context, server)
        try:
            result = self.driver.update_share_server_network_allocations(
                context, {'id': network.id}, driver_data.server_dict(server),
                current,
                self._network_info(context, server.id, network, subnet,
                                   new),
                instances, rules,
                security_services=_security_services(network))
        except Exception as err:
            LOG.error('Driver failed to plug share server %s into subnet '
                      '%s: %s', server.id, subnet.id, err)
            self.network_plugin.deallocate(context, new)
            return False
        server_db.add_mapping(context, server.id, subnet.id)
        self._record_update(context, server, result)
        LOG.info('Share server %s plugged into subnet %s', server.id,
                 subnet.id)
        return True

    # -- security services of in-use networks (2.63) -------------------------

    def _server_network_info(self, context, server, network):
        """network_info of a running server, one entry per subnet."""
        by_subnet = collections.defaultdict(list)
        for allocation in server_db.allocations(context, server.id):
            by_subnet[allocation.share_network_subnet_id].append(allocation)
        infos = []
        for subnet_id in server.share_network_subnet_ids:
            subnet = network_db.subnet_get_by_id(context, subnet_id)
            if subnet is not None:
                infos.append(self._network_info(
                    context, server.id, network, subnet,
                    by_subnet.get(subnet_id, [])))
        return infos

    def _service_dicts(self, context, new_id, current_id):
        admin = context.elevated()
        new = security_db.get(admin, new_id)
        current = None
        if current_id:
            try:
                current = security_db.get(admin, current_id)
            except exception.SecurityServiceNotFound:
                current = None

        def as_dict(service):
            return service and {
                'id': service.id, 'type': service.type,
                'name': service.name, 'dns_ip': service.dns_ip,
                'server': service.server, 'domain': service.domain,
                'user': service.user, 'password': service.password,
                'ou': service.ou, 'default_ad_site': service.default_ad_site}
        return as_dict(new), as_dict(current)

    def _update_security_service(self, context, network, server, pending):
        try:
            new, current = self._service_dicts(
                context, pending['new_security_service_id'],
                pending.get('current_security_service_id'))
        except exception.SecurityServiceNotFound as err:
            LOG.error('Security service update of share server %s: %s',
                      server.id, err)
            return False
        instances, rules = self._instances_and_rules(context, server)
        try:
            result = self.driver.update_share_server_security_service(
                context, driver_data.server_dict(server),
                self._server_network_info(context, server, network),
                instances, rules, new, current_security_service=current)
        except Exception as err:
            LOG.error('Driver failed to update the security service of '
                      'share server %s: %s', server.id, err)
            return False
        self._record_update(context, server, result)
        LOG.info('Share server %s now uses security service %s',
                 server.id, new['id'])
        return True

    def update_share_network_security_service(self, context,
                                              share_network_id):
        """RPC: apply the network's pending security service change to
        this backend's servers of it."""
        self._run_pending_change(context, share_network_id)

    def check_update_share_network_security_service(
            self, context, share_network_id, new_security_service_id,
            current_security_service_id, key):
        """RPC: whether this backend's servers of a network can take a
        security service change; the answer joins the cached check."""
        try:
            network = network_db.get(context.elevated(), share_network_id)
            new, current = self._service_dicts(
                context, new_security_service_id,
                current_security_service_id)
        except (exception.ShareNetworkNotFound,
                exception.SecurityServiceNotFound) as err:
            LOG.warning('Security service check of share network %s: %s',
                        share_network_id, err)
            return
        self._answer_check(
            context, share_network_id, key,
            server_db.on_host(context, self.host, [states.ACTIVE],
                              share_network_id),
            lambda server, instances, rules:
                self.driver.check_update_share_server_security_service(
                    context, driver_data.server_dict(server),
                    self._server_network_info(context, server, network),
                    instances, rules, new,
                    current_security_service=current))

    def _answer_check(self, context, share_network_id, key, servers, ask):
        """Ask the driver about each server, ``ask(server, instances,
        rules)``, until one says no or fails; this backend's answer joins
        the network's cached check result."""
        ok = True
        for server in servers:
            instances, rules = self._instances_and_rules(context, server)
            try:
                ok = ok and bool(ask(server, instances, rules))
            except Exception as err:
                LOG.warning('Check of share server %s failed: %s',
                            server.id, err)
                ok = False
        network_db.set_check(context, share_network_id, key, host=self.host,
                             host_result=ok)

    def _record_update(self, context, server, result):
        result = result or {}
        if result.get('server_details'):
            server_db.set_details(context, server.id,
                                  result['server_details'])
        for instance_id, locations in (result.get('share_updates')
                                       or {}).items():
            server_db.replace_export_locations(
                context, instance_id,
                driver_data.normalize_export_locations(locations))

    def delete_share_network_subnet(self, context, share_network_id,
                                    share_network_subnet_id):
        """RPC (force delete, 2.100): unplug this backend's servers from a
        subnet that is gone; a server left with no allocation goes."""
        self._remove_subnet_allocations(context, share_network_subnet_id)

    def _remove_subnet_allocations(self, context, subnet_id,
                                   allocations=None):
        if allocations is None:
            allocations = [a for a in server_db.orphaned_allocations(
                context, self.host) if a.share_network_subnet_id == subnet_id]
        by_server = collections.defaultdict(list)
        for allocation in allocations:
            by_server[allocation.share_server_id].append(allocation)
        for server_id, gone in by_server.items():
            try:
                server = server_db.get(context, server_id)
            except exception.ShareServerNotFound:
                continue
            self._unplug(context, server, subnet_id, gone)

    def _unplug(self, context, server, subnet_id, gone):
        network_id = server.share_network_id
        with _network_lock(network_id):
            current = self._current_allocations(context, server)
            instances, rules = self._instances_and_rules(context, server)
            removed = {'share_network_subnet_id': subnet_id,
                       'network_allocations': [driver_data.allocation_dict(a)
                                               for a in gone]}
            try:
                result = \
                    self.driver.update_share_server_network_allocations(
                        context, {'id': network_id},
                        driver_data.server_dict(server), current, removed,
                        instances, rules,
                        security_services=[], delete=True)
            except Exception as err:
                LOG.error('Driver failed to unplug share server %s from '
                          'subnet %s: %s', server.id, subnet_id, err)
                server_db.transition(context, server.id, states.ERROR)
                return
            self.network_plugin.deallocate(context, gone)
            self._record_update(context, server, result)
            left = server_db.allocations(context, server.id)
        LOG.info('Share server %s unplugged from subnet %s; %d allocation(s) '
                 'left', server.id, subnet_id, len(left))
        if not left:
            for instance in server_db.instances(context, server.id):
                share_db.transition(context, instance.id, states.ERROR,
                                    sources=list(states.SHARE_INSTANCE),
                                    force=True)
            server_db.transition(context, server.id, states.DELETING,
                                 sources=list(states.SHARE_SERVER),
                                 force=True)
            self.delete_share_server(context, server.id)

    def check_delete_share_network_subnet(self, context, share_network_id,
                                          share_network_subnet_id, key):
        """RPC: whether this backend's servers can leave a subnet; the
        answer joins the network's cached check result."""
        subnet = network_db.subnet_get_by_id(context,
                                             share_network_subnet_id)
        self._answer_check(
            context, share_network_id, key,
            server_db.get_all(context, {
                'host': self.host,
                'share_network_subnet_id': share_network_subnet_id}),
            lambda server, instances, rules:
                self.driver.check_update_share_server_network_allocations(
                    context, driver_data.server_dict(server),
                    self._current_allocations(context, server),
                    subnet and {'id': subnet.id}, [], instances, rules,
                    delete=True))

    def check_add_share_network_subnet(self, context, share_network_id,
                                       availability_zone, key):
        """RPC: whether this backend's servers of a network can be plugged
        into a new subnet of ``availability_zone`` (2.70 create check)."""
        servers = (server for server in server_db.on_host(
            context, self.host, [states.ACTIVE], share_network_id)
            if not availability_zone or self._server_in_zone(
                context, server, availability_zone))
        self._answer_check(
            context, share_network_id, key, servers,
            lambda server, instances, rules:
                self.driver.check_update_share_server_network_allocations(
                    context, driver_data.server_dict(server),
                    self._current_allocations(context, server),
                    {'availability_zone': availability_zone}, [],
                    instances, rules))

    # -- restart --------------------------------------------------------------

    def recover(self, context):
        """Finish server work a previous run left: deletions, and
        unplugging from subnets force-deleted meanwhile."""
        if not self.driver.driver_handles_share_servers:
            return
        for server in server_db.on_host(context, self.host,
                                        [states.DELETING]):
            self.delete_share_server(context, server.id)
        for server in server_db.on_host(context, self.host,
                                        [states.CREATING]):
            server_db.transition(context, server.id, states.ERROR)
        for network_id in sorted({s.share_network_id for s in
                                  server_db.on_host(
                                      context, self.host,
                                      [states.NETWORK_CHANGE])}):
            self._run_pending_change(context, network_id)
        orphans = server_db.orphaned_allocations(context, self.host)
        by_subnet = collections.defaultdict(list)
        for allocation in orphans:
            by_subnet[allocation.share_network_subnet_id].append(allocation)
        for subnet_id, allocations in by_subnet.items():
            self._remove_subnet_allocations(context, subnet_id, allocations)
