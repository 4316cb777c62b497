"""Creates and deletes whose request was lost are passed on again, and
never run twice at once (manila_lite.share.stalled).

The share manager asks its own queue again for shares of its backend
``creating`` longer than ``stalled_request_timeout`` after their placement,
shares ``deleting`` and snapshots ``creating`` or ``deleting`` that long
after their last change, that no thread of its works on; a repeated
request meets either the operation in progress (and steps aside) or, for
a create, a resource no longer ``creating`` (and leaves it alone).
Queued access rule changes nobody took up are asked for again the same
way.
"""

import datetime
import threading

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite.share.manager import redrive
from manila_lite.share.manager import shares
from manila_lite.share.manager import snapshots
from manila_lite import states
from manila_lite.tests.unit.share.helpers import PROJECT

CONF = conf.CONF


class _CastRecorder:
    def __init__(self):
        self.casts = []

    def create_share_instance(self, context, host, share_instance_id):
        self.casts.append(('create', host, share_instance_id))

    def delete_share_instance(self, context, host, share_instance_id):
        self.casts.append(('delete', host, share_instance_id))

    def create_snapshot(self, context, host, snapshot_id):
        self.casts.append(('create snapshot', host, snapshot_id))

    def delete_snapshot(self, context, host, snapshot_id):
        self.casts.append(('delete snapshot', host, snapshot_id))

    def update_access(self, context, host, share_instance_id):
        self.casts.append(('update access', host, share_instance_id))

    def snapshot_update_access(self, context, host, snapshot_instance_id):
        self.casts.append(('snapshot update access', host,
                           snapshot_instance_id))


@pytest.fixture
def casts(monkeypatch):
    recorder = _CastRecorder()
    monkeypatch.setattr(redrive.share_rpcapi, 'shared', lambda: recorder)
    CONF.set_override('stalled_request_timeout', 60)
    yield recorder.casts
    CONF.clear_override('stalled_request_timeout')


def _creating(ctx, manager, share_type, placed_seconds_ago, name):
    scheduled_at = timeutils.utcnow() - datetime.timedelta(
        seconds=placed_seconds_ago)
    return share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
              'share_proto': 'NFS', 'display_name': name},
        {'status': states.CREATING, 'host': manager.host + '#pool0',
         'scheduled_at': scheduled_at, 'share_type_id': share_type.id})


def _counting_creates(manager, before=None):
    """Count the driver's create_share calls (``before`` runs first)."""
    calls = []
    real = manager.driver.create_share

    def create_share(context, share, share_server=None):
        calls.append(share['id'])
        if before:
            before()
        return real(context, share, share_server=share_server)
    manager.driver.create_share = create_share
    return calls


def test_only_stalled_idle_creations_are_asked_for_again(
        ctx, manager, share_type, casts):
    lost = _creating(ctx, manager, share_type, 120, 'lost')
    _creating(ctx, manager, share_type, 5, 'recent')
    busy = _creating(ctx, manager, share_type, 120, 'busy')
    manager.backend.guard._busy.add((shares.CREATE, busy.instance.id))
    elsewhere = share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
              'share_proto': 'NFS'},
        {'status': states.CREATING, 'host': 'other@backend#pool0',
         'scheduled_at': timeutils.utcnow() - datetime.timedelta(hours=1),
         'share_type_id': share_type.id})

    manager.redrive.redrive_stalled_requests(ctx)

    assert casts == [('create', manager.host, lost.instance.id)]
    assert elsewhere.instance.id not in [c[2] for c in casts]


def test_timeout_zero_turns_it_off(ctx, manager, share_type, casts):
    _creating(ctx, manager, share_type, 3600, 'lost')
    CONF.set_override('stalled_request_timeout', 0)
    manager.redrive.redrive_stalled_requests(ctx)
    assert casts == []


def test_repeated_request_for_a_created_share_leaves_it_alone(
        ctx, manager, share_type):
    share = _creating(ctx, manager, share_type, 120, 'done')
    calls = _counting_creates(manager)
    manager.shares.create_share_instance(ctx, share.instance.id)
    created = share_db.get(ctx, share.id)
    assert created.status == states.AVAILABLE
    paths = [loc.path for loc in created.instance.export_locations]

    manager.shares.create_share_instance(ctx, share.instance.id)

    assert calls == [share.instance.id]
    again = share_db.get(ctx, share.id)
    assert [loc.path for loc in again.instance.export_locations] == paths


def test_repeated_request_during_the_creation_steps_aside(
        ctx, manager, share_type):
    share = _creating(ctx, manager, share_type, 120, 'slow')
    in_driver, release = threading.Event(), threading.Event()

    def hold():
        in_driver.set()
        assert release.wait(10)
    calls = _counting_creates(manager, before=hold)
    first = threading.Thread(target=manager.shares.create_share_instance,
                             args=(ctx, share.instance.id))
    first.start()
    assert in_driver.wait(10)

    # Returns at once:
    manager.shares.create_share_instance(ctx, share.instance.id)
    assert manager.backend.guard.busy(shares.CREATE, share.instance.id)
    release.set()
    first.join(10)

    assert calls == [share.instance.id]
    assert share_db.get(ctx, share.id).status == states.AVAILABLE
    assert not manager.backend.guard._busy


def _deleting(ctx, manager, share_type, changed_seconds_ago, name):
    share = _creating(ctx, manager, share_type, 3600, name)
    manager.shares.create_share_instance(ctx, share.instance.id)
    share_db.start_delete(ctx, share.id, share.instance.id,
                          states.DELETING)
    changed = timeutils.utcnow() - datetime.timedelta(
        seconds=changed_seconds_ago)
    with db_api.writer.using(ctx) as session:
        session.execute(sa.update(models.ShareInstance)
                        .where(models.ShareInstance.id == share.instance.id)
                        .values(updated_at=changed))
    return share


