"""Access rules through the real WSGI stack, and the share manager's side.

API requests cast ``update_access`` to a share service on the in-process
transport where none listens; the ``manager`` fixture is a real
ShareManager over the fake driver whose ``update_access`` a test calls
itself in place of the cast, so every step is deterministic.
"""

import pytest
import sqlalchemy as sa

from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import shares as share_db
from manila_lite import messages
from manila_lite import states
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT

CONF = conf.CONF
V = '2.88'


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx)


def _share(api, admin_ctx, manager, role='member', metadata=None):
    """An available share of PROJECT, created on the fake backend."""
    share_id = create_share(api, V, role=role,
                            metadata=metadata or {}).json['share']['id']
    share = make_available(admin_ctx, share_id, manager=manager)
    assert share.status == states.AVAILABLE
    return share


def _allow(api, share_id, access_type='ip', access_to='10.0.0.1',
           level=None, version=V, status=200, role='member', name=None,
           **extra):
    args = dict({'access_type': access_type, 'access_to': access_to},
                **extra)
    if level:
        args['access_level'] = level
    name = name or ('allow_access' if version != '2.6' else
                    'os-allow_access')
    return api.post('/shares/%s/action' % share_id, {name: args},
                    version=version, role=role, status=status)


def _rule(api, access_id, version=V, role='member', status=200):
    return api.get('/share-access-rules/%s' % access_id, version=version,
                   role=role, status=status)


def _apply(manager, admin_ctx, share):
    manager.access.update_access(admin_ctx, share.instance.id)


# -- allow, show, list, deny -------------------------------------------------

def test_allow_queues_the_rule_and_the_manager_applies_it(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id, level='ro').json['access']
    assert access['state'] == 'queued_to_apply'
    assert (access['share_id'], access['access_type'], access['access_to'],
            access['access_level']) == (share.id, 'ip', '10.0.0.1', 'ro')
    assert share_db.get(admin_ctx, share.id).access_rules_status == \
        'syncing'

    _apply(manager, admin_ctx, share)

    assert _rule(api, access['id']).json['access']['state'] == 'active'
    assert share_db.get(admin_ctx, share.id).access_rules_status == \
        'active'
    on_backend = manager.driver.fake_get_access(share.instance.id)
    assert on_backend[access['id']]['access_level'] == 'ro'
    listed = api.get('/share-access-rules?share_id=%s' % share.id,
                     version=V, role='member', status=200).json
    assert [r['id'] for r in listed['access_list']] == [access['id']]


