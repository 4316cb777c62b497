"""The share group endpoint of a share manager on the fake driver: what
the driver receives, and the status a group ends in."""

import inspect
import re

import pytest

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import quotas
from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_groups as group_db
from manila_lite import exception
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states
from manila_lite.tests.unit.share.helpers import BACKEND
from manila_lite.tests.unit.share.helpers import PROJECT

CONF = conf.CONF


@pytest.fixture
def group(ctx, manager, share_type):
    """A group of the default share type, placed on the manager's
    backend and left creating, as the scheduler hands it on."""
    group_type_id = group_type_db.create(ctx, 'grp', [share_type.id])
    owner = ml_context.RequestContext(user_id='u1', project_id=PROJECT,
                                      roles=['member'])
    created = group_db.create(
        owner, {'name': 'g', 'share_group_type_id': group_type_id},
        [share_type.id])
    assert group_db.claim_host(ctx, created.id, manager.host, 'nova')
    return created


def test_endpoint_is_served_next_to_the_manager(manager):
    assert manager.groups in manager.rpc_endpoints()


def test_every_method_the_share_rpc_api_casts_has_one_endpoint(manager):
    """The share service is made of parts, each an endpoint of the same
    RPC server: every method share/rpcapi.py sends must be served by
    exactly one of them (oslo.messaging takes the first that has it)."""
    sent = set(re.findall(r"context, '(\w+)'",
                          inspect.getsource(share_rpcapi)))
    assert {'create_share_instance', 'update_access', 'create_snapshot',
            'create_share_group', 'publish_capabilities'} <= sent
    for method in sorted(sent):
        serving = [type(e).__name__ for e in manager.rpc_endpoints()
                   if callable(getattr(e, method, None))]
        assert len(serving) == 1, (method, serving)


def test_create_gives_the_driver_the_group(ctx, manager, group,
                                           share_type):
    manager.groups.create_share_group(ctx, group.id)
    on_backend = manager.driver.fake_get_share_group(group.id)
    assert on_backend == {'id': group.id, 'host': manager.host,
                          'share_types': [share_type.id]}
    assert group_db.get(ctx, group.id).status == states.AVAILABLE


def test_create_failing_in_the_driver_ends_in_error(ctx, manager, group):
    CONF.set_override('fake_fail_operations', ['create_share_group'],
                      group=BACKEND)
    try:
        manager.groups.create_share_group(ctx, group.id)
    finally:
        CONF.clear_override('fake_fail_operations', group=BACKEND)
    assert group_db.get(ctx, group.id).status == states.ERROR
    assert manager.driver.fake_get_share_group(group.id) is None


def test_repeated_create_of_an_available_group_is_ignored(ctx, manager,
                                                          group):
    manager.groups.create_share_group(ctx, group.id)
    group_db.transition(ctx, group.id, states.DELETING)
    manager.groups.create_share_group(ctx, group.id)
    assert group_db.get(ctx, group.id).status == states.DELETING


def test_delete_removes_group_and_quota(ctx, manager, group):
    manager.groups.create_share_group(ctx, group.id)
    assert quotas.usages(ctx, group.project_id)['share_groups'][
        'in_use'] == 1
    assert group_db.transition(ctx, group.id, states.DELETING)
    manager.groups.delete_share_group(ctx, group.id)
    assert manager.driver.fake_get_share_group(group.id) is None
    with pytest.raises(exception.ShareGroupNotFound):
        group_db.get(ctx, group.id)
    assert quotas.usages(ctx, group.project_id)['share_groups'][
        'in_use'] == 0


def test_delete_failing_in_the_driver_ends_in_error_deleting(ctx, manager,
                                                             group):
    manager.groups.create_share_group(ctx, group.id)
    assert group_db.transition(ctx, group.id, states.DELETING)
    CONF.set_override('fake_fail_operations', ['delete_share_group'],
                      group=BACKEND)
    try:
        manager.groups.delete_share_group(ctx, group.id)
    finally:
        CONF.clear_override('fake_fail_operations', group=BACKEND)
    assert group_db.get(ctx, group.id).status == states.ERROR_DELETING
    assert manager.driver.fake_get_share_group(group.id) is not None


def test_restart_resumes_creates(ctx, manager, group):
    manager.recover(ctx)
    assert group_db.get(ctx, group.id).status == states.AVAILABLE
