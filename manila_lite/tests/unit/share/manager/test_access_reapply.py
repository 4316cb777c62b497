"""Reapplying access rules a batch at a time (ensure shares, restart).

The share manager and its fake driver are real; the database work is
counted with an SQLAlchemy event listener on the engine.
"""

import contextlib

import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import share_metadata as share_metadata_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import shares as share_db
from manila_lite import messages
from manila_lite.share.manager import access
from manila_lite import states

CONF = conf.CONF


@pytest.fixture(autouse=True)
def _clear():
    CONF.set_override('shares', -1, group='quota')
    CONF.set_override('gigabytes', -1, group='quota')
    yield
    CONF.clear_override('share_batch_size')
    CONF.clear_override('shares', group='quota')
    CONF.clear_override('gigabytes', group='quota')


@contextlib.contextmanager
def _statements():
    """Counts the SQL statements run while the block runs."""
    found = []

    def count(conn, cursor, statement, *args):
        found.append(statement)
    engine = db_api.get_engine()
    sa.event.listen(engine, 'before_cursor_execute', count)
    try:
        yield found
    finally:
        sa.event.remove(engine, 'before_cursor_execute', count)


def _with_rules(ctx, manager, share, count=2):
    """``count`` rules applied (active) on the share's instance."""
    rules = [access_db.create(ctx, share.id, 'ip', '10.0.%d.1' % i, 'rw')
             for i in range(count)]
    manager.access.update_access(ctx, share.instance.id)
    return [rule.id for rule in rules]


def _states(ctx, instance_id):
    return {r['id']: r['state'] for r in
            access_db.rules_for_instances(ctx, [instance_id])[instance_id]}


def _lose_rules(manager, shares):
    """The backend forgot every rule (say its exports moved)."""
    for share in shares:
        manager.driver._state['shares'][share.instance.id]['access'].clear()


def _reapply_counting(ctx, manager, make_share, count):
    shares = [make_share(1, name='r%d' % i) for i in range(count)]
    rules = {s.instance.id: _with_rules(ctx, manager, s) for s in shares}
    _lose_rules(manager, shares)
    with _statements() as found:
        manager.access.reapply_access_rules(ctx, list(rules))
    for instance_id, ids in rules.items():
        assert set(manager.driver.fake_get_access(instance_id)) == set(ids)
        assert set(_states(ctx, instance_id).values()) == {'active'}
    assert {share_db.get(ctx, s.id).access_rules_status
            for s in shares} == {states.ACCESS_ACTIVE}
    return len(found)


def test_statements_do_not_grow_with_instances(ctx, manager, make_share):
    CONF.set_override('share_batch_size', 100)
    few = _reapply_counting(ctx, manager, make_share, 5)
    many = _reapply_counting(ctx, manager, make_share, 50)
    assert many == few
    assert few <= 20


def test_batches_are_bounded_by_share_batch_size(ctx, manager, make_share):
    CONF.set_override('share_batch_size', 100)
    one_batch = _reapply_counting(ctx, manager, make_share, 6)
    CONF.set_override('share_batch_size', 2)
    three_batches = _reapply_counting(ctx, manager, make_share, 6)
    assert three_batches == 3 * one_batch


def test_one_failing_instance_does_not_spoil_the_batch(ctx, manager,
                                                       make_share):
    good = make_share(1, name='good')
    bad = make_share(1, name='bad', metadata={
        'fake_fail_operations': 'update_access'})
    good_rules = _with_rules(ctx, manager, good)
    # Rules queued on the failing share and never applied.
    access_db.create(ctx, bad.id, 'ip', '10.1.0.1', 'rw')
    _lose_rules(manager, [good])
    manager.access.reapply_access_rules(ctx,
                                        [good.instance.id, bad.instance.id])
    assert set(manager.driver.fake_get_access(good.instance.id)) == \
        set(good_rules)
    assert share_db.get(ctx, good.id).access_rules_status == 'active'
    assert share_db.get(ctx, bad.id).access_rules_status == 'error'
    assert set(_states(ctx, bad.instance.id).values()) == {'error'}
    found = message_db.get_all(ctx, {'resource_id': bad.id,
                                     'all_tenants': True})
    assert [(m.action_id, m.detail_id) for m in found] == [
        (messages.ACTION_UPDATE_ACCESS_RULES, messages.UNKNOWN_ERROR)]


