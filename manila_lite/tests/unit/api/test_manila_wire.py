"""Where Manila is lenient or answers a particular code, so are we: the
bodies, filters and status codes manila-tempest-plugin relies on (issue
12), case by case through the real WSGI stack."""

import pytest

from manila_lite import context as ml_context
from manila_lite.db import share_metadata
from manila_lite.db import share_networks as network_db
from manila_lite.db import share_servers as server_db
from manila_lite.db import shares as share_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_scheduled

LATEST = '2.70'
AFFINITY = '__affinity_same_host'
ANTI_AFFINITY = '__affinity_different_host'
DHSS_FALSE = {'driver_handles_share_servers': 'False'}

# What the plugin's share network tests create (test_share_networks.py),
# plus what its helpers leak into the body.
TEMPEST_NETWORK = {
    'name': 'sn_with_ldap_ss', 'neutron_net_id': '1111',
    'neutron_subnet_id': '2222', 'created_at': '2002-02-02',
    'updated_at': None, 'network_type': 'vlan', 'segmentation_id': 1000,
    'cidr': '10.0.0.0/24', 'ip_version': 4, 'description': 'fake',
}
STRAYS = {'cleanup_in_class': True, 'add_security_services': False}


def _network(api, version=LATEST, role='member', **values):
    return api.post('/share-networks', {'share_network': values},
                    version=version, role=role,
                    status=200).json['share_network']


def _service(api, kind='ldap', role='member', **values):
    return api.post('/security-services', {'security_service': dict(
        values, type=kind)}, role=role, status=200).json['security_service']


def _action(api, network_id, name, service_id, version=LATEST):
    return api.post('/share-networks/%s/action' % network_id,
                    {name: {'security_service_id': service_id}},
                    version=version, role='member')


# --- bodies: unknown keys ignored, known keys typed -------------------------

@pytest.mark.parametrize('version', ['2.0', LATEST])
def test_share_network_create_keeps_what_manila_keeps(api, version):
    created = _network(api, version, **dict(TEMPEST_NETWORK, **STRAYS))
    net_id = created['id']
    service = _service(api)
    assert _action(api, net_id, 'add_security_service', service['id'],
                   version).status_int == 200
    shown = api.get('/share-networks/%s' % net_id, version='2.0',
                    role='member', status=200).json['share_network']
    # The body's time is kept; associating a service leaves the network
    # row (and its updated_at) alone.
    assert shown['created_at'] == '2002-02-02T00:00:00.000000'
    expected = dict(TEMPEST_NETWORK)
    del expected['created_at']
    assert expected.items() <= shown.items()
    assert 'cleanup_in_class' not in shown
    # The segment details went to the default subnet.
    (subnet,) = network_db.get(_admin(), net_id).subnets
    assert (subnet.network_type, subnet.segmentation_id, subnet.cidr,
            subnet.ip_version) == ('vlan', 1000, '10.0.0.0/24', 4)


def _admin():
    return ml_context.get_admin_context()


BAD_BODIES = [
    # (case, path, body): keys the schema knows must have their type.
    ('segmentation_id text', '/share-networks',
     {'share_network': {'segmentation_id': 'x'}}),
    ('ip_version 5', '/share-networks',
     {'share_network': {'ip_version': 5}}),
    ('name number', '/share-networks', {'share_network': {'name': 5}}),
    ('created_at not a time', '/share-networks',
     {'share_network': {'created_at': 'yesterday'}}),
    ('security service type unknown', '/security-services',
     {'security_service': {'type': 'nis'}}),
    ('security service dns_ip number', '/security-services',
     {'security_service': {'type': 'ldap', 'dns_ip': 1}}),
]


@pytest.mark.parametrize('case,path,body', BAD_BODIES,
                         ids=[c[0] for c in BAD_BODIES])
def test_known_keys_keep_their_type(api, case, path, body):
    resp = api.post(path, body, version=LATEST, role='member', status=400)
    assert fault(resp)[0] == 'badRequest'


def test_subnet_create_takes_share_network_id_and_segment(api):
    net = _network(api)
    resp = api.post('/share-networks/%s/subnets' % net['id'], {
        'share-network-subnet': {
            'share_network_id': net['id'], 'network_type': 'vlan',
            'segmentation_id': 7}},
        version=LATEST, role='member', status=200)
    subnet = resp.json['share_network_subnet']
    assert subnet['share_network_id'] == net['id']
    assert (subnet['network_type'], subnet['segmentation_id']) == (
        'vlan', 7)


def test_subnet_create_check_ignores_unknown_keys(api):
    net = _network(api)
    body = {'share_network_subnet_create_check': {
        'reset_operation': False, 'cleanup_in_class': True}}
    api.post('/share-networks/%s/action' % net['id'], body,
             version=LATEST, role='member', status=202)


