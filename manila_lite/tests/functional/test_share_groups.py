"""A user's share group, told through python-manilaclient against the
all-in-one process: made on a backend, then deleted."""

from manilaclient import exceptions
import pytest

from manila_lite.devtools import deployment as deploy


@pytest.fixture
def group_type(all_in_one):
    admin = all_in_one.manila()
    default = admin.share_types.get('default')
    group_type = admin.share_group_types.create(
        'group-story-%s' % default.id[:8], [default])
    yield group_type
    admin.share_group_types.delete(group_type)


def test_share_group_lifecycle_with_manilaclient(all_in_one, project,
                                                 group_type):
    manila = all_in_one.manila(project=project)
    group = manila.share_groups.create(share_group_type=group_type,
                                       name='group-story',
                                       description='a group')
    assert group.status == 'creating'
    group = deploy.wait_for_field(manila.share_groups.get, group.id,
                                  ('available', 'error'),
                                  what='share group')
    assert group.status == 'available'
    assert group.name == 'group-story'
    assert group.share_group_type_id == group_type.id
    assert group.share_types == [t for t in group_type.share_types]
    # Placed on a backend, not a pool.
    assert '@' in group.host and '#' not in group.host
    assert group.availability_zone

    listed = manila.share_groups.list()
    assert [g.id for g in listed] == [group.id]
    manila.share_groups.update(group, name='renamed')
    assert manila.share_groups.get(group.id).name == 'renamed'

    # The group type cannot go while the group uses it.
    with pytest.raises(exceptions.BadRequest):
        all_in_one.manila().share_group_types.delete(group_type)

    manila.share_groups.delete(group)
    deploy.wait_for_gone(manila.share_groups.get, group.id,
                         what='share group', failed_status='error_deleting')
    assert manila.share_groups.list() == []
