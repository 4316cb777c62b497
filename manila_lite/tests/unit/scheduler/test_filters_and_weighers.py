"""Scheduler filters, weighers and host manager, one behaviour per case."""

import datetime

import pytest

from manila_lite import conf
from manila_lite import exception
from manila_lite.scheduler import filters
from manila_lite.scheduler import host_manager
from manila_lite.scheduler import weighers

CONF = conf.CONF
HOST = 'node1@alpha'


@pytest.fixture
def override():
    """Set config options for one test; cleared afterwards."""
    names = []

    def set_override(name, value):
        CONF.set_override(name, value)
        names.append(name)

    yield set_override
    for name in names:
        CONF.clear_override(name)


def make_pool(host=HOST, pool_name='pool1', zone='nova', **pool_caps):
    backend_caps = {
        'share_backend_name': 'ALPHA',
        'vendor_name': 'Acme',
        'driver_version': '1.0',
        'storage_protocol': 'NFS_CIFS',
        'driver_handles_share_servers': False,
        'snapshot_support': True,
    }
    caps = {'total_capacity_gb': 100, 'free_capacity_gb': 100}
    caps.update(pool_caps)
    pool = host_manager.PoolState(host, pool_name)
    pool.update(backend_caps, caps, zone, datetime.datetime(2024, 1, 1))
    return pool


def make_spec(size=1, extra_specs=None, **kwargs):
    spec = {
        'size': size,
        'share_proto': 'NFS',
        'availability_zone': None,
        'share_type': {'id': 'st1', 'name': 'default',
                       'extra_specs': dict(extra_specs or {})},
        'snapshot_id': None,
        'snapshot_host': None,
        'share_id': 'share-1',
        'project_id': 'project-1',
    }
    spec.update(kwargs)
    return spec


# ---------------------------------------------------------------- matching

@pytest.mark.parametrize('value, requirement, expected', [
    # no operator: equality, booleans case-insensitive
    ('gold', 'gold', True),
    ('gold', 'silver', False),
    (True, 'True', True),
    (True, 'true', True),
    (True, 'False', False),
    (False, 'FALSE', True),
    (10, '10', True),
    (None, 'anything', False),
    # <is>
    (True, '<is> True', True),
    ('True', '<is> true', True),
    (False, '<is> True', False),
    ('False', '<is> False', True),
    ('maybe', '<is> False', False),
    (True, '<is>', False),
    # <in>: substring
    ('NFS_CIFS', '<in> NFS', True),
    ('NFS_CIFS', '<in> CIFS', True),
    ('NFS', '<in> CEPHFS', False),
    # <or>
    ('silver', '<or> gold <or> silver', True),
    ('bronze', '<or> gold <or> silver', False),
    (True, '<or> True <or> False', True),
    # <all-in>
    ('compression dedupe', '<all-in> dedupe compression', True),
    ('compression', '<all-in> dedupe compression', False),
    (['a', 'b', 'c'], '<all-in> a c', True),
    (['a', 'b'], '<all-in> a c', False),
    # numeric
    (100, '>= 50', True),
    ('100', '>= 150', False),
    (50, '<= 50', True),
    (50, '== 50.0', True),
    (50, '!= 50', False),
    (50, '= 40', True),            # '=' means at least
    ('lots', '>= 10', False),      # not a number: no match, no error
    # string comparisons
    ('Local', 's== Local', True),
    ('Local NFS', 's== Local NFS', True),
    ('abc', 's!= abd', True),
    ('abc', 's< abd', True),
    ('abc', 's<= abc', True),
    ('abd', 's> abc', True),
    ('abc', 's>= abd', False),
])
def test_match(value, requirement, expected):
    assert filters.match(value, requirement) is expected