def test_stalled_deletes_are_asked_for_again(ctx, manager, share_type,
                                             casts):
    lost = _deleting(ctx, manager, share_type, 120, 'lost')
    _deleting(ctx, manager, share_type, 5, 'recent')
    busy = _deleting(ctx, manager, share_type, 120, 'busy')
    manager.backend.guard._busy.add((shares.DELETE, busy.instance.id))

    manager.redrive.redrive_stalled_requests(ctx)

    assert casts == [('delete', manager.host, lost.instance.id)]


def test_repeated_delete_during_the_deletion_steps_aside(
        ctx, manager, share_type):
    share = _deleting(ctx, manager, share_type, 120, 'slow')
    in_driver, release = threading.Event(), threading.Event()
    calls = []
    real = manager.driver.delete_share

    def delete_share(context, share_dict, share_server=None):
        calls.append(share_dict['id'])
        in_driver.set()
        assert release.wait(10)
        return real(context, share_dict, share_server=share_server)
    manager.driver.delete_share = delete_share
    first = threading.Thread(target=manager.shares.delete_share_instance,
                             args=(ctx, share.instance.id))
    first.start()
    assert in_driver.wait(10)

    # Returns at once:
    manager.shares.delete_share_instance(ctx, share.instance.id)
    release.set()
    first.join(10)

    assert calls == [share.instance.id]
    with pytest.raises(exception.ShareNotFound):
        share_db.get(ctx, share.id)
    # Asked again once it is gone: nothing left to do, nothing fails.
    manager.shares.delete_share_instance(ctx, share.instance.id)
    assert calls == [share.instance.id]


def _snapshot(ctx, manager, share_type, status, changed_seconds_ago):
    share = _creating(ctx, manager, share_type, 3600, 'parent')
    manager.shares.create_share_instance(ctx, share.instance.id)
    share = share_db.get(ctx, share.id)
    changed = timeutils.utcnow() - datetime.timedelta(
        seconds=changed_seconds_ago)
    # As the API makes them: created, never changed yet.
    return snapshot_db.create(
        ctx, share, dict(project_id=PROJECT, user_id='u1', size=1,
                         share_size=1, share_proto='NFS'),
        dict(status=status, created_at=changed))


def test_stalled_snapshot_requests_are_asked_for_again(
        ctx, manager, share_type, casts):
    creating = _snapshot(ctx, manager, share_type, states.CREATING, 120)
    deleting = _snapshot(ctx, manager, share_type, states.DELETING, 120)
    _snapshot(ctx, manager, share_type, states.CREATING, 5)
    busy = _snapshot(ctx, manager, share_type, states.DELETING, 120)
    manager.backend.guard._busy.add((snapshots.DELETE, busy.id))

    manager.redrive.redrive_stalled_requests(ctx)

    assert sorted(casts) == sorted([
        ('create snapshot', manager.host, creating.id),
        ('delete snapshot', manager.host, deleting.id)])


def test_repeated_snapshot_create_leaves_an_available_one_alone(
        ctx, manager, share_type):
    snapshot = _snapshot(ctx, manager, share_type, states.CREATING, 120)
    calls = []
    real = manager.driver.create_snapshot

    def create_snapshot(context, snap, share_server=None):
        calls.append(snap['snapshot_id'])
        return real(context, snap, share_server=share_server)
    manager.driver.create_snapshot = create_snapshot

    manager.snapshots.create_snapshot(ctx, snapshot.id)
    assert snapshot_db.get(ctx, snapshot.id).status == states.AVAILABLE
    manager.snapshots.create_snapshot(ctx, snapshot.id)

    assert calls == [snapshot.id]
    assert snapshot_db.get(ctx, snapshot.id).status == states.AVAILABLE


def _available(ctx, manager, share_type, name):
    return share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
              'share_proto': 'NFS', 'display_name': name},
        {'status': states.AVAILABLE, 'host': manager.host + '#pool0',
         'share_type_id': share_type.id})


def _queued_since(ctx, rule_id, seconds_ago):
    with db_api.writer.using(ctx) as session:
        session.execute(
            sa.update(models.ShareInstanceAccessRule)
            .where(models.ShareInstanceAccessRule.access_id == rule_id)
            .values(created_at=timeutils.utcnow() - datetime.timedelta(
                seconds=seconds_ago), updated_at=None))


def test_access_changes_queued_too_long_are_asked_for_again(
        ctx, manager, share_type, casts):
    lost = _available(ctx, manager, share_type, 'lost')
    recent = _available(ctx, manager, share_type, 'recent')
    taken_up = _available(ctx, manager, share_type, 'taken up')
    rules = {}
    for share in (lost, recent, taken_up):
        rules[share.id] = access_db.create(ctx, share.id, 'ip', '10.0.0.1',
                                           'rw')
    _queued_since(ctx, rules[lost.id].id, 120)
    _queued_since(ctx, rules[recent.id].id, 5)
    _queued_since(ctx, rules[taken_up.id].id, 120)
    # A share manager works on this one already (queued -> applying).
    assert access_db.start_sync(ctx, [taken_up.instance.id], ())
    # Another backend's, for its own share manager to ask for.
    elsewhere = share_db.create(
        ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': 1,
              'share_proto': 'NFS'},
        {'status': states.AVAILABLE, 'host': 'other@backend#pool0',
         'share_type_id': share_type.id})
    _queued_since(ctx, access_db.create(ctx, elsewhere.id, 'ip', '10.0.0.1',
                                        'rw').id, 120)

    manager.redrive.redrive_stalled_requests(ctx)

    assert casts == [('update access', manager.host, lost.instance.id)]