def test_deny_and_allow_during_the_driver_call_are_kept(ctx, manager,
                                                        make_share):
    share = make_share(1)
    kept, denied = _with_rules(ctx, manager, share)
    original = manager.driver.update_access
    added = []

    def racing(context, share_dict, *args, **kwargs):
        result = original(context, share_dict, *args, **kwargs)
        if not added:
            # The API queues changes while the backend works.
            assert access_db.queue_deny(ctx, share.id, denied)
            added.append(access_db.create(ctx, share.id, 'ip', '10.9.0.1',
                                          'ro').id)
        return result
    manager.driver.update_access = racing
    manager.access.reapply_access_rules(ctx, [share.instance.id])
    # Queued work found on recording is carried on at once.
    assert set(manager.driver.fake_get_access(share.instance.id)) == {
        kept, added[0]}
    assert _states(ctx, share.instance.id) == {kept: 'active',
                                               added[0]: 'active'}
    assert share_db.get(ctx, share.id).access_rules_status == 'active'


def test_stale_read_falls_back_to_one_by_one(ctx, manager, make_share):
    """A rule applied by update_access after the batch read its rules is
    not dropped by the batch's recovery call built from that read."""
    first = make_share(1, name='first')
    second = make_share(1, name='second')
    while access._stripe(first.instance.id) == \
            access._stripe(second.instance.id):
        second = make_share(1, name='second')
    _with_rules(ctx, manager, first, 1)
    _with_rules(ctx, manager, second, 1)
    order = sorted([first, second], key=lambda s: s.instance.id)
    early, late = order
    original = manager.driver.update_access
    newer = []

    def meanwhile(context, share_dict, *args, **kwargs):
        result = original(context, share_dict, *args, **kwargs)
        if share_dict['id'] == early.instance.id and not newer:
            # An allow on the other share is applied at once, by the
            # normal path, before the batch reaches that share.
            newer.append(access_db.create(ctx, late.id, 'ip', '10.8.0.1',
                                          'rw').id)
            manager.access.update_access(ctx, late.instance.id)
        return result
    manager.driver.update_access = meanwhile
    manager.access.reapply_access_rules(
        ctx, [early.instance.id, late.instance.id])
    assert newer[0] in manager.driver.fake_get_access(late.instance.id)
    assert _states(ctx, late.instance.id)[newer[0]] == 'active'


def test_skipped_and_unknown_instances_are_left_alone(ctx, manager,
                                                      make_share):
    share = make_share(1)
    rules = _with_rules(ctx, manager, share)
    share_db.set_status(ctx, share.instance.id, states.DELETING)
    _lose_rules(manager, [share])
    manager.access.reapply_access_rules(ctx, [share.instance.id, 'no-such-id'])
    assert manager.driver.fake_get_access(share.instance.id) == {}
    assert set(_states(ctx, share.instance.id)) == set(rules)


def test_the_driver_gets_each_share_server(ctx, manager, make_share):
    plain = make_share(1, name='plain')
    served = make_share(1, name='served')
    server = server_db.create(ctx, {'host': manager.host, 'project_id': 'p1',
                                    'backend_details': '{"ip": "10.5.0.9"}'},
                              [])
    with db_api.writer.using(ctx) as session:
        session.execute(sa.update(models.ShareInstance)
                        .where(models.ShareInstance.id == served.instance.id)
                        .values(share_server_id=server.id))
    given = {}
    original = manager.driver.update_access

    def spy(context, share_dict, *args, share_server=None):
        given[share_dict['id']] = share_server
        return original(context, share_dict, *args,
                        share_server=share_server)
    manager.driver.update_access = spy
    manager.access.reapply_access_rules(
        ctx, [plain.instance.id, served.instance.id])
    assert given[plain.instance.id] is None
    assert given[served.instance.id]['id'] == server.id
    assert given[served.instance.id]['backend_details'] == {
        'ip': '10.5.0.9'}


