"""Microversions 2.65 to 2.99 through the real WSGI stack, boundary by
boundary: each change is absent one version before it and present at it.

Creates go through the in-process scheduler (two pools of hostA@alpha
take NFS shares: gold and silver); tests needing an available share
finish it through the database as a share manager would.
"""

import pytest

from manila_lite import conf
from manila_lite.db import services as service_db
from manila_lite.db import share_servers as share_servers_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.share.api import recycle_bin
from manila_lite.share.api import shares as share_api
from manila_lite import states
from manila_lite.tests.unit.api.helpers import create_share as _create
from manila_lite.tests.unit.api.helpers import default_share_type
from manila_lite.tests.unit.api.helpers import fault
from manila_lite.tests.unit.api.helpers import make_available
from manila_lite.tests.unit.api.helpers import PROJECT
from manila_lite.tests.unit.api.helpers import wait_scheduled as _placed

CONF = conf.CONF
AFFINITY = '__affinity_same_host'
ANTI_AFFINITY = '__affinity_different_host'


@pytest.fixture
def plain_type(api, admin_ctx, scheduler):
    """A type both NFS pools of hostA@alpha (gold, silver) can take."""
    return default_share_type(admin_ctx)


def _available(api, ctx, version='2.69', **fields):
    share_id = _create(api, version, **fields).json['share']['id']
    return make_available(ctx, share_id, locations=[
        {'path': '10.0.0.1:/%s' % share_id, 'preferred': True},
        {'path': '10.0.0.2:/%s' % share_id, 'is_admin_only': True}])


def _action(api, share_id, body, version, role='member', status=202):
    return api.post('/shares/%s/action' % share_id, body, version=version,
                    role=role, status=status)


# --- the share view ---------------------------------------------------------

@pytest.mark.parametrize('field,since', [
    ('is_soft_deleted', '2.69'), ('scheduled_to_be_deleted_at', '2.69'),
    ('source_backup_id', '2.80'), ('mount_point_name', '2.84'),
    ('encryption_key_ref', '2.90'),
    ('snapshot_inherit_share_access_support', '2.99'),
])
def test_share_view_fields_appear_at_their_version(api, plain_type, field,
                                                   since):
    share_id = _create(api, '2.64').json['share']['id']
    major, minor = since.split('.')
    before = '%s.%d' % (major, int(minor) - 1)
    assert field not in api.get('/shares/%s' % share_id,
                                version=before).json['share']
    shown = api.get('/shares/%s' % share_id, version=since).json['share']
    assert field in shown
    assert api.get('/shares/%s' % share_id,
                   version='2.100').json['share'][field] == shown[field]


def test_snapshot_inherit_share_access_support_comes_from_the_type(
        api, admin_ctx, scheduler):
    type_db.create(admin_ctx, 'inherit', {
        'driver_handles_share_servers': 'False',
        'snapshot_inherit_share_access_support': 'True'})
    share = _create(api, '2.99', share_type='inherit').json['share']
    assert share['snapshot_inherit_share_access_support'] is True


def test_type_view_infers_snapshot_inherit_for_users_from_2_99(
        api, plain_type):
    path = '/types/%s' % plain_type.id
    specs = api.get(path, version='2.98',
                    role='member').json['share_type']['extra_specs']
    assert 'snapshot_inherit_share_access_support' not in specs
    specs = api.get(path, version='2.99',
                    role='member').json['share_type']['extra_specs']
    assert specs['snapshot_inherit_share_access_support'] is False
    # Administrators see what the type really holds.
    specs = api.get(path, version='2.99').json['share_type']['extra_specs']
    assert 'snapshot_inherit_share_access_support' not in specs


# --- scheduler hints (2.65, 2.67) -------------------------------------------

def test_hints_are_ignored_before_2_65(api, plain_type):
    _create(api, '2.64', scheduler_hints={'same_host': 'not-a-share'})


