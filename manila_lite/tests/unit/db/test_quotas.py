"""Quota arithmetic: limits per scope, usage kept with the rows it counts."""

import pytest

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite.db import quotas
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import states

CONF = conf.CONF
PROJECT = 'p1'


@pytest.fixture
def ctx(clean_database):
    return ml_context.RequestContext(user_id='u1', project_id=PROJECT,
                                     roles=['member'])


@pytest.fixture
def share_type(ctx):
    return type_db.create(ml_context.get_admin_context(), 'gold',
                          {'driver_handles_share_servers': 'False'})


def _create(ctx, share_type, size=1):
    return share_db.create(
        ctx, dict(project_id=ctx.project_id, user_id=ctx.user_id, size=size,
                  share_proto='NFS'),
        dict(status=states.CREATING, share_type_id=share_type.id))


def _in_use(ctx, resource, **scope):
    return quotas.usages(ctx, PROJECT, **scope)[resource]['in_use']


def test_create_charges_project_user_and_type_scopes(ctx, share_type):
    _create(ctx, share_type, size=3)
    assert _in_use(ctx, 'shares') == 1
    assert _in_use(ctx, 'gigabytes') == 3
    assert _in_use(ctx, 'gigabytes', user_id='u1') == 3
    assert _in_use(ctx, 'gigabytes', share_type_id=share_type.id) == 3


def test_destroy_gives_quota_back(ctx, share_type):
    shares = [_create(ctx, share_type, size=2) for _ in range(3)]
    for share in shares:
        assert share_db.destroy(ctx, share.id)
    assert _in_use(ctx, 'shares') == 0
    assert _in_use(ctx, 'gigabytes') == 0
    assert _in_use(ctx, 'shares', user_id='u1') == 0
    assert not share_db.destroy(ctx, shares[0].id)


def test_over_project_quota_writes_nothing(ctx, share_type):
    quotas.set_limits(ml_context.get_admin_context(), PROJECT,
                      {'gigabytes': 5})
    _create(ctx, share_type, size=4)
    with pytest.raises(exception.OverQuota) as err:
        _create(ctx, share_type, size=2)
    assert err.value.code == 413
    assert 'gigabytes' in str(err.value)
    assert _in_use(ctx, 'gigabytes') == 4
    assert _in_use(ctx, 'shares') == 1
    shares, _count = share_db.get_all(ctx, {}, ['created_at'], ['asc'])
    assert len(shares) == 1


def test_user_quota_binds_below_project_quota(ctx, share_type):
    quotas.set_limits(ml_context.get_admin_context(), PROJECT,
                      {'shares': 1}, user_id='u1')
    _create(ctx, share_type)
    with pytest.raises(exception.OverQuota):
        _create(ctx, share_type)
    other_user = ml_context.RequestContext(user_id='u2', project_id=PROJECT)
    _create(other_user, share_type)
    assert _in_use(ctx, 'shares') == 2


def test_share_type_quota(ctx, share_type):
    quotas.set_limits(ml_context.get_admin_context(), PROJECT,
                      {'gigabytes': 3}, share_type_id=share_type.id)
    _create(ctx, share_type, size=3)
    with pytest.raises(exception.OverQuota):
        _create(ctx, share_type, size=1)


def test_per_share_gigabytes(ctx, share_type):
    quotas.set_limits(ml_context.get_admin_context(), PROJECT,
                      {'per_share_gigabytes': 10})
    with pytest.raises(exception.OverQuota) as err:
        _create(ctx, share_type, size=11)
    assert 'per_share_gigabytes' in str(err.value)
    _create(ctx, share_type, size=10)


def test_unlimited_and_defaults(ctx, share_type):
    CONF.set_override('shares', 2, group='quota')
    try:
        assert quotas.get_limits(ctx, PROJECT)['shares'] == 2
        quotas.set_limits(ml_context.get_admin_context(), PROJECT,
                          {'shares': -1})
        for _ in range(3):
            _create(ctx, share_type)
        quotas.delete_limits(ml_context.get_admin_context(), PROJECT)
        assert quotas.get_limits(ctx, PROJECT)['shares'] == 2
    finally:
        CONF.clear_override('shares', group='quota')


def test_limit_below_usage_needs_force(ctx, share_type):
    admin = ml_context.get_admin_context()
    _create(ctx, share_type, size=5)
    with pytest.raises(exception.InvalidInput):
        quotas.set_limits(admin, PROJECT, {'gigabytes': 4})
    quotas.set_limits(admin, PROJECT, {'gigabytes': 4}, force=True)
    assert quotas.get_limits(ctx, PROJECT)['gigabytes'] == 4


def test_release_never_goes_negative(ctx, share_type):
    with db_api.writer.using(ctx) as session:
        quotas.consume(session, PROJECT, 'u1', share_type.id,
                       {'shares': -1, 'gigabytes': -5})
    assert _in_use(ctx, 'shares') == 0
    assert _in_use(ctx, 'gigabytes') == 0