@pytest.mark.parametrize('capabilities, extra_specs, expected', [
    ({'tier': 'gold'}, {}, True),
    ({'tier': 'gold'}, {'tier': 'gold'}, True),
    ({'tier': 'gold'}, {'tier': 'silver'}, False),
    ({'tier': 'gold'}, {'capabilities:tier': 'gold'}, True),
    ({'tier': 'gold'}, {'capabilities:tier': 'silver'}, False),
    ({}, {'tier': 'gold'}, False),                     # not reported
    ({}, {'netapp:dedupe': 'true'}, True),             # vendor scope
    ({}, {'provisioning:max_share_size': '5'}, True),
    ({'qos': {'iops': 500}}, {'capabilities:qos:iops': '>= 100'}, True),
    ({'qos': {'iops': 50}}, {'capabilities:qos:iops': '>= 100'}, False),
    ({'qos': 'flat'}, {'capabilities:qos:iops': '1'}, False),
    ({'thin_provisioning': [True, False]},
     {'thin_provisioning': '<is> False'}, True),
    ({'thin_provisioning': [True]},
     {'thin_provisioning': '<is> False'}, False),
    ({}, {'availability_zones': 'az1'}, True),         # the AZ filter's
])
def test_capabilities_satisfied(capabilities, extra_specs, expected):
    assert filters.capabilities_satisfied(
        capabilities, extra_specs) is expected


# ---------------------------------------------------------------- filters

# The zones a share may go to travel in the spec's availability_zones (the
# API decides whether the type's list binds); the extra spec alone does
# not restrict.
AZ_FILTER_CASES = [
    ('nova', None, None, None, True),
    ('nova', 'nova', None, None, True),
    ('nova', 'az2', None, None, False),
    ('az1', None, ['az1', 'az2'], 'az1,az2', True),
    ('az3', None, ['az1', 'az2'], 'az1,az2', False),
    ('az2', 'az2', ['az1', 'az2'], 'az1,az2', True),
    ('az2', 'az1', ['az1', 'az2'], 'az1,az2', False),
    ('az3', None, None, 'az1,az2', True),      # below 2.48, extend, manage
    ('az 3', None, ['az1', 'az 3'], 'az1,az 3', True),
]


@pytest.mark.parametrize('pool_zone, requested, allowed, type_spec, expected',
                         AZ_FILTER_CASES)
def test_availability_zone_filter(pool_zone, requested, allowed, type_spec,
                                  expected):
    pool = make_pool(zone=pool_zone)
    extra = {'availability_zones': type_spec} if type_spec else {}
    spec = make_spec(availability_zone=requested, extra_specs=extra,
                     availability_zones=allowed)
    assert filters.AvailabilityZoneFilter().host_passes(
        pool, spec) is expected


THICK = {'thin_provisioning': False}
THIN = {'thin_provisioning': True, 'max_over_subscription_ratio': 2.0}


