"""Security services of share networks that share servers use (2.63).

A network in use can gain a service, or replace one by another of the
same type, when every share server of it runs on a backend reporting
``security_service_update_support``. The change is checked first: the
``*_check`` actions ask each server's share manager (asynchronously; the
answers are cached on the network until ``reset_operation``), and the
change itself is accepted only after a check that said compatible. It
then moves the network and its servers to ``network_change`` while the
share managers update the servers, and back to ``active`` (or ``error``).
"""

import hashlib

from oslo_log import log as logging

from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite import exception
from manila_lite.share.api import networks as network_api

LOG = logging.getLogger(__name__)


def check_key(new_id, current_id=None):
    digest = hashlib.sha256(
        ('%s:%s' % (current_id or '', new_id)).encode()).hexdigest()
    return 'security_service_check:%s' % digest[:16]


def _initial_checks(network, new, current):
    """What Manila refuses before asking any backend: a network not
    active (400); a service that does not fit the network's (409)."""
    network_db.require_active(network)
    linked = {s.id: s for s in network.security_services}
    if current is None:
        # The same service twice is also a second one of its type.
        if any(s.type == new.type for s in linked.values()):
            raise exception.InvalidSecurityService(
                reason='Share network %s already has a security service of '
                       'type %s; replace it with update_security_service.'
                       % (network.id, new.type))
        return
    if current.id not in linked:
        raise exception.InvalidSecurityService(
            reason='Security service %s is not associated with share '
                   'network %s.' % (current.id, network.id))
    if current.type != new.type:
        raise exception.InvalidSecurityService(
            reason='A security service of type %s cannot replace one of '
                   'type %s.' % (new.type, current.type))
    if new.id in linked:
        raise exception.InvalidInput(
            reason='Security service %s is already associated with share '
                   'network %s.' % (new.id, network.id))


def _servers(context, network):
    servers = server_db.get_all(context.elevated(),
                                {'share_network_id': network.id})
    unable = sorted({s.host for s in servers
                     if not s.security_service_update_support})
    if unable:
        raise exception.InvalidInput(
            reason='Share network %s is in use by share servers whose '
                   'backends cannot change security services (%s).'
                   % (network.id, ', '.join(unable)))
    return servers


def check(context, network, new, current, reset_operation):
    """The cached answer of the backends, or (``reset_operation``, or
    none cached) a new asynchronous check; ``compatible`` is null until
    every host has answered."""
    _initial_checks(network, new, current)
    hosts = sorted({s.host for s in _servers(context, network)})
    key = check_key(new.id, current and current.id)
    cached = network_db.get_check(context, network.id, key)
    if cached is not None and not reset_operation:
        return cached
    result = {'compatible': None if hosts else True,
              'hosts_check_result': {}, 'expected_hosts': hosts}
    network_db.set_check(context.elevated(), network.id, key, result)
    for host in hosts:
        network_api.share_rpc().check_update_share_network_security_service(
            context, host, network.id, new.id, current and current.id, key)
    return result


def update(context, network, new, current=None):
    """Associate ``new`` (in place of ``current``); with share servers,
    only after a check that found every backend compatible."""
    _initial_checks(network, new, current)
    servers = _servers(context, network)
    key = check_key(new.id, current and current.id)
    if servers:
        cached = network_db.get_check(context, network.id, key)
        if cached is None or cached.get('compatible') is None:
            raise exception.InvalidInput(
                reason='Share network %s is in use: run the %s check for '
                       'this security service and wait for its result '
                       'first.' % (network.id, 'update_security_service'
                                   if current else 'add_security_service'))
        if not cached['compatible']:
            raise exception.InvalidInput(
                reason='The backends of share network %s cannot take this '
                       'security service change (see the check result).'
                       % network.id)
    hosts = network_db.change_security_service(
        context.elevated(), network.id, new, current and current.id,
        drop_keys=[key])
    for host in hosts:
        network_api.share_rpc().update_share_network_security_service(
            context, host, network.id)
    LOG.info('Security service %s %s share network %s; %d host(s) update '
             'its share servers', new.id,
             'replaces %s on' % current.id if current else 'added to',
             network.id, len(hosts))
