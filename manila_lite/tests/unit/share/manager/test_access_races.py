"""Rule changes that arrive while the driver is applying others.

The share manager moves what is queued to its working state, calls the
driver with no transaction open, then records the outcome conditionally
on the state each rule was in when the call began (db.access_rules
``record_sync``, the ACCESS_RULE table of states.py). A rule denied while
the driver applies it must end denied, not active; a rule allowed while
the driver removes another must end active. The fake driver's injected
latency holds the call open while the test queues the second change.
"""

import threading

import pytest

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.share.drivers import fake
from manila_lite import states
from manila_lite.tests.unit.share.helpers import BACKEND

CONF = conf.CONF


class _HeldDriverCall:
    """Stands in for the fake driver's sleep: the injected latency of
    update_access waits until the test releases it."""

    def __init__(self):
        self.waiting = threading.Semaphore(0)
        self.release = threading.Event()

    def sleep(self, seconds):
        self.waiting.release()
        assert self.release.wait(30), 'never released'


@pytest.fixture
def held(monkeypatch):
    call = _HeldDriverCall()
    monkeypatch.setattr(fake, '_sleep', call.sleep)
    CONF.set_override('fake_operation_latency', {'update_access': '1'},
                      group=BACKEND)
    yield call
    call.release.set()
    CONF.clear_override('fake_operation_latency', group=BACKEND)


def _states(ctx, instance_id):
    return {r['id']: r['state'] for r in
            access_db.rules_for_instances(ctx, [instance_id])[instance_id]}


def _sync_in_background(ctx, manager, share):
    worker = threading.Thread(target=manager.access.update_access,
                              args=(ctx, share.instance.id))
    worker.start()
    return worker


def test_rule_denied_while_the_driver_applies_it_ends_denied(
        ctx, manager, make_share, held):
    share = make_share(1)
    rule = access_db.create(ctx, share.id, 'ip', '10.0.0.1', 'rw')
    worker = _sync_in_background(ctx, manager, share)
    assert held.waiting.acquire(timeout=30)
    assert _states(ctx, share.instance.id) == {
        rule.id: states.ACCESS_APPLYING}

    assert access_db.queue_deny(ctx, share.id, rule.id)
    held.release.set()
    worker.join(30)
    assert not worker.is_alive()

    # The applied outcome did not overwrite the deny; the same sync went
    # on to remove the rule from the backend.
    assert _states(ctx, share.instance.id) == {}
    assert manager.driver.fake_get_access(share.instance.id) == {}


def test_rule_allowed_while_the_driver_removes_another_ends_active(
        ctx, manager, make_share, held):
    share = make_share(1)
    old = access_db.create(ctx, share.id, 'ip', '10.0.0.1', 'rw')
    held.release.set()
    manager.access.update_access(ctx, share.instance.id)
    assert _states(ctx, share.instance.id) == {old.id: states.ACCESS_ACTIVE}
    # That call went through the held latency once; its permit is taken
    # here so the wait below is for the deny's call, not this one.
    assert held.waiting.acquire(timeout=0)
    held.release.clear()

    assert access_db.queue_deny(ctx, share.id, old.id)
    worker = _sync_in_background(ctx, manager, share)
    assert held.waiting.acquire(timeout=30)
    assert _states(ctx, share.instance.id) == {old.id: states.ACCESS_DENYING}
    new = access_db.create(ctx, share.id, 'ip', '10.0.0.2', 'ro')
    held.release.set()
    worker.join(30)
    assert not worker.is_alive()

    assert _states(ctx, share.instance.id) == {new.id: states.ACCESS_ACTIVE}
    assert set(manager.driver.fake_get_access(share.instance.id)) == {
        new.id}