@pytest.mark.parametrize('pool_caps, size, extra, spec_kwargs, expected', [
    # thick: free - total * reserved must hold the share
    (dict(THICK, free_capacity_gb=50), 50, {}, {}, True),
    (dict(THICK, free_capacity_gb=50), 51, {}, {}, False),
    (dict(THICK, free_capacity_gb=50, reserved_percentage=10),
     40, {}, {}, True),                                  # 50 - 10 = 40
    (dict(THICK, free_capacity_gb=50, reserved_percentage=10),
     41, {}, {}, False),
    (dict(THICK, free_capacity_gb=50.9), 50, {}, {}, True),  # floor
    # a share from a snapshot uses the snapshot reserve
    (dict(THICK, free_capacity_gb=50, reserved_percentage=0,
          reserved_snapshot_percentage=20), 40, {},
     {'snapshot_id': 'snap'}, False),
    (dict(THICK, free_capacity_gb=50, reserved_percentage=20,
          reserved_snapshot_percentage=0), 50, {},
     {'snapshot_id': 'snap'}, True),
    # thin: provisioned + size <= total * ratio and free * ratio >= size
    (dict(THIN, free_capacity_gb=30, provisioned_capacity_gb=150),
     50, {}, {}, True),                                  # 200/100 <= 2
    (dict(THIN, free_capacity_gb=30, provisioned_capacity_gb=150),
     51, {}, {}, False),                                 # 201/100 > 2
    (dict(THIN, free_capacity_gb=10, provisioned_capacity_gb=0),
     21, {}, {}, False),                                 # 10 * 2 < 21
    (dict(THIN, free_capacity_gb=30, provisioned_capacity_gb=0,
          reserved_percentage=10), 40, {}, {}, True),    # (30-10)*2
    (dict(THIN, free_capacity_gb=30, provisioned_capacity_gb=0,
          reserved_percentage=10), 41, {}, {}, False),
    (dict(THIN, free_capacity_gb=10, allocated_capacity_gb=190),
     20, {}, {}, False),                   # provisioned defaults to it
    (dict(thin_provisioning=[True, False], max_over_subscription_ratio=2,
          free_capacity_gb=10), 20, {}, {}, True),
    # a share type asking for thick shares ignores over-subscription
    (dict(THIN, free_capacity_gb=10), 20,
     {'thin_provisioning': '<is> False'}, {}, False),
    (dict(THIN, free_capacity_gb=10), 20,
     {'capabilities:thin_provisioning': 'False'}, {}, False),
    (dict(THIN, free_capacity_gb=10), 20,
     {'thin_provisioning': 'True'}, {}, True),
    (dict(thin_provisioning=True, max_over_subscription_ratio=0.5,
          free_capacity_gb=100), 1, {}, {}, False),      # invalid ratio
    # capacities the backend cannot tell
    (dict(free_capacity_gb='unknown'), 10 ** 6, {}, {}, True),
    (dict(free_capacity_gb='infinite'), 10 ** 6, {}, {}, True),
    (dict(total_capacity_gb='unknown', free_capacity_gb=20), 20,
     {}, {}, True),
    (dict(total_capacity_gb='unknown', free_capacity_gb=20), 21,
     {}, {}, False),
    (dict(total_capacity_gb='unknown', free_capacity_gb=20,
          reserved_percentage=5), 1, {}, {}, False),
    (dict(free_capacity_gb=None), 1, {}, {}, False),
    (dict(total_capacity_gb=0, free_capacity_gb=0), 0, {}, {}, False),
    (dict(THICK, total_capacity_gb='100', free_capacity_gb='60'),
     60, {}, {}, True),                                  # numeric text
])
def test_capacity_filter(pool_caps, size, extra, spec_kwargs, expected):
    pool = make_pool(**pool_caps)
    spec = make_spec(size=size, extra_specs=extra, **spec_kwargs)
    assert filters.CapacityFilter().host_passes(pool, spec) is expected


@pytest.mark.parametrize('pool_caps, extra_specs, share_proto, expected', [
    ({}, {}, 'NFS', True),
    ({}, {}, 'CIFS', True),                 # NFS_CIFS reports both
    ({}, {}, 'CEPHFS', False),              # protocol implied by request
    ({}, {'storage_protocol': 'NFS_CIFS'}, 'CEPHFS', True),
    ({}, {'driver_handles_share_servers': 'False'}, 'NFS', True),
    ({}, {'driver_handles_share_servers': 'True'}, 'NFS', False),
    ({}, {'driver_handles_share_servers': 'false'}, 'NFS', True),
    ({}, {'driver_handles_share_servers': '<is> True'}, 'NFS', False),
    ({}, {'snapshot_support': 'True'}, 'NFS', True),
    ({}, {'revert_to_snapshot_support': 'True'}, 'NFS', False),
    ({'revert_to_snapshot_support': True},
     {'revert_to_snapshot_support': 'True'}, 'NFS', True),
    ({}, {'share_backend_name': 'ALPHA'}, 'NFS', True),
    ({}, {'share_backend_name': 'BETA'}, 'NFS', False),
    ({'share_backend_name': 'BETA'}, {'share_backend_name': 'BETA'},
     'NFS', True),                          # pool overrides backend
    ({}, {'capabilities:vendor_name': 's== Acme'}, 'NFS', True),
    ({}, {'vendor:secret_knob': 'on'}, 'NFS', True),
    ({'tier': 'gold'}, {'tier': '<or> gold <or> silver'}, 'NFS', True),
    ({}, {'availability_zones': 'elsewhere'}, 'NFS', True),
])
def test_capabilities_filter(pool_caps, extra_specs, share_proto, expected):
    pool = make_pool(**pool_caps)
    spec = make_spec(extra_specs=extra_specs, share_proto=share_proto)
    assert filters.CapabilitiesFilter().host_passes(pool, spec) is expected


def test_capabilities_filter_without_share_type():
    spec = make_spec(share_type=None)
    assert filters.CapabilitiesFilter().host_passes(make_pool(), spec)


