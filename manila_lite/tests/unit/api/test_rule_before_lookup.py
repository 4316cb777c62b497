"""Which answer a caller the rules refuse gets: 403 or 404.

The house rule (docs/architecture.rst, "Identity and policy"), as Manila
answers: administrators' actions check their rule before the resource is
read, so a non-administrator gets 403 whether the id is unknown, another
project's or its own; showing, changing or deleting what another project
owns is 404, as if it did not exist; the export locations of another
project's private share are 403. Found by manila-tempest-plugin's
admin_actions_negative, export_locations_negative and shares_negative.
"""

import pytest

from manila_lite.db import share_group_types as group_type_db
from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite.tests.unit.api.helpers import OTHER_PROJECT
from manila_lite.tests.unit.api.helpers import PROJECT

UNKNOWN = '00000000-0000-4000-8000-00000000dead'
SERVER = '5e000000-0000-4000-8000-000000000001'

# Administrators' actions: path, body, version. The path names the
# resource of PROJECT it acts on; each is tried on that resource and on
# an unknown id.
ADMIN_ACTIONS = [
    ('/shares/{share}/action', {'force_delete': None}, '2.7'),
    ('/shares/{share}/action', {'os-force_delete': None}, '2.6'),
    ('/shares/{share}/action', {'reset_status': {'status': 'error'}},
     '2.7'),
    ('/shares/{share}/action', {'reset_task_state': {'task_state': None}},
     '2.22'),
    ('/shares/{share}/action', {'unmanage': None}, '2.7'),
    ('/os-share-unmanage/{share}/unmanage', {}, '2.6'),
    ('/snapshots/{snapshot}/action', {'force_delete': None}, '2.7'),
    ('/snapshots/{snapshot}/action', {'os-force_delete': None}, '2.6'),
    ('/snapshots/{snapshot}/action', {'reset_status': {'status': 'error'}},
     '2.7'),
    ('/snapshots/{snapshot}/action',
     {'os-reset_status': {'status': 'error'}}, '2.6'),
    ('/snapshots/{snapshot}/action', {'unmanage': None}, '2.12'),
    ('/share_instances/{share_instance}/action',
     {'reset_status': {'status': 'error'}}, '2.7'),
    ('/share_instances/{share_instance}/action', {'force_delete': None},
     '2.7'),
    ('/snapshot-instances/{snapshot_instance}/action',
     {'reset_status': {'status': 'error'}}, '2.19'),
    ('/types/{private_type}/action',
     {'addProjectAccess': {'project': OTHER_PROJECT}}, '2.7'),
    ('/types/{private_type}/action',
     {'removeProjectAccess': {'project': PROJECT}}, '2.7'),
    ('/share-group-types/{group_type}/action',
     {'addProjectAccess': {'project': OTHER_PROJECT}}, '2.55'),
    ('/share-group-types/{group_type}/action',
     {'removeProjectAccess': {'project': PROJECT}}, '2.55'),
]

# Requests on PROJECT's resources that stay 404 for another project's
# member (and for an unknown id), 403 or a success for PROJECT's member:
# path, method, body, version, PROJECT's member's answer.
OWNERS_REQUESTS = [
    ('/shares/{share}', 'GET', None, '2.7', 200),
    ('/shares/{share}', 'PUT', {'share': {'display_name': 'x'}}, '2.7',
     200),
    ('/shares/{share}/action', 'POST', {'extend': {'new_size': 2}}, '2.7',
     202),
    # Below 2.7 Manila reads the share before it checks reset_status.
    ('/shares/{share}/action', 'POST',
     {'os-reset_status': {'status': 'error'}}, '2.6', 403),
    ('/snapshots/{snapshot}', 'GET', None, '2.7', 200),
    ('/shares/{share}', 'DELETE', None, '2.7', 202),
]


@pytest.fixture
def world(api, admin_ctx, scheduler):
    """A private and a public share of PROJECT on the share server
    SERVER, a snapshot of a third share, a private share type and a
    private share group type."""
    share_type = type_db.create(admin_ctx, 'private', {
        'driver_handles_share_servers': 'False'}, is_public=False)
    type_db.add_project(admin_ctx, share_type.id, PROJECT)
    group_type = group_type_db.create(admin_ctx, 'private-group',
                                      [share_type.id], is_public=False)
    group_type_db.add_project(admin_ctx, group_type, PROJECT)
    ids = {'private_type': share_type.id, 'group_type': group_type}
    for key, public in (('share', False), ('public_share', True),
                        ('snap_share', False)):
        share = share_db.create(
            admin_ctx, {'project_id': PROJECT, 'user_id': 'member-user',
                        'size': 1, 'share_proto': 'NFS',
                        'is_public': public, 'snapshot_support': True},
            {'status': 'creating', 'host': 'hostA@alpha#gold',
             'share_type_id': share_type.id,
             'share_server_id': None if key == 'snap_share' else SERVER})
        share_db.finish_create(admin_ctx, share.instance.id, [
            {'path': '10.0.0.1:/%s' % key, 'preferred': True}])
        ids[key] = share.id
        ids[key + '_instance'] = share.instance.id
    share = share_db.get(admin_ctx, ids['snap_share'])
    snapshot = snapshot_db.create(
        admin_ctx, share, {'project_id': PROJECT, 'user_id': 'member-user',
                           'size': 1, 'share_size': 1, 'share_proto': 'NFS'},
        {'status': 'available', 'provider_location': '/snap'})
    ids.update(snapshot=snapshot.id, snapshot_instance=snapshot.instance.id)
    ids['location'] = share_db.export_locations(
        admin_ctx, ids['share'], False)[0].uuid
    ids['public_location'] = share_db.export_locations(
        admin_ctx, ids['public_share'], False)[0].uuid
    return ids


