"""The extend and shrink actions through the real WSGI stack.

What the API answers and records; the share managers' part is in
tests/unit/share/manager/test_resize.py. Extends go through the real
scheduler on the in-process transport, which checks the share's pool
(hostA@alpha#silver: 50 GiB free, thick).
"""

import pytest

from manila_lite.db import messages as message_db
from manila_lite.db import quotas
from manila_lite.db import share_resize as resize_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import messages
from manila_lite import states
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_for_status


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx)


@pytest.fixture
def share(admin_ctx, share_type):
    """An available 5 GiB share of PROJECT on hostA@alpha#silver."""
    return _share(admin_ctx, share_type, 5)


def _share(admin_ctx, share_type, size, status=states.AVAILABLE):
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': size, 'share_proto': 'NFS'},
        {'status': states.CREATING, 'host': 'hostA@alpha#silver',
         'share_type_id': share_type.id})
    share_db.finish_create(admin_ctx, share.instance.id,
                           [{'path': '10.0.0.1:/s', 'preferred': True}])
    if status != states.AVAILABLE:
        share_db.set_status(admin_ctx, share.instance.id, status)
    return share_db.get(admin_ctx, share.id)


def _action(api, share, body, version='2.64', role='member', status='*'):
    return api.post('/shares/%s/action' % share.id, body, version=version,
                    role=role, status=status)


def _gigabytes(admin_ctx):
    return quotas.usages(admin_ctx, PROJECT)['gigabytes']


def test_extend_reserves_the_growth_and_moves_to_extending(
        api, share, admin_ctx):
    resp = _action(api, share, {'extend': {'new_size': 8}})
    assert resp.status_int == 202 and not resp.body
    share = share_db.get(admin_ctx, share.id)
    assert share.status == states.EXTENDING
    assert share.size == 5  # until the backend has done it
    assert _gigabytes(admin_ctx) == {'in_use': 5, 'reserved': 3}
    detail = api.get('/quota-sets/%s/detail' % PROJECT, version='2.64',
                     role='member').json['quota_set']
    assert detail['gigabytes'] == {'in_use': 5, 'reserved': 3,
                                   'limit': 1000}
    # Busy now: a second resize is refused.
    again = _action(api, share, {'extend': {'new_size': 9}})
    assert again.status_int == 400
    assert 'extending' in fault(again)[1]


@pytest.mark.parametrize('name,version,status', [
    ('os-extend', '2.6', 202), ('extend', '2.7', 202),
    ('os-extend', '2.7', 404), ('extend', '2.6', 404),
    ('os-shrink', '2.6', 202), ('shrink', '2.7', 202),
    ('os-shrink', '2.7', 404), ('shrink', '2.6', 404),
])
def test_action_names_follow_microversion(api, share, name, version,
                                          status):
    size = 7 if 'extend' in name else 3
    resp = _action(api, share, {name: {'new_size': size}}, version=version)
    assert resp.status_int == status, resp.body


@pytest.mark.parametrize('body,words', [
    ({'extend': {'new_size': 5}}, 'greater than current size'),
    ({'extend': {'new_size': 4}}, 'greater than current size'),
    ({'extend': {'new_size': 'big'}}, 'new_size'),
    ({'extend': {}}, 'integer'),
    ({'extend': None}, 'integer'),
    ({'shrink': {'new_size': 5}}, 'less than current size'),
    ({'shrink': {'new_size': 0}}, 'greater than 0'),
    ({'shrink': {'new_size': -1}}, 'new_size'),
    ({'extend': {'new_size': 6, 'force': 'maybe'}}, 'force'),
])
def test_bad_sizes_are_400_and_change_nothing(api, share, admin_ctx, body,
                                              words):
    resp = _action(api, share, body, role='admin')
    assert resp.status_int == 400, resp.body
    assert words in fault(resp)[1]
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
    assert _gigabytes(admin_ctx) == {'in_use': 5, 'reserved': 0}


@pytest.mark.parametrize('status', [states.ERROR, states.CREATING,
                                    states.EXTENDING_ERROR])
def test_only_available_shares_resize(api, admin_ctx, share_type, status):
    share = _share(admin_ctx, share_type, 5, status)
    for body in ({'extend': {'new_size': 6}}, {'shrink': {'new_size': 4}}):
        resp = _action(api, share, body)
        assert resp.status_int == 400
        assert "must be 'available'" in fault(resp)[1]


