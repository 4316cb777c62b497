"""Fixtures of the share service's unit tests: a share manager for
backend ``unitfake`` on the fake driver, with no RPC (tests call its
methods as the RPC server would). Constants and the scheduler stand-in
the test modules import are in helpers.py."""

import pytest

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.share import manager as share_manager
from manila_lite import states
from manila_lite.tests.unit.share.helpers import BACKEND
from manila_lite.tests.unit.share.helpers import NoScheduler
from manila_lite.tests.unit.share.helpers import PROJECT

CONF = conf.CONF


@pytest.fixture
def ctx(clean_database):
    return ml_context.get_admin_context()


@pytest.fixture
def manager(ctx, monkeypatch):
    monkeypatch.setattr(share_manager.scheduler_rpcapi, 'SchedulerAPI',
                        NoScheduler)
    manager = share_manager.ShareManager(BACKEND)
    manager.driver.do_setup(ctx)
    return manager


@pytest.fixture
def share_type(ctx):
    return type_db.create(ctx, 'default', {
        'driver_handles_share_servers': 'False'})


@pytest.fixture
def make_share(ctx, manager, share_type):
    """An available share created on the fake backend by the manager."""
    def make(size=5, metadata=None, name='s'):
        share = share_db.create(
            ctx, {'project_id': PROJECT, 'user_id': 'u1', 'size': size,
                  'share_proto': 'NFS', 'display_name': name},
            {'status': states.CREATING, 'host': manager.host + '#pool0',
             'share_type_id': share_type.id}, metadata)
        manager.shares.create_share_instance(ctx, share.instance.id)
        share = share_db.get(ctx, share.id)
        assert share.status == states.AVAILABLE
        return share
    return make
