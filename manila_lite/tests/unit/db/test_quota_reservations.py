"""Two-phase quota changes: reserve, then commit or roll back (or expire)."""

import datetime

from oslo_utils import timeutils
import pytest

from manila_lite import context as ml_context
from manila_lite.db import api as db_api
from manila_lite.db import quotas
from manila_lite import exception

PROJECT = 'p1'
TYPE = 't1'


@pytest.fixture
def ctx(clean_database):
    return ml_context.RequestContext(user_id='u1', project_id=PROJECT,
                                     roles=['member'])


def _reserve(ctx, *args, **kwargs):
    """reserve_in() in a transaction of its own (the share API's
    reservations go in the transaction of their request)."""
    with db_api.writer.using(ctx) as session:
        return quotas.reserve_in(session, *args, **kwargs)


def _commit(ctx, reservation_ids):
    with db_api.writer.using(ctx) as session:
        return quotas.commit_in(session, reservation_ids)


def _usage(ctx, resource='gigabytes', **scope):
    return quotas.usages(ctx, PROJECT, **scope)[resource]


def _limit(gigabytes, **scope):
    quotas.set_limits(ml_context.get_admin_context(), PROJECT,
                      {'gigabytes': gigabytes}, **scope)


def test_reserve_holds_until_commit_moves_it_to_in_use(ctx):
    ids = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 5})
    assert len(ids) == 3  # project, user and share type scopes
    for scope in ({}, {'user_id': 'u1'}, {'share_type_id': TYPE}):
        assert _usage(ctx, **scope) == {'in_use': 0, 'reserved': 5}
    assert _commit(ctx, ids) == 3
    for scope in ({}, {'user_id': 'u1'}, {'share_type_id': TYPE}):
        assert _usage(ctx, **scope) == {'in_use': 5, 'reserved': 0}
    # Committing again changes nothing.
    assert _commit(ctx, ids) == 0
    assert _usage(ctx) == {'in_use': 5, 'reserved': 0}


def test_rollback_gives_the_reservation_back(ctx):
    ids = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 4})
    assert quotas.rollback(ctx, ids) == 3
    assert _usage(ctx) == {'in_use': 0, 'reserved': 0}
    assert _commit(ctx, ids) == 0
    assert _usage(ctx) == {'in_use': 0, 'reserved': 0}


def test_reserved_amounts_count_against_the_limit(ctx):
    _limit(10)
    _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 6})
    with pytest.raises(exception.OverQuota) as err:
        _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 5})
    assert err.value.code == 413
    assert err.value.kwargs['resource'] == 'gigabytes'
    assert _usage(ctx) == {'in_use': 0, 'reserved': 6}
    _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 4})
    assert _usage(ctx)['reserved'] == 10


def test_share_type_limit_refuses_a_reservation(ctx):
    _limit(3, share_type_id=TYPE)
    with pytest.raises(exception.OverQuota):
        _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 4})
    # Another type is bounded by the project only.
    _reserve(ctx, PROJECT, 'u1', 'other', {'gigabytes': 4})


def test_negative_reservation_applies_only_on_commit(ctx):
    _commit(ctx, _reserve(ctx, PROJECT, 'u1', TYPE,
                          {'gigabytes': 8}))
    ids = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': -3})
    assert _usage(ctx) == {'in_use': 8, 'reserved': 0}
    _commit(ctx, ids)
    assert _usage(ctx) == {'in_use': 5, 'reserved': 0}
    assert _usage(ctx, share_type_id=TYPE)['in_use'] == 5


def test_expired_reservations_are_rolled_back(ctx):
    past = timeutils.utcnow() - datetime.timedelta(seconds=1)
    stale = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 2},
                     expire=past)
    fresh = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 3},
                     expire=3600)
    assert quotas.expire_reservations(ctx) == len(stale)
    assert _usage(ctx) == {'in_use': 0, 'reserved': 3}
    assert quotas.expire_reservations(ctx) == 0
    _commit(ctx, fresh + stale)
    assert _usage(ctx) == {'in_use': 3, 'reserved': 0}


def test_owned_reservations_are_found_again(ctx):
    ids = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 7},
                   owner='resize:x')
    _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 1},
             owner='resize:y')
    found, deltas = quotas.owned(ctx, PROJECT, 'resize:x')
    assert sorted(found) == sorted(ids)
    assert deltas == {'gigabytes': 7}
    assert quotas.owned(ctx, PROJECT, 'resize:z') == ([], {})
    # Reserving again for the owner replaces what it held.
    again = _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 2},
                     owner='resize:x')
    assert sorted(again) == sorted(ids)
    assert _usage(ctx)['reserved'] == 3
    assert quotas.rollback(
        ctx, quotas.owned(ctx, PROJECT, 'resize:x')[0]) == 3
    assert _usage(ctx)['reserved'] == 1


def test_zero_deltas_reserve_nothing(ctx):
    assert _reserve(ctx, PROJECT, 'u1', TYPE, {'gigabytes': 0}) == []
    assert _commit(ctx, []) == 0
