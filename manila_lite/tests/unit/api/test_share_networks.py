"""Share networks, subnets, share servers and security services through
the WSGI stack; share servers are put in the database as a share manager
would leave them."""

import pytest

from manila_lite import conf
from manila_lite import context as ml_context
from manila_lite.db import quotas
from manila_lite.db import services as service_db
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.share.api import security_service_update
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import PROJECT

NET = '/share-networks'


def _network(api, version='2.70', role='member', **values):
    body = {'share_network': dict({'name': 'net'}, **values)}
    resp = api.post(NET, body, version=version, role=role, status=200)
    return resp.json['share_network']


def _subnet(api, network_id, version='2.70', **values):
    resp = api.post('%s/%s/subnets' % (NET, network_id),
                    {'share-network-subnet': values}, version=version,
                    role='member', status=200)
    return resp.json['share_network_subnet']


def _server_on(admin_ctx, network_id, subnet_ids, host='hostB@beta',
               ss_update=False):
    server = server_db.create(admin_ctx, {
        'host': host, 'share_network_id': network_id,
        'project_id': PROJECT, 'is_auto_deletable': True,
        'security_service_update_support': ss_update}, subnet_ids)
    server_db.transition(admin_ctx, server.id, 'active')
    for sid in subnet_ids:
        server_db.add_allocations(admin_ctx, [dict(
            share_server_id=server.id, share_network_subnet_id=sid,
            ip_address='10.0.0.%d' % (10 + subnet_ids.index(sid)),
            ip_version=4, label='user', cidr='10.0.0.0/24',
            gateway='10.0.0.1', mtu=1500, network_type='flat')])
    return server


def _share_on(admin_ctx, server, network_id):
    share_type = type_db.create(admin_ctx, 'dhss-%s' % server.id[:6], {
        'driver_handles_share_servers': 'True'})
    return share_db.create(
        admin_ctx, {'project_id': PROJECT, 'user_id': 'u', 'size': 1,
                    'share_proto': 'NFS'},
        {'status': 'available', 'host': server.host + '#pool',
         'share_type_id': share_type.id, 'share_network_id': network_id,
         'share_server_id': server.id})


def test_network_lifecycle_and_quota(api):
    net = _network(api, description='d')
    assert net['status'] == 'active'
    assert net['network_allocation_update_support'] is True
    (default,) = net['share_network_subnets']
    assert default['availability_zone'] is None
    usage = quotas.usages(_ctx(), PROJECT)['share_networks']
    assert usage['in_use'] == 1
    shown = api.get('%s/%s' % (NET, net['id']), version='2.70',
                    role='member', status=200).json['share_network']
    assert shown['description'] == 'd'
    listed = api.get(NET + '?name=net', role='member', status=200).json
    assert [n['id'] for n in listed['share_networks']] == [net['id']]
    api.put('%s/%s' % (NET, net['id']),
            {'share_network': {'name': 'renamed'}}, role='member',
            status=200)
    api.delete('%s/%s' % (NET, net['id']), role='member', status=202)
    assert quotas.usages(_ctx(), PROJECT)['share_networks']['in_use'] == 0
    api.get('%s/%s' % (NET, net['id']), role='member', status=404)


def _ctx():
    return ml_context.get_admin_context()


@pytest.mark.parametrize('version,present,absent', [
    ('2.0', ['nova_net_id', 'neutron_net_id'], ['gateway', 'status']),
    ('2.26', ['gateway', 'mtu', 'cidr'], ['nova_net_id']),
    ('2.51', ['share_network_subnets'], ['gateway', 'status']),
    ('2.63', ['status', 'security_service_update_support'],
     ['network_allocation_update_support']),
])
def test_network_view_by_version(api, version, present, absent):
    net = _network(api, version=version)
    for key in present:
        assert key in net, (version, key)
    for key in absent:
        assert key not in net, (version, key)


def test_other_project_network_is_404(api):
    net = _network(api)
    api.get('%s/%s' % (NET, net['id']), role='member',
            project='c0000000000000000000000000000002', status=404)