def test_deny_removes_the_rule_here_and_on_the_backend(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    keep = _allow(api, share.id, access_to='10.0.0.1').json['access']
    gone = _allow(api, share.id, access_to='10.0.0.2').json['access']
    _apply(manager, admin_ctx, share)

    api.post('/shares/%s/action' % share.id,
             {'deny_access': {'access_id': gone['id']}}, version=V,
             role='member', status=202)
    assert _rule(api, gone['id']).json['access']['state'] == \
        'queued_to_deny'
    _apply(manager, admin_ctx, share)

    _rule(api, gone['id'], status=404)
    assert set(manager.driver.fake_get_access(share.instance.id)) == {
        keep['id']}
    # A rule of another share, or an unknown one, is not found.
    other = _share(api, admin_ctx, manager)
    api.post('/shares/%s/action' % other.id,
             {'deny_access': {'access_id': keep['id']}}, version=V,
             role='member', status=404)
    api.post('/shares/%s/action' % share.id,
             {'deny_access': {'access_id': 'nope'}}, version=V,
             role='member', status=404)


def test_cephx_rules_get_their_access_key(api, share_type, admin_ctx,
                                          manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id, 'cephx', 'alice').json['access']
    assert access['access_key'] is None
    _apply(manager, admin_ctx, share)
    shown = _rule(api, access['id']).json['access']
    assert shown['state'] == 'active' and len(shown['access_key']) == 40
    key = manager.driver.fake_get_access(
        share.instance.id)[access['id']]['access_key']
    assert shown['access_key'] == key


# -- validation ---------------------------------------------------------------

@pytest.mark.parametrize('access_type,access_to,version,status', [
    ('ip', '10.0.0.0/24', V, 200),
    ('ip', '10.0.0.5/24', V, 400),        # host bits set
    ('ip', '10.0.0.300', V, 400),
    ('ip', '2001:db8::/64', '2.38', 200),
    ('ip', '2001:db8::/64', '2.37', 400),
    ('user', 'alice', V, 200),
    ('user', 'bob', V, 400),              # under 4 characters
    ('user', 'al/ce', V, 400),
    ('cert', 'client.example.com', V, 200),
    ('cert', 'x' * 65, V, 400),
    ('cephx', 'alice', '2.13', 200),
    ('cephx', 'alice', '2.12', 400),
    ('cephx', 'client.alice', V, 400),
    ('krb', 'alice', V, 400),
])
def test_access_types_are_validated(api, share_type, admin_ctx, manager,
                                    access_type, access_to, version, status):
    share = _share(api, admin_ctx, manager)
    _allow(api, share.id, access_type, access_to, version=version,
           status=status)


def test_levels_duplicates_and_share_status(api, share_type, admin_ctx,
                                            manager):
    share = _share(api, admin_ctx, manager)
    resp = _allow(api, share.id, level='rx', status=400)
    assert 'access level' in fault(resp)[1]
    _allow(api, share.id, access_to='10.0.0.1')
    # The same grantee, however spelt, whatever state the rule is in.
    for spelling in ('10.0.0.1', '10.0.0.1/32'):
        resp = _allow(api, share.id, access_to=spelling, status=400)
        assert fault(resp)[1] == 'Share access ip:%s exists.' % spelling
    # Another type for the same string is another rule.
    _allow(api, share.id, 'user', '10.0.0.1')

    share_db.set_status(admin_ctx, share.instance.id, states.EXTENDING)
    resp = _allow(api, share.id, access_to='10.0.0.9', status=400)
    assert 'extending' in fault(resp)[1]
    assert len(access_db.get_all_for_share(admin_ctx, share.id)) == 2


def test_bodies_and_locks(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    api.post('/shares/%s/action' % share.id,
             {'allow_access': {'access_type': 'ip'}}, version=V,
             role='member', status=400)
    # Locked rules: tests/unit/api/test_resource_locks.py.
    _allow(api, share.id, lock_deletion=True, status=200)
    _allow(api, share.id, lock_reason='why', access_to='10.0.0.2',
           status=400)
    # Before 2.82 the lock fields mean nothing and are ignored.
    _allow(api, share.id, lock_deletion=True, version='2.81',
           access_to='10.0.0.3')


# -- microversions ---------------------------------------------------------

@pytest.mark.parametrize(('version', 'present', 'absent', 'state'), [
    ('2.20', [], ['access_key', 'created_at', 'metadata'], 'new'),
    ('2.21', ['access_key'], ['created_at'], 'new'),
    ('2.28', ['access_key'], ['created_at'], 'queued_to_apply'),
    ('2.33', ['created_at', 'updated_at'], ['metadata'], 'queued_to_apply'),
    ('2.45', ['metadata', 'share_id'], [], 'queued_to_apply'),
])
def test_rule_fields_follow_microversion(api, share_type, admin_ctx,
                                         manager, version, present, absent,
                                         state):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id, version=version).json['access']
    for key in present:
        assert key in access, key
    for key in absent:
        assert key not in access, key
    assert access['state'] == state


def test_action_and_resource_names_follow_microversion(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id, version='2.6',
                    name='os-allow_access').json['access']
    _allow(api, share.id, version='2.7', name='os-allow_access',
           access_to='10.0.0.2', status=404)
    path = '/shares/%s/action' % share.id
    listed = api.post(path, {'os-access_list': None}, version='2.6',
                      role='member', status=200).json['access_list']
    assert [r['id'] for r in listed] == [access['id']]
    assert listed[0]['state'] == 'new'
    api.post(path, {'access_list': None}, version='2.44', role='member',
             status=200)
    api.post(path, {'access_list': None}, version='2.45', role='member',
             status=404)
    api.get('/share-access-rules?share_id=%s' % share.id, version='2.44',
            role='member', status=404)
    _rule(api, access['id'], version='2.44', status=404)
    api.put('/share-access-rules/%s' % access['id'],
            {'update_access': {'access_level': 'ro'}}, version='2.87',
            role='member', status=404)
    api.post(path, {'os-deny_access': {'access_id': access['id']}},
             version='2.6', role='member', status=202)


def test_share_view_shows_syncing_as_out_of_sync_before_2_28(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    _allow(api, share.id)

    def status(version):
        return api.get('/shares/%s' % share.id, version=version,
                       role='member').json['share']['access_rules_status']

    assert (status('2.27'), status('2.28')) == ('out_of_sync', 'syncing')


def test_list_needs_a_visible_share_and_filters(api, share_type, admin_ctx,
                                                manager):
    share = _share(api, admin_ctx, manager)
    ip = _allow(api, share.id, metadata={'team': 'a'}).json['access']
    user = _allow(api, share.id, 'user', 'alice', level='ro').json['access']

    def ids(query, version=V, status=200):
        resp = api.get('/share-access-rules?share_id=%s%s'
                       % (share.id, query), version=version,
                       role='member', status=status)
        return [r['id'] for r in resp.json.get('access_list', [])]

    assert ids('') == [ip['id'], user['id']]
    assert ids("&metadata={'team': 'a'}") == [ip['id']]
    assert ids('&access_type=user') == [user['id']]
    assert ids('&access_level=ro&access_type=user') == [user['id']]
    assert ids('&access_type=ip&access_to=10.0.0.1/32') == [ip['id']]
    ids('&access_to=10.0.0.1', status=400)
    ids('&access_type=krb', status=400)
    # Before 2.82 the new filters are ignored.
    assert ids('&access_type=user', version='2.81') == [ip['id'],
                                                        user['id']]
    resp = api.get('/share-access-rules', version=V, role='member',
                   status=400)
    assert 'share_id' in fault(resp)[1]
    api.get('/share-access-rules?share_id=nope', version=V, role='member',
            status=400)


def test_metadata_set_and_unset(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id, metadata={'a': '1'}).json['access']
    assert access['metadata'] == {'a': '1'}
    path = '/share-access-rules/%s/metadata' % access['id']
    resp = api.put(path, {'metadata': {'b': '2', 'a': '3'}}, version=V,
                   role='member', status=200)
    assert resp.json == {'metadata': {'a': '3', 'b': '2'}}
    api.post(path, {'metadata': {'c': '4'}}, version=V, role='member',
             status=200)
    api.delete(path + '/a', version=V, role='member', status=200)
    api.delete(path + '/a', version=V, role='member', status=404)
    assert _rule(api, access['id']).json['access']['metadata'] == {
        'b': '2', 'c': '4'}
    api.put(path, {'metadata': {'': 'x'}}, version=V, role='member',
            status=400)
    api.put(path, {'metadata': 'x'}, version=V, role='member', status=400)
    api.put(path, {'metadata': {'a': '1'}}, version='2.44', role='member',
            status=404)


def test_update_access_level_resyncs_the_instance(api, share_type,
                                                  admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id).json['access']
    path = '/share-access-rules/%s' % access['id']
    body = {'update_access': {'access_level': 'ro'}}
    # Only an active rule may change.
    resp = api.put(path, body, version=V, role='member', status=400)
    assert 'queued_to_apply' in fault(resp)[1]
    _apply(manager, admin_ctx, share)

    updated = api.put(path, body, version=V, role='member',
                      status=200).json['access']
    assert (updated['access_level'], updated['state']) == (
        'ro', 'queued_to_update')
    # Versions that cannot change levels see the resync as an apply.
    assert _rule(api, access['id'], version='2.87').json['access'][
        'state'] == 'queued_to_apply'
    _apply(manager, admin_ctx, share)
    assert _rule(api, access['id']).json['access']['state'] == 'active'
    assert manager.driver.fake_get_access(share.instance.id)[
        access['id']]['access_level'] == 'ro'
    api.put(path, {'update_access': {'access_level': 'xx'}}, version=V,
            role='member', status=400)


# -- failures, recovery, deletion ---------------------------------------------

def test_driver_failure_leaves_errors_and_a_message(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    good = _allow(api, share.id, access_to='10.0.0.1').json['access']
    _apply(manager, admin_ctx, share)
    CONF.set_override('fake_fail_operations', ['update_access'],
                      group='alpha')
    bad = _allow(api, share.id, access_to='10.0.0.2').json['access']
    _apply(manager, admin_ctx, share)

    assert _rule(api, bad['id']).json['access']['state'] == 'error'
    assert _rule(api, good['id']).json['access']['state'] == 'active'
    assert share_db.get(admin_ctx, share.id).access_rules_status == 'error'
    found = message_db.get_all(admin_ctx, {'all_tenants': True,
                                           'resource_id': share.id})
    assert [(m.action_id, m.detail_id) for m in found] == [
        (messages.ACTION_UPDATE_ACCESS_RULES, messages.UNKNOWN_ERROR)]
    shown = api.get('/messages/%s' % found[0].id, version=V,
                    role='member').json['message']
    assert shown['user_message'].startswith('update access rules:')

    # Before 2.28 no rule may be added while the share is in error.
    _allow(api, share.id, access_to='10.0.0.3', version='2.27', status=400)
    # Denying the failed rule resyncs everything (recovery) and heals.
    CONF.clear_override('fake_fail_operations', group='alpha')
    api.post('/shares/%s/action' % share.id,
             {'deny_access': {'access_id': bad['id']}}, version=V,
             role='member', status=202)
    _apply(manager, admin_ctx, share)
    assert share_db.get(admin_ctx, share.id).access_rules_status == 'active'
    assert set(manager.driver.fake_get_access(share.instance.id)) == {
        good['id']}


def test_driver_refusing_a_rule_is_unsupported_client_access(
        api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    # A user name the API (as python-manilaclient) accepts but the fake
    # backend cannot apply.
    access = _allow(api, share.id, 'user', 'has space').json['access']
    _apply(manager, admin_ctx, share)
    assert _rule(api, access['id']).json['access']['state'] == 'error'
    found = message_db.get_all(admin_ctx, {'all_tenants': True,
                                           'resource_id': share.id})
    assert [m.detail_id for m in found] == [
        messages.UNSUPPORTED_CLIENT_ACCESS]


def test_per_share_failure_injection(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager,
                   metadata={'fake_fail_operations': 'update_access'})
    access = _allow(api, share.id).json['access']
    _apply(manager, admin_ctx, share)
    assert _rule(api, access['id']).json['access']['state'] == 'error'


def test_restart_resyncs_rules_left_under_way(api, share_type, admin_ctx,
                                              manager):
    share = _share(api, admin_ctx, manager)
    applying = _allow(api, share.id, access_to='10.0.0.1').json['access']
    denying = _allow(api, share.id, access_to='10.0.0.2').json['access']
    _apply(manager, admin_ctx, share)
    api.post('/shares/%s/action' % share.id,
             {'deny_access': {'access_id': denying['id']}}, version=V,
             role='member', status=202)
    queued = _allow(api, share.id, access_to='10.0.0.3').json['access']
    # A previous run died after moving the queue to work (and the first
    # rule back to applying, which no request does: written directly).
    assert access_db.start_sync(admin_ctx, [share.instance.id], ())
    assert {r['id']: r['state'] for r in access_db.rules_for_instances(
        admin_ctx, [share.instance.id])[share.instance.id]} == {
        applying['id']: states.ACCESS_ACTIVE,
        denying['id']: states.ACCESS_DENYING,
        queued['id']: states.ACCESS_APPLYING}
    with db_api.writer.using(admin_ctx) as session:
        session.execute(sa.update(models.ShareInstanceAccessRule).where(
            models.ShareInstanceAccessRule.access_id == applying['id'])
            .values(state=states.ACCESS_APPLYING))

    manager.access.recover(admin_ctx)

    assert set(manager.driver.fake_get_access(share.instance.id)) == {
        applying['id'], queued['id']}
    assert {r.id: access_db.rule_state(r) for r in
            access_db.get_all_for_share(admin_ctx, share.id)} == {
        applying['id']: 'active', queued['id']: 'active'}
    assert share_db.get(admin_ctx, share.id).access_rules_status == 'active'


def test_reapply_sends_the_full_list(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id).json['access']
    _apply(manager, admin_ctx, share)
    # The backend lost its rules (say its export moved).
    record = manager.driver._state['shares'][share.instance.id]
    record['access'].clear()
    manager.access.reapply_access_rules(admin_ctx, [share.instance.id])
    assert set(manager.driver.fake_get_access(share.instance.id)) == {
        access['id']}


def test_deleting_the_share_deletes_its_rules(api, share_type, admin_ctx,
                                              manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id, metadata={'k': 'v'}).json['access']
    _apply(manager, admin_ctx, share)
    api.delete('/shares/%s' % share.id, version=V, role='member',
               status=202)
    manager.shares.delete_share_instance(admin_ctx, share.instance.id)
    _rule(api, access['id'], role='admin', status=404)
    assert access_db.rules_for_instances(
        admin_ctx, [share.instance.id]) == {share.instance.id: []}


def test_rules_for_instances_batches(api, share_type, admin_ctx, manager):
    one, two = (_share(api, admin_ctx, manager) for _ in range(2))
    first = _allow(api, one.id).json['access']
    _allow(api, two.id, 'user', 'alice')
    _allow(api, two.id, 'user', 'bobby')
    found = access_db.rules_for_instances(
        admin_ctx, [one.instance.id, two.instance.id, 'none'])
    assert [r['id'] for r in found[one.instance.id]] == [first['id']]
    assert [r['access_to'] for r in found[two.instance.id]] == [
        'alice', 'bobby']
    assert found['none'] == []
    assert found[one.instance.id][0]['state'] == 'queued_to_apply'
    assert access_db.rules_for_instances(
        admin_ctx, [one.instance.id], [states.ACCESS_ACTIVE]) == {
        one.instance.id: []}


# -- who may do what ----------------------------------------------------------

def test_other_projects_and_readers(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    access = _allow(api, share.id).json['access']
    api.post('/shares/%s/action' % share.id,
             {'allow_access': {'access_type': 'ip', 'access_to': '1.1.1.1'}},
             version=V, role='member', project=OTHER_PROJECT, status=404)
    _rule(api, access['id'], role='member', status=200)
    api.get('/share-access-rules/%s' % access['id'], version=V,
            role='member', project=OTHER_PROJECT, status=404)
    api.get('/share-access-rules?share_id=%s' % share.id, version=V,
            role='member', project=OTHER_PROJECT, status=400)


def test_per_rule_results_of_the_driver(api, share_type, admin_ctx, manager):
    """A driver may refuse one rule of a call ({'state': 'error'}) and
    hand out keys as dicts: the others still become active."""
    from manila_lite.share.drivers import fake

    class PickyDriver(fake.FakeShareDriver):
        def update_access(self, context, share, access_rules, add_rules,
                          delete_rules, share_server=None):
            refused = [r for r in add_rules if r['access_to'] == 'mallory']
            super().update_access(
                context, share, access_rules,
                [r for r in add_rules if r not in refused], delete_rules)
            result = {r['id']: {'state': 'error'} for r in refused}
            result.update({r['id']: {'access_key': 'key-' + r['access_to']}
                           for r in add_rules if r not in refused})
            return result

    share = _share(api, admin_ctx, manager)
    picky = PickyDriver(False, configuration=manager.driver.configuration)
    picky._state = manager.driver._state
    manager.driver = picky
    good = _allow(api, share.id, 'cephx', 'alice').json['access']
    bad = _allow(api, share.id, 'cephx', 'mallory').json['access']
    _apply(manager, admin_ctx, share)
    shown = _rule(api, good['id']).json['access']
    assert (shown['state'], shown['access_key']) == ('active', 'key-alice')
    assert _rule(api, bad['id']).json['access']['state'] == 'error'
    assert share_db.get(admin_ctx, share.id).access_rules_status == 'error'
    found = message_db.get_all(admin_ctx, {'all_tenants': True,
                                           'resource_id': share.id})
    assert [m.detail_id for m in found] == [
        messages.UNSUPPORTED_CLIENT_ACCESS]
