"""What drivers receive and what they answer, in one place for both sides.

Drivers see plain dicts, never database rows: a share (instance), a
snapshot (instance) with the share it was taken of, a share server and
its network allocations, a share group. What a driver answers about
export locations is normalised here before it is stored. The share
service's parts and the API's checks that build these dicts import this
module; it imports nothing of theirs.
"""

from oslo_log import log as logging

from manila_lite.db import share_servers as server_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception

LOG = logging.getLogger(__name__)


def share_dict(instance, share):
    """The plain share description drivers receive."""
    return {
        'id': instance.id, 'share_id': share.id,
        'name': 'share-%s' % instance.id,
        'display_name': share.display_name, 'size': share.size,
        'share_proto': share.share_proto, 'host': instance.host,
        'share_type_id': instance.share_type_id,
        'share_network_id': instance.share_network_id,
        'share_server_id': instance.share_server_id,
        'availability_zone': instance.availability_zone,
        'project_id': share.project_id, 'user_id': share.user_id,
        'snapshot_id': share.snapshot_id, 'status': instance.status,
        'export_locations': [
            {'path': loc.path, 'is_admin_only': loc.is_admin_only,
             'preferred': loc.preferred}
            for loc in instance.export_locations],
        'metadata': share.metadata_dict,
    }


def normalize_export_locations(locations):
    """Drivers may return bare paths or dicts; store dicts."""
    result = []
    for location in locations or []:
        if isinstance(location, str):
            location = {'path': location}
        result.append(location)
    if result and not any(loc.get('preferred') for loc in result):
        result[0] = dict(result[0], preferred=True)
    return result


def snapshot_dict(snapshot, share_instance, share):
    """The plain snapshot description drivers receive.

    ``id`` is the snapshot instance's, as Manila passes snapshot instances
    to drivers; ``share`` is the share dict of the instance it was taken
    of.
    """
    instance = snapshot.instance
    return {
        'id': instance.id, 'snapshot_id': snapshot.id,
        'name': 'share-snapshot-%s' % instance.id,
        'display_name': snapshot.display_name,
        'size': snapshot.size, 'share_size': snapshot.share_size,
        'share_proto': snapshot.share_proto,
        'share_id': snapshot.share_id,
        'share_instance_id': share_instance.id,
        'status': instance.status, 'progress': instance.progress,
        'provider_location': instance.provider_location,
        'project_id': snapshot.project_id, 'user_id': snapshot.user_id,
        'share': share,
    }


def load_snapshot(context, snapshot_id):
    """(snapshot row, driver dict), or (None, None) if it is gone."""
    try:
        snapshot = snapshot_db.get(context, snapshot_id, project_only=False)
        share_instance = share_db.instance_get(
            context, snapshot.instance.share_instance_id)
    except (exception.ShareSnapshotNotFound,
            exception.ShareInstanceNotFound):
        LOG.warning('Snapshot %s vanished before its turn came', snapshot_id)
        return None, None
    return snapshot, snapshot_dict(
        snapshot, share_instance,
        share_dict(share_instance, share_instance.share))


def allocation_dict(allocation):
    return {key: allocation[key] for key in (
        'id', 'share_server_id', 'share_network_subnet_id', 'ip_address',
        'ip_version', 'label', 'cidr', 'gateway', 'mtu', 'network_type',
        'segmentation_id')}


def server_dict(server):
    return {
        'id': server.id, 'host': server.host, 'status': server.status,
        'share_network_id': server.share_network_id,
        'share_network_subnet_ids': server.share_network_subnet_ids,
        'project_id': server.project_id,
        'backend_details': server_db.details(server),
        'identifier': server.identifier,
        'is_auto_deletable': server.is_auto_deletable,
    }


def share_group_dict(group):
    """The plain share group description drivers receive."""
    return {
        'id': group.id, 'name': group.name,
        'description': group.description, 'status': group.status,
        'project_id': group.project_id, 'user_id': group.user_id,
        'host': group.host, 'availability_zone': group.availability_zone,
        'share_group_type_id': group.share_group_type_id,
        'share_network_id': group.share_network_id,
        'share_server_id': group.share_server_id,
        'source_share_group_snapshot_id':
            group.source_share_group_snapshot_id,
        'share_types': list(group.share_type_ids),
        'created_at': group.created_at,
    }
