"""The recycle bin (API 2.69): soft delete, restore, and the purge of
expired shares through the ordinary delete path.

Answers follow Manila's share controller: a share that may not go to the
bin (already there, busy, with snapshots) is refused with 403, and most
actions on a share in the bin are refused with 403 too.
"""

from oslo_log import log as logging

from manila_lite import conf
from manila_lite.db import recycle_bin as bin_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite.share.api import locks as lock_api

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def check_not_soft_deleted(share, what):
    """403 for ``what`` (e.g. 'be extended') on a share in the bin."""
    if share.is_soft_deleted:
        raise exception.ForbiddenAction(
            reason="Share %s cannot %s, since it has been soft deleted."
                   % (share.id, what))


def soft_delete(context, share):
    if share.is_soft_deleted:
        raise exception.ForbiddenAction(
            reason='Share %s has been soft deleted already.' % share.id)
    allowed = bin_db.soft_deletable()
    if share.status not in allowed:
        raise exception.ForbiddenAction(
            reason='Share status must be one of %s, not %s.'
                   % (', '.join(allowed), share.status))
    count = snapshot_db.count_for_share(context, share.id)
    if count:
        raise exception.ForbiddenAction(
            reason='Share still has %d dependent snapshots.' % count)
    lock_api.check_share_unlocked(context, share, 'soft_delete',
                                  exception.ForbiddenAction)
    if not bin_db.soft_delete(context, share.id,
                              CONF.soft_deleted_share_retention_time):
        # Something changed between the checks and the update.
        raise exception.Conflict(
            'Share %s changed while being soft deleted; try again.'
            % share.id)
    LOG.info('Share %s moved to the recycle bin by %s', share.id,
             context.user_id)


def restore(context, share):
    """True when restored, False when the share was not in the bin."""
    if not share.is_soft_deleted:
        return False
    if not bin_db.restore(context, share.id):
        raise exception.ForbiddenAction(
            reason='Share %s is being deleted or has suffered an error '
                   'during deletion, cannot be restored.' % share.id)
    LOG.info('Share %s restored from the recycle bin by %s', share.id,
             context.user_id)
    return True


def purge_expired(context, share_api):
    """Delete one batch of shares whose time in the bin is over.

    Each goes through ``share_api.delete``, so quota, state transitions
    and deferred deletion apply as for any delete; a share the delete
    refuses (it changed meanwhile) is left for the next run.
    """
    purged = 0
    for share in bin_db.expired(
            context, CONF.soft_deleted_share_purge_batch_size):
        try:
            share_api.delete(context, share)
        except exception.ManilaLiteException as err:
            LOG.warning('Cannot purge share %s from the recycle bin: %s',
                        share.id, err)
            continue
        purged += 1
    if purged:
        LOG.info('Purged %d expired shares from the recycle bin', purged)
    return purged
