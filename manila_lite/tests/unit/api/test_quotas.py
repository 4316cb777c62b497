"""Quota sets and limits through the API."""

import pytest

from manila_lite import conf
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

CONF = conf.CONF
BASE = {'shares', 'gigabytes', 'snapshots', 'snapshot_gigabytes'}
GROUPS = {'share_groups', 'share_group_snapshots'}
REPLICAS = {'share_replicas', 'replica_gigabytes'}


def _share(ctx, size=3, share_type_id=None, user_id='someone'):
    return share_db.create(ctx, {'project_id': PROJECT, 'user_id': user_id,
                                 'size': size, 'share_proto': 'NFS'},
                           {'status': 'available',
                            'share_type_id': share_type_id})


@pytest.fixture
def gold(admin_ctx):
    return type_db.create(admin_ctx, 'gold',
                          {'driver_handles_share_servers': 'False'})


# --- keys per microversion --------------------------------------------------

KEY_CASES = [
    ('/os-quota-sets', '2.0', BASE | {'share_networks'}),
    ('/os-quota-sets', '2.6', BASE | {'share_networks'}),
    ('/quota-sets', '2.7', BASE | {'share_networks'}),
    ('/quota-sets', '2.39', BASE | {'share_networks'}),
    ('/quota-sets', '2.40', BASE | {'share_networks'} | GROUPS),
    ('/quota-sets', '2.53', BASE | {'share_networks'} | GROUPS | REPLICAS),
    ('/quota-sets', '2.62', BASE | {'share_networks'} | GROUPS | REPLICAS |
     {'per_share_gigabytes'}),
    ('/quota-sets', '2.79', BASE | {'share_networks'} | GROUPS | REPLICAS |
     {'per_share_gigabytes'}),
    ('/quota-sets', '2.80', BASE | {'share_networks'} | GROUPS | REPLICAS |
     {'per_share_gigabytes', 'backups', 'backup_gigabytes'}),
    ('/quota-sets', '2.89', BASE | {'share_networks'} | GROUPS | REPLICAS |
     {'per_share_gigabytes', 'backups', 'backup_gigabytes'}),
    ('/quota-sets', '2.90', BASE | {'share_networks'} | GROUPS | REPLICAS |
     {'per_share_gigabytes', 'backups', 'backup_gigabytes',
      'encryption_keys'}),
    ('/quota-sets', '2.100', BASE | {'share_networks'} | GROUPS | REPLICAS |
     {'per_share_gigabytes', 'backups', 'backup_gigabytes',
      'encryption_keys'}),
]


@pytest.mark.parametrize('path,version,keys', KEY_CASES)
@pytest.mark.parametrize('suffix', ['', '/defaults'])
def test_show_and_defaults_keys(api, path, version, keys, suffix):
    view = api.get('%s/%s%s' % (path, PROJECT, suffix), version=version,
                   status=200).json['quota_set']
    assert set(view) == keys | {'id'}
    assert view['id'] == PROJECT
    assert view['shares'] == CONF.quota.shares


@pytest.mark.parametrize('path,version', [('/os-quota-sets', '2.7'),
                                          ('/quota-sets', '2.6')])
def test_url_by_version(api, path, version):
    api.get('%s/%s' % (path, PROJECT), version=version, status=404)


def test_share_type_scope_hides_untyped_resources(api, gold):
    view = api.get('/quota-sets/%s?share_type=gold' % PROJECT,
                   version='2.64', status=200).json['quota_set']
    assert set(view) == BASE | REPLICAS | {'per_share_gigabytes', 'id'}


SCOPE_ERRORS = [
    ('?share_type=gold', '2.38', 400),
    ('?share_type=gold&user_id=u1', '2.39', 400),
    ('?share_type=nope', '2.39', 404),
]


@pytest.mark.parametrize('query,version,status', SCOPE_ERRORS)
@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
def test_scope_errors(api, gold, method, query, version, status):
    body = {'quota_set': {'shares': 5}} if method == 'PUT' else None
    api.request(method, '/quota-sets/%s%s' % (PROJECT, query), body=body,
                version=version, status=status)


# --- update -----------------------------------------------------------------