def test_quota_over_limit(api):
    quotas.set_limits(_ctx(), PROJECT, {'share_networks': 1})
    _network(api)
    resp = api.post(NET, {'share_network': {'name': 'x'}}, role='member')
    assert resp.status_int == 413
    assert quotas.usages(_ctx(), PROJECT)['share_networks']['in_use'] == 1


def test_subnets_per_zone_before_and_after_2_70(api, admin_ctx):
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    net = _network(api)
    _subnet(api, net['id'], availability_zone='nova')
    resp = api.post('%s/%s/subnets' % (NET, net['id']),
                    {'share-network-subnet': {'availability_zone': 'nova'}},
                    version='2.51', role='member')
    assert resp.status_int == 409, resp.text
    _subnet(api, net['id'], availability_zone='nova')
    subnets = api.get('%s/%s/subnets' % (NET, net['id']), version='2.70',
                      role='member', status=200).json
    assert len(subnets['share_network_subnets']) == 3
    resp = api.post('%s/%s/subnets' % (NET, net['id']),
                    {'share-network-subnet': {'availability_zone': 'mars'}},
                    version='2.70', role='member')
    assert resp.status_int == 400
    assert 'mars' in fault(resp)[1]


def test_subnet_metadata(api):
    net = _network(api)
    sub = _subnet(api, net['id'], version='2.78', metadata={'a': '1'})
    assert sub['metadata'] == {'a': '1'}
    path = '%s/%s/subnets/%s/metadata' % (NET, net['id'], sub['id'])
    api.post(path, {'metadata': {'b': '2'}}, version='2.78', role='member',
             status=200)
    assert api.get(path, version='2.78', role='member',
                   status=200).json == {'metadata': {'a': '1', 'b': '2'}}
    api.delete(path + '/a', version='2.78', role='member', status=200)
    api.get(path + '/a', version='2.78', role='member', status=404)
    api.get(path, version='2.77', role='member', status=404)


# (zone of the subnet made with the network, zones of subnets added, whether
# the network can be deleted at once): one subnet at most, as in Manila.
NETWORK_DELETE_CASES = [
    (None, [], True),
    ('nova', [], True),
    (None, ['nova'], False),
    (None, [None], False),
    (None, ['nova', 'nova'], False),
]


@pytest.mark.parametrize('zone,added,deletable', NETWORK_DELETE_CASES)
def test_network_with_more_than_one_subnet_is_not_deleted(
        api, admin_ctx, zone, added, deletable):
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    net = _network(api, **({'availability_zone': zone} if zone else {}))
    extra = [_subnet(api, net['id'], **({'availability_zone': z} if z
                                        else {}))
             for z in added]
    path = '%s/%s' % (NET, net['id'])
    resp = api.delete(path, version='2.70', role='member')
    if deletable:
        assert resp.status_int == 202, resp.text
        api.get(path, role='member', status=404)
        return
    assert resp.status_int == 409, resp.text
    assert '%d subnets' % (1 + len(added)) in fault(resp)[1]
    # Nothing went: the subnets beyond the first are deleted one by one,
    # then the network with its first subnet.
    shown = api.get(path, version='2.70', role='member',
                    status=200).json['share_network']
    assert len(shown['share_network_subnets']) == 1 + len(added)
    for subnet in extra:
        api.delete('%s/subnets/%s' % (path, subnet['id']), version='2.70',
                   role='member', status=202)
    shown = api.get(path, version='2.70', role='member',
                    status=200).json['share_network']
    (left,) = shown['share_network_subnets']
    assert left['availability_zone'] == zone
    api.delete(path, version='2.70', role='member', status=202)
    assert quotas.usages(_ctx(), PROJECT)['share_networks']['in_use'] == 0