def test_snapshot_copies_may_leave_the_named_backend():
    spec = make_spec(extra_specs={'share_backend_name': 'BETA'},
                     snapshot_id='snap', snapshot_host='node9@beta#p')
    assert filters.CapabilitiesFilter().host_passes(make_pool(), spec)
    assert filters.DriverFilter().host_passes(make_pool(), spec)


@pytest.mark.parametrize('function, size, expected', [
    (None, 1, True),
    ('', 1, True),
    ('share.size < 10', 5, True),
    ('share.size < 10', 10, False),
    ('stats.free_capacity_gb - share.size >= 90', 10, True),
    ('capabilities.vendor_name == "Acme"', 1, True),
    ('extra.tier == "gold"', 1, True),
    ('stats.share_backend_name == "ALPHA" and share.share_proto == "NFS"',
     1, True),
    ('share.size ?', 1, False),              # parse error fails the pool
    ('share.nosuch > 1', 1, False),          # unknown variable
    ('1 / 0', 1, False),
])
def test_driver_filter(function, size, expected, caplog):
    pool = make_pool(filter_function=function)
    spec = make_spec(size=size, extra_specs={'tier': 'gold'})
    assert filters.DriverFilter().host_passes(pool, spec) is expected


def test_driver_filter_logs_bad_functions(caplog):
    pool = make_pool(filter_function='share.size >')
    assert not filters.DriverFilter().host_passes(pool, make_spec())
    assert 'filter_function' in caplog.text


def test_driver_filter_checks_backend_name():
    spec = make_spec(extra_specs={'share_backend_name': 'BETA'})
    assert not filters.DriverFilter().host_passes(make_pool(), spec)


def test_backend_filter_function_applies_to_its_pools():
    manager = host_manager.HostManager(['DriverFilter'], [])
    manager.update_capabilities(HOST, {
        'share_backend_name': 'ALPHA',
        'filter_function': 'share.size <= 5',
        'pools': [{'pool_name': 'p1', 'total_capacity_gb': 10,
                   'free_capacity_gb': 10}],
    }, 'nova')
    assert manager.select(make_spec(size=5)).name == HOST + '#p1'
    with pytest.raises(exception.NoValidHost, match='DriverFilter'):
        manager.select(make_spec(size=6))


# ---------------------------------------------------------------- weighers

def _order(weigher, pools, spec=None):
    """Pool names by descending weighted score."""
    weights = weigher.weigh_all(pools, spec or make_spec())
    scored = [(weigher.weight_multiplier() * weight, pool.pool_name)
              for weight, pool in zip(weights, pools)]
    return [name for _score, name in sorted(scored, key=lambda s: -s[0])]


def test_normalize():
    assert weighers.normalize([]) == []
    assert weighers.normalize([5, 5]) == [0.0, 0.0]
    assert weighers.normalize([0, 5, 10]) == [0.0, 0.5, 1.0]
    assert weighers.normalize([-10, 10]) == [0.0, 1.0]


@pytest.mark.parametrize('pools, expected', [
    # thick: free space less reserve
    ([dict(free_capacity_gb=10), dict(free_capacity_gb=60),
      dict(free_capacity_gb=30)], ['p1', 'p2', 'p0']),
    ([dict(free_capacity_gb=50, reserved_percentage=40),
      dict(free_capacity_gb=40)], ['p1', 'p0']),
    # thin: virtual free = total * ratio - provisioned - reserve
    ([dict(THIN, free_capacity_gb=90, provisioned_capacity_gb=150),
      dict(THIN, free_capacity_gb=10, provisioned_capacity_gb=20)],
     ['p1', 'p0']),
    # unknown sorts last, infinite first
    ([dict(free_capacity_gb='unknown'), dict(free_capacity_gb=1),
      dict(free_capacity_gb='infinite')], ['p2', 'p1', 'p0']),
])
def test_capacity_weigher_spreads(pools, expected):
    states = [make_pool(pool_name='p%d' % i, **caps)
              for i, caps in enumerate(pools)]
    assert _order(weighers.CapacityWeigher(), states) == expected