def test_update_shows_new_limits_without_id(api):
    resp = api.put('/quota-sets/%s' % PROJECT,
                   {'quota_set': {'shares': 7, 'gigabytes': '70',
                                  'tenant_id': PROJECT}},
                   version='2.64', status=200)
    view = resp.json['quota_set']
    assert 'id' not in view
    assert (view['shares'], view['gigabytes']) == (7, 70)
    shown = api.get('/quota-sets/%s' % PROJECT, version='2.64',
                    status=200).json['quota_set']
    assert (shown['shares'], shown['gigabytes']) == (7, 70)


def test_update_user_and_share_type_scopes(api, gold):
    api.put('/quota-sets/%s?user_id=u1' % PROJECT,
            {'quota_set': {'shares': 3}}, version='2.64', status=200)
    api.put('/quota-sets/%s?share_type=gold' % PROJECT,
            {'quota_set': {'gigabytes': 30}}, version='2.64', status=200)
    user = api.get('/quota-sets/%s?user_id=u1' % PROJECT, version='2.64',
                   status=200).json['quota_set']
    typed = api.get('/quota-sets/%s?share_type=%s' % (PROJECT, gold.id),
                    version='2.64', status=200).json['quota_set']
    project = api.get('/quota-sets/%s' % PROJECT, version='2.64',
                      status=200).json['quota_set']
    assert (user['shares'], typed['gigabytes']) == (3, 30)
    assert (project['shares'], project['gigabytes']) == (
        CONF.quota.shares, CONF.quota.gigabytes)


UPDATE_ERRORS = [
    # (case, version, query, quota_set, message fragment)
    ('groups before 2.40', '2.39', '', {'share_groups': 1},
     "'share_groups' key is not supported"),
    ('replicas before 2.53', '2.52', '', {'share_replicas': 1},
     "'share_replicas' key is not supported"),
    ('per share size before 2.62', '2.61', '', {'per_share_gigabytes': 1},
     "'per_share_gigabytes' key is not supported"),
    ('backups before 2.80', '2.64', '', {'backups': 1},
     "'backups' key is not supported"),
    ('unknown key', '2.64', '', {'shares': 1, 'bananas': 2},
     'Bad key(s) bananas in quota_set.'),
    ('encryption keys before 2.90', '2.89', '', {'encryption_keys': 2},
     "'encryption_keys' key is not supported"),
    ('no quota at all', '2.64', '', {'tenant_id': PROJECT},
     'Must supply at least one quota field to update.'),
    ('not an integer', '2.64', '', {'shares': 'many'},
     "Quota 'many' for shares should be integer."),
    ('a boolean', '2.64', '', {'shares': True}, 'should be integer'),
    ('below -1', '2.64', '', {'shares': -2},
     'Quota limit must be -1 or greater.'),
    ('share networks per type', '2.64', '?share_type=gold',
     {'share_networks': 1}, "'share_networks' quota cannot be set"),
    ('share groups per type', '2.64', '?share_type=gold',
     {'share_groups': 1}, "'share_groups' quota cannot be set"),
    ('user above project', '2.64', '?user_id=u1', {'shares': 10 ** 6},
     'Quota limit must be less than'),
]


@pytest.mark.parametrize('case,version,query,values,message', UPDATE_ERRORS,
                         ids=[c[0] for c in UPDATE_ERRORS])
def test_update_errors(api, gold, case, version, query, values, message):
    resp = api.put('/quota-sets/%s%s' % (PROJECT, query),
                   {'quota_set': values}, version=version, status=400)
    name, text = fault(resp)
    assert name == 'badRequest'
    assert message in text


def test_update_without_envelope_400(api):
    api.put('/quota-sets/%s' % PROJECT, {'shares': 5}, version='2.64',
            status=400)


def test_update_below_usage_needs_force(api, admin_ctx):
    _share(admin_ctx, size=3)
    _share(admin_ctx, size=3)
    path = '/quota-sets/%s' % PROJECT
    resp = api.put(path, {'quota_set': {'shares': 1}}, version='2.64',
                   status=400)
    assert 'smaller than already used and reserved 2' in fault(resp)[1]
    resp = api.put(path, {'quota_set': {'shares': 1, 'force': True}},
                   version='2.64', status=200)
    assert resp.json['quota_set']['shares'] == 1


