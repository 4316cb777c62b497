"""The share instance state machine and its atomic application."""

import pytest

from manila_lite import context as ml_context
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import states


@pytest.mark.parametrize('current,target,allowed', [
    (states.CREATING, states.AVAILABLE, True),
    (states.CREATING, states.ERROR, True),
    (states.CREATING, states.DELETING, False),
    (states.AVAILABLE, states.DELETING, True),
    (states.AVAILABLE, states.CREATING, False),
    (states.ERROR, states.DELETING, True),
    (states.DELETING, states.ERROR_DELETING, True),
    (states.DELETING, states.AVAILABLE, False),
    # A failed delete is left by force_delete or reset_status only.
    (states.ERROR_DELETING, states.DELETING, False),
    # Share transfers (2.77): only an available share is offered, and
    # it can only become available again (accepted, deleted, expired).
    (states.AVAILABLE, states.AWAITING_TRANSFER, True),
    (states.AWAITING_TRANSFER, states.AVAILABLE, True),
    (states.ERROR, states.AWAITING_TRANSFER, False),
    (states.AWAITING_TRANSFER, states.DELETING, False),
    (states.AWAITING_TRANSFER, states.EXTENDING, False),
])
def test_transition_table(current, target, allowed):
    if allowed:
        states.check(states.SHARE_INSTANCE, 'Share', 'x', current, target)
    else:
        with pytest.raises(exception.InvalidStatusTransition) as err:
            states.check(states.SHARE_INSTANCE, 'Share', 'x', current,
                         target)
        assert err.value.code == 409
        assert current in str(err.value)


def test_sources_are_derived_from_the_table():
    assert states.sources(states.SHARE_INSTANCE, states.DELETING) == [
        states.AVAILABLE, states.ERROR]


def test_bulk_moves_keep_only_what_the_table_allows():
    table = {'queued': {'working'}, 'working': {'done'}}
    assert states.allowed_moves(table, {
        'queued': 'working', 'working': 'queued', 'done': 'working'}) == {
        'queued': 'working'}


def _new_share(admin):
    share_type = type_db.create(admin, 't', {
        'driver_handles_share_servers': 'False'})
    return share_db.create(
        admin, dict(project_id='p', user_id='u', size=1, share_proto='NFS'),
        dict(status=states.CREATING, share_type_id=share_type.id))


def test_named_sources_narrow_the_table_never_widen_it(clean_database):
    admin = ml_context.get_admin_context()
    instance_id = _new_share(admin).instance.id
    # creating -> deleting is not in the table: naming creating as the
    # source does not make it so; force (an administrator's, or an
    # undo) does.
    assert not share_db.transition(admin, instance_id, states.DELETING,
                                   sources=[states.CREATING])
    assert share_db.instance_get(admin, instance_id).status == \
        states.CREATING
    assert share_db.transition(admin, instance_id, states.DELETING,
                               sources=[states.CREATING], force=True)
    assert share_db.instance_get(admin, instance_id).status == \
        states.DELETING
    assert states.narrowed(states.SHARE_INSTANCE, states.AVAILABLE,
                           [states.CREATING, states.ERROR]) == [
        states.CREATING]


def test_transition_is_conditional_on_current_status(clean_database):
    admin = ml_context.get_admin_context()
    share = _new_share(admin)
    instance_id = share.instance.id
    # creating -> deleting is not in the table: refused, status unchanged.
    assert not share_db.transition(admin, instance_id, states.DELETING)
    assert share_db.get(admin, share.id).status == states.CREATING
    assert share_db.finish_create(admin, instance_id,
                                  [{'path': '10.0.0.1:/x'}])
    # A second completion (a retried create) changes nothing.
    assert not share_db.finish_create(admin, instance_id,
                                      [{'path': '10.0.0.2:/y'}])
    share = share_db.get(admin, share.id)
    assert share.status == states.AVAILABLE
    assert [loc.path for loc in share.export_locations] == ['10.0.0.1:/x']
    assert share_db.transition(admin, instance_id, states.DELETING)
    assert not share_db.transition(admin, instance_id, states.DELETING)


def test_only_one_scheduling_claims_an_instance(clean_database):
    admin = ml_context.get_admin_context()
    share = _new_share(admin)
    assert share_db.claim_host(admin, share.instance.id, 'a@b#c', 'az1')
    assert not share_db.claim_host(admin, share.instance.id, 'x@y#z', 'az2')
    share = share_db.get(admin, share.id)
    assert (share.host, share.availability_zone) == ('a@b#c', 'az1')