def test_security_service_bodies_ignore_unknown_keys(api, admin_ctx):
    # The plugin creates one from a share network's data.
    created = _service(api, 'kerberos', **dict(TEMPEST_NETWORK, **STRAYS))
    assert created['name'] == 'sn_with_ldap_ss'
    assert 'cidr' not in created and 'neutron_net_id' not in created
    resp = api.put('/security-services/%s' % created['id'], {
        'security_service': {'name': 'renamed', 'cleanup_in_class': 1}},
        role='member', status=200)
    assert resp.json['security_service']['name'] == 'renamed'


@pytest.mark.parametrize('specs,stored', [
    ({'provisioning:min_share_size': 2, 'provisioning:max_share_size': 6},
     {'provisioning:min_share_size': '2',
      'provisioning:max_share_size': '6'}),
    ({'snapshot_support': True, 'color': 3}, {'snapshot_support': 'True',
                                              'color': '3'}),
])
def test_share_type_create_stores_spec_values_as_text(api, specs, stored):
    view = api.post('/types', {'share_type': {
        'name': 'numbers', 'extra_specs': dict(DHSS_FALSE, **specs)}},
        version=LATEST, status=200).json['share_type']
    assert view['extra_specs'] == dict(DHSS_FALSE, **stored)


@pytest.mark.parametrize('path,body', [
    # A number that is no valid size is still refused.
    ('/types', {'share_type': {'name': 'bad', 'extra_specs': dict(
        DHSS_FALSE, **{'provisioning:min_share_size': 0})}}),
    # The extra specs API takes text and booleans only, as Manila.
    ('/types/{id}/extra_specs', {'extra_specs': {'color': 3}}),
])
def test_share_type_spec_numbers_refused(api, admin_ctx, path, body):
    type_id = api.post('/types', {'share_type': {
        'name': 'plain', 'extra_specs': DHSS_FALSE}}, version=LATEST,
        status=200).json['share_type']['id']
    api.post(path.format(id=type_id), body, version=LATEST, status=400)


# --- security services of share networks: 409 and 404 ---------------------

@pytest.mark.parametrize('version', ['2.0', LATEST])
@pytest.mark.parametrize('case,second,status', [
    ('same service twice', 'same', 409),
    ('second of the same type', 'ldap', 409),
    ('another type', 'kerberos', 200),
    ('unknown service', 'unknown', 404),
    ('empty id', 'empty', 404),
])
def test_add_security_service(api, version, case, second, status):
    net = _network(api)
    first = _service(api)
    assert _action(api, net['id'], 'add_security_service', first['id'],
                   version).status_int == 200
    service_id = {'same': first['id'], 'unknown': 'wrong_ss_id',
                  'empty': ''}.get(second)
    if service_id is None:
        service_id = _service(api, second)['id']
    resp = _action(api, net['id'], 'add_security_service', service_id,
                   version)
    assert resp.status_int == status, resp.text


@pytest.mark.parametrize('case,which,status', [
    ('associated', 'linked', 200),
    ('unknown', 'unknown', 404),
    ('not associated', 'other', 400),
])
def test_remove_security_service(api, case, which, status):
    net = _network(api)
    linked = _service(api)
    _action(api, net['id'], 'add_security_service', linked['id'])
    service_id = {'linked': linked['id'], 'unknown': 'wrong_id',
                  'other': _service(api, 'kerberos')['id']}[which]
    resp = _action(api, net['id'], 'remove_security_service', service_id)
    assert resp.status_int == status, resp.text


def test_security_services_of_a_missing_network_404(api):
    api.get('/security-services?share_network_id=wrong_id', role='member',
            status=404)


def test_security_services_of_a_network(api):
    net = _network(api)
    linked = _service(api)
    _service(api, 'kerberos')  # not on the network: not listed
    _action(api, net['id'], 'add_security_service', linked['id'])
    listed = api.get('/security-services?share_network_id=%s' % net['id'],
                     role='member', status=200).json['security_services']
    assert [s['id'] for s in listed] == [linked['id']]


# --- created_since / created_before -----------------------------------------

@pytest.mark.parametrize('path,params,version,status', [
    # Share networks take a day, yyyy-mm-dd, as Manila.
    ('/share-networks/detail', 'created_since=2014-10-23T08:31:58.000000',
     LATEST, 400),
    ('/share-networks/detail', 'created_before=2014-10-23T08:31:58.000000',
     LATEST, 400),
    ('/share-networks', 'created_since=invalid', LATEST, 400),
    ('/share-networks/detail', 'created_since=2001-01-01', LATEST, 200),
    ('/share-networks/detail', 'created_before=2002-10-10', LATEST, 200),
    # Messages take a time (2.52+).
    ('/messages', 'created_since=invalid_time', '2.52', 400),
    ('/messages', 'created_before=invalid_time', '2.52', 400),
])
def test_time_filters(api, path, params, version, status):
    api.get('%s?%s' % (path, params), version=version, role='member',
            status=status)


