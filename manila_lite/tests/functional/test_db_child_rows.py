"""Child rows go with their parent on SQLite, MariaDB and PostgreSQL.

Metadata, extra specs, mappings and instances are deleted through the
db modules as the API and the share service delete them; nothing may be
left behind, and no statement may set a NOT NULL foreign key to NULL
(the ORM does so for loaded children a relationship does not cascade
to, which all three databases refuse: a snapshot with metadata then
stayed ``deleting`` forever). An access rule is read with its
per-instance states in one statement, so a read racing the share
manager never pairs the rule row from before its commit with the states
from after it.

Each test runs on a fresh database of its own, the db modules' engine
facade pointed at it for the test's length.
"""

import threading

from oslo_db.sqlalchemy import enginefacade
import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import deferred_deletion
from manila_lite.db import migration
from manila_lite.db import models
from manila_lite.db import resource_metadata
from manila_lite.db import security_services as security_db
from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.devtools import infra
from manila_lite import exception
from manila_lite import states
from manila_lite.tests.functional import services

CONF = conf.CONF
PROJECT = 'p1'
HOST = 'host1@backend1#pool0'
SERVERS = {'mysql': services.require_mysql,
           'postgres': services.require_postgres}


@pytest.fixture(params=['sqlite'] + sorted(SERVERS))
def database_url(request, tmp_path):
    if request.param == 'sqlite':
        yield 'sqlite:///%s' % (tmp_path / 'manila.sqlite')
        return
    with infra.throwaway_database(SERVERS[request.param]()) as url:
        yield url


@pytest.fixture
def ctx(database_url, monkeypatch):
    """An admin context whose db calls go to the test's database, on an
    engine tuned as the services tune theirs."""
    before = CONF.database.connection
    CONF.set_override('connection', database_url, group='database')
    monkeypatch.setattr(db_api, '_facade', enginefacade.transaction_context())
    try:
        db_api.configure()
        migration.db_sync(engine=db_api.get_engine())
        yield ml_context.get_admin_context()
        db_api.get_engine().dispose()
    finally:
        CONF.set_override('connection', before, group='database')


def _count(model, **where):
    with db_api.get_engine().connect() as connection:
        return connection.scalar(
            sa.select(sa.func.count()).select_from(model).where(
                *(getattr(model, k) == v for k, v in where.items())))


@pytest.fixture
def share_type(ctx):
    return type_db.create(ctx, 'default',
                          {'driver_handles_share_servers': 'False'})


@pytest.fixture
def make_share(ctx, share_type):
    def make(**instance_values):
        values = {'status': states.CREATING, 'host': HOST,
                  'share_type_id': share_type.id}
        values.update(instance_values)
        share = share_db.create(
            ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
                  'share_proto': 'NFS'}, values, {'color': 'blue'})
        share_db.finish_create(ctx, share.instance.id,
                               [{'path': '10.0.0.1:/share'}])
        return share_db.get(ctx, share.id)
    return make


@pytest.fixture
def rich_share(ctx, make_share):
    """An available share with metadata, an export location with
    metadata, and an access rule with metadata."""
    share = make_share()
    location = share.instance.export_locations[0]
    resource_metadata.export_locations.update(ctx, location.id,
                                              {'speed': 'fast'})
    access_db.create(ctx, share.id, 'ip', '10.0.0.2', 'rw',
                     metadata={'owner': 'me'})
    return share_db.get(ctx, share.id)


def _assert_share_children_gone(share):
    assert _count(models.Share, id=share.id) == 0
    for model, column in (
            (models.ShareInstance, 'share_id'),
            (models.ShareMetadata, 'share_id'),
            (models.ShareAccessRule, 'share_id'),
            (models.ShareInstanceAccessRule, 'share_instance_id'),
            (models.ExportLocation, 'share_instance_id')):
        key = share.id if column == 'share_id' else share.instance.id
        assert _count(model, **{column: key}) == 0, model.__tablename__
    # Their own children (metadata of locations and rules) too.
    assert _count(models.ExportLocationMetadata) == 0
    assert _count(models.ShareAccessRuleMetadata) == 0


def _snapshot(ctx, share, metadata):
    """An available snapshot with metadata; mountable, so with an
    export location and an access rule (2.32)."""
    snapshot = snapshot_db.create(
        ctx, share, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
                     'share_size': 1, 'share_proto': 'NFS'},
        {'status': states.CREATING})
    assert snapshot_db.transition(ctx, snapshot.id, states.AVAILABLE,
                                  export_locations=['10.0.0.1:/snap'])
    resource_metadata.snapshots.update(ctx, snapshot.id, metadata)
    snapshot_access_db.create(ctx, snapshot.id, 'ip', '10.0.0.3')
    return snapshot