@pytest.mark.parametrize('hints,status,message', [
    ({'same_host': 'not-a-share'}, 400, 'is not a share id'),
    # An unknown share is a 404, as in Manila.
    ({'different_host': ['0d8e8a4b-9cc6-4f4c-8a55-b2d8e3c2d9a1']}, 404,
     'could not be found'),
    ({'same_host': 42}, 400, 'must be a share id or a list'),
])
def test_bad_hints_are_refused_with_nothing_written(api, plain_type, hints,
                                                    status, message):
    resp = _create(api, '2.65', scheduler_hints=hints, status=status)
    assert message in fault(resp)[1]
    assert api.get('/shares', version='2.65').json['shares'] == []


def test_same_and_different_host_place_beside_or_away(api, plain_type,
                                                      admin_ctx):
    first = _available(api, admin_ctx, version='2.65')
    beside = _create(api, '2.65', scheduler_hints={
        'same_host': first.id}).json['share']
    away = _create(api, '2.65', scheduler_hints={
        'different_host': [first.id]}).json['share']
    assert _placed(admin_ctx, beside['id']).host == first.host
    away_host = _placed(admin_ctx, away['id']).host
    assert away_host and away_host != first.host
    # Kept as admin-only metadata, which everyone sees.
    assert beside['metadata'] == {AFFINITY: first.id}
    assert away['metadata'] == {ANTI_AFFINITY: first.id}


def test_same_host_as_an_unplaced_share_finds_no_valid_host(
        api, admin_ctx, scheduler):
    type_db.create(admin_ctx, 'nowhere', {
        'driver_handles_share_servers': 'False',
        'share_backend_name': 'NO_SUCH_BACKEND'})
    lost = _create(api, '2.65', share_type='nowhere').json['share']
    assert _placed(admin_ctx, lost['id']).status == states.ERROR
    type_db.create(admin_ctx, 'default', {
        'driver_handles_share_servers': 'False'})
    hinted = _create(api, '2.65', share_type='default', scheduler_hints={
        'same_host': lost['id']}).json['share']
    assert _placed(admin_ctx, hinted['id']).status == states.ERROR


@pytest.mark.parametrize('version,role,expected', [
    ('2.66', 'admin', None),           # only_host arrived at 2.67
    ('2.67', 'member', None),          # and is an administrator's
    ('2.67', 'admin', 'hostA@alpha#silver'),
])
def test_only_host(api, plain_type, admin_ctx, version, role, expected):
    share = _create(api, version, role=role, scheduler_hints={
        'only_host': 'hostA@alpha#silver'}).json['share']
    host = _placed(admin_ctx, share['id']).host
    if expected:
        assert host == expected
    assert share['metadata'] == {}


def test_only_host_must_name_a_pool(api, plain_type):
    resp = _create(api, '2.67', role='admin', status=400,
                   scheduler_hints={'only_host': 'hostA@alpha'})
    assert 'host@backend#pool' in fault(resp)[1]


# --- admin-only metadata (2.68) ---------------------------------------------

def test_admin_only_metadata_keys(api, plain_type, admin_ctx):
    first = _available(api, admin_ctx)
    share_id = _create(api, '2.68', scheduler_hints={
        'same_host': first.id}).json['share']['id']
    meta = '/shares/%s/metadata' % share_id
    # Users can read them, not set, change or delete them.
    assert api.get(meta, version='2.68').json['metadata'] == {
        AFFINITY: first.id}
    for method, path, body in (
            ('post', meta, {'metadata': {AFFINITY: 'x'}}),
            ('put', meta, {'metadata': {ANTI_AFFINITY: 'x'}}),
            ('post', meta + '/' + AFFINITY, {'metadata': {AFFINITY: 'x'}}),
            ('delete', meta + '/' + AFFINITY, None)):
        args = (path, body) if body is not None else (path,)
        resp = getattr(api, method)(*args, version='2.68', role='member',
                                    status=403)
        assert 'admin only metadata' in fault(resp)[1]
    refused = _create(api, '2.68', metadata={AFFINITY: first.id},
                      status=403)
    assert 'admin only metadata' in fault(refused)[1]
    # Replacing everything keeps them.
    kept = api.put(meta, {'metadata': {'k': 'v'}}, version='2.68',
                   role='member').json['metadata']
    assert kept == {'k': 'v', AFFINITY: first.id}
    # Administrators may do anything with them.
    api.delete(meta + '/' + AFFINITY, version='2.68', status=200)
    assert api.get(meta, version='2.68').json['metadata'] == {'k': 'v'}