def test_plain_subnet_delete_refused_while_shares_use_it(api, admin_ctx):
    net = _network(api)
    extra = _subnet(api, net['id'])
    default = net['share_network_subnets'][0]['id']
    server = _server_on(admin_ctx, net['id'], [default, extra['id']])
    _share_on(admin_ctx, server, net['id'])
    resp = api.delete('%s/%s/subnets/%s' % (NET, net['id'], extra['id']),
                      version='2.70', role='member')
    assert resp.status_int == 409
    assert 'shares' in fault(resp)[1]
    resp = api.delete('%s/%s' % (NET, net['id']), role='member')
    assert resp.status_int == 409


def test_force_delete_used_subnet(api, admin_ctx):
    net = _network(api)
    default = net['share_network_subnets'][0]['id']
    extra = _subnet(api, net['id'])['id']
    server = _server_on(admin_ctx, net['id'], [default, extra])
    _share_on(admin_ctx, server, net['id'])
    action = '%s/%s/subnets/%s/action'
    body = {'force_delete': None}
    # Not served below 2.100; admin-only; unknown ids are 404.
    api.post(action % (NET, net['id'], extra), body, version='2.99',
             status=404)
    resp = api.post(action % (NET, net['id'], extra), body,
                    version='2.100', role='member')
    assert resp.status_int == 403
    api.post(action % (NET, net['id'], 'nope'), body, version='2.100',
             status=404)
    api.post(action % (NET, 'nope', extra), body, version='2.100',
             status=404)
    api.post(action % (NET, net['id'], extra), body, version='2.100',
             status=202)
    server = server_db.get(admin_ctx, server.id)
    assert server.status == 'active'
    assert server.share_network_subnet_ids == [default]
    resp = api.post(action % (NET, net['id'], default), body,
                    version='2.100')
    assert resp.status_int == 409
    assert 'last subnet' in fault(resp)[1]
    assert len(network_db.get(admin_ctx, net['id']).subnets) == 1


def test_delete_check_cached_and_reset(api, admin_ctx):
    net = _network(api)
    default = net['share_network_subnets'][0]['id']
    extra = _subnet(api, net['id'])['id']
    path = '%s/%s/subnets/%s/action' % (NET, net['id'], extra)
    body = {'share_network_subnet_delete_check': {'reset_operation': False}}
    # No server uses the subnet: compatible at once.
    resp = api.post(path, body, version='2.100', status=202)
    assert resp.json == {'compatible': True, 'hosts_check_result': {}}
    _server_on(admin_ctx, net['id'], [default, extra])
    # Cached answer until a reset asks the share managers again.
    assert api.post(path, body, version='2.100',
                    status=202).json['compatible'] is True
    body['share_network_subnet_delete_check']['reset_operation'] = True
    resp = api.post(path, body, version='2.100', status=202)
    assert resp.json == {'compatible': None, 'hosts_check_result': {}}
    network_db.set_check(admin_ctx, net['id'],
                         'subnet_delete_check:' + _key(extra),
                         host='hostB@beta', host_result=True)
    body['share_network_subnet_delete_check']['reset_operation'] = False
    resp = api.post(path, body, version='2.100', status=202)
    assert resp.json == {'compatible': True,
                         'hosts_check_result': {'hostB@beta': True}}
    api.post(path, body, version='2.100', role='member', status=403)
    last = '%s/%s/subnets/%s/action' % (NET, net['id'], default)
    api.post('%s/%s/subnets/%s' % (NET, net['id'], extra), {},
             version='2.100', status=405)
    network_db.subnet_destroy(admin_ctx, net['id'], extra, force=True)
    api.post(last, body, version='2.100', status=409)


def _key(subnet_id):
    import hashlib
    return hashlib.sha256(subnet_id.encode()).hexdigest()[:16]


