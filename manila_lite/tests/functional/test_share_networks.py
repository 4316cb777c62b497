"""Share networks, subnets, share servers and force-deleting a used subnet,
told through python-manilaclient, the openstack CLI and (for what 2.100
adds, which no client knows yet) raw HTTP.

The split daemons run on MariaDB and RabbitMQ with one fake backend in
driver_handles_share_servers=True mode, its share servers addressed by
the standalone network plugin from 10.77.0.0/24.
"""

import uuid

from manilaclient import exceptions
import pytest

from manila_lite.devtools import deployment as deploy
from manila_lite.tests.functional import testbed

SUBNET_ACTION = '/share-networks/%s/subnets/%s/action'
FORCE = '2.100'


@pytest.fixture(scope='module')
def dhss_deployment(tmp_path_factory):
    with testbed.running_split(tmp_path_factory, 'mysql', backends={
            'dhss': {'driver_handles_share_servers': True,
                     'standalone_network_plugin_cidr': '10.77.0.0/24',
                     'standalone_network_plugin_allowed_ip_ranges':
                         ['10.77.0.10-10.77.0.250']}}) as deployment:
        yield deployment


@pytest.fixture(scope='module')
def dhss_type(dhss_deployment):
    admin = dhss_deployment.manila()
    share_type = admin.share_types.create(
        'dhss-%s' % uuid.uuid4().hex[:8],
        spec_driver_handles_share_servers=True)
    yield share_type
    admin.share_types.delete(share_type)


def _server(admin, server_id):
    return admin.share_servers.get(server_id)


def _details(deployment, server_id):
    resp = deployment.request('GET', '/share-servers/%s/details'
                              % server_id)
    assert resp.status_code == 200, resp.text
    return resp.json()['details']


def _wait_interfaces(deployment, server_id, count):
    return deploy.wait_for(
        lambda: (len(_details(deployment, server_id).get('interfaces')
                     or []) == count and _details(deployment, server_id)),
        60, interval=0.3,
        message='share server %s to have %d interface(s)'
                % (server_id, count))


def _force_delete(deployment, network_id, subnet_id, project=deploy.ADMIN,
                  user=deploy.ADMIN, roles=None):
    headers = {'X-OpenStack-Manila-API-Version': FORCE}
    if roles:
        headers['X-Roles'] = roles
    return deployment.request(
        'POST', SUBNET_ACTION % (network_id, subnet_id), project=project,
        user=user, json={'force_delete': None}, headers=headers)


@pytest.mark.xdist_group('dhss')
def test_force_delete_used_subnet_keeps_share_server(
        dhss_deployment, dhss_type, project):
    deployment = dhss_deployment
    manila = deployment.manila(project=project)
    admin = deployment.manila()

    # A member makes a network with the CLI; its default subnet comes too.
    net = deployment.cli('share', 'network', 'create', '--name', 'two-legs',
                         '-f', 'json', project=project, user='owner')
    network = manila.share_networks.get(net['id'])
    (first,) = network.share_network_subnets
    assert first['availability_zone'] is None

    # A DHSS=True type without a network is refused with a clear message.
    with pytest.raises(exceptions.BadRequest) as err:
        manila.shares.create('NFS', 1, share_type=dhss_type.id)
    assert 'Share network must be set' in str(err.value)

    share = manila.shares.create('NFS', 1, share_type=dhss_type.id,
                                 share_network=network.id, name='on-server')
    share = deploy.wait_for_share(manila, share.id)
    assert share.status == 'available', share
    server_id = admin.shares.get(share.id).share_server_id
    server = _server(admin, server_id)
    assert server.status == 'active'
    assert server.share_network_subnet_ids == [first['id']]
    (address,) = _details(deployment, server_id)['interfaces']
    assert address.startswith('10.77.0.')

    # A second subnet plugs the running server into it (2.70).
    second = manila.share_network_subnets.create(
        share_network_id=network.id)
    details = _wait_interfaces(deployment, server_id, 2)
    server = _server(admin, server_id)
    assert sorted(server.share_network_subnet_ids) == sorted(
        [first['id'], second.id])

    # A later share of the network lands on the same server.
    other = manila.shares.create('NFS', 1, share_type=dhss_type.id,
                                 share_network=network.id, name='neighbour')
    other = deploy.wait_for_share(manila, other.id)
    assert admin.shares.get(other.id).share_server_id == server_id

    # Plain delete keeps Manila's rule: shares use it -> 409.
    with pytest.raises(exceptions.Conflict):
        manila.share_network_subnets.delete(network.id, first['id'])
    # Force delete is for administrators only.
    resp = _force_delete(deployment, network.id, first['id'],
                         project=project, user='owner',
                         roles='member,reader')
    assert resp.status_code == 403, resp.text
    resp = _force_delete(deployment, network.id, 'no-such-subnet')
    assert resp.status_code == 404, resp.text

    resp = _force_delete(deployment, network.id, first['id'])
    assert resp.status_code == 202, resp.text
    details = _wait_interfaces(deployment, server_id, 1)
    server = _server(admin, server_id)
    assert server.status == 'active'
    assert server.share_network_subnet_ids == [second.id]
    for share_id in (share.id, other.id):
        kept = manila.shares.get(share_id)
        assert kept.status == 'available'
        paths = [loc.path for loc in
                 manila.share_export_locations.list(share_id)]
        assert any(details['ip'] in path for path in paths), paths
    assert [s['id'] for s in manila.share_networks.get(
        network.id).share_network_subnets] == [second.id]

    # The last subnet cannot go, even forced.
    resp = _force_delete(deployment, network.id, second.id)
    assert resp.status_code == 409, resp.text
    assert 'last subnet' in resp.json()['conflictingRequest']['message']

    # Clean up: shares, the server (admin), the network.
    for share_id in (share.id, other.id):
        manila.shares.delete(share_id)
        deploy.wait_for_share_gone(manila, share_id)
    with pytest.raises(exceptions.Conflict):
        manila.share_networks.delete(network.id)
    admin.share_servers.delete(server_id)
    deploy.wait_for(lambda: server_id not in [
        s.id for s in admin.share_servers.list()], 60, interval=0.3,
        message='share server %s to go' % server_id)
    manila.share_networks.delete(network.id)
    assert deploy.quota_usage(manila, project)['share_networks'] == 0