# --- the recycle bin (2.69) -------------------------------------------------

def test_soft_delete_and_restore(api, plain_type, admin_ctx):
    share = _available(api, admin_ctx)
    _action(api, share.id, {'soft_delete': None}, '2.68', status=404)
    _action(api, share.id, {'soft_delete': None}, '2.69')
    listed = [s['id'] for s in api.get('/shares', version='2.69',
                                       role='member').json['shares']]
    assert share.id not in listed
    binned = api.get('/shares/detail?is_soft_deleted=true', version='2.69',
                     role='member').json['shares']
    assert [s['id'] for s in binned] == [share.id]
    assert binned[0]['is_soft_deleted'] is True
    assert binned[0]['scheduled_to_be_deleted_at']
    # The filter counts from 2.69; the bin stays hidden below it.
    old = api.get('/shares?is_soft_deleted=true', version='2.68',
                  role='member').json['shares']
    assert old == []
    # Its quota stays in use.
    usage = api.get('/quota-sets/%s/detail' % PROJECT, version='2.69',
                    role='member').json['quota_set']
    assert usage['shares']['in_use'] == 1
    again = _action(api, share.id, {'soft_delete': None}, '2.69',
                    status=403)
    assert 'soft deleted already' in fault(again)[1]
    for body in ({'extend': {'new_size': 2}}, {'shrink': {'new_size': 1}},
                 {'revert': {'snapshot_id': share.id}}):
        refused = _action(api, share.id, body, '2.69', status=403)
        assert 'since it has been soft deleted' in fault(refused)[1]
    refused = _action(api, share.id, {'reset_status': {'status': 'error'}},
                      '2.69', role='admin', status=403)
    assert 'since it has been soft deleted' in fault(refused)[1]
    renamed = api.put('/shares/%s' % share.id, {'share': {'name': 'x'}},
                      version='2.69', role='member', status=403)
    assert 'since it has been soft deleted' in fault(renamed)[1]
    snap = api.post('/snapshots', {'snapshot': {'share_id': share.id}},
                    version='2.69', role='member', status=403)
    assert 'since it has been soft deleted' in fault(snap)[1]

    _action(api, share.id, {'restore': None}, '2.69')
    shown = api.get('/shares/%s' % share.id, version='2.69').json['share']
    assert (shown['is_soft_deleted'],
            shown['scheduled_to_be_deleted_at']) == (False, None)
    # Restoring a share not in the bin answers 200 and changes nothing.
    _action(api, share.id, {'restore': None}, '2.69', status=200)


def test_what_cannot_go_to_the_recycle_bin(api, plain_type, admin_ctx):
    busy = _create(api, '2.69').json['share']['id']
    resp = _action(api, busy, {'soft_delete': None}, '2.69', status=403)
    assert 'status must be one of' in fault(resp)[1]
    share = _available(api, admin_ctx)
    snapshot_db.create(admin_ctx, share, {
        'project_id': PROJECT, 'user_id': 'u', 'size': 1, 'share_size': 1,
        'share_proto': 'NFS'}, {'status': 'available'})
    resp = _action(api, share.id, {'soft_delete': None}, '2.69', status=403)
    assert 'dependent snapshots' in fault(resp)[1]
    assert share_db.get(admin_ctx, share.id).is_soft_deleted is False


