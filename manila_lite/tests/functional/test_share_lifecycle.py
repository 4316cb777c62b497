"""A user's day with shares, told through the clients users have.

Each story runs against the all-in-one process and against the split
deployment on MariaDB and on PostgreSQL (the ``deployment`` fixture), in a
project of its own.
"""

from manila_lite.devtools import deployment as deploy


def test_share_lifecycle_with_manilaclient(deployment, manila, project):
    """Create, find, inspect, rename and delete shares with manilaclient."""
    first = manila.shares.create('NFS', 1, name='lifecycle-one',
                                 description='the first share')
    second = manila.shares.create('NFS', 2, name='lifecycle-two')
    third = manila.shares.create('CIFS', 1, name='lifecycle-three')
    ids = [first.id, second.id, third.id]
    assert first.status == 'creating'

    shares = [deploy.wait_for_share(manila, share_id, 'available')
              for share_id in ids]
    first = shares[0]
    assert first.size == 1
    assert first.share_proto == 'NFS'
    assert first.name == 'lifecycle-one'
    assert first.description == 'the first share'
    assert first.project_id == project
    assert first.share_type_name == 'default'
    backend_host, _sep, pool = first.host.partition('#')
    assert pool in ('pool_a', 'pool_b'), first.host
    assert '@' in backend_host

    # Export locations: the user path is preferred, the admin one hidden
    # from nobody here (noauth callers are administrators).
    locations = manila.share_export_locations.list(first)
    assert locations
    preferred = [loc for loc in locations if loc.preferred]
    assert len(preferred) == 1
    assert not preferred[0].is_admin_only
    assert preferred[0].path

    # Filters.
    by_name = manila.shares.list(search_opts={'name': 'lifecycle-two'})
    assert [s.id for s in by_name] == [second.id]
    by_proto = manila.shares.list(search_opts={'share_proto': 'CIFS'})
    assert [s.id for s in by_proto] == [third.id]
    by_status = manila.shares.list(search_opts={'status': 'available'})
    assert sorted(s.id for s in by_status) == sorted(ids)
    assert manila.shares.list(search_opts={'status': 'error'}) == []

    # Sorting and paging.
    by_size = manila.shares.list(sort_key='size', sort_dir='desc')
    assert by_size[0].id == second.id
    by_name_asc = manila.shares.list(sort_key='name', sort_dir='asc')
    assert [s.name for s in by_name_asc] == [
        'lifecycle-one', 'lifecycle-three', 'lifecycle-two']
    page1 = manila.shares.list(sort_key='name', sort_dir='asc',
                               search_opts={'limit': 2})
    assert [s.name for s in page1] == ['lifecycle-one', 'lifecycle-three']
    page2 = manila.shares.list(sort_key='name', sort_dir='asc',
                               search_opts={'limit': 2,
                                            'marker': page1[-1].id})
    assert [s.name for s in page2] == ['lifecycle-two']
    summary = manila.shares.list(detailed=False)
    assert sorted(s.id for s in summary) == sorted(ids)

    # Show and update.
    manila.shares.update(first, display_name='renamed',
                         display_description='now with a new name')
    shown = manila.shares.get(first.id)
    assert shown.name == 'renamed'
    assert shown.description == 'now with a new name'
    assert shown.status == 'available'

    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == 3
    assert usage['gigabytes'] == 4

    for share_id in ids:
        manila.shares.delete(share_id)
    for share_id in ids:
        deploy.wait_for_share_gone(manila, share_id)
    assert manila.shares.list() == []
    usage = deploy.quota_usage(manila, project)
    assert usage['shares'] == 0
    assert usage['gigabytes'] == 0


def test_operator_sees_services_and_pools(deployment):
    """An administrator checks the scheduler, share services and pools."""
    manila = deployment.manila()
    services = manila.services.list()
    by_binary = {}
    for service in services:
        by_binary.setdefault(service.binary, []).append(service)
    assert set(by_binary) >= {'manila-scheduler', 'manila-share'}
    for service in services:
        assert service.state == 'up', service
        assert service.status == 'enabled', service
    backends = set(deployment.config) - {'DEFAULT', 'database'}
    share_hosts = {s.host for s in by_binary['manila-share']}
    assert {h.partition('@')[2] for h in share_hosts} == backends

    filtered = manila.services.list(search_opts={'binary': 'manila-share'})
    assert {s.binary for s in filtered} == {'manila-share'}

    pools = manila.pools.list(detailed=False)
    names = {p.name for p in pools}
    expected = {'%s#%s' % (host, pool) for host in share_hosts
                for pool in ('pool_a', 'pool_b')}
    assert names == expected
    detailed = manila.pools.list(detailed=True)
    for pool in detailed:
        assert pool.capabilities['total_capacity_gb'] > 0
        assert pool.capabilities['driver_handles_share_servers'] is False


def test_share_lifecycle_with_openstacksdk(deployment, project):
    """The same story through openstacksdk's shared_file_system proxy."""
    sfs = deployment.sdk(project=project).shared_file_system
    share = sfs.create_share(name='sdk-share', size=1, share_proto='NFS',
                             description='made by openstacksdk')
    share = sfs.wait_for_status(share, status='available',
                                failures=['error'], interval=0.5, wait=60)
    assert share.size == 1
    assert [s.id for s in sfs.shares(name='sdk-share')] == [share.id]
    assert [s.id for s in sfs.shares(details=False)] == [share.id]

    locations = list(sfs.export_locations(share))
    assert any(loc.is_preferred for loc in locations)

    sfs.update_share(share.id, display_name='sdk-renamed')
    assert sfs.get_share(share.id).name == 'sdk-renamed'

    sfs.delete_share(share)
    sfs.wait_for_delete(share, interval=0.5, wait=60)
    assert list(sfs.shares()) == []
    usage = deploy.quota_usage(deployment.manila(project=project), project)
    assert usage['shares'] == usage['gigabytes'] == 0


def test_share_lifecycle_with_openstack_cli(deployment, project):
    """The `openstack share` commands, as an operator types them."""
    created = deployment.cli('share', 'create', 'NFS', '1',
                             '--name', 'cli-share', '--wait',
                             '-f', 'json', project=project)
    assert created['status'] == 'available'
    assert created['name'] == 'cli-share'

    listed = deployment.cli('share', 'list', '-f', 'json', project=project)
    assert [row['ID'] for row in listed] == [created['id']]
    assert listed[0]['Name'] == 'cli-share'

    shown = deployment.cli('share', 'show', 'cli-share', '-f', 'json',
                           project=project)
    assert shown['id'] == created['id']
    assert shown['export_locations']

    deployment.cli('share', 'delete', '--wait', created['id'],
                   project=project)
    assert deployment.cli('share', 'list', '-f', 'json',
                          project=project) == []
