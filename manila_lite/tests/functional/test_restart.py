"""Daemons stop or die mid-work: nothing stays stuck, quota stays right.

The kill -9 stories use a split deployment on MariaDB whose backend takes
5 seconds per create, so a daemon can be killed while a share is being
created; the restarted daemon must finish (or fail) that work. In the
lost request story RabbitMQ drops a message while every daemon runs.
"""

import uuid

import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import testbed

SLOW_CREATE = 5
STALLED = 3     # stalled_request_timeout of the lossy deployment


@pytest.fixture(scope='module')
def slow_deployment(tmp_path_factory):
    """Each test restarts what it kills, so they can share one."""
    with testbed.running_split(tmp_path_factory, 'mysql', backends={
            'slow': {'fake_operation_latency':
                     {'create_share': SLOW_CREATE}}}) as deployment:
        yield deployment


def _creating_on_a_host(manila, share_id):
    share = manila.shares.get(share_id)
    assert share.status in ('creating', 'available'), share.status
    return share if share.status == 'creating' and share.host else None


@pytest.mark.xdist_group('restart')
def test_share_service_killed_while_creating(slow_deployment, project):
    manila = slow_deployment.manila(project=project)
    share = manila.shares.create('NFS', 3, name='interrupted')
    placed = deploy.wait_for(lambda: _creating_on_a_host(manila, share.id),
                             SLOW_CREATE - 1, interval=0.1,
                             message='the share to be placed')
    assert placed.host.startswith('functional-')

    slow_deployment.kill('share')
    assert manila.shares.get(share.id).status == 'creating'
    slow_deployment.start('share')

    # The restarted service finishes (or fails) what the dead one began.
    share = deploy.wait_for_share(manila, share.id, timeout=SLOW_CREATE * 6)
    assert share.status == 'available'
    assert share.host == placed.host
    assert manila.share_export_locations.list(share)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (1, 3)

    manila.shares.delete(share)
    deploy.wait_for_share_gone(manila, share.id)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (0, 0)


@pytest.mark.xdist_group('restart')
def test_scheduler_killed_before_placing(slow_deployment, project):
    """Shares requested while the scheduler is down are placed once it is
    back: none is lost, none is created twice."""
    manila = slow_deployment.manila(project=project)
    slow_deployment.kill('scheduler')
    shares = [manila.shares.create('NFS', 1, name='waiting-%d' % i)
              for i in range(3)]
    for share in shares:
        share = manila.shares.get(share.id)
        assert share.status == 'creating' and not share.host
    slow_deployment.start('scheduler')

    settled = [deploy.wait_for_share(manila, s.id, timeout=SLOW_CREATE * 6)
               for s in shares]
    assert [s.status for s in settled] == ['available'] * 3
    assert all(s.host for s in settled)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (3, 3)

    for share in settled:
        manila.shares.delete(share)
    for share in settled:
        deploy.wait_for_share_gone(manila, share.id)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (0, 0)


def test_shares_outlive_a_restart_of_every_daemon(deployment, project):
    """Stop everything cleanly and start again: shares, their exports and
    quota are as they were (database and fake backend state on disk)."""
    manila = deployment.manila(project=project)
    share = manila.shares.create('NFS', 2, name='durable')
    share = deploy.wait_for_share(manila, share.id, 'available')
    paths = sorted(loc.path for loc in
                   manila.share_export_locations.list(share))

    deployment.restart()

    manila = deployment.manila(project=project)
    again = manila.shares.get(share.id)
    assert (again.status, again.host) == ('available', share.host)
    assert sorted(loc.path for loc in
                  manila.share_export_locations.list(again)) == paths
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (1, 2)
    manila.shares.delete(again)
    deploy.wait_for_share_gone(manila, again.id)
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes']) == (0, 0)


@pytest.fixture(scope='module')
def lossy_deployment(tmp_path_factory):
    """The API and the scheduler cast to a share topic nobody reads:
    RabbitMQ drops those messages, as a broker restart drops queued
    ones."""
    nowhere = {'share_topic': 'nobody-reads-%s' % uuid.uuid4().hex[:8]}
    with testbed.running_split(
            tmp_path_factory, 'mysql',
            options={'stalled_request_timeout': STALLED},
            daemon_options={'api': nowhere, 'scheduler': nowhere}
    ) as deployment:
        yield deployment


def _log(deployment, daemon):
    with open(deployment.logs[daemon]) as f:
        return f.read()


def test_lost_requests_are_passed_on_again(lossy_deployment, project):
    """The casts to the share service never arrive: the scheduler's create,
    the API's snapshot create and delete, and its share delete. Once each
    has waited stalled_request_timeout, the share service asks its own
    queue again and does it, once."""
    admin = lossy_deployment.manila()
    share_type = admin.share_types.create(
        'lossy-%s' % uuid.uuid4().hex[:8],
        spec_driver_handles_share_servers=False, spec_snapshot_support=True)
    manila = lossy_deployment.manila(project=project)
    share = manila.shares.create('NFS', 2, name='lost-requests',
                                 share_type=share_type.name)
    placed = deploy.wait_for(
        lambda: _creating_on_a_host(manila, share.id), STALLED,
        interval=0.1, message='the share to be placed')
    assert placed.status == 'creating'

    share = deploy.wait_for_share(manila, share.id, timeout=STALLED * 6)
    assert (share.status, share.host) == ('available', placed.host)
    assert manila.share_export_locations.list(share)

    snapshot = manila.share_snapshots.create(share, name='lost-snapshot')
    assert manila.share_snapshots.get(snapshot.id).status == 'creating'
    snapshot = deploy.wait_for_field(
        manila.share_snapshots.get, snapshot.id, ('available', 'error'),
        what='snapshot', timeout=STALLED * 6)
    assert snapshot.status == 'available'
    manila.share_snapshots.delete(snapshot)
    deploy.wait_for_gone(manila.share_snapshots.get, snapshot.id,
                         what='snapshot', timeout=STALLED * 6)

    manila.shares.delete(share)
    assert manila.shares.get(share.id).status == 'deleting'
    deploy.wait_for_share_gone(manila, share.id, timeout=STALLED * 6)

    share_log = _log(lossy_deployment, 'share')
    # Each asked for again once (share instances have ids of their own).
    for asked_again in ('The create of share instance ',
                        'The create of snapshot %s has waited' % snapshot.id,
                        'The delete of snapshot %s has waited' % snapshot.id,
                        'The delete of share instance '):
        assert share_log.count(asked_again) == 1, asked_again
    assert share_log.count('Share %s created on' % share.id) == 1
    assert share_log.count('Snapshot %s created' % snapshot.id) == 1
    assert share_log.count('Snapshot %s deleted' % snapshot.id) == 1
    assert share_log.count('Share %s deleted' % share.id) == 1
    usage = deploy.quota_usage(manila, project)
    assert (usage['shares'], usage['gigabytes'], usage['snapshots']) == (
        0, 0, 0)
