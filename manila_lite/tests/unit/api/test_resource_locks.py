"""Resource locks (2.81+) through the real WSGI stack.

Locks on shares veto their deletion (delete, force delete, soft delete,
unmanage); locks on access rules veto their deny and hide their grantee
from other users (2.82's allow_access/deny_access fields). Who may change
or lift a lock depends on the policy and on the lock's context.
"""

import datetime

from oslo_utils import timeutils
import pytest

from manila_lite.api import microversion
from manila_lite import conf
from manila_lite.db import access_rules as access_db
from manila_lite.db import resource_locks as lock_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import ADMIN_PROJECT
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
V = '2.82'
FIELDS = {'id', 'resource_id', 'resource_action', 'resource_type', 'user_id',
          'project_id', 'lock_context', 'created_at', 'updated_at',
          'lock_reason', 'links'}
MASK = '******'

# caller -> (user, project, roles)
CALLERS = {
    'owner': ('member-user', PROJECT, 'member,reader'),
    'peer': ('peer-user', PROJECT, 'member,reader'),
    'reader': ('reader-user', PROJECT, 'reader'),
    'other': ('other-user', OTHER_PROJECT, 'member,reader'),
    'admin': ('admin-user', ADMIN_PROJECT, 'admin,member,reader'),
    'project_admin': ('boss', PROJECT, 'admin,member,reader'),
    'service': ('nova', PROJECT, 'service,member,reader'),
}


@pytest.fixture
def share_type(api, admin_ctx, scheduler):
    return default_share_type(admin_ctx)


def call(api, caller, method, path, body=None, version=V, status=None):
    """A request as one of CALLERS; checks ``status`` when given."""
    user, project, roles = CALLERS[caller]
    headers = {'X-Auth-Token': '%s:%s' % (user, project), 'X-Roles': roles,
               microversion.HEADER: version}
    kwargs = {'headers': headers, 'expect_errors': True}
    if body is not None:
        resp = getattr(api.app, method.lower() + '_json')(
            '/v2' + path, body, **kwargs)
    else:
        resp = api.app.request('/v2' + path, method=method, **kwargs)
    if status is not None:
        assert resp.status_int == status, (method, path, resp.status,
                                           resp.text[:400])
    return resp


def _share(api, admin_ctx, manager=None):
    """An available share of PROJECT (created by member-user)."""
    share_id = create_share(api, V).json['share']['id']
    share = make_available(admin_ctx, share_id, manager=manager)
    assert share.status == states.AVAILABLE
    return share


def _lock(api, resource_id, caller='owner', resource_type='share',
          action='delete', reason='tested', status=200):
    body = {'resource_lock': {'resource_id': resource_id,
                              'resource_type': resource_type,
                              'resource_action': action,
                              'lock_reason': reason}}
    resp = call(api, caller, 'POST', '/resource-locks', body, status=status)
    return resp.json.get('resource_lock') if status == 200 else resp


# -- create, show, list, update, delete ---------------------------------------