def test_expired_shares_are_purged_through_the_delete_path(
        api, plain_type, admin_ctx):
    CONF.set_override('soft_deleted_share_retention_time', 0)
    CONF.set_override('soft_deleted_share_purge_batch_size', 1)
    try:
        first = _available(api, admin_ctx)
        second = _available(api, admin_ctx)
        kept = _available(api, admin_ctx)
        for share in (first, second):
            _action(api, share.id, {'soft_delete': None}, '2.69')
        # One per run; the share outside the bin is never touched.
        assert recycle_bin.purge_expired(admin_ctx, share_api.API()) == 1
        assert recycle_bin.purge_expired(admin_ctx, share_api.API()) == 1
        assert recycle_bin.purge_expired(admin_ctx, share_api.API()) == 0
        for share in (first, second):
            purged = share_db.get(admin_ctx, share.id)
            assert (purged.status, purged.is_soft_deleted) == (
                states.DELETING, True)
            refused = _action(api, share.id, {'restore': None}, '2.69',
                              status=403)
            assert 'cannot be restored' in fault(refused)[1]
        assert share_db.get(admin_ctx, kept.id).status == states.AVAILABLE
    finally:
        CONF.clear_override('soft_deleted_share_retention_time')
        CONF.clear_override('soft_deleted_share_purge_batch_size')


# --- snapshots: metadata (2.73), with_count (2.79) --------------------------

@pytest.fixture
def snapshot(api, plain_type, admin_ctx):
    share = _available(api, admin_ctx)
    return snapshot_db.create(admin_ctx, share, {
        'project_id': PROJECT, 'user_id': 'u', 'size': 1, 'share_size': 1,
        'share_proto': 'NFS'}, {'status': 'available'})


def test_snapshot_metadata_api(api, snapshot):
    meta = '/snapshots/%s/metadata' % snapshot.id
    api.get(meta, version='2.72', role='member', status=404)
    assert api.post(meta, {'metadata': {'a': '1', 'b': '2'}},
                    version='2.73', role='member').json == {
        'metadata': {'a': '1', 'b': '2'}}
    api.post(meta + '/a', {'metadata': {'a': '3'}}, version='2.73',
             role='member')
    assert api.get(meta + '/a', version='2.73',
                   role='member').json == {'meta': {'a': '3'}}
    assert api.put(meta, {'metadata': {'c': '4'}}, version='2.73',
                   role='member').json == {'metadata': {'c': '4'}}
    api.delete(meta + '/c', version='2.73', role='member', status=200)
    api.get(meta + '/c', version='2.73', role='member', status=404)
    bad = api.post(meta, {'metadata': {'a': ''}}, version='2.73',
                   role='member', status=400)
    assert 'blank' in fault(bad)[1]
    api.post(meta, {'metadata': {'shown': 'yes'}}, version='2.73')
    path = '/snapshots/%s' % snapshot.id
    assert 'metadata' not in api.get(path, version='2.72').json['snapshot']
    assert api.get(path, version='2.73').json['snapshot']['metadata'] == {
        'shown': 'yes'}


def test_snapshot_created_with_metadata_from_2_73(api, admin_ctx,
                                                  scheduler):
    type_db.create(admin_ctx, 'snappy', {
        'driver_handles_share_servers': 'False',
        'snapshot_support': 'True'})
    share = _available(api, admin_ctx, share_type='snappy')
    body = {'snapshot': {'share_id': share.id, 'metadata': {'k': 'v'}}}
    created = api.post('/snapshots', body, version='2.73', role='member',
                       status=202).json['snapshot']
    assert created['metadata'] == {'k': 'v'}
    plain = api.post('/snapshots', {'snapshot': {'share_id': share.id}},
                     version='2.73', role='member',
                     status=202).json['snapshot']
    assert plain['metadata'] == {}


