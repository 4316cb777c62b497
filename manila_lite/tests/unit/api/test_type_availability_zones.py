"""The ``availability_zones`` extra spec of share types: how it is stored,
how the list filter of share types reads it and, by microversion, whether
it binds where new shares go (from 2.48, as in Manila).

The unit scheduler's pools are all in zone ``nova``.
"""

from urllib import parse

import pytest

from manila_lite.db import services as service_db
from manila_lite.db import share_types as type_db
from manila_lite import states
from manila_lite.tests.unit.api.helpers import create_share
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import wait_scheduled

DHSS_FALSE = {'driver_handles_share_servers': 'False'}


# --- stored form ------------------------------------------------------------

@pytest.mark.parametrize('given', [
    'az1,     az2, az 3  ', 'az1,az2,az 3', 'az1   ,az2,   az 3'])
@pytest.mark.parametrize('how', ['create', 'set spec', 'update spec'])
def test_spec_is_stored_without_blanks_around_commas(api, admin_ctx, given,
                                                     how):
    if how == 'create':
        body = {'share_type': {'name': 'zoned', 'extra_specs': dict(
            DHSS_FALSE, availability_zones=given)}}
        type_id = api.post('/types', body, status=200).json[
            'share_type']['id']
    else:
        type_id = type_db.create(admin_ctx, 'zoned', DHSS_FALSE).id
        if how == 'set spec':
            api.post('/types/%s/extra_specs' % type_id,
                     {'extra_specs': {'availability_zones': given}},
                     status=200)
        else:
            api.put('/types/%s/extra_specs/availability_zones' % type_id,
                    {'availability_zones': given}, status=200)
    view = api.get('/types/%s' % type_id, version='2.48',
                   status=200).json['share_type']
    assert view['extra_specs']['availability_zones'] == 'az1,az2,az 3'


# --- list filter ------------------------------------------------------------

# (filter value, whether the type limited to 'az1, az2, az 3' is listed);
# a type without the spec serves every zone and is always listed.
FILTER_CASES = [
    ('az1', True),
    ('az2', True),
    ('az 3', True),
    ('az1,  az 3', True),
    ('az 3, az1', True),
    ('az2, az 3, az1', True),
    (' az2 ,az1 ', True),
    ('az4', False),
    ('az1, az4', False),
    ('az', False),
    ('az3', False),
]


@pytest.mark.parametrize('wanted,zoned_listed', FILTER_CASES)
def test_list_filter_by_zones(api, admin_ctx, wanted, zoned_listed):
    api.post('/types', {'share_type': {'name': 'zoned', 'extra_specs': dict(
        DHSS_FALSE, availability_zones='az1, az2, az 3')}}, status=200)
    type_db.create(admin_ctx, 'anywhere', DHSS_FALSE)
    query = parse.urlencode(
        {'extra_specs': str({'availability_zones': wanted})})
    resp = api.get('/types?' + query, version='2.48', status=200)
    names = sorted(t['name'] for t in resp.json['share_types'])
    assert names == (['anywhere', 'zoned'] if zoned_listed
                     else ['anywhere'])


# --- share create by microversion -------------------------------------------

@pytest.fixture
def zoned_type(api, admin_ctx, scheduler):
    """The default type, limited to zones no pool is in; zone 'nova' (the
    pools') exists."""
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    default_share_type(admin_ctx, availability_zones='elsewhere,az 2')


# (version, requested zone, answer, status of the share once scheduled)
CREATE_CASES = [
    # Below 2.48 the type's zones are ignored by API and scheduler.
    ('2.47', None, 200, states.CREATING),
    ('2.47', 'nova', 200, states.CREATING),
    # From 2.48 they bind: no pool in them, or a zone outside them asked.
    ('2.48', None, 200, states.ERROR),
    ('2.48', 'nova', 400, None),
    ('2.65', 'nova', 400, None),
]


@pytest.mark.parametrize('version,zone,answer,scheduled', CREATE_CASES)
def test_type_zones_bind_new_shares_from_2_48(api, admin_ctx, zoned_type,
                                              version, zone, answer,
                                              scheduled):
    fields = {'availability_zone': zone} if zone else {}
    resp = create_share(api, version, status=answer, **fields)
    if answer != 200:
        assert 'elsewhere, az 2' in fault(resp)[1]
        assert api.get('/shares', version=version).json['shares'] == []
        return
    share = wait_scheduled(admin_ctx, resp.json['share']['id'])
    assert share.status == scheduled
    if scheduled == states.CREATING:
        # Placed in the pools' zone, outside the type's list.
        assert share.host.startswith('hostA@alpha#')
        assert share.instance.availability_zone == 'nova'
