"""Quota class sets, and the class ``default`` as every project's defaults."""

import pytest

from manila_lite import conf
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.test_query_counts import counted
from manila_lite.tests.unit.api.test_quotas import KEY_CASES

CONF = conf.CONF


def _set(api, class_name, values, version='2.64', **kwargs):
    return api.put('/quota-class-sets/%s' % class_name,
                   {'quota_class_set': values}, version=version, **kwargs)


def _share(ctx, size=1):
    return share_db.create(ctx, {'project_id': PROJECT, 'user_id': 'u',
                                 'size': size, 'share_proto': 'NFS'},
                           {'status': 'available'})


@pytest.mark.parametrize('path,version,keys', KEY_CASES)
def test_keys_per_microversion(api, path, version, keys):
    """The resources of quota sets at the same version; ``id`` (the class
    name) on show only."""
    path = path.replace('quota-sets', 'quota-class-sets')
    shown = api.get('%s/gold' % path, version=version,
                    status=200).json['quota_class_set']
    assert set(shown) == keys | {'id'}
    assert shown['id'] == 'gold'
    assert shown['shares'] == CONF.quota.shares
    updated = api.put('%s/gold' % path, {'quota_class_set': {'shares': 4}},
                      version=version, status=200).json['quota_class_set']
    assert set(updated) == keys
    assert updated['shares'] == 4


@pytest.mark.parametrize('path,version', [('/os-quota-class-sets', '2.7'),
                                          ('/quota-class-sets', '2.6')])
@pytest.mark.parametrize('method', ['GET', 'PUT'])
def test_url_by_version(api, path, version, method):
    body = {'quota_class_set': {'shares': 4}} if method == 'PUT' else None
    api.request(method, '%s/default' % path, body=body, version=version,
                status=404)


def test_update_keeps_other_limits_and_ignores_unknown_keys(api):
    _set(api, 'gold', {'shares': 4, 'gigabytes': '40'}, status=200)
    view = _set(api, 'gold', {'snapshots': 3, 'bananas': 7, 'id': 'x'},
                status=200).json['quota_class_set']
    assert (view['shares'], view['gigabytes'], view['snapshots']) == (
        4, 40, 3)
    assert 'bananas' not in view
    # A resource of a later microversion is set (as Manila does), and
    # shown from its version on.
    _set(api, 'gold', {'encryption_keys': 9}, version='2.64', status=200)
    shown = api.get('/quota-class-sets/gold', version='2.90',
                    status=200).json['quota_class_set']
    assert shown['encryption_keys'] == 9
    assert shown['snapshots'] == 3
    # Another class is untouched.
    other = api.get('/quota-class-sets/silver', version='2.64',
                    status=200).json['quota_class_set']
    assert other['shares'] == CONF.quota.shares


@pytest.mark.parametrize('values,message', [
    ({'shares': 'many'}, "Quota 'many' for shares should be integer."),
    ({'shares': True}, 'should be integer'),
    ({'shares': None}, 'should be integer'),
    ({'shares': -2}, 'Quota limit must be -1 or greater.'),
])
def test_bad_values(api, values, message):
    resp = _set(api, 'gold', values, status=400)
    assert message in fault(resp)[1]
    assert api.get('/quota-class-sets/gold', version='2.64').json[
        'quota_class_set']['shares'] == CONF.quota.shares


@pytest.mark.parametrize('body', [{'shares': 4}, {'quota_class_set': 4}])
def test_bad_bodies(api, body):
    api.put('/quota-class-sets/gold', body, version='2.64', status=400)


def test_long_class_name(api):
    _set(api, 'x' * 256, {'shares': 4}, status=400)
    _set(api, 'x' * 255, {'shares': 4}, status=200)


@pytest.mark.parametrize('method', ['GET', 'PUT'])
def test_members_are_forbidden(api, method):
    body = {'quota_class_set': {'shares': 4}} if method == 'PUT' else None
    resp = api.request(method, '/quota-class-sets/default', body=body,
                       version='2.64', role='member', status=403)
    assert fault(resp)[0] == 'forbidden'
    assert api.get('/quota-class-sets/default', version='2.64').json[
        'quota_class_set']['shares'] == CONF.quota.shares


# --- the class "default" is every project's defaults ----------------------

def test_default_class_is_the_projects_defaults(api):
    _set(api, 'default', {'shares': 4, 'per_share_gigabytes': 8},
         status=200)
    _set(api, 'gold', {'gigabytes': 1}, status=200)
    defaults = api.get('/quota-sets/%s/defaults' % PROJECT, version='2.64',
                       status=200).json['quota_set']
    project = api.get('/quota-sets/%s' % PROJECT, version='2.64',
                      status=200).json['quota_set']
    for view in (defaults, project):
        assert (view['shares'], view['per_share_gigabytes']) == (4, 8)
        # Other classes are not defaults; unset resources stay configured.
        assert view['gigabytes'] == CONF.quota.gigabytes
    limits = api.get('/limits', version='2.64', role='member',
                     status=200).json['limits']['absolute']
    assert limits['maxTotalShares'] == 4
    # A project's own limit still wins, and going back to the defaults
    # means the class's.
    path = '/quota-sets/%s' % PROJECT
    api.put(path, {'quota_set': {'shares': 6}}, version='2.64', status=200)
    assert api.get(path, version='2.64').json['quota_set']['shares'] == 6
    api.delete(path, version='2.64', status=202)
    assert api.get(path, version='2.64').json['quota_set']['shares'] == 4


def test_default_class_limits_are_enforced(api, admin_ctx):
    _set(api, 'default', {'shares': 1, 'per_share_gigabytes': 5},
         status=200)
    with pytest.raises(exception.OverQuota):
        _share(admin_ctx, size=6)
    _share(admin_ctx)
    with pytest.raises(exception.OverQuota):
        _share(admin_ctx)
    # A user or share type scope is bounded by the class default too.
    resp = api.put('/quota-sets/%s?user_id=u1' % PROJECT,
                   {'quota_set': {'shares': 2}}, version='2.64', status=400)
    assert 'Quota limit must be less than 1' in fault(resp)[1]


def test_default_class_costs_no_statement_on_create(api, admin_ctx,
                                                    database):
    """A share create costs as many statements with class rows as
    without (test_query_counts pins how many: the class defaults come in
    the statement reading the project's limits)."""
    _share(admin_ctx)
    with counted(database) as before:
        _share(admin_ctx)
    _set(api, 'default', {'shares': 50, 'gigabytes': 500}, status=200)
    with counted(database) as after:
        _share(admin_ctx)
    assert len(after) == len(before)
