"""The recycle bin (API 2.69): soft-deleted shares, as conditional UPDATEs.

A soft-deleted share keeps its rows, its backend data and its quota; it
is hidden from plain lists, and purged through the ordinary delete path
once ``scheduled_to_be_deleted_at`` has passed.
"""

import datetime

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import states

Share = models.Share
Instance = models.ShareInstance


def soft_deletable():
    """The statuses in which a share may go to (and be purged from) the
    bin: those its delete starts from."""
    return states.sources(states.SHARE_INSTANCE, states.DELETING)


def not_soft_deleted():
    """Clause for shares in no recycle bin (NULL counts as not deleted)."""
    return sa.func.coalesce(Share.is_soft_deleted, False).is_(False)


def soft_deleted(value=True):
    return Share.is_soft_deleted.is_(True) if value else not_soft_deleted()


@db_api.retry_on_deadlock
def soft_delete(context, share_id, retention_seconds):
    """Put a share in the recycle bin if it still may go there.

    One UPDATE checks what the API checked before: not already there, an
    allowed status, no snapshots; so a racing request cannot slip a
    snapshot in or soft-delete twice. Returns False when it may not.
    """
    expiry = timeutils.utcnow() + datetime.timedelta(
        seconds=retention_seconds)
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Share)
            .where(Share.id == share_id, not_soft_deleted(),
                   sa.exists().where(Instance.share_id == Share.id,
                                     Instance.status.in_(soft_deletable())),
                   ~sa.exists().where(
                       models.ShareSnapshot.share_id == Share.id))
            .values(is_soft_deleted=True,
                    scheduled_to_be_deleted_at=expiry,
                    updated_at=timeutils.utcnow())
            .execution_options(synchronize_session=False)).rowcount == 1


@db_api.retry_on_deadlock
def restore(context, share_id):
    """Take a share out of the recycle bin unless its deletion started."""
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Share)
            .where(Share.id == share_id, Share.is_soft_deleted.is_(True),
                   sa.exists().where(
                       Instance.share_id == Share.id,
                       Instance.status.not_in((states.DELETING,
                                               states.ERROR_DELETING))))
            .values(is_soft_deleted=False, scheduled_to_be_deleted_at=None,
                    updated_at=timeutils.utcnow())
            .execution_options(synchronize_session=False)).rowcount == 1


def expired(context, limit):
    """Up to ``limit`` shares whose time in the bin is over and which the
    ordinary delete accepts, oldest expiry first."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Share).join(Share.instance)
            .where(Share.is_soft_deleted.is_(True),
                   Share.scheduled_to_be_deleted_at <= timeutils.utcnow(),
                   Instance.status.in_(soft_deletable()))
            .order_by(Share.scheduled_to_be_deleted_at, Share.id)
            .limit(limit)).unique().all()