def test_snapshot_list_metadata_filter_from_2_73(api, snapshot):
    api.post('/snapshots/%s/metadata' % snapshot.id,
             {'metadata': {'tier': 'gold'}}, version='2.73')
    path = '/snapshots?metadata=%s'
    assert len(api.get(path % "{'tier':'silver'}", version='2.72',
                       role='member').json['snapshots']) == 1
    assert api.get(path % "{'tier':'silver'}", version='2.73',
                   role='member').json['snapshots'] == []
    found = api.get(path % "{'tier':'gold'}", version='2.73',
                    role='member').json['snapshots']
    assert [s['id'] for s in found] == [snapshot.id]


def test_snapshot_list_with_count_from_2_79(api, snapshot):
    path = '/snapshots?with_count=true&limit=0'
    assert 'count' not in api.get(path, version='2.78',
                                  role='member').json
    body = api.get(path, version='2.79', role='member').json
    assert (body['count'], body['snapshots']) == (1, [])


# --- export location metadata (2.87) ----------------------------------------

def test_export_location_metadata_api(api, plain_type, admin_ctx):
    share = _available(api, admin_ctx)
    locations = api.get('/shares/%s/export_locations' % share.id,
                        version='2.87', role='member').json[
        'export_locations']
    assert [loc['metadata'] for loc in locations] == [{}]
    location = locations[0]['id']
    meta = '/shares/%s/export_locations/%s/metadata' % (share.id, location)
    api.get(meta, version='2.86', role='member', status=404)
    api.post(meta, {'metadata': {'speed': 'fast'}}, version='2.87',
             role='member')
    assert api.get(meta + '/speed', version='2.87',
                   role='member').json == {'meta': {'speed': 'fast'}}
    shown = api.get('/shares/%s/export_locations/%s' % (share.id, location),
                    version='2.87', role='member').json['export_location']
    assert shown['metadata'] == {'speed': 'fast'}
    before = api.get('/shares/%s/export_locations/%s' % (share.id, location),
                     version='2.86', role='member').json['export_location']
    assert 'metadata' not in before
    api.delete(meta + '/speed', version='2.87', role='member', status=200)
    assert api.get(meta, version='2.87',
                   role='member').json == {'metadata': {}}
    # Locations for administrators stay theirs.
    admin_location = [
        loc['id'] for loc in api.get(
            '/shares/%s/export_locations' % share.id,
            version='2.87').json['export_locations']
        if loc['is_admin_only']][0]
    api.get('/shares/%s/export_locations/%s/metadata' % (
        share.id, admin_location), version='2.87', role='member',
        status=403)


def test_driver_export_location_metadata_is_stored_and_shown(
        api, plain_type, admin_ctx):
    share_id = _create(api, '2.87').json['share']['id']
    share = make_available(admin_ctx, share_id, locations=[
        {'path': '10.0.0.1:/%s' % share_id, 'preferred': True,
         'metadata': {'speed': 'fast', 'preferred': True, 'rdma': False}},
        {'path': '10.0.0.2:/%s' % share_id, 'metadata': {}}])
    shown = {loc['path']: loc for loc in api.get(
        '/shares/%s/export_locations' % share_id, version='2.87',
        role='member').json['export_locations']}
    # 'preferred' stays the location's own field, never a metadata item.
    assert shown['10.0.0.1:/%s' % share_id]['metadata'] == {
        'speed': 'fast', 'rdma': 'false'}
    assert shown['10.0.0.1:/%s' % share_id]['preferred'] is True
    assert shown['10.0.0.2:/%s' % share_id]['metadata'] == {}
    # A new report from the driver replaces what the old one said.
    share_servers_db.replace_export_locations(
        admin_ctx, share.instance.id,
        [{'path': '10.0.0.3:/%s' % share_id, 'metadata': {'speed': 'slow'}}])
    assert [loc['metadata'] for loc in api.get(
        '/shares/%s/export_locations' % share_id, version='2.87',
        role='member').json['export_locations']] == [{'speed': 'slow'}]