def _assert_snapshot_gone(snapshot_id):
    assert _count(models.ShareSnapshot, id=snapshot_id) == 0
    assert _count(models.ShareSnapshotInstance, snapshot_id=snapshot_id) == 0
    assert _count(models.ShareSnapshotMetadata, snapshot_id=snapshot_id) == 0
    for model in (models.ShareSnapshotAccessRule,
                  models.ShareSnapshotInstanceAccessRule,
                  models.ShareSnapshotInstanceExportLocation):
        assert _count(model) == 0, model.__tablename__


def test_snapshot_with_metadata_is_destroyed(ctx, make_share):
    share = make_share()
    snapshot = _snapshot(ctx, share, {'a': '1', 'b': '2'})
    assert _count(models.ShareSnapshotMetadata) == 2
    assert snapshot_db.destroy(ctx, snapshot.id) is True
    _assert_snapshot_gone(snapshot.id)
    # The share can go now that its snapshot has.
    assert share_db.destroy(ctx, share.id) is True


def test_snapshot_with_metadata_goes_in_a_deferred_deletion_batch(
        ctx, make_share):
    share = make_share()
    snapshot = _snapshot(ctx, share, {'a': '1'})
    assert deferred_deletion.start_snapshot(ctx, snapshot.id)
    removed, failed = deferred_deletion.record_snapshot_batch(
        ctx, [snapshot.instance.id], {}, {})
    assert (removed, failed) == (1, 0)
    _assert_snapshot_gone(snapshot.id)


def test_share_destroy_takes_every_child(ctx, rich_share):
    assert _count(models.ExportLocationMetadata) == 1
    assert _count(models.ShareAccessRuleMetadata) == 1
    assert share_db.destroy(ctx, rich_share.id) is True
    _assert_share_children_gone(rich_share)


def test_share_in_a_deferred_deletion_batch_takes_every_child(
        ctx, rich_share):
    """The batch deletes through the ORM: share -> instance -> export
    locations -> their metadata, all loaded."""
    assert deferred_deletion.start_share(ctx, rich_share.instance.id)
    removed, failed = deferred_deletion.record_share_batch(
        ctx, [rich_share.instance.id], {}, {})
    assert (removed, failed) == (1, 0)
    _assert_share_children_gone(rich_share)


def test_denied_rule_goes_with_its_metadata(ctx, rich_share):
    rule = access_db.get_all_for_share(ctx, rich_share.id)[0]
    mapping_ids = [m.id for m in rule.instance_mappings]
    assert access_db.queue_deny(ctx, rich_share.id, rule.id)
    assert access_db.start_sync(ctx, [rich_share.instance.id], ())
    access_db.record_sync(ctx, [{'instance_id': rich_share.instance.id,
                                 'ok': True, 'denied': mapping_ids}])
    assert _count(models.ShareAccessRule, id=rule.id) == 0
    assert _count(models.ShareInstanceAccessRule, access_id=rule.id) == 0
    assert _count(models.ShareAccessRuleMetadata, access_id=rule.id) == 0


def test_share_type_destroy_takes_specs_and_projects(ctx):
    share_type = type_db.create(
        ctx, 'private', {'driver_handles_share_servers': 'False',
                         'snapshot_support': 'True'},
        is_public=False, projects=[PROJECT, 'p2'])
    assert _count(models.ShareTypeExtraSpec,
                  share_type_id=share_type.id) == 2
    type_db.destroy(ctx, share_type.id)
    for model, where in ((models.ShareType, {'id': share_type.id}),
                         (models.ShareTypeExtraSpec,
                          {'share_type_id': share_type.id}),
                         (models.ShareTypeProject,
                          {'share_type_id': share_type.id})):
        assert _count(model, **where) == 0, model.__tablename__


def test_share_group_type_destroy_takes_specs_projects_and_mappings(
        ctx, share_type):
    other = type_db.create(ctx, 'other',
                           {'driver_handles_share_servers': 'False'})
    type_id = group_type_db.create(ctx, 'group', [share_type.id, 'other'],
                                   {'a': '1', 'b': '2'}, is_public=False)
    group_type_db.add_project(ctx, type_id, PROJECT)
    group_type_db.add_project(ctx, type_id, 'p2')
    children = (
        (models.ShareGroupTypeSpec, 2), (models.ShareGroupTypeProject, 2),
        (models.ShareGroupTypeShareTypeMapping, 2))
    for model, count in children:
        assert _count(model, share_group_type_id=type_id) == count
    # Named by a group type, the share type stays.
    with pytest.raises(exception.ShareTypeInUse):
        type_db.destroy(ctx, other.id)
    group_type_db.destroy(ctx, type_id)
    assert _count(models.ShareGroupType, id=type_id) == 0
    for model, _ in children:
        assert _count(model, share_group_type_id=type_id) == 0, (
            model.__tablename__)
    type_db.destroy(ctx, other.id)
    assert _count(models.ShareType, id=other.id) == 0


