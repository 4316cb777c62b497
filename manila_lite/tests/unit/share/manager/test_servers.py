"""Share servers in the share manager, on the fake driver with
driver_handles_share_servers=True and the standalone network plugin."""

import pytest

from manila_lite import conf
from manila_lite.conf import backend as backend_conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import messages as message_db
from manila_lite.db import security_services as security_db
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import messages
from manila_lite.network import standalone
from manila_lite.share import manager as share_manager
from manila_lite.share.manager import servers as server_part
from manila_lite import states
from manila_lite.tests.unit.share.helpers import NoScheduler
from manila_lite.tests.unit.share.helpers import PROJECT

CONF = conf.CONF
BACKEND = 'unitdhss'


@pytest.fixture
def manager(ctx, monkeypatch):
    monkeypatch.setattr(share_manager.scheduler_rpcapi, 'SchedulerAPI',
                        NoScheduler)
    backend_conf.register_backend(
        CONF, BACKEND,
        standalone.standalone_network_opts + server_part.server_opts)
    overrides = {'driver_handles_share_servers': True,
                 'standalone_network_plugin_cidr': '10.9.0.0/29',
                 'delete_share_server_with_last_share': False}
    for name, value in overrides.items():
        CONF.set_override(name, value, group=BACKEND)
    manager = share_manager.ShareManager(BACKEND)
    manager.driver.do_setup(ctx)
    yield manager
    for name in overrides:
        CONF.clear_override(name, group=BACKEND)


@pytest.fixture
def network(ctx):
    return network_db.create(ctx, {'project_id': PROJECT, 'name': 'n'},
                             {'availability_zone': None})


@pytest.fixture
def make_share(ctx, manager):
    share_type = type_db.create(ctx, 'dhss', {
        'driver_handles_share_servers': 'True'})

    def make(network_id, name='s', status=states.AVAILABLE):
        share = share_db.create(
            ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
                  'share_proto': 'NFS', 'display_name': name},
            {'status': states.CREATING, 'host': manager.host + '#pool0',
             'share_type_id': share_type.id,
             'share_network_id': network_id})
        manager.shares.create_share_instance(ctx, share.instance.id)
        share = share_db.get(ctx, share.id)
        assert share.status == status
        return share
    return make


def test_server_made_on_demand_and_reused(ctx, manager, network,
                                          make_share):
    first = make_share(network.id)
    second = make_share(network.id, name='t')
    assert first.share_server_id and \
        first.share_server_id == second.share_server_id
    server = server_db.get(ctx, first.share_server_id)
    assert server.status == states.ACTIVE
    (allocation,) = server_db.allocations(ctx, server.id)
    assert allocation.ip_address == '10.9.0.2'
    assert allocation.share_network_subnet_id == network.subnets[0].id
    details = manager.driver.fake_get_server(server.id)
    assert details['interfaces'] == ['10.9.0.2']
    # The share's exports use the server's address.
    assert '10.9.0.2' in first.export_locations[0].path


def test_setup_failure_gives_error_and_message(ctx, manager, network,
                                               make_share):
    CONF.set_override('fake_fail_operations', ['setup_server'],
                      group=BACKEND)
    try:
        share = make_share(network.id, status=states.ERROR)
    finally:
        CONF.clear_override('fake_fail_operations', group=BACKEND)
    found = message_db.get_all(ctx, {'all_tenants': True,
                                     'resource_id': share.id})
    assert [(m.action_id, m.detail_id) for m in found] == [
        (messages.ACTION_CREATE, messages.SHARE_SERVER_SETUP_FAILED)]
    (server,) = server_db.get_all(ctx)
    assert server.status == states.ERROR
    assert server_db.allocations(ctx, server.id) == []


def test_addresses_run_out(ctx, manager, make_share):
    # A /29 has 6 hosts, the gateway takes one: five networks fit.
    for index in range(5):
        net = network_db.create(ctx, {'project_id': PROJECT},
                                {'availability_zone': None})
        make_share(net.id, name='s%d' % index)
    net = network_db.create(ctx, {'project_id': PROJECT},
                            {'availability_zone': None})
    make_share(net.id, name='late', status=states.ERROR)