def test_admin_only_export_location_metadata(api, plain_type, admin_ctx):
    CONF.set_override('admin_only_el_metadata', ['pinned'])
    try:
        share = _available(api, admin_ctx)
        location = share.instance.export_locations[0].uuid
        meta = '/shares/%s/export_locations/%s/metadata' % (share.id,
                                                            location)
        api.post(meta, {'metadata': {'pinned': 'yes'}}, version='2.87',
                 role='member', status=403)
        api.post(meta, {'metadata': {'pinned': 'yes'}}, version='2.87')
        kept = api.put(meta, {'metadata': {'k': 'v'}}, version='2.87',
                       role='member').json['metadata']
        assert kept == {'k': 'v', 'pinned': 'yes'}
    finally:
        CONF.clear_override('admin_only_el_metadata')


# --- mount point names (2.84), encryption key references (2.90) -------------

@pytest.fixture
def mount_point_type(admin_ctx, scheduler):
    return type_db.create(admin_ctx, 'mpn', {
        'driver_handles_share_servers': 'False',
        'mount_point_name_support': '<is> True',
        'provisioning:mount_point_prefix': 'team_'})


def test_mount_point_name(api, plain_type, mount_point_type):
    ignored = _create(api, '2.83', share_type='mpn',
                      mount_point_name='data').json['share']
    assert api.get('/shares/%s' % ignored['id'],
                   version='2.84').json['share']['mount_point_name'] is None
    share = _create(api, '2.84', share_type='mpn',
                    mount_point_name='data').json['share']
    assert share['mount_point_name'] == 'team_data'
    found = api.get('/shares?mount_point_name=team_data', version='2.84',
                    role='member').json['shares']
    assert [s['id'] for s in found] == [share['id']]
    unsupported = _create(api, '2.84', mount_point_name='data', status=400)
    assert 'mount_point_name_support' in fault(unsupported)[1]
    bad = _create(api, '2.84', share_type='mpn',
                  mount_point_name='a/b', status=400)
    assert 'not valid' in fault(bad)[1]


def test_mount_point_name_defaults_its_prefix_to_the_project(
        api, admin_ctx, scheduler):
    type_db.create(admin_ctx, 'mpn_project', {
        'driver_handles_share_servers': 'False',
        'mount_point_name_support': 'True'})
    share = _create(api, '2.84', share_type='mpn_project',
                    mount_point_name='x').json['share']
    assert share['mount_point_name'] == PROJECT + 'x'


@pytest.mark.parametrize('specs,key_ref,message', [
    ({}, '0d8e8a4b-9cc6-4f4c-8a55-b2d8e3c2d9a1', "'encryption_support'"),
    ({'encryption_support': 'share'},
     '0d8e8a4b-9cc6-4f4c-8a55-b2d8e3c2d9a1',
     'driver_handles_share_servers=True'),
    ({'encryption_support': 'share'}, 'secret', 'UUID of a secret'),
])
def test_encryption_key_ref_needs_an_encrypting_type(
        api, admin_ctx, scheduler, specs, key_ref, message):
    type_db.create(admin_ctx, 'enc', dict(
        {'driver_handles_share_servers': 'False'}, **specs))
    _create(api, '2.89', share_type='enc', encryption_key_ref=key_ref)
    resp = _create(api, '2.90', share_type='enc',
                   encryption_key_ref=key_ref, status=400)
    assert message in fault(resp)[1]


def test_encryption_key_ref_filter_from_2_90(api, plain_type):
    _create(api, '2.64')
    path = '/shares?encryption_key_ref=0d8e8a4b-9cc6-4f4c-8a55-b2d8e3c2d9a1'
    assert len(api.get(path, version='2.89',
                       role='member').json['shares']) == 1
    assert api.get(path, version='2.90',
                   role='member').json['shares'] == []


# --- list filter by zone (2.97), migration progress (2.98) ------------------

def test_availability_zone_filter_from_2_97(api, plain_type, admin_ctx):
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')
    _create(api, '2.64', availability_zone='nova')
    path = '/shares?availability_zone=elsewhere'
    assert len(api.get(path, version='2.96',
                       role='member').json['shares']) == 1
    assert api.get(path, version='2.97', role='member').json['shares'] == []
    assert len(api.get('/shares?availability_zone=nova', version='2.97',
                       role='member').json['shares']) == 1