def _network(ctx):
    network = network_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'name': 'net'},
        {'neutron_net_id': 'n1', 'neutron_subnet_id': 's1'})
    subnet = network.subnets[0]
    network_db.subnet_metadata_set(ctx, subnet.id, {'zone': 'a'})
    service = security_db.create(ctx, {'project_id': PROJECT,
                                       'type': 'ldap', 'name': 'ldap'})
    network_db.add_security_service(ctx, network.id, service)
    return network, subnet, service


def test_share_network_destroy_takes_subnets_and_their_metadata(ctx):
    network, subnet, service = _network(ctx)
    network_db.destroy(ctx, network.id)
    for model, where in (
            (models.ShareNetwork, {'id': network.id}),
            (models.ShareNetworkSubnet, {'share_network_id': network.id}),
            (models.ShareNetworkSubnetMetadata,
             {'share_network_subnet_id': subnet.id}),
            (models.ShareNetworkSecurityService,
             {'share_network_id': network.id})):
        assert _count(model, **where) == 0, model.__tablename__
    # The security service itself stays, and can go now.
    assert _count(models.SecurityService, id=service.id) == 1
    security_db.destroy(ctx, service.id)
    assert _count(models.SecurityService, id=service.id) == 0


def test_subnet_destroy_takes_its_metadata(ctx):
    network, default, _service = _network(ctx)
    subnet = network_db.subnet_create(ctx, network.id,
                                      {'availability_zone': 'az2'},
                                      metadata={'x': 'y'})
    network_db.subnet_destroy(ctx, network.id, subnet.id)
    assert _count(models.ShareNetworkSubnet, id=subnet.id) == 0
    assert _count(models.ShareNetworkSubnetMetadata,
                  share_network_subnet_id=subnet.id) == 0
    # The default subnet's metadata is its own.
    assert _count(models.ShareNetworkSubnetMetadata,
                  share_network_subnet_id=default.id) == 1


def test_share_server_destroy_takes_mappings_and_allocations(ctx):
    network, subnet, _service = _network(ctx)
    server = server_db.create(ctx, {'host': HOST, 'share_network_id':
                                    network.id, 'project_id': PROJECT},
                              [subnet.id])
    server_db.add_allocations(ctx, [{
        'share_server_id': server.id, 'share_network_subnet_id': subnet.id,
        'ip_address': '10.0.0.10', 'ip_version': 4, 'label': 'user',
        'cidr': '10.0.0.0/24'}])
    server_db.destroy(ctx, server.id)
    for model in (models.ShareServerSubnetMapping, models.NetworkAllocation):
        assert _count(model, share_server_id=server.id) == 0, \
            model.__tablename__
    assert _count(models.ShareServer, id=server.id) == 0


def _read_one(ctx, share_id, access_id):
    return access_db.get(ctx, access_id)


def _read_list(ctx, share_id, access_id):
    return access_db.get_all_for_share(ctx, share_id)[0]


@pytest.mark.parametrize('database_url', sorted(SERVERS), indirect=True)
@pytest.mark.parametrize('read', [_read_one, _read_list])
def test_a_rule_read_racing_its_sync_is_never_torn(ctx, make_share, read):
    """The share manager records a cephx rule as active with its key
    right after a GET read the rule row: under READ COMMITTED (MariaDB
    as configured, PostgreSQL's default) a second statement for the
    states would see that commit and show the rule active without its
    key, which a client waiting for active then took as the key."""
    share = make_share()
    rule = access_db.create(ctx, share.id, 'cephx', 'alice', 'ro')
    access_db.start_sync(ctx, [share.instance.id], ())
    _instances, rules, _servers = access_db.load_for_sync(
        ctx, [share.instance.id])
    [(mapping_id, _rule)] = rules[share.instance.id]
    outcome = {'instance_id': share.instance.id, 'ok': True,
               'keys': {rule.id: 'key-1'}, 'active': [mapping_id]}
    recorded = []

    def record_after_the_first_read(conn, cursor, statement, *args):
        if recorded or 'FROM share_access_map' not in statement:
            return
        recorded.append(True)
        # Another thread: the reader's transaction is still open.
        worker = threading.Thread(
            target=access_db.record_sync,
            args=(ml_context.get_admin_context(), [outcome]))
        worker.start()
        worker.join()

    engine = db_api.get_engine()
    sa.event.listen(engine, 'after_cursor_execute',
                    record_after_the_first_read)
    try:
        seen = read(ctx, share.id, rule.id)
    finally:
        sa.event.remove(engine, 'after_cursor_execute',
                        record_after_the_first_read)
    assert recorded, 'the sync was recorded during the read'
    assert (access_db.rule_state(seen), seen.access_key) == (
        states.ACCESS_APPLYING, None)
    after = read(ctx, share.id, rule.id)
    assert (access_db.rule_state(after), after.access_key) == (
        states.ACCESS_ACTIVE, 'key-1')