def _as(api, persona, method, path, body, version):
    """``persona``: admin, member (of PROJECT) or other (a member of
    OTHER_PROJECT)."""
    role, project = {'admin': ('admin', None), 'member': ('member', PROJECT),
                     'other': ('member', OTHER_PROJECT)}[persona]
    return api.request(method, path, version=version, body=body, role=role,
                       project=project)


def _unknown(path):
    """The path with its resource id replaced by an unknown one."""
    head, _sep, tail = path.partition('{')
    return head + UNKNOWN + tail.partition('}')[2]


def _label(row):
    path, body, version = row
    return '%s-%s-%s' % (path, next(iter(body), 'legacy'), version)


@pytest.mark.parametrize('persona', ['member', 'other'])
@pytest.mark.parametrize('whose', ['own', 'unknown'])
@pytest.mark.parametrize('path,body,version', ADMIN_ACTIONS,
                         ids=[_label(r) for r in ADMIN_ACTIONS])
def test_admin_action_is_403_before_any_lookup(api, world, path, body,
                                               version, whose, persona):
    concrete = path.format(**world) if whose == 'own' else _unknown(path)
    resp = _as(api, persona, 'POST', concrete, body, version)
    assert resp.status_int == 403, resp.text


@pytest.mark.parametrize('path,body,version', ADMIN_ACTIONS,
                         ids=[_label(r) for r in ADMIN_ACTIONS])
def test_admin_action_on_unknown_id_is_404_for_administrators(
        api, world, path, body, version):
    resp = _as(api, 'admin', 'POST', _unknown(path), body, version)
    assert resp.status_int == 404, resp.text


@pytest.mark.parametrize('path,method,body,version,member_answer',
                         OWNERS_REQUESTS,
                         ids=['%s-%s-%s' % (r[1], r[0], r[3])
                              for r in OWNERS_REQUESTS])
def test_others_resources_stay_404(api, world, path, method, body,
                                   version, member_answer):
    concrete = path.format(**world)
    assert _as(api, 'other', method, concrete, body,
               version).status_int == 404
    assert _as(api, 'other', method, _unknown(path), body,
               version).status_int == 404
    resp = _as(api, 'member', method, concrete, body, version)
    assert resp.status_int == member_answer, resp.text


@pytest.mark.parametrize('share,persona,expected', [
    ('share', 'member', 200), ('share', 'other', 403),
    ('public_share', 'other', 200), ('share', 'admin', 200),
])
@pytest.mark.parametrize('suffix', ['', '/{location}'])
def test_export_locations_of_another_projects_share(
        api, world, share, persona, expected, suffix):
    location = world['public_location' if share == 'public_share'
                     else 'location']
    path = '/shares/%s/export_locations%s' % (
        world[share], suffix.format(location=location))
    resp = _as(api, persona, 'GET', path, None, '2.9')
    assert resp.status_int == expected, resp.text
    if expected == 200:
        found = resp.json.get('export_locations') or [
            resp.json['export_location']]
        assert location in [el['id'] for el in found]


@pytest.mark.parametrize('persona', ['admin', 'member', 'other'])
@pytest.mark.parametrize('suffix', ['', '/' + UNKNOWN])
def test_export_locations_of_an_unknown_share_are_404(api, world, persona,
                                                      suffix):
    resp = _as(api, persona, 'GET',
               '/shares/%s/export_locations%s' % (UNKNOWN, suffix), None,
               '2.9')
    assert resp.status_int == 404, resp.text


def test_export_location_metadata_of_another_projects_share_is_403(
        api, world):
    path = '/shares/%s/export_locations/%s/metadata' % (
        world['share'], world['location'])
    assert _as(api, 'other', 'GET', path, None, '2.87').status_int == 403
    assert _as(api, 'member', 'GET', path, None, '2.87').status_int == 200


@pytest.mark.parametrize('collection', ['/shares', '/shares/detail'])
@pytest.mark.parametrize('persona', ['member', 'other'])
@pytest.mark.parametrize('server', [SERVER, 'fake_share_server_id'])
def test_share_server_filter_is_the_administrators(api, world, collection,
                                                   persona, server):
    resp = _as(api, persona, 'GET',
               '%s?share_server_id=%s' % (collection, server), None, '2.7')
    assert resp.status_int == 403, resp.text


def test_share_server_filter_lists_every_projects_shares(api, world,
                                                         admin_ctx):
    """The administrator's project owns none of the shares on SERVER."""
    share_db.create(
        admin_ctx, {'project_id': OTHER_PROJECT, 'user_id': 'other-user',
                    'size': 1, 'share_proto': 'NFS'},
        {'status': 'available', 'share_type_id': world['private_type'],
         'share_server_id': UNKNOWN})
    on_server = sorted([world['share'], world['public_share']])

    def listed(query):
        resp = _as(api, 'admin', 'GET', '/shares' + query, None, '2.7')
        assert resp.status_int == 200, resp.text
        return sorted(s['id'] for s in resp.json['shares'])

    assert listed('?share_server_id=%s' % SERVER) == on_server
    assert listed('?share_server_id=%s&project_id=%s'
                  % (SERVER, PROJECT)) == on_server
    assert listed('?share_server_id=%s&project_id=%s'
                  % (SERVER, OTHER_PROJECT)) == []
    assert len(listed('?share_server_id=%s' % UNKNOWN)) == 1
    assert listed('?share_server_id=%s' % OTHER_PROJECT) == []