def test_migration_progress(api, plain_type):
    share_id = _create(api, '2.64').json['share']['id']
    path = '/shares/%s/migration-progress' % share_id
    api.get(path, version='2.97', status=404)
    resp = api.get(path, version='2.98', status=400)
    assert 'no migration being performed' in fault(resp)[1]


# --- the maximum -----------------------------------------------------------
# (What is not served answers 404 at every version: test_every_microversion.)

def test_advertised_maximum_is_2_100(api):
    root = api.app.get('/', expect_errors=True).json['versions'][0]
    assert (root['min_version'], root['version']) == ('2.0', '2.100')
    api.get('/types', version='2.100', status=200)
    api.get('/types', version='2.101', status=406)


def test_type_size_limits_bind_new_shares(api, admin_ctx, scheduler):
    """provisioning:min/max_share_size (2.61) on create, not only resize."""
    type_db.create(admin_ctx, 'sized', {
        'driver_handles_share_servers': 'False',
        'provisioning:min_share_size': '2',
        'provisioning:max_share_size': '3'})
    small = _create(api, '2.64', share_type='sized', status=400)
    assert 'less than the minimum' in fault(small)[1]
    big = _create(api, '2.64', share_type='sized', size=4, status=400)
    assert 'greater than the maximum' in fault(big)[1]
    _create(api, '2.64', share_type='sized', size=3)


def test_mount_point_name_on_manage_from_2_92(api, mount_point_type,
                                              admin_ctx):
    service_db.register(admin_ctx, 'hostA@alpha', 'manila-share',
                        'manila-share', 'nova')

    def manage(version, path, status=200):
        body = {'share': {'service_host': 'hostA@alpha#gold',
                          'protocol': 'NFS', 'export_path': path,
                          'share_type': 'mpn', 'mount_point_name': 'old'}}
        return api.post('/shares/manage', body, version=version,
                        status=status)

    before = manage('2.91', '10.0.0.7:/one').json['share']
    assert before['mount_point_name'] is None
    after = manage('2.92', '10.0.0.7:/two').json['share']
    assert after['mount_point_name'] == 'team_old'
    type_db.create(admin_ctx, 'plain', {
        'driver_handles_share_servers': 'False'})
    body = {'share': {'service_host': 'hostA@alpha#gold', 'protocol': 'NFS',
                      'export_path': '10.0.0.7:/three', 'share_type': 'plain',
                      'mount_point_name': 'old'}}
    refused = api.post('/shares/manage', body, version='2.92', status=400)
    assert 'mount_point_name_support' in fault(refused)[1]


def test_encryption_key_ref_on_an_encrypting_type(api, admin_ctx,
                                                  scheduler):
    from manila_lite.db import share_networks as network_db
    network = network_db.create(admin_ctx, {'project_id': PROJECT},
                                {'availability_zone': None})
    type_db.create(admin_ctx, 'encrypted', {
        'driver_handles_share_servers': 'True',
        'encryption_support': 'share'})
    key_ref = '0d8e8a4b-9cc6-4f4c-8a55-b2d8e3c2d9a1'
    # Backend beta serves CEPHFS, which an operator enables.
    CONF.set_override('enabled_share_protocols', ['NFS', 'CIFS', 'CEPHFS'])
    try:
        share = _create(api, '2.90', share_proto='CEPHFS',
                        share_type='encrypted', share_network_id=network.id,
                        encryption_key_ref=key_ref).json['share']
    finally:
        CONF.clear_override('enabled_share_protocols')
    assert share['encryption_key_ref'] == key_ref
    found = api.get('/shares?encryption_key_ref=%s' % key_ref,
                    version='2.90', role='member').json['shares']
    assert [s['id'] for s in found] == [share['id']]