def test_capacity_weigher_normalizes_to_unit_range():
    states = [make_pool(pool_name='p%d' % i, free_capacity_gb=free)
              for i, free in enumerate((10, 60, 35, 'unknown'))]
    weights = weighers.CapacityWeigher().weigh_all(states, make_spec())
    # 'unknown' sits just below the lowest pool: 10 - 1 = 9
    assert weights == [pytest.approx(w) for w in (1 / 51, 1.0, 26 / 51,
                                                  0.0)]


def test_capacity_weigher_stacks_with_negative_multiplier(override):
    override('capacity_weight_multiplier', -1.0)
    states = [make_pool(pool_name='p0', free_capacity_gb=10),
              make_pool(pool_name='p1', free_capacity_gb=60),
              make_pool(pool_name='p2', free_capacity_gb='unknown')]
    assert _order(weighers.CapacityWeigher(), states) == ['p0', 'p1', 'p2']


def test_capacity_weigher_thick_share_type_on_thin_pool():
    states = [make_pool(pool_name='p0', free_capacity_gb=10,
                        provisioned_capacity_gb=0, **THIN),
              make_pool(pool_name='p1', free_capacity_gb=50, **THICK)]
    thin = make_spec()
    thick = make_spec(extra_specs={'thin_provisioning': 'False'})
    assert _order(weighers.CapacityWeigher(), states, thin) == ['p0', 'p1']
    assert _order(weighers.CapacityWeigher(), states, thick) == ['p1', 'p0']


@pytest.mark.parametrize('function, expected', [
    (None, 0),
    ('75', 75),
    ('share.size * 10', 30),
    ('true', 100),
    ('false', 0),
    ('stats.free_capacity_gb > 50 ? 80 : 20', 80),
    ('101', 0),                     # out of range
    ('-1', 0),
    ('"text"', 0),
    ('share.nosuch', 0),            # errors rate 0
    ('1 / 0', 0),
])
def test_goodness_weigher_rating(function, expected):
    pool = make_pool(goodness_function=function)
    assert weighers.GoodnessWeigher().weigh(pool, make_spec(size=3)) == \
        expected


def test_goodness_weigher_ordering(override):
    override('goodness_weight_multiplier', 2.0)
    states = [make_pool(pool_name='p0', goodness_function='10'),
              make_pool(pool_name='p1', goodness_function='90'),
              make_pool(pool_name='p2', goodness_function='50')]
    weigher = weighers.GoodnessWeigher()
    assert weigher.weight_multiplier() == 2.0
    assert _order(weigher, states) == ['p1', 'p2', 'p0']


# ------------------------------------------------------------ host manager

def report(pools=None, **backend):
    caps = {
        'share_backend_name': 'ALPHA',
        'vendor_name': 'Acme',
        'driver_version': '1.0',
        'storage_protocol': 'NFS_CIFS',
        'driver_handles_share_servers': False,
        'snapshot_support': True,
        'create_share_from_snapshot_support': True,
        'revert_to_snapshot_support': False,
        'mount_snapshot_support': False,
        'reserved_percentage': 0,
        'filter_function': None,
        'goodness_function': None,
    }
    caps.update(backend)
    if pools is not None:
        caps['pools'] = pools
    return caps


def pool_report(name, total=100, free=100, **extra):
    caps = {'pool_name': name, 'total_capacity_gb': total,
            'free_capacity_gb': free, 'allocated_capacity_gb': total - free,
            'thin_provisioning': False}
    caps.update(extra)
    return caps


@pytest.fixture
def manager():
    hm = host_manager.HostManager()
    hm.update_capabilities('node1@alpha', report(
        [pool_report('fast', free=40), pool_report('big', free=90)]), 'nova')
    hm.update_capabilities('node2@beta', report(
        [pool_report('only', free=60)], share_backend_name='BETA',
        driver_handles_share_servers=True), 'az2')
    return hm


def test_plugins_load_from_config(override):
    override('scheduler_default_filters', ['CapacityFilter'])
    override('scheduler_default_weighers', ['GoodnessWeigher'])
    hm = host_manager.HostManager()
    assert [f.name for f in hm.filters] == ['CapacityFilter']
    assert [w.name for w in hm.weighers] == ['GoodnessWeigher']