def test_lock_lifecycle(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    lock = _lock(api, share.id, reason='keep it')
    assert set(lock) == FIELDS
    assert (lock['resource_type'], lock['resource_id'],
            lock['resource_action'], lock['lock_context'],
            lock['user_id'], lock['project_id'], lock['lock_reason']) == (
        'share', share.id, 'delete', 'user', 'member-user', PROJECT,
        'keep it')
    assert lock['links'][0]['href'].endswith(
        '/v2/%s/resource-locks/%s' % (PROJECT, lock['id']))
    path = '/resource-locks/%s' % lock['id']
    assert call(api, 'owner', 'GET', path,
                status=200).json['resource_lock'] == lock
    listed = call(api, 'peer', 'GET', '/resource-locks',
                  status=200).json['resource_locks']
    assert [item['id'] for item in listed] == [lock['id']]

    updated = call(api, 'owner', 'PUT', path,
                   {'resource_lock': {'lock_reason': 'new reason'}},
                   status=200).json['resource_lock']
    assert updated['lock_reason'] == 'new reason'
    assert updated['updated_at'] is not None
    assert call(api, 'owner', 'GET', path, status=200).json[
        'resource_lock']['lock_reason'] == 'new reason'

    resp = call(api, 'owner', 'DELETE', path, status=204)
    assert resp.body == b''
    call(api, 'owner', 'GET', path, status=404)
    call(api, 'owner', 'DELETE', path, status=404)


@pytest.mark.parametrize('method,path,body', [
    ('GET', '/resource-locks', None),
    ('POST', '/resource-locks', {'resource_lock': {}}),
    ('GET', '/resource-locks/x', None),
    ('PUT', '/resource-locks/x', {'resource_lock': {}}),
    ('DELETE', '/resource-locks/x', None),
])
def test_served_from_2_81(api, method, path, body):
    resp = call(api, 'owner', method, path, body, version='2.80',
                status=404)
    assert fault(resp)[0] == 'itemNotFound'


@pytest.mark.parametrize('caller,expected', [
    ('owner', 'user'), ('admin', 'admin'), ('service', 'service')])
def test_lock_context_follows_the_caller(api, share_type, admin_ctx, caller,
                                         expected):
    share = _share(api, admin_ctx)
    lock = _lock(api, share.id, caller=caller)
    assert lock['lock_context'] == expected
    assert lock['project_id'] == CALLERS[caller][1]


# -- bodies ---------------------------------------------------------------

def _uuid():
    return '4e4b6a64-8d58-4d2f-9c89-3d1f0c1c8f4b'


@pytest.mark.parametrize('body,status,words', [
    ({}, 400, 'resource_lock'),
    ({'resource_lock': {'resource_id': 'not-a-uuid'}}, 400, 'uuid format'),
    ({'resource_lock': {'resource_id': '{share}',
                        'resource_action': 'invalid-action'}}, 400,
     'resource_action'),
    ({'resource_lock': {'resource_id': '{share}', 'resource_action': 'show'}},
     400, 'resource_action'),
    ({'resource_lock': {'resource_id': '{share}',
                        'resource_type': 'snapshot'}}, 400,
     'resource_type'),
    ({'resource_lock': {'resource_id': '{share}',
                        'lock_reason': 'x' * 1024}}, 400, 'too long'),
    ({'resource_lock': {'resource_id': _uuid()}}, 400,
     'No such resource found'),
    ({'resource_lock': {'resource_id': _uuid(),
                        'resource_type': 'access_rule'}}, 400,
     'No such resource found'),
    # Type and action default to share and delete.
    ({'resource_lock': {'resource_id': '{share}'}}, 200, None),
    ({'resource_lock': {'resource_id': '{share}',
                        'lock_reason': 'x' * 1023}}, 200, None),
])
def test_create_bodies(api, share_type, admin_ctx, body, status, words):
    share = _share(api, admin_ctx)
    if 'resource_lock' in body:
        body = {'resource_lock': {
            k: (v.format(share=share.id) if isinstance(v, str) else v)
            for k, v in body['resource_lock'].items()}}
    resp = call(api, 'owner', 'POST', '/resource-locks', body,
                status=status)
    if words:
        assert words in fault(resp)[1]
    else:
        lock = resp.json['resource_lock']
        assert (lock['resource_type'], lock['resource_action']) == (
            'share', 'delete')


@pytest.mark.parametrize('caller,status', [
    ('owner', 200), ('peer', 200), ('admin', 200),
    ('reader', 403),
    # Another project's private share is not found, as in Manila.
    ('other', 400),
])
def test_who_may_lock_a_share(api, share_type, admin_ctx, caller, status):
    share = _share(api, admin_ctx)
    _lock(api, share.id, caller=caller, status=status)


@pytest.mark.parametrize('body,status,words', [
    ({'resource_lock': {'resource_action': 'invalid-action'}}, 400,
     'resource_action'),
    ({'resource_lock': {'lock_reason': 'invalid' * 150}}, 400, 'too long'),
    ({'resource_lock': {'resource_id': _uuid()}}, 400, 'can be updated'),
    ({'resource_lock': {'lock_reason': None}}, 200, None),
    ({'resource_lock': {'resource_action': 'delete'}}, 200, None),
])
def test_update_bodies(api, share_type, admin_ctx, body, status, words):
    share = _share(api, admin_ctx)
    lock = _lock(api, share.id)
    resp = call(api, 'owner', 'PUT', '/resource-locks/%s' % lock['id'],
                body, status=status)
    if words:
        assert words in fault(resp)[1]


# -- who may change or lift whose lock ----------------------------------------

@pytest.mark.parametrize('placed_by,caller,status', [
    ('owner', 'owner', 204),
    ('owner', 'peer', 403),       # another user of the project
    ('owner', 'reader', 403),
    ('owner', 'other', 404),      # another project's lock is not found
    ('owner', 'admin', 204),
    ('owner', 'service', 204),
    # An administrator's lock yields only to administrators...
    ('project_admin', 'owner', 403),
    ('project_admin', 'service', 403),
    ('project_admin', 'admin', 204),
    # ...and, placed from another project, is not even seen.
    ('admin', 'owner', 404),
    ('service', 'owner', 403),    # a service's lock is not a user's
    ('service', 'admin', 204),
    ('service', 'service', 204),
])
def test_who_may_lift_a_lock(api, share_type, admin_ctx, placed_by, caller,
                             status):
    share = _share(api, admin_ctx)
    lock = _lock(api, share.id, caller=placed_by)
    path = '/resource-locks/%s' % lock['id']
    # Changing it takes the same standing as lifting it.
    update = call(api, caller, 'PUT', path,
                  {'resource_lock': {'lock_reason': 'mine now'}})
    assert update.status_int == (200 if status == 204 else status)
    call(api, caller, 'DELETE', path, status=status)


# -- share deletion locks ----------------------------------------------------

@pytest.mark.parametrize('caller,method,path,body,status', [
    ('owner', 'DELETE', '/shares/{id}', None, 403),
    ('admin', 'DELETE', '/shares/{id}', None, 403),
    ('admin', 'DELETE', '/shares/{id}?force=True', None, 403),
    # Manila answers 400 to force_delete, 403 to the others.
    ('admin', 'POST', '/shares/{id}/action', {'force_delete': None}, 400),
    ('owner', 'POST', '/shares/{id}/action', {'soft_delete': None}, 403),
    ('admin', 'POST', '/shares/{id}/action', {'unmanage': None}, 403),
])
def test_deletion_lock_vetoes_every_way_out(api, share_type, admin_ctx,
                                            caller, method, path, body,
                                            status):
    share = _share(api, admin_ctx)
    first = _lock(api, share.id)
    second = _lock(api, share.id, caller='peer')
    resp = call(api, caller, method, path.format(id=share.id), body,
                status=status)
    message = fault(resp)[1]
    assert first['id'] in message and second['id'] in message
    assert share_db.get(admin_ctx, share.id).status == states.AVAILABLE
    assert not share_db.get(admin_ctx, share.id).is_soft_deleted

    call(api, 'owner', 'DELETE', '/resource-locks/%s' % first['id'],
         status=204)
    call(api, caller, method, path.format(id=share.id), body, status=status)
    call(api, 'peer', 'DELETE', '/resource-locks/%s' % second['id'],
         status=204)
    resp = call(api, caller, method, path.format(id=share.id), body)
    assert 200 <= resp.status_int < 300, resp.text


@pytest.mark.parametrize('status,soft_deleted', [
    (states.DELETING, False), (states.ERROR_DELETING, False),
    (states.UNMANAGE_STARTING, False), (states.DELETING_IN_DRIVER, False),
    (states.AVAILABLE, True),
])
def test_shares_on_their_way_out_cannot_be_locked(
        api, share_type, admin_ctx, status, soft_deleted):
    share = _share(api, admin_ctx)
    share_db.set_status(admin_ctx, share.instance.id, status)
    if soft_deleted:
        call(api, 'owner', 'POST', '/shares/%s/action' % share.id,
             {'soft_delete': None}, status=202)
    _lock(api, share.id, status=409)


def test_lock_of_another_projects_admin_still_vetoes(api, share_type,
                                                     admin_ctx):
    """Admins' locks live in their own project; the share's owner does
    not list them, and they hold all the same."""
    share = _share(api, admin_ctx)
    lock = _lock(api, share.id, caller='admin')
    assert call(api, 'owner', 'GET', '/resource-locks',
                status=200).json['resource_locks'] == []
    call(api, 'owner', 'GET', '/resource-locks/%s' % lock['id'],
         status=404)
    call(api, 'owner', 'DELETE', '/shares/%s' % share.id, status=403)


def test_destroyed_share_takes_its_locks_along(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    rule = access_db.create(admin_ctx, share.id, 'ip', '10.0.0.1', 'rw')
    _lock(api, rule.id, resource_type='access_rule', action='show')
    kept = _share(api, admin_ctx)
    _lock(api, kept.id)
    assert share_db.destroy(admin_ctx, share.id)
    assert [lock.resource_id for lock in
            lock_db.get_all(admin_ctx, {}, all_projects=True)[0]] == [
        kept.id]


# -- lists ---------------------------------------------------------------

def test_list_filters_sorting_and_pages(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    other_share = _share(api, admin_ctx)
    first = _lock(api, share.id)
    second = _lock(api, share.id, reason='clemson tigers rule')
    third = _lock(api, other_share.id, caller='peer')

    def ids(query, caller='owner', status=200):
        resp = call(api, caller, 'GET', '/resource-locks' + query,
                    status=status)
        return [lock['id'] for lock in resp.json.get('resource_locks', [])]

    created = [timeutils.parse_strtime(lock['created_at'])
               for lock in (first, second, third)]
    before_third = str(created[2] - datetime.timedelta(microseconds=1))
    cases = [
        ('', [third['id'], second['id'], first['id']]),
        ('?sort_key=created_at&sort_dir=asc&limit=2',
         [first['id'], second['id']]),
        ('?sort_dir=asc&offset=1', [second['id'], third['id']]),
        ('?resource_type=share&sort_dir=asc',
         [first['id'], second['id'], third['id']]),
        ('?resource_type=access_rule', []),
        ('?resource_id=%s&sort_dir=asc' % share.id,
         [first['id'], second['id']]),
        ('?lock_reason~=clemson', [second['id']]),
        ('?lock_reason=tested&sort_dir=asc', [first['id'], third['id']]),
        ('?user_id=peer-user', [third['id']]),
        ('?id=%s' % first['id'], [first['id']]),
        ('?lock_context=admin', []),
        ('?created_since=%s&created_before=%s&sort_dir=asc'
         % (str(created[0] - datetime.timedelta(seconds=1)), before_third),
         [first['id'], second['id']]),
        ('?created_since=%s' % before_third, [third['id']]),
        ('?no_such_filter=1&sort_dir=asc',
         [first['id'], second['id'], third['id']]),
    ]
    for query, expected in cases:
        assert ids(query) == expected, query
    page = call(api, 'owner', 'GET', '/resource-locks?limit=2&with_count=1',
                status=200).json
    assert page['count'] == 3
    href = page['resource_locks_links'][0]['href']
    assert '/resource-locks?' in href and 'offset=2' in href
    rest = call(api, 'owner', 'GET', href[href.index('/resource-locks'):],
                status=200).json
    assert [lock['id'] for lock in page['resource_locks'] +
            rest['resource_locks']] == [third['id'], second['id'],
                                        first['id']]
    assert 'resource_locks_links' not in rest
    for query in ('?created_since=yesterday', '?sort_key=color',
                  '?sort_dir=sideways', '?limit=-1'):
        ids(query, status=400)


def test_all_projects_is_for_administrators(api, share_type, admin_ctx):
    share = _share(api, admin_ctx)
    mine = _lock(api, share.id)
    admins = _lock(api, share.id, caller='admin')

    def ids(caller, query):
        return sorted(lock['id'] for lock in call(
            api, caller, 'GET', '/resource-locks' + query,
            status=200).json['resource_locks'])

    assert ids('owner', '?all_projects=true') == [mine['id']]
    assert ids('owner', '?project_id=%s' % ADMIN_PROJECT) == [mine['id']]
    assert ids('admin', '') == [admins['id']]
    assert ids('admin', '?all_projects=true') == sorted(
        [mine['id'], admins['id']])
    assert ids('admin', '?project_id=%s' % PROJECT) == [mine['id']]


# -- locked access rules (2.82) ---------------------------------------------

def _allow(api, share_id, caller='owner', version=V, status=200, **extra):
    args = dict({'access_type': 'ip', 'access_to': '10.0.0.1'}, **extra)
    resp = call(api, caller, 'POST', '/shares/%s/action' % share_id,
                {'allow_access': args}, version=version, status=status)
    return resp.json['access'] if status == 200 else resp


def _deny(api, share_id, access_id, caller='owner', version=V,
          status=202, **extra):
    return call(api, caller, 'POST', '/shares/%s/action' % share_id,
                {'deny_access': dict({'access_id': access_id}, **extra)},
                version=version, status=status)


def _rule_locks(admin_ctx, rule_id):
    locks = lock_db.get_all(admin_ctx, {'resource_id': rule_id},
                            all_projects=True)[0]
    return sorted((lock.resource_action, lock.lock_reason)
                  for lock in locks)


def test_allow_access_places_the_locks_asked_for(api, share_type,
                                                 admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    both = _allow(api, share.id, lock_deletion=True, lock_visibility=True,
                  lock_reason='audit')
    assert _rule_locks(admin_ctx, both['id']) == [('delete', 'audit'),
                                                  ('show', 'audit')]
    one = _allow(api, share.id, access_to='10.0.0.2', lock_deletion='true')
    assert _rule_locks(admin_ctx, one['id']) == [('delete', None)]
    # Before 2.82 the fields are ignored, as in Manila.
    old = _allow(api, share.id, access_to='10.0.0.3', version='2.81',
                 lock_deletion=True, lock_reason='ignored')
    assert _rule_locks(admin_ctx, old['id']) == []
    resp = _allow(api, share.id, access_to='10.0.0.4', lock_reason='why',
                  status=400)
    assert 'Lock reason can only be specified' in fault(resp)[1]
    _allow(api, share.id, access_to='10.0.0.5', lock_deletion='perhaps',
           status=400)
    _allow(api, share.id, access_to='10.0.0.6', lock_deletion=True,
           caller='reader', status=403)
    assert len(access_db.get_all_for_share(admin_ctx, share.id)) == 3


@pytest.mark.parametrize('caller,version,extra,status', [
    ('owner', V, {}, 403),
    ('owner', '2.81', {}, 403),
    ('peer', V, {}, 403),
    ('peer', V, {'unrestrict': True}, 403),
    ('owner', V, {'unrestrict': True}, 202),
    ('admin', V, {'unrestrict': 'true'}, 202),
])
def test_deny_of_a_rule_whose_deletion_is_locked(
        api, share_type, admin_ctx, manager, caller, version, extra,
        status):
    share = _share(api, admin_ctx, manager)
    rule = _allow(api, share.id, lock_deletion=True, lock_visibility=True)
    manager.access.update_access(admin_ctx, share.instance.id)
    _deny(api, share.id, rule['id'], caller=caller, version=version,
          status=status, **extra)
    if status != 202:
        assert access_db.rule_state(access_db.get(
            admin_ctx, rule['id'])) == states.ACCESS_ACTIVE
        assert _rule_locks(admin_ctx, rule['id']) == [('delete', None),
                                                      ('show', None)]
        return
    # The deletion lock goes with the deny, the rest with the rule.
    assert _rule_locks(admin_ctx, rule['id']) == [('show', None)]
    manager.access.update_access(admin_ctx, share.instance.id)
    assert access_db.get_all_for_share(admin_ctx, share.id) == []
    assert _rule_locks(admin_ctx, rule['id']) == []


def test_rule_deletion_lock_vetoes_the_share_delete(api, share_type,
                                                    admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    rule = _allow(api, share.id, lock_deletion=True)
    manager.access.update_access(admin_ctx, share.instance.id)
    (lock,) = lock_db.locks_of(admin_ctx, [rule['id']], 'delete')[rule['id']]
    resp = call(api, 'owner', 'DELETE', '/shares/%s' % share.id, status=403)
    assert lock.id in fault(resp)[1]
    _deny(api, share.id, rule['id'], unrestrict=True)
    manager.access.update_access(admin_ctx, share.instance.id)
    call(api, 'owner', 'DELETE', '/shares/%s' % share.id, status=202)


@pytest.mark.parametrize('caller,masked', [
    ('owner', False), ('admin', False), ('peer', True), ('reader', True),
])
def test_visibility_lock_masks_the_grantee_for_others(
        api, share_type, admin_ctx, manager, caller, masked):
    share = _share(api, admin_ctx, manager)
    hidden = _allow(api, share.id, 'owner', access_type='cephx',
                    access_to='alice', lock_visibility=True)
    shown = _allow(api, share.id, access_type='cephx', access_to='bob1')
    manager.access.update_access(admin_ctx, share.instance.id)
    secret = access_db.get(admin_ctx, hidden['id'])
    expected_to, expected_key = (
        (MASK, MASK) if masked else ('alice', secret.access_key))

    for version in ('2.81', V):
        listed = {rule['id']: rule for rule in call(
            api, caller, 'GET', '/share-access-rules?share_id=%s' % share.id,
            version=version, status=200).json['access_list']}
        assert (listed[hidden['id']]['access_to'],
                listed[hidden['id']]['access_key']) == (expected_to,
                                                        expected_key)
        assert listed[shown['id']]['access_to'] == 'bob1'
        one = call(api, caller, 'GET', '/share-access-rules/%s'
                   % hidden['id'], version=version,
                   status=200).json['access']
        assert (one['access_to'], one['access_key']) == (expected_to,
                                                         expected_key)
    old = call(api, caller, 'POST', '/shares/%s/action' % share.id,
               {'access_list': None}, version='2.44',
               status=200).json['access_list']
    assert [r['access_to'] for r in old if r['id'] == hidden['id']] == [
        expected_to]


def test_one_visibility_lock_per_rule(api, share_type, admin_ctx, manager):
    share = _share(api, admin_ctx, manager)
    rule = _allow(api, share.id, lock_visibility=True, lock_deletion=True)
    for caller in ('owner', 'peer', 'admin'):
        resp = _lock(api, rule['id'], caller=caller,
                     resource_type='access_rule', action='show', status=409)
        assert 'visibility is already locked' in fault(resp)[1]
    # A deletion lock turned into a second visibility lock: refused too.
    (deletion,) = lock_db.locks_of(admin_ctx, [rule['id']],
                                   'delete')[rule['id']]
    call(api, 'owner', 'PUT', '/resource-locks/%s' % deletion.id,
         {'resource_lock': {'resource_action': 'show'}}, status=400)
    # More deletion locks are fine.
    _lock(api, rule['id'], caller='peer', resource_type='access_rule')


def test_rules_being_denied_cannot_be_locked(api, share_type, admin_ctx,
                                             manager):
    share = _share(api, admin_ctx, manager)
    rule = _allow(api, share.id)
    manager.access.update_access(admin_ctx, share.instance.id)
    lock = _lock(api, rule['id'], resource_type='access_rule', action='show')
    _deny(api, share.id, rule['id'])
    _lock(api, rule['id'], resource_type='access_rule', status=409)
    # A visibility lock may still come and go.
    call(api, 'owner', 'DELETE', '/resource-locks/%s' % lock['id'],
         status=204)
    _lock(api, rule['id'], resource_type='access_rule', action='show')