def _plug_new_subnet(ctx, manager, network, zone=None):
    """A subnet added at 2.70: the network and its active servers are in
    network_change until the share manager has plugged them in."""
    extra, hosts = network_db.subnet_create_and_plug(
        ctx, network.id, {'availability_zone': zone})
    assert hosts == [manager.host]
    assert network_db.get(ctx, network.id).status == states.NETWORK_CHANGE
    assert {s.status for s in server_db.get_all(
        ctx, {'share_network_id': network.id})} == {states.NETWORK_CHANGE}
    manager.servers.update_share_server_network_allocations(
        ctx, network.id, extra.id)
    assert network_db.get(ctx, network.id).status == states.ACTIVE
    assert network_db.pending_change(ctx, network.id) is None
    return extra


def test_new_subnet_plugs_servers_and_force_delete_unplugs(
        ctx, manager, network, make_share):
    share = make_share(network.id)
    server_id = share.share_server_id
    default = network.subnets[0].id
    extra = _plug_new_subnet(ctx, manager, network)
    server = server_db.get(ctx, server_id)
    assert server.share_network_subnet_ids == sorted([default, extra.id])
    assert len(server_db.allocations(ctx, server_id)) == 2
    assert len(manager.driver.fake_get_server(server_id)['interfaces']) == 2

    # Force-delete the first subnet: the server and its share stay.
    network_db.subnet_destroy(ctx, network.id, default, force=True)
    manager.servers.delete_share_network_subnet(ctx, network.id, default)
    server = server_db.get(ctx, server_id)
    assert server.status == states.ACTIVE
    (left,) = server_db.allocations(ctx, server_id)
    assert left.share_network_subnet_id == extra.id
    assert manager.driver.fake_get_server(server_id)['interfaces'] == [
        left.ip_address]
    share = share_db.get(ctx, share.id)
    assert share.status == states.AVAILABLE
    # Exports moved to the address the server kept.
    assert left.ip_address in share.export_locations[0].path


def test_server_without_allocations_is_deleted(ctx, manager, network,
                                               make_share):
    share = make_share(network.id)
    server_id = share.share_server_id
    default = network.subnets[0].id
    # The subnet goes as if the network had another (the API checks that).
    network_db.subnet_create(ctx, network.id, {'availability_zone': 'az'})
    network_db.subnet_destroy(ctx, network.id, default, force=True)
    manager.servers.delete_share_network_subnet(ctx, network.id, default)
    with pytest.raises(Exception):
        server_db.get(ctx, server_id)
    assert manager.driver.fake_get_server(server_id) is None
    assert share_db.get(ctx, share.id).status == states.ERROR


def test_unplug_resumed_after_restart(ctx, manager, network, make_share):
    share = make_share(network.id)
    extra = _plug_new_subnet(ctx, manager, network)
    network_db.subnet_destroy(ctx, network.id, extra.id, force=True)
    # The cast was lost with the manager; starting again finishes it.
    manager.init_host(ctx)
    assert len(server_db.allocations(ctx, share.share_server_id)) == 1


def test_delete_check_answer(ctx, manager, network, make_share):
    share = make_share(network.id)
    extra = _plug_new_subnet(ctx, manager, network)
    network_db.set_check(ctx, network.id, 'k', {
        'compatible': None, 'hosts_check_result': {},
        'expected_hosts': [manager.host]})
    manager.servers.check_delete_share_network_subnet(
        ctx, network.id, extra.id, 'k')
    check = network_db.get_check(ctx, network.id, 'k')
    assert check['compatible'] is True
    assert check['hosts_check_result'] == {manager.host: True}
    assert share.share_server_id


def test_last_share_and_periodic_cleanup(ctx, manager, network,
                                         make_share):
    share = make_share(network.id)
    server_id = share.share_server_id
    share_db.transition(ctx, share.instance.id, states.DELETING)
    manager.shares.delete_share_instance(ctx, share.instance.id)
    # Kept: delete_share_server_with_last_share is off.
    assert server_db.get(ctx, server_id).status == states.ACTIVE
    CONF.set_override('unused_share_server_cleanup_interval', 1,
                      group=BACKEND)
    manager.servers.cleanup_unused_share_servers(ctx)
    assert server_db.get(ctx, server_id).status == states.ACTIVE
    _age(ctx, server_id, minutes=2)
    manager.servers.cleanup_unused_share_servers(ctx)
    CONF.clear_override('unused_share_server_cleanup_interval',
                        group=BACKEND)
    assert server_db.get_all(ctx) == []
    assert manager.driver.fake_get_server(server_id) is None