def test_share_create_checks_network(api, admin_ctx, scheduler):
    dhss = type_db.create(admin_ctx, 'dhss', {
        'driver_handles_share_servers': 'True'})
    type_db.create(admin_ctx, 'plain', {
        'driver_handles_share_servers': 'False'})
    conf.CONF.set_override('default_share_type', 'plain')
    body = {'share': {'share_proto': 'NFS', 'size': 1,
                      'share_type': dhss.id}}
    resp = api.post('/shares', body, version='2.70', role='member')
    assert resp.status_int == 400
    assert 'Share network must be set' in fault(resp)[1]
    net = _network(api)
    body['share']['share_network_id'] = 'missing'
    api.post('/shares', body, version='2.70', role='member', status=404)
    body['share']['share_network_id'] = net['id']
    share = api.post('/shares', body, version='2.70', role='member',
                     status=200).json['share']
    assert share['share_network_id'] == net['id']
    body['share']['share_type'] = 'plain'
    resp = api.post('/shares', body, version='2.70', role='member')
    assert resp.status_int == 400
    assert 'driver_handles_share_servers=False' in fault(resp)[1]
    # No new share while the network's servers change.
    assert network_db.update(admin_ctx, net['id'], {
        'status': 'network_change'}).status == 'network_change'
    body['share']['share_type'] = dhss.id
    resp = api.post('/shares', body, version='2.70', role='member')
    assert resp.status_int == 400
    assert 'active share network' in fault(resp)[1]
    resp = api.delete('%s/%s' % (NET, net['id']), role='member')
    assert resp.status_int == 409


def test_share_servers_admin_views(api, admin_ctx):
    net = _network(api)
    default = net['share_network_subnets'][0]['id']
    server = _server_on(admin_ctx, net['id'], [default])
    server_db.set_details(admin_ctx, server.id, {'ip': '10.0.0.10'})
    listed = api.get('/share-servers', version='2.70', status=200).json
    (row,) = listed['share_servers']
    assert row['share_network_subnet_ids'] == [default]
    assert row['share_network_name'] == 'net'
    old = api.get('/share-servers/%s' % server.id, version='2.51',
                  status=200).json['share_server']
    assert old['share_network_subnet_id'] == default
    assert old['backend_details'] == {'ip': '10.0.0.10'}
    assert api.get('/share-servers/%s/details' % server.id,
                   status=200).json == {'details': {'ip': '10.0.0.10'}}
    api.get('/share-servers', role='member', status=403)
    share = _share_on(admin_ctx, server, net['id'])
    api.delete('/share-servers/%s' % server.id, status=409)
    share_db.destroy(admin_ctx, share.id)
    api.delete('/share-servers/%s' % server.id, status=202)
    assert server_db.get(admin_ctx, server.id).status == 'deleting'


def test_security_services_and_association(api):
    svc = api.post('/security-services', {'security_service': {
        'type': 'active_directory', 'name': 'ad', 'dns_ip': '10.0.0.2',
        'ou': 'OU=x', 'default_ad_site': 'site'}}, version='2.76',
        role='member', status=200).json['security_service']
    assert (svc['ou'], svc['default_ad_site']) == ('OU=x', 'site')
    resp = api.post('/security-services', {'security_service': {
        'type': 'ldap', 'ou': 'x'}}, version='2.43', role='member')
    assert resp.status_int == 400
    net = _network(api)
    action = '%s/%s/action' % (NET, net['id'])
    body = {'add_security_service': {'security_service_id': svc['id']}}
    resp = api.post(action, body, role='member', status=200)
    assert resp.json['share_network']['id'] == net['id']
    api.post(action, body, role='member', status=409)
    shown = api.get('/security-services/%s' % svc['id'], role='member',
                    status=200).json['security_service']
    assert shown['share_networks'] == [net['id']]
    resp = api.delete('/security-services/%s' % svc['id'], role='member')
    assert resp.status_int == 403
    api.post(action, {'remove_security_service': {
        'security_service_id': svc['id']}}, role='member', status=200)
    api.delete('/security-services/%s' % svc['id'], role='member',
               status=202)


