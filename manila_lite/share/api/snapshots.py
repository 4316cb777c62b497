"""Snapshots as the API sees them: validate, record, cast to the backend.

A snapshot lives on the backend of its share, so every operation casts
straight to that share service; nothing is scheduled. Shares created from
a snapshot are checked here (source_for_new_share) and then scheduled as
any share, near the snapshot's backend.
"""

import functools

from oslo_log import log as logging

from manila_lite.db import share_types as type_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshot_access as snapshot_access_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import rpc
from manila_lite.share.api import deferred as deferred_api
from manila_lite.share import rpcapi as share_rpcapi
from manila_lite import states

LOG = logging.getLogger(__name__)


def _sources(target):
    """The snapshot statuses a move to ``target`` starts from, for
    messages."""
    return ', '.join(states.sources(states.SNAPSHOT, target))


def source_for_new_share(context, snapshot_id, size, share_type,
                         availability_zone, share_network_id,
                         check_support):
    """Check a request for a share made from a snapshot.

    Returns (snapshot, share type or None, availability zone, share
    network id): the new share inherits the parent share's type, zone and
    network unless the request names them, and must then name the same.
    ``share_type`` is the requested type object, or None.
    """
    snapshot = snapshot_db.get(context, snapshot_id)
    if snapshot.status not in states.SNAPSHOT_USABLE:
        raise exception.InvalidShareSnapshot(
            reason="status must be '%s', not '%s'"
                   % (', '.join(states.SNAPSHOT_USABLE), snapshot.status))
    if size < snapshot.size:
        raise exception.InvalidInput(
            reason="Share size '%s' must be equal or greater than the "
                   "snapshot size (%s)." % (size, snapshot.size))
    parent = share_db.get(context.elevated(), snapshot.share_id)
    if check_support and not parent.create_share_from_snapshot_support:
        raise exception.InvalidInput(
            reason="A new share may not be created from snapshot '%s', "
                   "because the snapshot's parent share does not have "
                   "that capability." % snapshot_id)
    if share_network_id and share_network_id != parent.share_network_id:
        raise exception.InvalidInput(
            reason="Share network ID should be the same as the snapshot's "
                   "parent share's or empty.")
    parent_zone = parent.availability_zone
    if availability_zone and availability_zone != parent_zone:
        raise exception.InvalidInput(
            reason='The specified availability zone must be the same as '
                   'the parent share when creating from snapshot.')
    if share_type is None:
        share_type = type_db.get(context.elevated(), parent.share_type_id,
                                 check_access=False)
    elif share_type.id != parent.share_type_id:
        raise exception.InvalidInput(
            reason='Invalid share type specified: the requested share type '
                   'must match the type of the source share. If a share '
                   'type is not specified when requesting a new share from '
                   'a snapshot, the share type of the source share will be '
                   'applied to the new share.')
    return snapshot, share_type, parent_zone, parent.share_network_id


