"""The standalone network plugin never hands out one address twice
(docs/share-networks.rst, manila_lite/network/standalone.py), however many
share servers take addresses at once, on one backend or on two backends
sharing a network.

Real threads, each making the allocations of a share server of its own
through the plugin, on SQLite, MariaDB and PostgreSQL (the fresh database
of test_db_quota_races). What makes the promise true is the unique key of
``network_allocations`` on (cidr, ip_address): the plugin reads the
addresses in use, picks free ones and inserts them, and tries again when
another server took one meanwhile. So that every thread picks while none
has inserted yet -- the interleaving the unique key is there for -- each
thread's first read of the addresses in use waits for all the others'.
The plugin tries again for as long as others take addresses, and stops
when the network is full.
"""

import ipaddress
import threading

from manila_lite import conf
from manila_lite.conf import backend as backend_conf
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite import exception
from manila_lite.network import standalone
from manila_lite.tests.functional import test_db_quota_races as quota_races

CONF = conf.CONF
# A fresh SQLite, MariaDB or PostgreSQL database the db layer points at.
any_url = quota_races.any_url
on_any = quota_races.on_any
BACKENDS = ('netrace_a', 'netrace_b')
SERVERS_PER_BACKEND = 4
PER_SERVER = 2


def _plugins(cidr):
    """One plugin per backend, both configured on the same network, as the
    share manager makes them."""
    plugins = []
    for name in BACKENDS:
        section = backend_conf.register_backend(
            CONF, name, standalone.standalone_network_opts)
        CONF.set_override('standalone_network_plugin_cidr', cidr,
                          group=name)
        plugins.append(standalone.StandaloneNetworkPlugin(section))
    return plugins


def _server(ctx, host):
    """A share server of a share network of its own, with its subnet."""
    network = network_db.create(ctx, {'project_id': 'p1'},
                                {'availability_zone': None})
    subnet = network.subnets[0]
    server = server_db.create(ctx, {'host': host,
                                    'share_network_id': network.id,
                                    'project_id': 'p1'}, [subnet.id])
    return server, subnet


def _race(ctx, monkeypatch, cidr):
    """Every server of every backend allocates PER_SERVER addresses of
    ``cidr`` at once: ({server id: addresses}, exceptions raised, the
    plugins)."""
    plugins = _plugins(cidr)
    jobs = [(plugin, _server(ctx, 'host@%s' % name))
            for plugin, name in zip(plugins, BACKENDS)
            for _number in range(SERVERS_PER_BACKEND)]
    everyone_read = threading.Barrier(len(jobs), timeout=60)
    first_reads = set()
    real_used_addresses = server_db.used_addresses

    def used_addresses(context, cidr):
        used = real_used_addresses(context, cidr)
        thread = threading.get_ident()
        if thread not in first_reads:
            first_reads.add(thread)
            everyone_read.wait()
        return used

    monkeypatch.setattr(server_db, 'used_addresses', used_addresses)
    handed_out, errors = {}, []
    start = threading.Barrier(len(jobs), timeout=60)

    def allocate(plugin, server, subnet):
        try:
            start.wait()
            handed_out[server.id] = [
                a.ip_address for a in plugin.allocate_network(
                    ctx, server.id, subnet, PER_SERVER)]
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=allocate,
                                args=(plugin, server, subnet))
               for plugin, (server, subnet) in jobs]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for name in BACKENDS:
            CONF.clear_override('standalone_network_plugin_cidr',
                                group=name)
    assert not any(thread.is_alive() for thread in threads)
    assert len(first_reads) == len(jobs)
    return handed_out, errors, plugins


def _assert_each_address_once(ctx, handed_out, cidr, gateway):
    """No address twice, in the answers or in the table; all inside the
    network, never its gateway."""
    given = [address for addresses in handed_out.values()
             for address in addresses]
    assert [len(addresses) for addresses in handed_out.values()] == [
        PER_SERVER] * len(handed_out)
    assert len(set(given)) == len(given), sorted(given)
    network = ipaddress.ip_network(cidr)
    assert all(ipaddress.ip_address(a) in network for a in given)
    assert str(gateway) not in given
    with db_api.reader.using(ctx) as session:
        rows = session.query(models.NetworkAllocation).all()
    assert sorted(row.ip_address for row in rows) == sorted(given)
    assert {row.cidr for row in rows} == {cidr}
    return given


def test_servers_allocating_at_once_never_share_an_address(on_any,
                                                           monkeypatch):
    """Room for all (29 addresses for 16): every server gets its own."""
    cidr = '10.66.0.0/27'
    handed_out, errors, plugins = _race(on_any, monkeypatch, cidr)
    assert errors == []
    assert len(handed_out) == len(BACKENDS) * SERVERS_PER_BACKEND
    _assert_each_address_once(on_any, handed_out, cidr, plugins[0].gateway)


def test_a_full_network_is_shared_out_once(on_any, monkeypatch):
    """13 addresses for 8 servers of 2: six servers get theirs, the last
    address stays free, and the other two are told the network is full."""
    cidr = '10.66.0.0/28'
    handed_out, errors, plugins = _race(on_any, monkeypatch, cidr)
    given = _assert_each_address_once(on_any, handed_out, cidr,
                                      plugins[0].gateway)
    assert len(handed_out) == 6 and len(given) == 12
    assert len(errors) == 2
    assert all(isinstance(err, exception.NetworkBadConfigurationException)
               and 'no free address left' in str(err) for err in errors)