def test_subnet_create_check(api, admin_ctx):
    net = _network(api)
    default = net['share_network_subnets'][0]['id']
    path = '%s/%s/action' % (NET, net['id'])
    body = {'share_network_subnet_create_check': {'reset_operation': False}}
    api.post(path, body, version='2.69', role='member', status=404)
    resp = api.post(path, body, version='2.70', role='member', status=202)
    assert resp.json == {'compatible': True, 'hosts_check_result': {}}
    _server_on(admin_ctx, net['id'], [default])
    body['share_network_subnet_create_check']['reset_operation'] = True
    resp = api.post(path, body, version='2.70', role='member', status=202)
    assert resp.json['compatible'] is None
    network_db.set_check(admin_ctx, net['id'], 'subnet_create_check:',
                         host='hostB@beta', host_result=False)
    body['share_network_subnet_create_check']['reset_operation'] = False
    resp = api.post(path, body, version='2.70', role='member', status=202)
    assert resp.json == {'compatible': False,
                         'hosts_check_result': {'hostB@beta': False}}


def test_security_services_of_used_network_cannot_change(api, admin_ctx):
    svc = api.post('/security-services', {'security_service': {
        'type': 'ldap'}}, role='member', status=200).json['security_service']
    net = _network(api)
    _server_on(admin_ctx, net['id'],
               [net['share_network_subnets'][0]['id']])
    resp = api.post('%s/%s/action' % (NET, net['id']),
                    {'add_security_service': {
                        'security_service_id': svc['id']}}, role='member')
    assert resp.status_int == 403
    assert 'in use' in fault(resp)[1]
    resp = api.put('%s/%s' % (NET, net['id']), {'share_network': {
        'neutron_net_id': 'n1', 'neutron_subnet_id': 's1'}}, role='member')
    assert resp.status_int == 403
    resp = api.put('%s/%s' % (NET, net['id']), {'share_network': {
        'name': 'still-ok'}}, role='member', status=200)
    assert resp.json['share_network']['name'] == 'still-ok'


def _svc(api, kind='ldap', name='dir'):
    return api.post('/security-services', {'security_service': {
        'type': kind, 'name': name}}, role='member',
        status=200).json['security_service']


def test_update_security_service_of_used_network(api, admin_ctx):
    old, new = _svc(api, name='old'), _svc(api, name='new')
    kerberos = _svc(api, kind='kerberos')
    net = _network(api)
    action = '%s/%s/action' % (NET, net['id'])
    api.post(action, {'add_security_service': {
        'security_service_id': old['id']}}, role='member', status=200)
    server = _server_on(admin_ctx, net['id'],
                        [net['share_network_subnets'][0]['id']],
                        ss_update=True)
    shown = api.get('%s/%s' % (NET, net['id']), version='2.63',
                    role='member', status=200).json['share_network']
    assert shown['security_service_update_support'] is True
    assert api.get('/share-servers/%s' % server.id, version='2.63',
                   status=200).json['share_server'][
        'security_service_update_support'] is True
    update = {'update_security_service': {
        'current_service_id': old['id'], 'new_service_id': new['id']}}
    api.post(action, update, version='2.62', role='member', status=404)
    # Servers use the network: a check must say compatible first.
    resp = api.post(action, update, version='2.63', role='member')
    assert resp.status_int == 400
    assert 'check' in fault(resp)[1]
    check = {'update_security_service_check': dict(
        update['update_security_service'], reset_operation=False)}
    resp = api.post(action, check, version='2.63', role='member',
                    status=202)
    assert resp.json == {
        'compatible': None,
        'requested_operation': {'operation': 'update_security_service',
                                'current_security_service': old['id'],
                                'new_security_service': new['id']}}
    key = security_service_update.check_key(new['id'], old['id'])
    network_db.set_check(admin_ctx, net['id'], key, host='hostB@beta',
                         host_result=True)
    resp = api.post(action, check, version='2.63', status=202)
    assert resp.json['compatible'] is True
    assert resp.json['hosts_check_result'] == {'hostB@beta': True}
    # Wrong pairs are refused before any backend is asked: 409 for
    # services that do not fit the network's, 400 for an unknown one.
    for bad, status in (({'current_service_id': new['id'],
                          'new_service_id': old['id']}, 409),
                        ({'current_service_id': old['id'],
                          'new_service_id': kerberos['id']}, 409),
                        ({'current_service_id': old['id'],
                          'new_service_id': 'missing'}, 400)):
        resp = api.post(action, {'update_security_service': bad},
                        version='2.63', role='member')
        assert resp.status_int == status, bad
    resp = api.post(action, update, version='2.63', role='member',
                    status=202)
    body = resp.json['share_network']
    assert body['status'] == 'network_change'
    assert [s.id for s in network_db.get(
        admin_ctx, net['id']).security_services] == [new['id']]
    assert server_db.get(admin_ctx, server.id).status == 'network_change'
    assert network_db.pending_change(admin_ctx, net['id']) == {
        'operation': 'security_service',
        'new_security_service_id': new['id'],
        'current_security_service_id': old['id']}
    # The used check is gone; the network takes no change meanwhile.
    assert network_db.get_check(admin_ctx, net['id'], key) is None
    resp = api.post(action, {'update_security_service': {
        'current_service_id': new['id'], 'new_service_id': old['id']}},
        version='2.63', role='member')
    assert resp.status_int == 400
    assert 'network_change' in fault(resp)[1]


