"""When things go wrong: what users see, and that quota is never lost.

Requests the API refuses answer with the status python-manilaclient turns
into its exceptions; shares that fail later (no backend fits, the backend
fails) end in ``error`` with a user message at /v2/messages, and deleting
them gives their quota back. Run against every deployment.
"""

import uuid

from manilaclient import exceptions
import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import testbed


def _status_of(call):
    with pytest.raises(exceptions.ClientException) as err:
        call()
    return deploy.http_status(err.value)


def test_requests_the_api_refuses(manila, project):
    """Bad input is refused up front and costs no quota."""
    assert _status_of(lambda: manila.shares.create(
        'NFS', 1, share_type='no-such-type')) == 404
    assert _status_of(lambda: manila.shares.create('NFS', 0)) == 400
    assert _status_of(lambda: manila.shares.create('NFS', -1)) == 400
    assert _status_of(lambda: manila.shares.create('XFS', 1)) == 400
    assert _status_of(lambda: manila.shares.get(str(uuid.uuid4()))) == 404
    assert _status_of(lambda: manila.shares.delete(str(uuid.uuid4()))) == 404
    assert manila.shares.list() == []
    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == usage['gigabytes'] == 0


def test_over_quota_is_refused_with_413(manila, project):
    """A project at its share or gigabyte limit cannot create more."""
    manila.quotas.update(project, shares=2, gigabytes=3)
    quotas = manila.quotas.get(project)
    assert (quotas.shares, quotas.gigabytes) == (2, 3)

    assert _status_of(lambda: manila.shares.create('NFS', 4)) == 413
    first = manila.shares.create('NFS', 2, name='q1')
    assert _status_of(lambda: manila.shares.create('NFS', 2)) == 413
    second = manila.shares.create('NFS', 1, name='q2')
    assert _status_of(lambda: manila.shares.create('NFS', 1)) == 413

    for share in (first, second):
        deploy.wait_for_share(manila, share.id, 'available')
    detail = manila.quotas.get(project, detail=True)
    assert detail.shares['in_use'] == 2
    assert detail.shares['limit'] == 2
    assert detail.gigabytes['in_use'] == 3

    manila.shares.delete(first)
    deploy.wait_for_share_gone(manila, first.id)
    # The freed room can be used again.
    third = manila.shares.create('NFS', 2, name='q3')
    for share in (second, third):
        deploy.wait_for_share(manila, share.id, 'available')
        manila.shares.delete(share)
    for share in (second, third):
        deploy.wait_for_share_gone(manila, share.id)
    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == usage['gigabytes'] == 0


def _messages_for(manila, share_id):
    return manila.messages.list(search_opts={'resource_id': share_id})


def test_no_valid_host_ends_in_error_with_a_message(
        deployment, manila, project):
    """A type no backend serves: the share fails, the user is told why."""
    admin = deployment.manila()
    type_name = 'nowhere-%s' % uuid.uuid4().hex[:8]
    share_type = admin.share_types.create(
        type_name, spec_driver_handles_share_servers=False,
        extra_specs={'share_backend_name': 'nonexistent'})
    try:
        share = manila.shares.create('NFS', 2, name='homeless',
                                     share_type=type_name)
        share = deploy.wait_for_share(manila, share.id)
        assert share.status == 'error'
        assert not share.host
        assert deploy.quota_usage(manila, project)['gigabytes'] == 2

        messages = deploy.wait_for(lambda: _messages_for(manila, share.id),
                                   10, message='a user message')
        assert len(messages) == 1
        message = messages[0]
        assert message.resource_type == 'SHARE'
        assert message.message_level == 'ERROR'
        assert message.detail_id == '002'
        assert 'No storage could be allocated' in message.user_message
        assert manila.messages.get(message.id).resource_id == share.id

        manila.shares.delete(share)
        deploy.wait_for_share_gone(manila, share.id)
        usage = deploy.quota_usage(manila, project)
        assert usage['shares'] == usage['gigabytes'] == 0
        manila.messages.delete(message)
        assert _messages_for(manila, share.id) == []
    finally:
        admin.share_types.delete(share_type)


def test_driver_failure_ends_in_error_with_a_message(manila, project):
    """The backend fails (injected by share name): error, message, and the
    failed share can still be deleted."""
    share = manila.shares.create('NFS', 1, name=testbed.FAIL_NAME)
    share = deploy.wait_for_share(manila, share.id)
    assert share.status == 'error'
    assert share.host  # it was placed; the backend failed

    messages = deploy.wait_for(lambda: _messages_for(manila, share.id),
                               10, message='a user message')
    assert [m.detail_id for m in messages] == ['003']
    assert 'failed to create' in messages[0].user_message

    manila.shares.delete(share)
    deploy.wait_for_share_gone(manila, share.id)
    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == usage['gigabytes'] == 0


def test_usage_never_drifts(deployment, manila, project):
    """Many shares, some failing in the backend, some never placed: once
    all are deleted the project uses nothing."""
    admin = deployment.manila()
    type_name = 'nowhere-%s' % uuid.uuid4().hex[:8]
    nowhere = admin.share_types.create(
        type_name, spec_driver_handles_share_servers=False,
        extra_specs={'share_backend_name': 'nonexistent'})
    try:
        created = []
        for i in range(20):
            if i % 5 == 3:
                share = manila.shares.create('NFS', 1, name='drift-%d' % i,
                                             share_type=type_name)
            else:
                name = testbed.FAIL_NAME if i % 4 == 1 else 'drift-%d' % i
                share = manila.shares.create('NFS', 1 + i % 3, name=name)
            created.append(share)
        expected_gb = sum(s.size for s in created)
        usage = deploy.quota_usage(manila, project)
        assert (usage['shares'], usage['gigabytes']) == (20, expected_gb)

        settled = [deploy.wait_for_share(manila, s.id) for s in created]
        statuses = [s.status for s in settled]
        assert 'available' in statuses and 'error' in statuses
        for share in settled:
            manila.shares.delete(share)
        for share in settled:
            deploy.wait_for_share_gone(manila, share.id)
    finally:
        admin.share_types.delete(nowhere)
    assert manila.shares.list() == []
    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == 0
    assert usage['gigabytes'] == 0
