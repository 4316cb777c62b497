"""The reset_task_state share action (2.22+), administrators only."""

import pytest

from manila_lite.db import recycle_bin as bin_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT


@pytest.fixture
def share(api, admin_ctx):
    return share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'u', 'size': 1,
                    'share_proto': 'NFS'},
        {'status': 'available', 'host': 'hostA@alpha#gold'})


def _reset(api, share_id, task_state, version='2.22', **kwargs):
    return api.post('/shares/%s/action' % share_id,
                    {'reset_task_state': {'task_state': task_state}},
                    version=version, **kwargs)


def _task_state(api, share_id):
    return api.get('/shares/%s' % share_id, version='2.22',
                   status=200).json['share']['task_state']


@pytest.mark.parametrize('task_state', list(states.SHARE_TASK_STATES))
def test_admin_sets_every_task_state(api, share, task_state):
    _reset(api, share.id, 'migration_error', status=202)
    _reset(api, share.id, task_state, status=202)
    assert _task_state(api, share.id) == task_state


@pytest.mark.parametrize('version', ['2.22', '2.96', '2.100'])
def test_every_version_from_2_22(api, share, version):
    _reset(api, share.id, 'data_copying_in_progress', version=version,
           status=202)
    assert _task_state(api, share.id) == 'data_copying_in_progress'


@pytest.mark.parametrize('body', [
    {'reset_task_state': {'task_state': 'fake_state'}},
    {'reset_task_state': {'task_state': 'migrating'}},
    {'reset_task_state': {}},
    {'reset_task_state': None},
    {'reset_task_state': {'task_state': 3}},
])
def test_bad_bodies(api, share, body):
    resp = api.post('/shares/%s/action' % share.id, body, version='2.22',
                    status=400)
    assert fault(resp)[0] == 'badRequest'
    assert _task_state(api, share.id) is None


def test_members_of_any_project_are_forbidden(api, share):
    """The rule is checked before the share is read, as in Manila."""
    for project in (None, OTHER_PROJECT):
        resp = _reset(api, share.id, 'migration_error', role='member',
                      project=project, status=403)
        assert fault(resp)[0] == 'forbidden'
    _reset(api, 'fake_share', 'migration_error', role='member', status=403)
    assert _task_state(api, share.id) is None


def test_unknown_share_and_old_versions_are_not_found(api, share):
    _reset(api, 'fake_share', 'migration_error', status=404)
    _reset(api, share.id, 'migration_error', version='2.21', status=404)
    assert _task_state(api, share.id) is None


def test_refused_in_the_recycle_bin(api, admin_ctx, share):
    assert bin_db.soft_delete(admin_ctx, share.id, 3600)
    resp = _reset(api, share.id, 'migration_error', version='2.69',
                  status=403)
    assert 'soft deleted' in fault(resp)[1]