def test_add_security_service_to_used_network(api, admin_ctx):
    svc = _svc(api)
    net = _network(api)
    action = '%s/%s/action' % (NET, net['id'])
    default = net['share_network_subnets'][0]['id']
    unable = _server_on(admin_ctx, net['id'], [default], host='old@be')
    assert api.get('%s/%s' % (NET, net['id']), version='2.63',
                   role='member', status=200).json['share_network'][
        'security_service_update_support'] is False
    add = {'add_security_service': {'security_service_id': svc['id']}}
    api.post(action, add, version='2.62', role='member', status=403)
    check = {'add_security_service_check': {
        'security_service_id': svc['id']}}
    resp = api.post(action, check, version='2.63', role='member')
    assert resp.status_int == 400
    assert 'old@be' in fault(resp)[1]
    server_db.transition(admin_ctx, unable.id, 'error')
    server_db.transition(admin_ctx, unable.id, 'deleting')
    server_db.destroy(admin_ctx, unable.id)
    _server_on(admin_ctx, net['id'], [default], ss_update=True)
    resp = api.post(action, check, version='2.63', role='member',
                    status=202)
    assert resp.json['compatible'] is None
    assert resp.json['requested_operation']['operation'] == \
        'add_security_service'
    network_db.set_check(
        admin_ctx, net['id'], security_service_update.check_key(svc['id']),
        host='hostB@beta', host_result=False)
    assert api.post(action, check, version='2.63', role='member',
                    status=202).json['compatible'] is False
    resp = api.post(action, add, version='2.63', role='member')
    assert resp.status_int == 400
    assert 'cannot take' in fault(resp)[1]
    # A new check (reset) that passes lets the service in.
    check['add_security_service_check']['reset_operation'] = True
    api.post(action, check, version='2.63', role='member', status=202)
    network_db.set_check(
        admin_ctx, net['id'], security_service_update.check_key(svc['id']),
        host='hostB@beta', host_result=True)
    resp = api.post(action, add, version='2.63', role='member', status=200)
    assert resp.json['share_network']['status'] == 'network_change'


def test_subnet_added_to_used_network_changes_it(api, admin_ctx):
    net = _network(api)
    server = _server_on(admin_ctx, net['id'],
                        [net['share_network_subnets'][0]['id']])
    sub = _subnet(api, net['id'])
    assert network_db.get(admin_ctx, net['id']).status == 'network_change'
    assert server_db.get(admin_ctx, server.id).status == 'network_change'
    assert network_db.pending_change(admin_ctx, net['id']) == {
        'operation': 'add_subnet', 'share_network_subnet_id': sub['id']}
    resp = api.post('%s/%s/subnets' % (NET, net['id']),
                    {'share-network-subnet': {}}, version='2.70',
                    role='member')
    assert resp.status_int == 400
    assert len(network_db.get(admin_ctx, net['id']).subnets) == 2