def test_delete_with_last_share(ctx, manager, network, make_share):
    CONF.set_override('delete_share_server_with_last_share', True,
                      group=BACKEND)
    share = make_share(network.id)
    share_db.transition(ctx, share.instance.id, states.DELETING)
    manager.shares.delete_share_instance(ctx, share.instance.id)
    assert server_db.get_all(ctx) == []


def _age(ctx, server_id, minutes):
    """The server as if last changed ``minutes`` ago."""
    import datetime

    from oslo_utils import timeutils
    import sqlalchemy as sa

    from manila_lite.db import api as db_api
    from manila_lite.db import models
    with db_api.writer.using(ctx) as session:
        session.execute(
            sa.update(models.ShareServer)
            .where(models.ShareServer.id == server_id)
            .values(updated_at=timeutils.utcnow()
                    - datetime.timedelta(minutes=minutes)))


def test_add_check_asks_the_driver(ctx, manager, network, make_share):
    make_share(network.id)
    network_db.set_check(ctx, network.id, 'k', {
        'compatible': None, 'hosts_check_result': {},
        'expected_hosts': [manager.host]})
    CONF.set_override('fake_fail_operations',
                      ['check_update_share_server_network_allocations'],
                      group=BACKEND)
    try:
        manager.servers.check_add_share_network_subnet(ctx, network.id,
                                                       None, 'k')
    finally:
        CONF.clear_override('fake_fail_operations', group=BACKEND)
    check = network_db.get_check(ctx, network.id, 'k')
    assert check['compatible'] is False


def test_driver_gets_each_instance_rules(ctx, manager, network,
                                         make_share):
    share = make_share(network.id)
    rule = access_db.create(ctx, share.id, 'ip', '10.0.0.0/24', 'rw')
    server = server_db.get(ctx, share.share_server_id)
    instances, rules = manager.servers._instances_and_rules(ctx, server)
    assert [i['id'] for i in instances] == [share.instance.id]
    assert [(r['id'], r['access_to'], r['access_level'])
            for r in rules[share.instance.id]] == [
        (rule.id, '10.0.0.0/24', 'rw')]


def _service(ctx, kind='ldap', name='dir'):
    return security_db.create(ctx, {'project_id': PROJECT, 'type': kind,
                                    'name': name})


def test_server_records_backend_support(ctx, manager, network, make_share):
    share = make_share(network.id)
    server = server_db.get(ctx, share.share_server_id)
    assert server.security_service_update_support is True
    assert network_db.security_update_support(ctx, [network.id]) == {
        network.id: True}


def test_security_service_check_and_update(ctx, manager, network,
                                           make_share):
    share = make_share(network.id)
    old, new = _service(ctx, name='old'), _service(ctx, name='new')
    network_db.add_security_service(ctx, network.id, old)
    network_db.set_check(ctx, network.id, 'k', {
        'compatible': None, 'hosts_check_result': {},
        'expected_hosts': [manager.host]})
    manager.servers.check_update_share_network_security_service(
        ctx, network.id, new.id, old.id, 'k')
    assert network_db.get_check(ctx, network.id, 'k')[
        'compatible'] is True

    hosts = network_db.change_security_service(ctx, network.id, new, old.id)
    assert hosts == [manager.host]
    assert network_db.get(ctx, network.id).status == states.NETWORK_CHANGE
    manager.servers.update_share_network_security_service(ctx, network.id)
    server = server_db.get(ctx, share.share_server_id)
    assert server.status == states.ACTIVE
    assert network_db.get(ctx, network.id).status == states.ACTIVE
    assert [s.id for s in network_db.get(
        ctx, network.id).security_services] == [new.id]
    assert manager.driver.fake_get_server(server.id)[
        'security_service_ldap'] == new.id
    assert server_db.details(server)['security_service_ldap'] == new.id


def test_security_service_update_failure_marks_error(ctx, manager, network,
                                                     make_share):
    share = make_share(network.id)
    network_db.change_security_service(ctx, network.id, _service(ctx))
    CONF.set_override('fake_fail_operations',
                      ['update_share_server_security_service'],
                      group=BACKEND)
    try:
        manager.servers.update_share_network_security_service(ctx, network.id)
    finally:
        CONF.clear_override('fake_fail_operations', group=BACKEND)
    assert server_db.get(ctx, share.share_server_id).status == states.ERROR
    assert network_db.get(ctx, network.id).status == states.ERROR


