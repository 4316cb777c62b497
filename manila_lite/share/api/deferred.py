"""Deferred deletion as the API sees it.

share/api/shares.py and share/api/snapshots.py hand a delete here when the
``deferred_deletion`` option is on, or when the share or snapshot is
already in a deferred deletion status (force delete, reset status). The
quota goes back in the transaction that moves the row to
``deleting_in_driver``; nothing is cast: the share manager's periodic
sweep deletes on the backend (share/manager/deferred_deletion.py).
"""

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import deferred_deletion as deferred_db
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import states

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def applies(force, status):
    """Whether a delete of something in ``status`` is deferred."""
    if status in states.DEFERRED_DELETION:
        return True
    return CONF.deferred_deletion and not force


def delete_share(context, share_rpc, share, force=False):
    """Start the deferred deletion of a share, or force-delete one in it.

    Its snapshots must be gone or being deleted themselves; the sweep
    deletes those first.
    """
    instance = share.instance
    if instance.status in states.DEFERRED_DELETION:
        _refuse_unless_forced(states.SHARE_INSTANCE, 'Share', share.id,
                              instance.status, force)
        count = snapshot_db.count_for_share(context, share.id)
        if count:
            raise exception.InvalidShare(
                reason='Share still has %d dependent snapshots.' % count)
        deferred_db.retry_now(context, deferred_db.ShareInstance,
                              deferred_db.ShareInstance.id, instance.id,
                              states.DELETING_IN_DRIVER_ERROR)
        share_rpc.delete_share_instance(context, instance.host, instance.id,
                                        force=True)
        return
    count = deferred_db.live_snapshot_count(context, share.id)
    if count:
        error = exception.InvalidShare if force else exception.ShareBusy
        raise error(reason='Share still has %d dependent snapshots.'
                    % count)
    if instance.host is None:
        # Never placed: nothing exists on a backend.
        share_db.destroy(context, share.id)
        return
    if not deferred_db.start_share(context, instance.id):
        raise _not_deletable(states.SHARE_INSTANCE, 'Share', share.id,
                             share_db.get(context, share.id).status)
    LOG.info('Share %s is deleting_in_driver; its quota is free',
             share.id)


def delete_snapshot(context, share_rpc, host, snapshot, force=False):
    instance = snapshot.instance
    if instance.status in states.DEFERRED_DELETION:
        _refuse_unless_forced(states.SNAPSHOT, 'Snapshot', snapshot.id,
                              instance.status, force)
        deferred_db.retry_now(context, deferred_db.SnapshotInstance,
                              deferred_db.SnapshotInstance.id, instance.id,
                              states.DELETING_IN_DRIVER_ERROR)
        share_rpc.delete_snapshot(context, host, snapshot.id, force=True)
        return
    if not deferred_db.start_snapshot(context, snapshot.id):
        raise _not_deletable(states.SNAPSHOT, 'Snapshot', snapshot.id,
                             snapshot_db.get(context, snapshot.id).status)
    LOG.info('Snapshot %s is deleting_in_driver; its quota is free',
             snapshot.id)


def _refuse_unless_forced(table, resource, resource_id, status, force):
    """A user's second delete of what is being deleted is refused (the
    seed's rule). An administrator's force delete removes it now,
    whatever the driver says, as force delete does for any status; its
    quota was given back already, so the row leaves without a release
    (db.shares.destroy and db.snapshots.destroy check the status)."""
    if not force:
        raise _not_deletable(table, resource, resource_id, status)


def _not_deletable(table, resource, resource_id, status):
    """409 naming the statuses a delete starts from: those the table
    lets reach deleting_in_driver but deferred deletion's own, which a
    force delete alone goes on from."""
    allowed = [s for s in states.sources(table, states.DELETING_IN_DRIVER)
               if s not in states.DEFERRED_DELETION]
    return exception.InvalidStatusTransition(
        resource=resource, id=resource_id, current=status,
        allowed=', '.join(allowed))


def _check_reset_target(status, allowed):
    allowed = tuple(allowed) + states.DEFERRED_DELETION
    if status not in allowed:
        raise exception.InvalidInput(
            reason='Invalid status %s; allowed are %s.'
                   % (status, ', '.join(allowed)))


def reset_share_status(context, share, status):
    """Reset a share in deferred deletion; leaving it charges the quota
    again (the share exists after all).

    Returns False when the share is not in a deferred deletion status:
    the caller then resets as usual.
    """
    if share.status not in states.DEFERRED_DELETION:
        return False
    _check_reset_target(status, states.SHARE_RESET_STATUSES)
    if status in states.DEFERRED_DELETION:
        share_db.set_status(context, share.instance.id, status)
    else:
        deferred_db.recharge_share(context, share.instance.id, status)
    LOG.info('Status of share %s reset from %s to %s by %s', share.id,
             share.status, status, context.user_id)
    return True


def reset_snapshot_status(context, snapshot, status):
    """As reset_share_status, for a snapshot."""
    if snapshot.status not in states.DEFERRED_DELETION:
        return False
    _check_reset_target(status, states.SNAPSHOT_RESET_STATUSES)
    if status in states.DEFERRED_DELETION:
        snapshot_db.set_status(context, snapshot.id, status)
    else:
        deferred_db.recharge_snapshot(context, snapshot.id, status)
    LOG.info('Status of snapshot %s reset from %s to %s by %s', snapshot.id,
             snapshot.status, status, context.user_id)
    return True
