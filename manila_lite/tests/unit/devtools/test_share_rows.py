"""The bulk share rows of devtools/share_rows.py are shares the share
manager takes as its own: the benchmarks' ensure and deferred deletion
runs over them, here on a few, and the API's reads see them available.
"""

import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import ensure as ensure_db
from manila_lite.db import models
from manila_lite.db import services as service_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.devtools import share_rows
from manila_lite import exception
from manila_lite.share import manager as share_manager
from manila_lite import states
from manila_lite.tests.unit.share.helpers import BACKEND
from manila_lite.tests.unit.share.helpers import NoScheduler

CONF = conf.CONF
COUNT = 5


@pytest.fixture
def ctx(clean_database):
    return ml_context.get_admin_context()


@pytest.fixture
def manager(ctx, monkeypatch):
    monkeypatch.setattr(share_manager.scheduler_rpcapi, 'SchedulerAPI',
                        NoScheduler)
    manager = share_manager.ShareManager(BACKEND)
    manager.driver.do_setup(ctx)
    service_db.register(ctx, manager.host, 'manila-share', 'manila-share',
                        'nova')
    CONF.set_override('share_batch_size', 2)
    yield manager
    CONF.clear_override('share_batch_size')
    CONF.clear_override('fake_export_ip', group=BACKEND)


@pytest.fixture
def share_type(ctx):
    return type_db.create(ctx, 'default', {
        'driver_handles_share_servers': 'False'})


def _insert(ctx, manager, share_type, **kwargs):
    def on_the_backend(share_id, instance_id, host):
        return manager.driver.create_share(ctx, {
            'id': instance_id, 'share_id': share_id,
            'name': 'share-%s' % instance_id, 'size': 1,
            'share_proto': 'NFS', 'host': host})
    return share_rows.insert_shares(
        lambda: db_api.writer.using(ctx), COUNT, share_type.id,
        [manager.host + '#pool0'], exports=on_the_backend, chunk=2,
        **kwargs)


def test_rows_read_as_available_shares_with_their_exports(ctx, share_type):
    engine = db_api.get_engine()
    first = share_rows.insert_shares(
        engine.begin, 3, share_type.id, ['h@b#p0', 'h@b#p1'],
        name_prefix='bulk-', chunk=2, rules_per_share=2)
    more = share_rows.insert_shares(
        engine.begin, 2, share_type.id, ['h@b#p0', 'h@b#p1'],
        name_prefix='bulk-', start=3, zone='nova')
    shares = [share_db.get(ctx, share_id) for share_id in first + more]
    assert [s.display_name for s in shares] == [
        'bulk-%d' % n for n in range(5)]
    assert [s.host for s in shares] == ['h@b#p0', 'h@b#p1'] * 2 + ['h@b#p0']
    assert {s.status for s in shares} == {states.AVAILABLE}
    assert [s.created_at > t.created_at
            for s, t in zip(shares, shares[1:])] == [True] * 4
    assert [s.instance.availability_zone for s in shares] == [None] * 3 + [
        'nova'] * 2
    for share in shares:
        assert sorted((e.is_admin_only, e.preferred)
                      for e in share.export_locations) == [
            (False, True), (True, False)]
    rules = access_db.get_all_for_share(ctx, first[2])
    assert sorted(r.access_to for r in rules) == ['10.0.0.2', '10.1.0.2']
    assert {access_db.rule_state(r) for r in rules} == {
        states.ACCESS_ACTIVE}


def test_ensure_runs_over_them_and_reapplies_their_rules(
        ctx, manager, share_type):
    ids = _insert(ctx, manager, share_type, rules_per_share=2)
    CONF.set_override('fake_export_ip', '10.254.0.1', group=BACKEND)
    assert ensure_db.start(ctx, manager.host)
    summary = manager.ensure.ensure_shares(ctx)
    assert summary['completed'], summary
    assert (summary['shares_ensured'], summary['export_locations_updated'],
            summary['access_rules_reapplied']) == (COUNT, COUNT, COUNT)
    for share_id in ids:
        share = share_db.get(ctx, share_id)
        assert share.status == states.AVAILABLE
        assert any('10.254.0.1' in e.path for e in share.export_locations)
        assert share.access_rules_status == states.ACCESS_ACTIVE


def test_deferred_deletion_sweeps_them(ctx, manager, share_type):
    ids = _insert(ctx, manager, share_type)
    with db_api.writer.using(ctx) as session:
        session.execute(sa.update(models.ShareInstance).values(
            status=states.DELETING_IN_DRIVER))
    assert manager.deferred.delete_deferred(ctx)['shares_deleted'] == COUNT
    for share_id in ids:
        with pytest.raises(exception.ShareNotFound):
            share_db.get(ctx, share_id)
    assert manager.driver._state['shares'] == {}