def test_extend_over_gigabytes_quota_is_403_and_reserves_nothing(
        api, share, admin_ctx):
    quotas.set_limits(admin_ctx, PROJECT, {'gigabytes': 8})
    resp = _action(api, share, {'extend': {'new_size': 9}})
    assert resp.status_int == 403
    assert fault(resp) == ('forbidden', 'Requested share exceeds allowed '
                           'project/user or share type gigabytes quota.')
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
    assert _gigabytes(admin_ctx) == {'in_use': 5, 'reserved': 0}
    assert _action(api, share, {'extend': {'new_size': 8}}).status_int == 202


def test_extend_over_per_share_limit_is_413(api, share, admin_ctx):
    quotas.set_limits(admin_ctx, PROJECT, {'per_share_gigabytes': 6})
    resp = _action(api, share, {'extend': {'new_size': 7}})
    assert resp.status_int == 413
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE


def test_reserved_growth_counts_against_other_requests(
        api, share, admin_ctx, share_type):
    """Two extends racing for the last room: only one gets it."""
    other = _share(admin_ctx, share_type, 1)
    quotas.set_limits(admin_ctx, PROJECT, {'gigabytes': 10})
    assert _action(api, share, {'extend': {'new_size': 8}}).status_int == 202
    assert _action(api, other, {'extend': {'new_size': 3}}).status_int == 403
    assert _action(api, other, {'extend': {'new_size': 2}}).status_int == 202


def test_force_is_for_administrators_from_2_64(api, share, admin_ctx):
    body = {'extend': {'new_size': 6, 'force': True}}
    denied = _action(api, share, body)
    assert denied.status_int == 403
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
    # Before 2.64 force is not a parameter: ignored.
    assert _action(api, share, body, version='2.63').status_int == 202
    share_db.set_status(admin_ctx, share.instance.id, states.AVAILABLE)
    quotas.rollback(admin_ctx, resize_db.pending(
        admin_ctx, PROJECT, share.instance.id)[0])
    assert _action(api, share, body, role='admin').status_int == 202


def test_share_type_size_limits(api, admin_ctx, share_type):
    type_db.set_extra_specs(admin_ctx, share_type.id, {
        'provisioning:max_share_size': '8',
        'provisioning:min_share_size': '3',
        'provisioning:max_share_extend_size': '12'})
    share = _share(admin_ctx, share_type, 5)
    too_big = _action(api, share, {'extend': {'new_size': 9}})
    assert too_big.status_int == 400
    assert 'maximum allowable size' in fault(too_big)[1]
    too_small = _action(api, share, {'shrink': {'new_size': 2}})
    assert too_small.status_int == 400
    assert 'minimum required size' in fault(too_small)[1]
    # Administrators may go past max_share_size, up to the extend limit.
    beyond = _action(api, share, {'extend': {'new_size': 13}}, role='admin')
    assert 'maximum allowable extend size' in fault(beyond)[1]
    assert _action(api, share, {'extend': {'new_size': 12}},
                   role='admin').status_int == 202


def test_shrink_moves_to_shrinking_and_holds_usage(api, share, admin_ctx):
    assert _action(api, share, {'shrink': {'new_size': 2}}).status_int == 202
    share = share_db.get(admin_ctx, share.id)
    assert share.status == states.SHRINKING
    # The released gigabytes stay in use until the backend has shrunk.
    assert _gigabytes(admin_ctx) == {'in_use': 5, 'reserved': 0}


def test_scheduler_sends_an_extend_back_when_the_pool_is_full(
        api, share, admin_ctx):
    """silver has 50 GiB free: growing by 60 is refused by the scheduler;
    the share is available again, quota given back, the user told."""
    assert _action(api, share, {'extend': {'new_size': 65}}).status_int == \
        202
    share = wait_for_status(admin_ctx, share.id, states.AVAILABLE)
    assert share.size == 5
    assert _gigabytes(admin_ctx) == {'in_use': 5, 'reserved': 0}
    found = message_db.get_all(admin_ctx, {'all_tenants': True,
                                           'resource_id': share.id})
    assert [(m.action_id, m.detail_id) for m in found] == [
        (messages.ACTION_EXTEND, messages.NO_VALID_HOST)]


def test_a_share_on_no_backend_cannot_resize(api, admin_ctx, share_type):
    """Never placed, then reset to available by an administrator."""
    share = share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                    'size': 2, 'share_proto': 'NFS'},
        {'status': states.AVAILABLE, 'share_type_id': share_type.id})
    resp = _action(api, share, {'extend': {'new_size': 3}})
    assert resp.status_int == 400
    assert 'on no backend' in fault(resp)[1]