class API:
    def __init__(self):
        self.share_rpc = share_rpcapi.ShareAPI()

    def _host(self, context, snapshot):
        return snapshot_db.share_instance_host(
            context, snapshot.instance.share_instance_id)

    def create(self, context, share, name, description):
        if not share.snapshot_support:
            raise exception.UnprocessableEntity(
                reason="Snapshots cannot be created for share '%s' since it "
                       "does not have that capability." % share.id)
        if share.status not in states.SHARE_SNAPSHOTTABLE:
            raise exception.InvalidShare(
                reason='Source share status must be %s, not %s.'
                       % (' or '.join(states.SHARE_SNAPSHOTTABLE),
                          share.status))
        values = dict(
            project_id=context.project_id, user_id=context.user_id,
            display_name=name, display_description=description,
            size=share.size, share_size=share.size,
            share_proto=share.share_proto)
        snapshot = snapshot_db.create(
            context, share, values,
            dict(status=states.CREATING, progress='0%'),
            share_statuses=states.SHARE_SNAPSHOTTABLE)
        self.share_rpc.create_snapshot(context, share.host, snapshot.id)
        return snapshot

    def delete(self, context, snapshot):
        if not states.allowed(states.SNAPSHOT, snapshot.status,
                              states.DELETING):
            raise exception.InvalidShareSnapshot(
                reason='Share snapshot status must be one of %s, not %s.'
                       % (_sources(states.DELETING), snapshot.status))
        self._delete(context, snapshot, force=False)

    def force_delete(self, context, snapshot):
        self._delete(context, snapshot, force=True)

    def _delete(self, context, snapshot, force):
        if deferred_api.applies(force, snapshot.status):
            deferred_api.delete_snapshot(context, self.share_rpc,
                                         self._host(context, snapshot),
                                         snapshot, force)
            return
        sources = list(states.SNAPSHOT) if force else None
        if not snapshot_db.transition(context, snapshot.id, states.DELETING,
                                      sources=sources, force=force):
            current = snapshot_db.get(context, snapshot.id).status
            raise exception.InvalidStatusTransition(
                resource='Snapshot', id=snapshot.id, current=current,
                allowed=_sources(states.DELETING))
        self.share_rpc.delete_snapshot(context, self._host(context, snapshot),
                                       snapshot.id, force=force)

    def reset_status(self, context, snapshot, status):
        if deferred_api.reset_snapshot_status(context, snapshot, status):
            return
        _check_reset_status(status)
        snapshot_db.set_status(context, snapshot.id, status)
        LOG.info('Status of snapshot %s reset to %s by %s', snapshot.id,
                 status, context.user_id)

    def reset_instance_status(self, context, instance, status):
        if instance.status in states.DEFERRED_DELETION:
            # A snapshot has one instance: leaving deferred deletion
            # through it brings the snapshot back, so its quota too.
            snapshot = snapshot_db.get(context, instance.snapshot_id,
                                       project_only=False)
            if deferred_api.reset_snapshot_status(context, snapshot, status):
                return
        _check_reset_status(status)
        snapshot_db.instance_set_status(context, instance.id, status)

    def update(self, context, snapshot, values):
        return snapshot_db.update(context, snapshot.id, values)

    def revert(self, context, share, snapshot_id):
        """Revert ``share`` in place to its latest snapshot (2.27+)."""
        try:
            snapshot = snapshot_db.get(context, snapshot_id)
        except exception.ShareSnapshotNotFound as err:
            raise exception.InvalidInput(reason=err.msg)
        if not share.revert_to_snapshot_support:
            raise exception.InvalidInput(
                reason='Share %s may not be reverted to snapshot %s, because '
                       'the share does not have that capability.'
                       % (share.id, snapshot_id))
        if snapshot.share_id != share.id:
            raise exception.InvalidInput(
                reason='Snapshot %s is not associated with share %s.'
                       % (snapshot_id, share.id))
        if not states.allowed(states.SHARE_INSTANCE, share.status,
                              states.REVERTING):
            raise exception.Conflict(
                "Share %s is in '%s' state, but it must be in '%s' state to "
                "be reverted to a snapshot." % (
                    share.id, share.status, ', '.join(states.sources(
                        states.SHARE_INSTANCE, states.REVERTING))))
        if not states.allowed(states.SNAPSHOT, snapshot.status,
                              states.RESTORING):
            raise exception.Conflict(
                "Snapshot %s is in '%s' state, but it must be in '%s' "
                "state to be restored." % (snapshot_id, snapshot.status,
                                           _sources(states.RESTORING)))
        latest = snapshot_db.latest_for_share(context, share.id)
        if latest.id != snapshot.id:
            raise exception.Conflict(
                'Snapshot %s may not be restored because it is not the most '
                'recent snapshot of share %s. Currently the latest snapshot '
                'is %s.' % (snapshot_id, share.id, latest.id))
        if share.access_rules_status != states.ACCESS_ACTIVE:
            raise exception.Conflict(
                'Snapshot %s belongs to a share %s which has access rules '
                'that are not active.' % (snapshot_id, share.id))
        rpc.BROKER.check()
        try:
            snapshot_db.start_revert(context, snapshot, share)
        except exception.OverQuota:
            raise exception.NotAuthorized(
                'Quota exceeded for %s. Reverting share %s to snapshot %s '
                "will increase the share's size by %sG."
                % (context.project_id, share.id, snapshot_id,
                   snapshot.size - share.size))
        LOG.info('Reverting share %s to snapshot %s', share.id, snapshot_id)
        self.share_rpc.revert_to_snapshot(context, share.host, snapshot.id)

    def manage(self, context, share_id, provider_location, name=None,
               description=None, driver_options=None):
        """Adopt a snapshot the backend of ``share_id`` already holds."""
        share = share_db.get(context, share_id)
        existing = snapshot_db.find_by_provider_location(
            context.elevated(), share.id, provider_location)
        if existing is not None:
            raise exception.Conflict(
                'A share snapshot %s is already managed for provider '
                'location %s.' % (existing.id, provider_location))
        if not share.host:
            raise exception.Conflict(
                'Share %s has no host; its snapshots cannot be managed.'
                % share.id)
        # The count is charged now, the gigabytes once the driver tells
        # the size (db.snapshots.finish_manage).
        rpc.BROKER.check()
        values = dict(
            project_id=context.project_id, user_id=context.user_id,
            display_name=name, display_description=description, size=0,
            share_size=share.size, share_proto=share.share_proto)
        snapshot = snapshot_db.create(
            context, share, values,
            dict(status=states.MANAGE_STARTING, progress='0%',
                 provider_location=provider_location),
            force_quota=True)
        self.share_rpc.manage_snapshot(context, share.host, snapshot.id,
                                       driver_options or {})
        return snapshot

    # -- access rules of mountable snapshots (2.32+) --------------------------

    def _check_mountable(self, context, snapshot):
        share = share_db.get(context.elevated(), snapshot.share_id)
        if not share.mount_snapshot_support:
            raise exception.InvalidInput(
                reason='Cannot control access to the snapshot %s since the '
                       'parent share %s does not support mounting its '
                       'snapshots.' % (snapshot.id, share.id))

    def allow_access(self, context, snapshot, access_type, access_to):
        """Queue a read-only rule on the snapshot; returns it
        (queued_to_apply). The caller has validated the target
        (access_api.validate_access), as for a share rule."""
        self._check_mountable(context, snapshot)
        rule = snapshot_access_db.create(context, snapshot.id, access_type,
                                         access_to)
        LOG.info('Access %s:%s to snapshot %s queued as rule %s',
                 access_type, access_to, snapshot.id, rule.id)
        self._cast_access(context, snapshot)
        return rule

    def deny_access(self, context, snapshot, access_id):
        """Queue the removal of a rule of the snapshot."""
        self._check_mountable(context, snapshot)
        rule = snapshot_access_db.get(context, access_id)
        if rule.share_snapshot_id != snapshot.id:
            raise exception.InvalidInput(
                reason='Access rule %s is not associated with snapshot %s.'
                       % (access_id, snapshot.id))
        if snapshot_access_db.queue_deny(context, snapshot.id, rule.id):
            LOG.info('Rule %s of snapshot %s queued for removal', rule.id,
                     snapshot.id)
        self._cast_access(context, snapshot)

    def access_list(self, context, snapshot):
        self._check_mountable(context, snapshot)
        return snapshot_access_db.get_all_for_snapshot(context, snapshot.id)

    def _cast_access(self, context, snapshot):
        self.share_rpc.snapshot_update_access(
            context, self._host(context, snapshot), snapshot.instance.id)

    def unmanage(self, context, snapshot):
        if snapshot.status in states.SNAPSHOT_BUSY and not states.allowed(
                states.SNAPSHOT, snapshot.status, states.UNMANAGE_STARTING):
            raise exception.NotAuthorized(
                "Snapshot with transitional state cannot be unmanaged. "
                "Snapshot '%s' is in '%s' state." % (snapshot.id,
                                                     snapshot.status))
        rpc.BROKER.check()
        if not snapshot_db.transition(context, snapshot.id,
                                      states.UNMANAGE_STARTING):
            current = snapshot_db.get(context, snapshot.id).status
            raise exception.InvalidStatusTransition(
                resource='Snapshot', id=snapshot.id, current=current,
                allowed=_sources(states.UNMANAGE_STARTING))
        try:
            self.share_rpc.unmanage_snapshot(
                context, self._host(context, snapshot), snapshot.id)
        except exception.BrokerUnavailable:
            snapshot_db.transition(context, snapshot.id, snapshot.status,
                                   sources=[states.UNMANAGE_STARTING],
                                   force=True)
            raise


def _check_reset_status(status):
    if status not in states.SNAPSHOT_RESET_STATUSES:
        raise exception.InvalidInput(
            reason='Invalid state. Valid states: %s.'
                   % ', '.join(states.SNAPSHOT_RESET_STATUSES))


@functools.cache
def get():
    """The snapshot API of this process, made on first use (it opens RPC
    clients)."""
    return API()