@pytest.mark.xdist_group('dhss')
def test_delete_check_and_setup_failure_message(dhss_deployment, dhss_type,
                                                project):
    deployment = dhss_deployment
    manila = deployment.manila(project=project)
    admin = deployment.manila()
    network = manila.share_networks.create(name='checked')
    first = manila.share_networks.get(network.id).share_network_subnets[0]
    share = manila.shares.create('NFS', 1, share_type=dhss_type.id,
                                 share_network=network.id)
    share = deploy.wait_for_share(manila, share.id)
    server_id = admin.shares.get(share.id).share_server_id
    manila.share_network_subnets.create(share_network_id=network.id)
    _wait_interfaces(deployment, server_id, 2)

    path = SUBNET_ACTION % (network.id, first['id'])
    headers = {'X-OpenStack-Manila-API-Version': FORCE}
    body = {'share_network_subnet_delete_check': {'reset_operation': True}}
    resp = deployment.request('POST', path, json=body, headers=headers)
    assert resp.status_code == 202, resp.text
    assert resp.json()['compatible'] in (None, True)

    def answered():
        body['share_network_subnet_delete_check']['reset_operation'] = False
        result = deployment.request('POST', path, json=body,
                                    headers=headers).json()
        return result if result['compatible'] is not None else None

    result = deploy.wait_for(answered, 60, interval=0.3,
                             message='the delete check to be answered')
    assert result['compatible'] is True
    assert list(result['hosts_check_result'].values()) == [True]
    # Checking changed nothing.
    assert len(_details(deployment, server_id)['interfaces']) == 2

    # A server that cannot be set up: the share goes to error and its
    # user is told why.
    fresh = manila.share_networks.create(name='fresh')
    doomed = manila.shares.create(
        'NFS', 1, share_type=dhss_type.id, share_network=fresh.id,
        metadata={'fake_fail_operations': 'setup_server'})
    doomed = deploy.wait_for_share(manila, doomed.id)
    assert doomed.status == 'error'
    found = manila.messages.list(search_opts={'resource_id': doomed.id})
    assert [m.detail_id for m in found] == ['120']
    assert 'share server' in found[0].user_message
    usage = deploy.quota_usage(manila, project)
    assert usage['share_networks'] == 2
    for share_id in (doomed.id, share.id):
        manila.shares.delete(share_id)
        deploy.wait_for_share_gone(manila, share_id)


@pytest.mark.xdist_group('dhss')
def test_replace_security_service_of_used_network(dhss_deployment,
                                                  dhss_type, project):
    """2.63: the fake backend reports security_service_update_support, so
    a member checks, then replaces, the LDAP service of a network whose
    share server runs, with the openstack CLI."""
    deployment = dhss_deployment
    manila = deployment.manila(project=project)
    admin = deployment.manila()
    old = manila.security_services.create('ldap', name='ldap-old',
                                          server='10.77.0.5')
    new = manila.security_services.create('ldap', name='ldap-new',
                                          server='10.77.0.6')
    network = manila.share_networks.create(name='directory')
    manila.share_networks.add_security_service(network, old)
    share = manila.shares.create('NFS', 1, share_type=dhss_type.id,
                                 share_network=network.id, name='ldap')
    share = deploy.wait_for_share(manila, share.id)
    assert share.status == 'available', share
    server_id = admin.shares.get(share.id).share_server_id
    network = manila.share_networks.get(network.id)
    assert network.security_service_update_support is True
    assert network.status == 'active'

    # Replacing at once is refused: the backends were not asked yet.
    with pytest.raises(exceptions.BadRequest) as err:
        manila.share_networks.update_share_network_security_service(
            network, old, new)
    assert 'check' in str(err.value)

    swap = ['--current-security-service', 'ldap-old',
            '--new-security-service', 'ldap-new']
    out = deployment.cli('share', 'network', 'set', network.id, *swap,
                         '--check-only', '--restart-check',
                         project=project, user='owner')
    assert out == ''

    def answered():
        _resp, body = manila.share_networks.\
            update_share_network_security_service_check(network, old, new)
        return body if body['compatible'] is not None else None

    result = deploy.wait_for(answered, 60, interval=0.3,
                             message='the security service check')
    assert result['compatible'] is True
    assert result['requested_operation'] == {
        'operation': 'update_security_service',
        'current_security_service': old.id,
        'new_security_service': new.id}
    # Administrators see each host's answer (noauth callers are admins).
    assert list(result['hosts_check_result'].values()) == [True]

    deployment.cli('share', 'network', 'set', network.id, *swap,
                   project=project, user='owner')
    deploy.wait_for(
        lambda: manila.share_networks.get(network.id).status == 'active',
        60, interval=0.3, message='the share network to be active again')
    assert [s.id for s in manila.security_services.list(
        search_opts={'share_network_id': network.id})] == [new.id]
    assert _details(deployment, server_id)['security_service_ldap'] == \
        new.id
    assert _server(admin, server_id).status == 'active'
    assert manila.shares.get(share.id).status == 'available'

    manila.shares.delete(share.id)
    deploy.wait_for_share_gone(manila, share.id)