def test_check_says_no_without_backend_support(ctx, manager, network,
                                               make_share):
    make_share(network.id)
    network_db.set_check(ctx, network.id, 'k', {
        'compatible': None, 'hosts_check_result': {},
        'expected_hosts': [manager.host]})
    CONF.set_override('fake_security_service_update_support', False,
                      group=BACKEND)
    try:
        manager.servers.check_update_share_network_security_service(
            ctx, network.id, _service(ctx).id, None, 'k')
    finally:
        CONF.clear_override('fake_security_service_update_support',
                            group=BACKEND)
    check = network_db.get_check(ctx, network.id, 'k')
    assert check['compatible'] is False
    assert check['hosts_check_result'] == {manager.host: False}


def test_network_change_resumed_after_restart(ctx, manager, network,
                                              make_share):
    share = make_share(network.id)
    service = _service(ctx)
    network_db.change_security_service(ctx, network.id, service)
    # The cast was lost with the manager; starting again finishes it.
    manager.init_host(ctx)
    assert server_db.get(ctx, share.share_server_id).status == \
        states.ACTIVE
    assert network_db.get(ctx, network.id).status == states.ACTIVE
    assert manager.driver.fake_get_server(share.share_server_id)[
        'security_service_ldap'] == service.id


def test_subnet_plug_failure_marks_error(ctx, manager, network, make_share):
    share = make_share(network.id)
    extra, _hosts = network_db.subnet_create_and_plug(
        ctx, network.id, {'availability_zone': None})
    CONF.set_override('fake_fail_operations',
                      ['update_share_server_network_allocations'],
                      group=BACKEND)
    try:
        manager.servers.update_share_server_network_allocations(
            ctx, network.id, extra.id)
    finally:
        CONF.clear_override('fake_fail_operations', group=BACKEND)
    server = server_db.get(ctx, share.share_server_id)
    assert server.status == states.ERROR
    assert extra.id not in server.share_network_subnet_ids
    assert len(server_db.allocations(ctx, server.id)) == 1
    assert network_db.get(ctx, network.id).status == states.ERROR
    # An errored network takes no further change.
    with pytest.raises(exception.InvalidInput):
        network_db.subnet_create_and_plug(ctx, network.id,
                                          {'availability_zone': None})


def test_share_from_snapshot_lands_on_the_snapshot_server(
        ctx, manager, network, make_share):
    make_share(network.id, name='first')       # the network's first server
    source = _share_row(ctx, manager, network.id, 'source')
    second = manager.servers._create_server(
        ctx, network, network.subnets,
        share_db.instance_get(ctx, source.instance.id))
    server_db.set_instance_server(ctx, source.instance.id, second.id)
    manager.shares.create_share_instance(ctx, source.instance.id)
    snap = snapshot_db.create(
        ctx, share_db.get(ctx, source.id),
        dict(project_id=PROJECT, user_id='u1', size=1, share_size=1,
             share_proto='NFS'), dict(status=states.CREATING))
    manager.snapshots.create_snapshot(ctx, snap.id)
    copy = _share_row(ctx, manager, network.id, 'copy', snapshot_id=snap.id)
    manager.shares.create_share_instance(ctx, copy.instance.id)
    copy = share_db.get(ctx, copy.id)
    assert copy.status == states.AVAILABLE
    assert copy.share_server_id == second.id

    # On another share network the copy gets a server of its own.
    other = network_db.create(ctx, {'project_id': PROJECT},
                              {'availability_zone': None})
    apart = _share_row(ctx, manager, other.id, 'apart', snapshot_id=snap.id)
    manager.shares.create_share_instance(ctx, apart.instance.id)
    apart = share_db.get(ctx, apart.id)
    assert apart.status == states.AVAILABLE
    assert apart.share_server_id not in (second.id, None)
    assert server_db.get(ctx, apart.share_server_id).share_network_id == \
        other.id


def _share_row(ctx, manager, network_id, name, snapshot_id=None):
    share_type = type_db.get_by_name(ctx, 'dhss')
    return share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
              'share_proto': 'NFS', 'display_name': name,
              'snapshot_id': snapshot_id},
        {'status': states.CREATING, 'host': manager.host + '#pool0',
         'share_type_id': share_type.id, 'share_network_id': network_id})