def test_entry_points_come_before_the_module(monkeypatch):
    class Custom(filters.BaseFilter):
        def host_passes(self, pool, spec):
            return True

    class Extension:
        name = 'CapacityFilter'
        plugin = Custom

    seen = {}

    def fake_manager(namespace, names, **kwargs):
        seen[namespace] = names
        return [Extension()]

    monkeypatch.setattr(host_manager.named, 'NamedExtensionManager',
                        fake_manager)
    hm = host_manager.HostManager(['CapacityFilter', 'DriverFilter'], [])
    assert [type(f) for f in hm.filters] == [Custom, filters.DriverFilter]
    assert seen[host_manager.FILTER_NAMESPACE] == ['CapacityFilter',
                                                   'DriverFilter']


def test_unknown_plugin_is_a_configuration_error():
    with pytest.raises(exception.InvalidParameterValue, match='NoSuch'):
        host_manager.HostManager(['NoSuchFilter'], [])
    with pytest.raises(exception.InvalidParameterValue):
        host_manager.HostManager([], ['normalize'])   # not a weigher


def test_select_picks_most_free_pool(manager):
    pool = manager.select(make_spec(size=10))
    assert pool.name == 'node1@alpha#big'
    assert pool.host == 'node1@alpha'
    assert pool.pool_name == 'big'
    assert pool.free_capacity_gb == 80
    assert pool.allocated_capacity_gb == 20
    assert pool.provisioned_capacity_gb == 20


def test_consume_spreads_consecutive_selections(manager):
    chosen = [manager.select(make_spec(size=20)).name for _ in range(4)]
    assert chosen == ['node1@alpha#big', 'node1@alpha#big',
                      'node2@beta#only', 'node1@alpha#big']


def test_next_report_replaces_consumed_space(manager):
    manager.select(make_spec(size=50))
    manager.update_capabilities('node1@alpha', report(
        [pool_report('fast', free=40), pool_report('big', free=90)]), 'nova')
    big = [p for p in manager.get_pools({'pool': 'big'})][0]
    assert big['capabilities']['free_capacity_gb'] == 90


def test_stale_report_does_not_undo_consume(manager):
    manager.select(make_spec(size=50))
    manager.update_capabilities('node1@alpha', report(
        [pool_report('big', free=90)]), 'nova',
        timestamp=datetime.datetime(2000, 1, 1))
    big = manager.get_pools({'pool': 'big'})[0]
    assert big['capabilities']['free_capacity_gb'] == 40


@pytest.mark.parametrize('spec, reason', [
    (make_spec(size=1000), 'No pool passed the CapacityFilter'),
    (make_spec(availability_zone='az9'),
     'No pool passed the AvailabilityZoneFilter'),
    (make_spec(extra_specs={'share_backend_name': 'GAMMA'}),
     'No pool passed the CapabilitiesFilter'),
    (make_spec(share_proto='CEPHFS'),
     'No pool passed the CapabilitiesFilter'),
])
def test_no_valid_host_names_the_last_filter(manager, spec, reason):
    with pytest.raises(exception.NoValidHost) as caught:
        manager.select(spec)
    assert reason in str(caught.value)


def test_no_valid_host_without_backends():
    with pytest.raises(exception.NoValidHost,
                       match='No share backend is available'):
        host_manager.HostManager().select(make_spec())


def test_failed_selection_consumes_nothing(manager):
    with pytest.raises(exception.NoValidHost):
        manager.select(make_spec(size=1000))
    assert sorted(p['capabilities']['free_capacity_gb']
                  for p in manager.get_pools()) == [40, 60, 90]


@pytest.mark.parametrize('extra_specs, zone, allowed, expected', [
    ({'driver_handles_share_servers': 'True'}, None, None,
     'node2@beta#only'),
    ({'driver_handles_share_servers': 'False'}, None, None,
     'node1@alpha#big'),
    ({}, 'az2', None, 'node2@beta#only'),
    ({'availability_zones': 'az2'}, None, ['az2'], 'node2@beta#only'),
    ({'availability_zones': 'az2'}, None, None, 'node1@alpha#big'),
    ({'share_backend_name': 'ALPHA', 'capabilities:pool_name': 'fast'},
     None, None, 'node1@alpha#fast'),
])
def test_select_honours_share_type_and_zone(manager, extra_specs, zone,
                                            allowed, expected):
    spec = make_spec(extra_specs=extra_specs, availability_zone=zone,
                     availability_zones=allowed)
    assert manager.select(spec).name == expected