def test_share_network_time_filters_select(api):
    old = _network(api, name='old', created_at='2002-02-02')
    new = _network(api, name='new')

    def listed(params):
        return [n['id'] for n in api.get(
            '/share-networks/detail?' + params, version=LATEST,
            role='member', status=200).json['share_networks']]

    assert listed('created_before=2002-10-10') == [old['id']]
    assert listed('created_since=2003-01-01') == [new['id']]
    assert listed('created_since=2001-01-01&created_before=2002-10-10'
                  '&network_type=vlan') == []


# --- unknown list filters, resource by resource -----------------------------

@pytest.fixture
def listed_world(api, admin_ctx, scheduler):
    """One of everything for the lists below, in PROJECT and the
    administrator's project."""
    default_share_type(admin_ctx)
    for role in ('member', 'admin'):
        create_share(api, LATEST, role=role)
        _network(api, role=role)
        _service(api, role=role)
    server = server_db.create(admin_ctx, {
        'host': 'hostB@beta', 'project_id': PROJECT,
        'share_network_id': _network(api)['id'],
        'is_auto_deletable': True}, [])
    return server


UNKNOWN_FILTERS = [
    # (path, collection, role, matches): Manila drops unknown parameters
    # of users' share and security service lists, matches an
    # administrator's against the fields (so none); share networks and
    # share servers match everyone's; snapshots ignore them.
    ('/shares?fake_key=x', 'shares', 'admin', False),
    ('/shares/detail?fake_key=x', 'shares', 'admin', False),
    ('/shares?fake_key=x', 'shares', 'member', True),
    ('/share-networks?fake_key=x', 'share_networks', 'member', False),
    ('/share-networks/detail?fake_key=x', 'share_networks', 'admin',
     False),
    ('/security-services?fake_opt=some_value', 'security_services',
     'admin', False),
    ('/security-services?fake_opt=some_value', 'security_services',
     'member', True),
    ('/share-servers?fake_filter_key=ACTIVE', 'share_servers', 'admin',
     False),
    ('/snapshots?fake_key=x', 'snapshots', 'member', True),
]


@pytest.mark.parametrize('path,collection,role,matches', UNKNOWN_FILTERS,
                         ids=['%s-%s' % (c[0], c[2])
                              for c in UNKNOWN_FILTERS])
def test_unknown_list_filters(api, listed_world, path, collection, role,
                              matches):
    plain = api.get(path.split('?')[0], version=LATEST, role=role,
                    status=200).json[collection]
    filtered = api.get(path, version=LATEST, role=role,
                       status=200).json[collection]
    assert filtered == (plain if matches else [])
    if collection != 'snapshots':
        assert plain, 'the world holds none to list'


@pytest.mark.parametrize('path,collection', [
    ('/shares/detail?sort_key=created_at&sort_dir=asc&limit=5&offset=0'
     '&with_count=true&all_tenants=1', 'shares'),
    ('/share-networks?limit=5&offset=0&all_tenants=1', 'share_networks'),
    ('/security-services?all_tenants=1&limit=5', 'security_services'),
])
def test_known_options_are_no_filter(api, listed_world, path, collection):
    """Paging and scoping parameters are not taken for unknown fields."""
    assert api.get(path, version=LATEST, status=200).json[collection]


# --- scheduler hints ---------------------------------------------------------

@pytest.fixture
def placed(api, admin_ctx, scheduler):
    """An available share of PROJECT on hostA@alpha."""
    default_share_type(admin_ctx)
    share_id = create_share(api, LATEST).json['share']['id']
    return make_available(admin_ctx, share_id)


def test_hint_naming_an_unknown_share_404(api, placed):
    resp = create_share(api, LATEST, status=404, scheduler_hints={
        'same_host': '2d316e9f-39fc-468e-b2d9-634b25ae85f6'})
    assert fault(resp)[0] == 'itemNotFound'


def test_same_share_in_both_hints_ends_in_error(api, admin_ctx, placed):
    share_id = create_share(api, LATEST, scheduler_hints={
        'same_host': placed.id,
        'different_host': placed.id}).json['share']['id']
    assert wait_scheduled(admin_ctx, share_id).status == states.ERROR


@pytest.mark.parametrize('hint,key', [('same_host', AFFINITY),
                                      ('different_host', ANTI_AFFINITY)])
def test_hints_are_recorded_on_both_shares(api, admin_ctx, placed, hint,
                                           key):
    first = create_share(api, LATEST, scheduler_hints={
        hint: placed.id}).json['share']['id']
    second = create_share(api, LATEST, scheduler_hints={
        hint: placed.id}).json['share']['id']
    meta = api.get('/shares/%s/metadata' % placed.id, version=LATEST,
                   role='member', status=200).json['metadata']
    assert meta[key] == '%s,%s' % (first, second)
    assert share_metadata.get(admin_ctx, first)[key] == placed.id
    # A share that goes leaves the records of the others.
    share_db.destroy(admin_ctx, first)
    assert share_metadata.get(admin_ctx, placed.id)[key] == second
    share_db.destroy(admin_ctx, second)
    assert key not in share_metadata.get(admin_ctx, placed.id)
    share_db.destroy(admin_ctx, placed.id)
