"""Stories of microversions 2.65-2.99 through the ``openstack share`` CLI,
which negotiates 2.98 against manila-lite's 2.100: the recycle bin
(``share delete --soft``, ``share list --soft-deleted``, ``share
restore``) and scheduler hints (``share create --scheduler-hint``).
"""

import pytest

from manila_lite.devtools import deployment as deploy


def _create(deployment, project, name, *extra):
    return deployment.cli('share', 'create', 'NFS', '1', '--name', name,
                          '--wait', *extra, '-f', 'json', project=project)


def _ids(rows):
    return sorted(row['ID'] for row in rows)


def test_recycle_bin_with_openstack_cli(all_in_one_or_mysql, project):
    """A user bins a share, finds it in the bin, restores it, bins it
    again and deletes it from the bin for good."""
    deployment = all_in_one_or_mysql
    share = _create(deployment, project, 'binned')
    kept = _create(deployment, project, 'kept')
    assert share['status'] == 'available'
    assert share['is_soft_deleted'] is False

    deployment.cli('share', 'delete', '--soft', share['id'],
                   project=project)
    listed = deployment.cli('share', 'list', '-f', 'json', project=project)
    assert _ids(listed) == [kept['id']]
    binned = deployment.cli('share', 'list', '--soft-deleted', '-f', 'json',
                            project=project)
    assert _ids(binned) == [share['id']]
    shown = deployment.cli('share', 'show', share['id'], '-f', 'json',
                           project=project)
    assert shown['is_soft_deleted'] is True
    assert shown['scheduled_to_be_deleted_at']
    # Still charged to the project while in the bin.
    manila = deployment.manila(project=project)
    assert deploy.quota_usage(manila, project)['shares'] == 2
    # A share in the bin cannot be changed.
    with pytest.raises(deploy.CliError) as refused:
        deployment.cli('share', 'resize', share['id'], '2', project=project)
    assert 'soft deleted' in refused.value.stderr

    deployment.cli('share', 'restore', share['id'], project=project)
    listed = deployment.cli('share', 'list', '-f', 'json', project=project)
    assert _ids(listed) == sorted([share['id'], kept['id']])
    assert deployment.cli('share', 'list', '--soft-deleted', '-f', 'json',
                          project=project) == []

    # Deleting a share from the bin is the ordinary delete.
    deployment.cli('share', 'delete', '--soft', share['id'],
                   project=project)
    deployment.cli('share', 'delete', share['id'], '--wait',
                   project=project)
    assert deployment.cli('share', 'list', '--soft-deleted', '-f', 'json',
                          project=project) == []
    assert deploy.quota_usage(manila, project)['shares'] == 1
    deployment.cli('share', 'delete', kept['id'], '--wait', project=project)


def test_scheduler_hints_with_openstack_cli(all_in_one, project):
    """Shares placed beside, and away from, a first one by name."""
    first = _create(all_in_one, project, 'anchor')
    beside = _create(all_in_one, project, 'beside', '--scheduler-hint',
                     'same_host=anchor')
    away = _create(all_in_one, project, 'away', '--scheduler-hint',
                   'different_host=anchor')
    assert beside['host'] == first['host']
    assert away['host'] != first['host']
    assert away['host'].split('#')[0] == first['host'].split('#')[0]
    # The hints are kept as admin-only metadata of the new shares.
    assert beside['metadata'] == {'__affinity_same_host': first['id']}
    assert away['metadata'] == {'__affinity_different_host': first['id']}
    # The first share records who was placed beside and away from it.
    manila = all_in_one.manila(project=project)
    assert manila.shares.get(first['id']).metadata == {
        '__affinity_same_host': beside['id'],
        '__affinity_different_host': away['id']}
    # A share both beside and away from the same one is accepted, as
    # Manila accepts it, and no host can take it.
    torn = all_in_one.cli('share', 'create', 'NFS', '1', '--name', 'torn',
                          '--scheduler-hint', 'same_host=anchor',
                          '--scheduler-hint', 'different_host=anchor',
                          '-f', 'json', project=project)
    assert deploy.wait_for_share(manila, torn['id']).status == 'error'
    for share in (torn, beside, away, first):
        all_in_one.cli('share', 'delete', share['id'], '--wait',
                       project=project)