def test_goodness_can_outweigh_capacity(manager, override):
    override('goodness_weight_multiplier', 2.0)
    manager.update_capabilities('node2@beta', report(
        [pool_report('only', free=60)], share_backend_name='BETA',
        goodness_function='100'), 'az2')
    assert manager.select(make_spec()).name == 'node2@beta#only'


@pytest.mark.parametrize('states, expected', [
    (None, ['node1@alpha#big', 'node1@alpha#fast', 'node2@beta#only']),
    ({'node1@alpha': {'up': True, 'disabled': False},
      'node2@beta': {'up': True, 'disabled': False}},
     ['node1@alpha#big', 'node1@alpha#fast', 'node2@beta#only']),
    ({'node1@alpha': {'up': False, 'disabled': False},
      'node2@beta': {'up': True, 'disabled': False}},
     ['node2@beta#only']),
    ({'node1@alpha': {'up': True, 'disabled': True},
      'node2@beta': {'up': True, 'disabled': False}},
     ['node2@beta#only']),
    ({'node2@beta': {'up': True, 'disabled': False}},    # absent
     ['node2@beta#only']),
    ({}, []),
])
def test_service_states_decide_eligibility(manager, states, expected):
    manager.set_service_states(states)
    assert [p['name'] for p in manager.get_pools()] == expected
    if expected:
        assert manager.select(make_spec(share_type=None)).name in expected
    else:
        with pytest.raises(exception.NoValidHost,
                           match='No share backend is available'):
            manager.select(make_spec())


def test_down_backend_is_never_chosen(manager):
    manager.set_service_states({
        'node1@alpha': {'up': False, 'disabled': False},
        'node2@beta': {'up': True, 'disabled': False}})
    for _ in range(3):
        assert manager.select(make_spec()).host == 'node2@beta'


def test_get_pools_shape(manager):
    pool = manager.get_pools({'pool': 'fast'})[0]
    assert {k: pool[k] for k in ('name', 'host', 'backend', 'pool')} == {
        'name': 'node1@alpha#fast', 'host': 'node1',
        'backend': 'alpha', 'pool': 'fast'}
    caps = pool['capabilities']
    assert caps['share_backend_name'] == 'ALPHA'
    assert caps['pool_name'] == 'fast'
    assert caps['storage_protocol'] == 'NFS_CIFS'
    assert caps['total_capacity_gb'] == 100
    assert caps['free_capacity_gb'] == 40
    assert caps['allocated_capacity_gb'] == 60
    assert caps['provisioned_capacity_gb'] == 60
    assert caps['reserved_percentage'] == 0
    assert 'pools' not in caps
    datetime.datetime.fromisoformat(caps['timestamp'])
    caps['free_capacity_gb'] = 0                       # a copy
    assert manager.get_pools({'pool': 'fast'})[0]['capabilities'][
        'free_capacity_gb'] == 40


@pytest.mark.parametrize('search, expected', [
    (None, ['node1@alpha#big', 'node1@alpha#fast', 'node2@beta#only']),
    ({}, ['node1@alpha#big', 'node1@alpha#fast', 'node2@beta#only']),
    ({'host': 'node1'}, ['node1@alpha#big', 'node1@alpha#fast']),
    ({'host': 'node'}, []),                         # whole value
    ({'host': 'node.*'},
     ['node1@alpha#big', 'node1@alpha#fast', 'node2@beta#only']),
    ({'backend': 'beta'}, ['node2@beta#only']),
    ({'backend': 'alpha', 'pool': 'f.*'}, ['node1@alpha#fast']),
    ({'pool': 'big|only'}, ['node1@alpha#big', 'node2@beta#only']),
    ({'host': None, 'pool': 'big'}, ['node1@alpha#big']),
    ({'capabilities': {'share_backend_name': 'BETA'}}, ['node2@beta#only']),
    ({'capabilities': {'driver_handles_share_servers': 'false'}},
     ['node1@alpha#big', 'node1@alpha#fast']),
    ({'capabilities': {'free_capacity_gb': '60'}}, ['node2@beta#only']),
    ({'capabilities': {'nosuch': 'x'}}, []),
    ({'share_type': 'default'}, []),                # unknown filter key
])
def test_get_pools_filters(manager, search, expected):
    assert [p['name'] for p in manager.get_pools(search)] == expected


