"""Resizing shares, adopting and forgetting them, and their metadata,
through python-manilaclient and the ``openstack`` CLI.

Run against the all-in-one process and the split deployment on MariaDB.
The fake backends fail or refuse per share, from its metadata:
``fake_fail_operations`` names the driver methods that fail for it, and
``fake_used_gb`` the space its data takes (a shrink below it is refused).
"""

from manilaclient import exceptions
import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import testbed


@pytest.fixture
def deployment(all_in_one_or_mysql):
    return all_in_one_or_mysql


def _available(manila, size, **kwargs):
    share = manila.shares.create('NFS', size, **kwargs)
    return deploy.wait_for_share(manila, share.id, 'available')


def _messages(manila, share):
    return deploy.wait_for(
        lambda: manila.messages.list(search_opts={'resource_id': share.id}),
        10, message='a user message')


def _gigabytes(manila, project):
    return deploy.quota_usage(manila, project)['gigabytes']


def _delete(manila, *shares):
    for share in shares:
        manila.shares.delete(share)
    for share in shares:
        deploy.wait_for_share_gone(manila, share.id)


def test_extend_and_shrink(manila, project):
    share = _available(manila, 2, name='elastic',
                       metadata={'fake_used_gb': '1'})
    assert _gigabytes(manila, project) == 2

    manila.shares.extend(share, 5)
    share = deploy.wait_for_share(manila, share.id, 'available')
    assert share.size == 5
    assert _gigabytes(manila, project) == 5
    detail = manila.quotas.get(project, detail=True)
    assert detail.gigabytes['reserved'] == 0

    manila.shares.shrink(share, 3)
    share = deploy.wait_for_share(manila, share.id, 'available')
    assert share.size == 3
    assert _gigabytes(manila, project) == 3
    assert manila.messages.list(search_opts={'resource_id': share.id}) == []

    # Sizes that do not extend or shrink are refused at once.
    with pytest.raises(exceptions.BadRequest):
        manila.shares.extend(share, 3)
    with pytest.raises(exceptions.BadRequest):
        manila.shares.shrink(share, 0)
    _delete(manila, share)
    assert _gigabytes(manila, project) == 0


def test_extend_over_quota_is_refused(manila, project):
    manila.quotas.update(project, gigabytes=4)
    share = _available(manila, 2, name='capped')
    with pytest.raises(exceptions.Forbidden) as err:
        manila.shares.extend(share, 5)
    assert 'gigabytes quota' in str(err.value)
    assert manila.shares.get(share.id).status == 'available'
    manila.shares.extend(share, 4)
    share = deploy.wait_for_share(manila, share.id, 'available')
    assert share.size == 4
    assert _gigabytes(manila, project) == 4
    _delete(manila, share)


def test_shrink_below_used_space_is_refused_with_a_message(
        manila, project):
    share = _available(manila, 5, name='full',
                       metadata={'fake_used_gb': '4'})
    manila.shares.shrink(share, 2)
    messages = _messages(manila, share)
    share = deploy.wait_for_share(manila, share.id, 'available')
    assert share.size == 5
    assert [(m.action_id, m.detail_id) for m in messages] == [
        ('009', '018')]
    assert messages[0].user_message.startswith('shrink: ')
    assert _gigabytes(manila, project) == 5
    _delete(manila, share)


def test_extend_failure_ends_in_extending_error_with_a_message(
        manila, project):
    share = _available(manila, 2, name='brittle',
                       metadata={'fake_fail_operations': 'extend_share'})
    manila.shares.extend(share, 3)
    share = deploy.wait_for_share(manila, share.id, 'extending_error')
    assert share.size == 2
    messages = _messages(manila, share)
    assert [(m.action_id, m.detail_id) for m in messages] == [
        ('008', '015')]
    assert messages[0].user_message.startswith('extend: ')
    detail = manila.quotas.get(project, detail=True)
    assert (detail.gigabytes['in_use'], detail.gigabytes['reserved']) == \
        (2, 0)
    # An administrator looks into it, then the share can go.
    manila.shares.reset_state(share, 'available')
    _delete(manila, share)
    assert _gigabytes(manila, project) == 0


