"""Quota set and limits views: which resources each microversion shows."""

from manila_lite.api.microversion import Version

# Quota resources in the order of the view, with the version that added
# them to quota sets.
QUOTA_SINCE = [(name, Version(since)) for name, since in (
    ('shares', '2.0'), ('gigabytes', '2.0'), ('snapshots', '2.0'),
    ('snapshot_gigabytes', '2.0'), ('share_networks', '2.0'),
    ('share_groups', '2.40'), ('share_group_snapshots', '2.40'),
    ('share_replicas', '2.53'), ('replica_gigabytes', '2.53'),
    ('per_share_gigabytes', '2.62'),
    ('backups', '2.80'), ('backup_gigabytes', '2.80'),
    ('encryption_keys', '2.90'),
)]
# Not limits of a share type: they count things that have no type.
NOT_PER_TYPE = ('share_networks', 'share_groups', 'share_group_snapshots')

# Resource -> (limit name, usage name, version) of GET /limits.
ABSOLUTE = [
    ('shares', 'maxTotalShares', 'totalSharesUsed', '2.0'),
    ('gigabytes', 'maxTotalShareGigabytes', 'totalShareGigabytesUsed',
     '2.0'),
    ('snapshots', 'maxTotalShareSnapshots', 'totalShareSnapshotsUsed',
     '2.0'),
    ('snapshot_gigabytes', 'maxTotalSnapshotGigabytes',
     'totalSnapshotGigabytesUsed', '2.0'),
    ('share_networks', 'maxTotalShareNetworks', 'totalShareNetworksUsed',
     '2.0'),
    ('share_replicas', 'maxTotalShareReplicas', 'totalShareReplicasUsed',
     '2.53'),
    ('replica_gigabytes', 'maxTotalReplicaGigabytes',
     'totalReplicaGigabytesUsed', '2.53'),
    ('share_groups', 'maxTotalShareGroups', 'totalShareGroupsUsed', '2.58'),
    ('share_group_snapshots', 'maxTotalShareGroupSnapshots',
     'totalShareGroupSnapshotsUsed', '2.58'),
    ('backups', 'maxTotalShareBackups', 'totalShareBackupsUsed', '2.80'),
    ('backup_gigabytes', 'maxTotalBackupGigabytes',
     'totalBackupGigabytesUsed', '2.80'),
]


def resources(version, per_type=False):
    """The quota resources a quota set shows at ``version``."""
    return [name for name, since in QUOTA_SINCE
            if version >= since and not (per_type and name in NOT_PER_TYPE)]


def quota_set(version, values, project_id=None, per_type=False):
    """``values``: {resource: limit} or {resource: {limit, in_use, ...}}."""
    view = {name: values.get(name)
            for name in resources(version, per_type)}
    if project_id is not None:
        view['id'] = project_id
    return {'quota_set': view}


def quota_class_set(version, values, class_name=None):
    """A quota class's limits; its name as ``id`` on show only."""
    view = {name: values.get(name) for name in resources(version)}
    if class_name is not None:
        view['id'] = class_name
    return {'quota_class_set': view}


def limits(version, limit_values, usage):
    absolute = {}
    for resource, limit_name, used_name, since in ABSOLUTE:
        if version < Version(since):
            continue
        if limit_values.get(resource) is not None:
            absolute[limit_name] = limit_values[resource]
        if resource in usage:
            absolute[used_name] = usage[resource]['in_use']
    return {'limits': {'rate': [], 'absolute': absolute}}