def test_delete_restores_defaults(api):
    path = '/quota-sets/%s' % PROJECT
    api.put(path, {'quota_set': {'shares': 7}}, version='2.64', status=200)
    resp = api.delete(path, version='2.64', status=202)
    assert resp.body == b''
    assert api.get(path, version='2.64', status=200).json['quota_set'][
        'shares'] == CONF.quota.shares


# --- detail (2.25+) ---------------------------------------------------------

def test_detail(api, admin_ctx, gold):
    _share(admin_ctx, size=4, share_type_id=gold.id)
    view = api.get('/quota-sets/%s/detail' % PROJECT, version='2.25',
                   status=200).json['quota_set']
    assert set(view) == BASE | {'share_networks', 'id'}
    assert view['shares'] == {'in_use': 1, 'limit': CONF.quota.shares,
                              'reserved': 0}
    assert view['gigabytes']['in_use'] == 4
    typed = api.get('/quota-sets/%s/detail?share_type=gold' % PROJECT,
                    version='2.64', status=200).json['quota_set']
    assert typed['gigabytes']['in_use'] == 4
    assert 'share_networks' not in typed


def test_detail_before_2_25_404(api):
    api.get('/quota-sets/%s/detail' % PROJECT, version='2.24', status=404)


# --- who may do what --------------------------------------------------------

ROLE_CASES = [
    # (method, suffix, project in URL, status) for a member of PROJECT
    ('GET', '', PROJECT, 200),
    ('GET', '/detail', PROJECT, 200),
    ('GET', '/defaults', PROJECT, 200),
    ('GET', '', OTHER_PROJECT, 403),
    ('GET', '/detail', OTHER_PROJECT, 403),
    ('PUT', '', PROJECT, 403),
    ('DELETE', '', PROJECT, 403),
]


@pytest.mark.parametrize('method,suffix,project,status', ROLE_CASES)
def test_member(api, method, suffix, project, status):
    body = {'quota_set': {'shares': 5}} if method == 'PUT' else None
    api.request(method, '/quota-sets/%s%s' % (project, suffix), body=body,
                version='2.64', role='member', status=status)


# --- limits -----------------------------------------------------------------

LIMIT_BASE = {'maxTotalShares', 'maxTotalShareGigabytes',
              'maxTotalShareNetworks', 'maxTotalShareSnapshots',
              'maxTotalSnapshotGigabytes', 'totalSharesUsed',
              'totalShareGigabytesUsed', 'totalShareNetworksUsed',
              'totalShareSnapshotsUsed', 'totalSnapshotGigabytesUsed'}
LIMIT_REPLICAS = {'maxTotalShareReplicas', 'maxTotalReplicaGigabytes',
                  'totalShareReplicasUsed', 'totalReplicaGigabytesUsed'}
LIMIT_GROUPS = {'maxTotalShareGroups', 'maxTotalShareGroupSnapshots',
                'totalShareGroupsUsed', 'totalShareGroupSnapshotsUsed'}

LIMIT_CASES = [
    ('2.0', LIMIT_BASE),
    ('2.52', LIMIT_BASE),
    ('2.53', LIMIT_BASE | LIMIT_REPLICAS),
    ('2.57', LIMIT_BASE | LIMIT_REPLICAS),
    ('2.58', LIMIT_BASE | LIMIT_REPLICAS | LIMIT_GROUPS),
    ('2.64', LIMIT_BASE | LIMIT_REPLICAS | LIMIT_GROUPS),
]


@pytest.mark.parametrize('version,keys', LIMIT_CASES)
def test_limits(api, admin_ctx, version, keys):
    _share(admin_ctx, size=5)
    api.put('/quota-sets/%s' % PROJECT, {'quota_set': {'shares': 9}},
            version='2.64', status=200)
    limits = api.get('/limits', version=version, role='member',
                     status=200).json['limits']
    assert limits['rate'] == []
    absolute = limits['absolute']
    assert set(absolute) == keys
    assert absolute['maxTotalShares'] == 9
    assert absolute['totalSharesUsed'] == 1
    assert absolute['totalShareGigabytesUsed'] == 5
    assert absolute['maxTotalShareGigabytes'] == CONF.quota.gigabytes


def test_limits_are_the_callers_project(api, admin_ctx):
    _share(admin_ctx, size=5)
    absolute = api.get('/limits', role='member', project=OTHER_PROJECT,
                       status=200).json['limits']['absolute']
    assert absolute['totalSharesUsed'] == 0