def test_unmanage_and_manage_back(manila, project):
    share = _available(manila, 3, name='adoptee', description='mine')
    host = share.host
    path = next(loc.path for loc in manila.share_export_locations.list(share)
                if loc.preferred)

    manila.shares.unmanage(share)
    deploy.wait_for_share_gone(manila, share.id)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (0, 0)

    adopted = manila.shares.manage(host, 'nfs', path, share_type='default',
                                   name='adopted', description='back')
    assert adopted.status == 'manage_starting'
    adopted = deploy.wait_for_share(manila, adopted.id, 'available')
    assert adopted.id != share.id
    assert adopted.size == 3
    assert adopted.host == host
    assert adopted.name == 'adopted'
    assert adopted.share_type_name == 'default'
    assert path in [loc.path for loc in
                    manila.share_export_locations.list(adopted)]
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (1, 3)

    # It is an ordinary share again: it grows and goes.
    manila.shares.extend(adopted, 4)
    adopted = deploy.wait_for_share(manila, adopted.id, 'available')
    assert adopted.size == 4
    _delete(manila, adopted)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (0, 0)


def test_managing_what_the_backend_lacks_ends_in_manage_error(
        manila, project):
    share = _available(manila, 1, name='placeholder')
    host = share.host
    _delete(manila, share)
    ghost = manila.shares.manage(host, 'nfs', '127.0.0.1:/shares/ghost',
                                 share_type='default')
    ghost = deploy.wait_for_share(manila, ghost.id, 'manage_error')
    assert ghost.size == 0
    assert deploy.quota_usage(manila, project)['shares'] == 0
    manila.shares.unmanage(ghost)
    deploy.wait_for_share_gone(manila, ghost.id)
    assert deploy.quota_usage(manila, project)['shares'] == 0


def test_metadata_through_the_client(manila):
    share = _available(manila, 1, name='labelled', metadata={'a': '1'})
    assert manila.shares.get_metadata(share)._info == {'a': '1'}
    manila.shares.set_metadata(share, {'b': '2'})
    assert manila.shares.get_metadata(share)._info == {'a': '1', 'b': '2'}
    manila.shares.update_all_metadata(share, {'c': '3'})
    assert manila.shares.get_metadata(share)._info == {'c': '3'}
    manila.shares.set_metadata(share, {'d': '4'})
    manila.shares.delete_metadata(share, ['c'])
    assert manila.shares.get(share.id).metadata == {'d': '4'}
    with pytest.raises(exceptions.NotFound):
        manila.shares.delete_metadata(share, ['c'])
    with pytest.raises(exceptions.BadRequest):
        manila.shares.set_metadata(share, {'e': ''})
    _delete(manila, share)


def test_resize_with_the_cli(deployment, manila, project):
    share = _available(manila, 1, name='cli-resized')
    deployment.cli('share', 'resize', share.id, '3', '--wait',
                   project=project)
    shown = deployment.cli('share', 'show', share.id, '-f', 'json',
                           project=project)
    assert (shown['size'], shown['status']) == (3, 'available')
    deployment.cli('share', 'resize', share.id, '2', '--wait',
                   project=project)
    assert manila.shares.get(share.id).size == 2
    _delete(manila, share)


SLOW_EXTEND = 5


@pytest.fixture(scope='module')
def slow_extend_deployment(tmp_path_factory):
    """A split deployment whose backend takes 5 seconds per extend."""
    with testbed.running_split(tmp_path_factory, 'mysql', backends={
            'slow': {'fake_operation_latency':
                     {'extend_share': SLOW_EXTEND}}}) as deployment:
        yield deployment


@pytest.mark.xdist_group('resize-restart')
def test_share_service_killed_while_extending(slow_extend_deployment,
                                              project):
    """The restarted share service finishes the extend from the quota
    reservation the interrupted one held."""
    manila = slow_extend_deployment.manila(project=project)
    share = _available(manila, 2, name='interrupted-extend')
    manila.shares.extend(share, 4)
    assert manila.shares.get(share.id).status == 'extending'
    detail = manila.quotas.get(project, detail=True)
    assert (detail.gigabytes['in_use'], detail.gigabytes['reserved']) == \
        (2, 2)

    slow_extend_deployment.kill('share')
    assert manila.shares.get(share.id).status == 'extending'
    slow_extend_deployment.start('share')

    share = deploy.wait_for_share(manila, share.id, 'available',
                                  timeout=SLOW_EXTEND * 6)
    assert share.size == 4
    detail = manila.quotas.get(project, detail=True)
    assert (detail.gigabytes['in_use'], detail.gigabytes['reserved']) == \
        (4, 0)
    _delete(manila, share)