def test_a_redundant_cast_leaves_a_settled_instance_untouched(ctx, manager,
                                                              make_share):
    """A second update_access for work the first already did must not
    show the share as syncing, not even for a moment."""
    share = make_share(1)
    _with_rules(ctx, manager, share)

    def instance_row():
        with db_api.reader.using(ctx) as session:
            return session.execute(
                sa.select(models.ShareInstance.access_rules_status,
                          models.ShareInstance.updated_at)
                .where(models.ShareInstance.id == share.instance.id)).one()
    before = instance_row()
    assert before.access_rules_status == states.ACCESS_ACTIVE
    manager.access.update_access(ctx, share.instance.id)
    # A flip to syncing and back would have moved updated_at.
    assert instance_row() == before


def test_a_deny_the_backend_fails_leaves_the_rule_in_error(ctx, manager,
                                                           make_share):
    """denying -> error: the rule stays, shown failed, not forgotten."""
    share = make_share(1, name='deny-fails')
    kept, denied = _with_rules(ctx, manager, share)
    share_metadata_db.update(ctx, share.id,
                             {'fake_fail_operations': 'update_access'})
    assert access_db.queue_deny(ctx, share.id, denied)
    manager.access.update_access(ctx, share.instance.id)
    assert _states(ctx, share.instance.id) == {kept: 'active',
                                               denied: 'error'}
    assert share_db.get(ctx, share.id).access_rules_status == 'error'
    # The backend still has the rule it could not remove.
    assert denied in manager.driver.fake_get_access(share.instance.id)


def test_restart_resyncs_instances_with_queued_rules_or_syncing(
        ctx, manager, make_share):
    """What a previous run left unfinished: a rule still queued, or an
    instance summary still syncing; a settled instance is not touched."""
    def summary(share, status):
        with db_api.writer.using(ctx) as session:
            session.execute(sa.update(models.ShareInstance)
                            .where(models.ShareInstance.id ==
                                   share.instance.id)
                            .values(access_rules_status=status))
    # In error, a queued rule leaves the summary alone: only the rule
    # tells.
    queued = make_share(1, name='queued')
    summary(queued, states.ACCESS_ERROR)
    access_db.create(ctx, queued.id, 'ip', '10.0.0.1', 'rw')
    syncing = make_share(1, name='syncing')
    _with_rules(ctx, manager, syncing, count=1)
    summary(syncing, states.ACCESS_SYNCING)
    settled = make_share(1, name='settled')
    _with_rules(ctx, manager, settled, count=1)

    assert sorted(access_db.instances_to_resync(ctx, manager.host)) == \
        sorted([queued.instance.id, syncing.instance.id])


def test_a_denied_rule_takes_its_own_metadata_only(ctx, manager, make_share):
    share = make_share(1, name='deny-metadata')
    kept = access_db.create(ctx, share.id, 'ip', '10.2.0.1', 'rw',
                            metadata={'owner': 'kept'})
    denied = access_db.create(ctx, share.id, 'ip', '10.2.0.2', 'rw',
                              metadata={'owner': 'denied'})
    manager.access.update_access(ctx, share.instance.id)
    assert access_db.queue_deny(ctx, share.id, denied.id)
    manager.access.update_access(ctx, share.instance.id)
    assert _states(ctx, share.instance.id) == {kept.id: 'active'}
    with db_api.get_engine().connect() as connection:
        left = connection.execute(sa.select(
            models.ShareAccessRuleMetadata.access_id,
            models.ShareAccessRuleMetadata.value)).all()
    assert sorted(left) == [(kept.id, 'kept')]
