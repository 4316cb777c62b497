"""Access rules, told through python-manilaclient and the openstack CLI.

The stories run against the split deployment (API, scheduler and share
manager as separate processes over RabbitMQ, on MariaDB and on
PostgreSQL), each in a project of its own: rules go from queued_to_apply
to active on the fake backend, come off again, and a backend failure
(injected through the share's metadata) leaves the rule in error with a
user message.
"""

from manilaclient import exceptions
import pytest

from manila_lite.devtools import deployment as deploy

VERSION = '2.98'   # python-manilaclient 6.3.0's maximum


def _status_of(call):
    with pytest.raises(exceptions.ClientException) as err:
        call()
    return deploy.http_status(err.value)


wait_for_rule = deploy.wait_for_rule
wait_for_rule_gone = deploy.wait_for_rule_gone


def test_access_rule_lifecycle_with_manilaclient(split_deployment, project):
    """Allow, list, show, tag, change the level of and deny rules."""
    manila = split_deployment.manila(project=project, version=VERSION)
    share = manila.shares.create('NFS', 1, name='guarded')
    share = deploy.wait_for_share(manila, share.id, 'available')

    ip_rule = share.allow('ip', '10.20.0.0/24', 'rw',
                          metadata={'team': 'web'})
    assert ip_rule['state'] == 'queued_to_apply'
    cephx = share.allow('cephx', 'alice', 'ro')
    ip_rule = wait_for_rule(manila, ip_rule['id'], 'active')
    cephx = wait_for_rule(manila, cephx['id'], 'active')
    assert (ip_rule.access_to, ip_rule.access_level) == ('10.20.0.0/24',
                                                         'rw')
    assert ip_rule.metadata == {'team': 'web'}
    assert cephx.access_key, 'the backend issues a cephx key'
    assert manila.shares.get(share.id).access_rules_status == 'active'

    # The same grantee twice is a bad request, as in Manila.
    assert _status_of(lambda: share.allow('ip', '10.20.0.0/24', 'ro')) == 400

    listed = manila.share_access_rules.access_list(share)
    assert sorted(r.id for r in listed) == sorted([ip_rule.id, cephx.id])
    tagged = manila.share_access_rules.access_list(
        share, {'metadata': {'team': 'web'}})
    assert [r.id for r in tagged] == [ip_rule.id]

    manila.share_access_rules.set_metadata(ip_rule, {'owner': 'ops'})
    manila.share_access_rules.unset_metadata(ip_rule, ['team'])
    assert manila.share_access_rules.get(ip_rule).metadata == {
        'owner': 'ops'}

    manila.share_access_rules.set_access_level(ip_rule, 'ro')
    ip_rule = wait_for_rule(manila, ip_rule.id, 'active')
    assert ip_rule.access_level == 'ro'

    share.deny(cephx.id)
    wait_for_rule_gone(manila, cephx.id)
    assert [r.id for r in manila.share_access_rules.access_list(share)] \
        == [ip_rule.id]

    # Deleting the share takes its rules with it.
    manila.shares.delete(share)
    deploy.wait_for_share_gone(manila, share.id)
    assert _status_of(lambda: split_deployment.manila(
        version=VERSION).share_access_rules.get(ip_rule.id)) == 404


def test_backend_failure_leaves_the_rule_in_error_with_a_message(
        split_deployment, project):
    """The backend fails to apply a rule: the rule and the share's
    access_rules_status go to error and the owner gets a user message;
    denying the rule resyncs the share."""
    manila = split_deployment.manila(project=project, version=VERSION)
    share = manila.shares.create(
        'NFS', 1, name='fragile',
        metadata={'fake_fail_operations': 'update_access'})
    share = deploy.wait_for_share(manila, share.id, 'available')

    rule = share.allow('ip', '192.0.2.10', 'rw')
    rule = wait_for_rule(manila, rule['id'], ('active', 'error'))
    assert rule.state == 'error'
    assert manila.shares.get(share.id).access_rules_status == 'error'
    messages = deploy.wait_for(
        lambda: manila.messages.list(search_opts={'resource_id': share.id}),
        10, message='a user message')
    assert [(m.resource_type, m.action_id, m.detail_id)
            for m in messages] == [('SHARE', '010', '001')]
    assert messages[0].user_message.startswith('update access rules')

    # The backend works again: denying the rule heals the share.
    manila.shares.update_all_metadata(share, {})
    share.deny(rule.id)
    wait_for_rule_gone(manila, rule.id)
    deploy.wait_for(
        lambda: manila.shares.get(share.id).access_rules_status == 'active',
        30, message='the share to have active access rules')
    manila.shares.delete(share)
    deploy.wait_for_share_gone(manila, share.id)


def test_access_rules_with_openstack_cli(mysql_deployment, project):
    """`openstack share access create/list/show/set/delete`, as typed."""
    cli = mysql_deployment.cli
    share = cli('share', 'create', 'NFS', '1', '--name', 'cli-guarded',
                '--wait', '-f', 'json', project=project)
    created = cli('share', 'access', 'create', share['id'], 'user',
                  'alice', '--access-level', 'ro', '--properties', 'k=v',
                  '-f', 'json', project=project)
    assert (created['access_to'], created['state']) == ('alice',
                                                        'queued_to_apply')
    # (--wait polls every 5 s; the library polls faster.)
    manila = mysql_deployment.manila(project=project, version=VERSION)
    wait_for_rule(manila, created['id'], 'active')
    shown = cli('share', 'access', 'show', created['id'], '-f', 'json',
                project=project)
    assert (shown['access_level'], shown['share_id']) == ('ro', share['id'])
    assert 'k' in str(shown['properties'])
    cli('share', 'access', 'set', created['id'], '--property', 'x=y',
        project=project)
    listed = cli('share', 'access', 'list', share['id'], '-f', 'json',
                 project=project)
    assert [(row['ID'], row['State']) for row in listed] == [
        (created['id'], 'active')]
    cli('share', 'access', 'delete', share['id'], created['id'],
        project=project)
    wait_for_rule_gone(manila, created['id'])
    assert cli('share', 'access', 'list', share['id'], '-f', 'json',
               project=project) == []
    cli('share', 'delete', share['id'], '--wait', project=project)