def test_get_pools_rejects_bad_regex(manager):
    with pytest.raises(exception.InvalidInput, match='host'):
        manager.get_pools({'host': '('})


def test_backend_without_pools_is_one_pool():
    hm = host_manager.HostManager()
    hm.update_capabilities('node3@gamma', report(
        share_backend_name='GAMMA', total_capacity_gb=10,
        free_capacity_gb=8, reserved_percentage=10), 'nova')
    pools = hm.get_pools()
    assert [p['name'] for p in pools] == ['node3@gamma#GAMMA']
    assert pools[0]['capabilities']['free_capacity_gb'] == 8
    assert pools[0]['capabilities']['reserved_percentage'] == 10
    assert hm.select(make_spec(size=7)).name == 'node3@gamma#GAMMA'
    with pytest.raises(exception.NoValidHost, match='CapacityFilter'):
        hm.select(make_spec(size=1))        # 8 - 7 - 1 reserved = 0


def test_pools_absent_from_a_report_are_dropped(manager):
    manager.update_capabilities('node1@alpha', report(
        [pool_report('big')]), 'nova')
    assert [p['name'] for p in manager.get_pools({'backend': 'alpha'})] \
        == ['node1@alpha#big']
    manager.update_capabilities('node1@alpha', report([]), 'nova')
    assert manager.get_pools({'backend': 'alpha'}) == []


def test_pool_capabilities_override_backend_ones():
    hm = host_manager.HostManager()
    hm.update_capabilities(HOST, report(
        [pool_report('p', reserved_percentage=25, dedupe=True)],
        reserved_percentage=5, dedupe=False), 'nova')
    caps = hm.get_pools()[0]['capabilities']
    assert caps['reserved_percentage'] == 25
    assert caps['dedupe'] is True
    assert caps['vendor_name'] == 'Acme'


def test_availability_zone_follows_the_report(manager):
    manager.update_capabilities('node2@beta', report(
        [pool_report('only')], share_backend_name='BETA'), 'az3')
    assert manager.select(make_spec(availability_zone='az3')).name == \
        'node2@beta#only'


def test_snapshot_copies_stay_near_the_snapshot(manager):
    spec = make_spec(snapshot_id='snap', snapshot_host='node2@beta#only')
    assert manager.select(spec).name == 'node2@beta#only'


def test_snapshot_copies_may_use_the_replication_domain():
    hm = host_manager.HostManager()
    hm.update_capabilities('n1@a', report(
        [pool_report('p', free=10)], replication_domain='dom'), 'nova')
    hm.update_capabilities('n2@b', report(
        [pool_report('p', free=90)], replication_domain='dom'), 'nova')
    hm.update_capabilities('n3@c', report(
        [pool_report('p', free=100)]), 'nova')
    spec = make_spec(snapshot_id='snap', snapshot_host='n1@a#p')
    assert hm.select(spec).name == 'n2@b#p'


def test_snapshot_backend_gone():
    hm = host_manager.HostManager()
    hm.update_capabilities('n1@a', report([pool_report('p')]), 'nova')
    spec = make_spec(snapshot_id='snap', snapshot_host='n9@z#p')
    with pytest.raises(exception.NoValidHost, match='snapshot'):
        hm.select(spec)


def test_a_crashing_filter_skips_the_pool(manager):
    class Broken(filters.BaseFilter):
        def host_passes(self, pool, spec):
            if pool.pool_name == 'big':
                raise RuntimeError('boom')
            return True

    manager.filters = [Broken()]
    assert manager.select(make_spec()).name == 'node2@beta#only'


def test_timestamp_may_be_text(manager):
    manager.update_capabilities('node1@alpha', report(
        [pool_report('big')]), 'nova', timestamp='2030-01-01T00:00:00Z')
    caps = manager.get_pools({'pool': 'big'})[0]['capabilities']
    assert caps['timestamp'].startswith('2030-01-01T00:00:00')
