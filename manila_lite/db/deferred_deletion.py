"""Queries of deferred deletion: quota back at once, rows gone later.

The API moves a share (or snapshot) to ``deleting_in_driver`` and gives
its quota back in one transaction. The share manager's sweep then reads
due instances of its own backend a batch at a time (keyset pagination by
instance id), calls the driver with no transaction open, and records the
outcome of the whole batch in one transaction. Rows removed here hold no
quota any more, so nothing is released twice.
"""

import datetime

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite import states

Share = models.Share
ShareInstance = models.ShareInstance
Snapshot = models.ShareSnapshot
SnapshotInstance = models.ShareSnapshotInstance
DID = states.DELETING_IN_DRIVER
DID_ERROR = states.DELETING_IN_DRIVER_ERROR


def _share_deltas(size, sign):
    return {'shares': sign, 'gigabytes': sign * size}


def _snapshot_deltas(size, sign):
    return {'snapshots': sign, 'snapshot_gigabytes': sign * size}


# -- API side -----------------------------------------------------------------

def _share_owner(share_instance_id):
    return (sa.select(Share.project_id, Share.user_id, Share.size,
                      ShareInstance.share_type_id)
            .join(ShareInstance, ShareInstance.share_id == Share.id)
            .where(ShareInstance.id == share_instance_id))


def _snapshot_owner(snapshot_id):
    return (sa.select(Snapshot.project_id, Snapshot.user_id, Snapshot.size,
                      ShareInstance.share_type_id)
            .join(SnapshotInstance, SnapshotInstance.snapshot_id ==
                  Snapshot.id)
            .join(ShareInstance, ShareInstance.id ==
                  SnapshotInstance.share_instance_id)
            .where(Snapshot.id == snapshot_id))


def _move(session, owner_query, model, key_column, key, sources, status):
    """Conditionally move the instance(s) keyed ``key`` from ``sources``
    to ``status``; returns the owner row (project, user, size, share
    type), or None when nothing moved."""
    row = session.execute(owner_query).first()
    if row is None or not session.execute(
            sa.update(model)
            .where(key_column == key, model.status.in_(sources))
            .values(status=status, updated_at=timeutils.utcnow())
    ).rowcount:
        return None
    return row


def _charge(session, row, deltas, force=False):
    quotas.consume(session, row.project_id, row.user_id, row.share_type_id,
                   deltas, force=force)


@db_api.retry_on_deadlock
def start_share(context, share_instance_id):
    """Move a share to deleting_in_driver and give its quota back.

    Returns False, changing nothing, when the instance is no longer in a
    status the delete may start from.
    """
    sources = states.sources(states.SHARE_INSTANCE, DID)
    with db_api.writer.using(context) as session:
        row = _move(session, _share_owner(share_instance_id), ShareInstance,
                    ShareInstance.id, share_instance_id, sources, DID)
        if row is None:
            return False
        if row.size:
            _charge(session, row, _share_deltas(row.size, -1))
        return True


@db_api.retry_on_deadlock
def start_snapshot(context, snapshot_id):
    """Move a snapshot to deleting_in_driver and give its quota back."""
    sources = states.sources(states.SNAPSHOT, DID)
    with db_api.writer.using(context) as session:
        row = _move(session, _snapshot_owner(snapshot_id), SnapshotInstance,
                    SnapshotInstance.snapshot_id, snapshot_id, sources, DID)
        if row is None:
            return False
        _charge(session, row, _snapshot_deltas(row.size, -1))
        return True


def live_snapshot_count(context, share_id):
    """Snapshots of a share that are not themselves being deleted."""
    with db_api.reader.using(context) as session:
        return session.scalar(
            sa.select(sa.func.count()).select_from(Snapshot)
            .join(SnapshotInstance, SnapshotInstance.snapshot_id ==
                  Snapshot.id)
            .where(Snapshot.share_id == share_id,
                   SnapshotInstance.status.not_in(
                       states.DEFERRED_DELETION)))


@db_api.retry_on_deadlock
def retry_now(context, model, key_column, key, current_status):
    """deleting_in_driver_error -> deleting_in_driver (a force delete)."""
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(model).where(key_column == key,
                                   model.status == current_status)
            .values(status=DID, updated_at=timeutils.utcnow())
        ).rowcount == 1


@db_api.retry_on_deadlock
def recharge_share(context, share_instance_id, status):
    """An admin resets a share out of deferred deletion: charge it again.

    What exists on the backend is counted whatever the limits say, as for
    a managed share. Returns False if the share was not in a deferred
    deletion status (nothing changed then).
    """
    with db_api.writer.using(context) as session:
        row = _move(session, _share_owner(share_instance_id), ShareInstance,
                    ShareInstance.id, share_instance_id,
                    states.DEFERRED_DELETION, status)
        if row is None:
            return False
        _charge(session, row, _share_deltas(row.size, 1), force=True)
        return True


@db_api.retry_on_deadlock
def recharge_snapshot(context, snapshot_id, status):
    """As recharge_share, for a snapshot reset out of deferred deletion."""
    with db_api.writer.using(context) as session:
        row = _move(session, _snapshot_owner(snapshot_id), SnapshotInstance,
                    SnapshotInstance.snapshot_id, snapshot_id,
                    states.DEFERRED_DELETION, status)
        if row is None:
            return False
        _charge(session, row, _snapshot_deltas(row.size, 1), force=True)
        return True


# -- the share manager's sweep ---------------------------------------------

def _due(model, retry_delay):
    """deleting_in_driver, or failed long enough ago to be tried again."""
    retry_before = timeutils.utcnow() - datetime.timedelta(
        seconds=retry_delay)
    return sa.or_(model.status == DID,
                  sa.and_(model.status == DID_ERROR,
                          model.updated_at <= retry_before))


def due_share_instances(context, host, retry_delay, after_id, limit):
    """The next batch of share instances of ``host`` due for deletion,
    with their shares, export locations and metadata."""
    with db_api.reader.using(context) as session:
        query = (sa.select(ShareInstance)
                 .where(db_api.on_host(ShareInstance.host, host),
                        _due(ShareInstance, retry_delay))
                 .options(orm.joinedload(ShareInstance.share))
                 .order_by(ShareInstance.id).limit(limit))
        if after_id is not None:
            query = query.where(ShareInstance.id > after_id)
        return session.scalars(query).unique().all()


def due_snapshot_instances(context, host, retry_delay, after_id, limit):
    """The next batch of (snapshot instance, share instance) pairs of
    ``host`` due for deletion."""
    with db_api.reader.using(context) as session:
        query = (sa.select(SnapshotInstance, ShareInstance)
                 .join(ShareInstance, ShareInstance.id ==
                       SnapshotInstance.share_instance_id)
                 .where(db_api.on_host(ShareInstance.host, host),
                        _due(SnapshotInstance, retry_delay))
                 .options(orm.joinedload(SnapshotInstance.snapshot),
                          orm.joinedload(ShareInstance.share))
                 .order_by(SnapshotInstance.id).limit(limit))
        if after_id is not None:
            query = query.where(SnapshotInstance.id > after_id)
        return session.execute(query).unique().all()


@db_api.retry_on_deadlock
def claim(context, model, ids):
    """Failed instances about to be tried again go back to
    deleting_in_driver first: a process killed during the attempt leaves
    them where the next sweep finds them at once. Returns the ids
    claimed."""
    if not ids:
        return set()
    with db_api.writer.using(context) as session:
        session.execute(
            sa.update(model)
            .where(model.id.in_(ids), model.status == DID_ERROR)
            .values(status=DID, updated_at=timeutils.utcnow()))
        return set(session.scalars(sa.select(model.id).where(
            model.id.in_(ids), model.status == DID)))


def snapshot_statuses(context, share_ids):
    """{share id: [status of each of its snapshots]} for a batch."""
    result = {}
    if not share_ids:
        return result
    with db_api.reader.using(context) as session:
        for share_id, status in session.execute(
                sa.select(Snapshot.share_id, SnapshotInstance.status)
                .join(SnapshotInstance, SnapshotInstance.snapshot_id ==
                      Snapshot.id)
                .where(Snapshot.share_id.in_(share_ids))):
            result.setdefault(share_id, []).append(status)
    return result


@db_api.retry_on_deadlock
def record_share_batch(context, deleted, failed, message_for):
    """One transaction for a batch: remove the rows of instances the
    driver deleted, mark the failed ones, tell their owners.

    Only instances still in deleting_in_driver are touched (an
    administrator may have reset one meanwhile). ``failed`` maps instance
    ids to a message detail id; ``message_for`` (instance id -> (project,
    share id)) names whom to tell. Returns (removed, marked failed).
    """
    return _record_batch(context, ShareInstance, ShareInstance.share_id,
                         Share, deleted, failed, message_for, 'SHARE')


@db_api.retry_on_deadlock
def record_snapshot_batch(context, deleted, failed, message_for):
    """As record_share_batch, for snapshot instances."""
    return _record_batch(context, SnapshotInstance,
                         SnapshotInstance.snapshot_id, Snapshot, deleted,
                         failed, message_for, 'SHARE_SNAPSHOT')


def _record_batch(context, model, parent_column, parent_model, deleted,
                  failed, message_for, resource_type):
    """Remove the parents (cascading to their instances) of the
    ``deleted`` instances still in deleting_in_driver; mark the failed."""
    with db_api.writer.using(context) as session:
        removed = 0
        if deleted:
            parent_ids = session.scalars(
                sa.select(parent_column)
                .where(model.id.in_(deleted), model.status == DID)).all()
            for parent in session.scalars(sa.select(parent_model).where(
                    parent_model.id.in_(parent_ids))).unique():
                session.delete(parent)
                removed += 1
        marked = _mark_failed(session, model, model.id, failed, message_for,
                              resource_type)
        return removed, marked


def _mark_failed(session, model, id_column, failed, message_for,
                 resource_type):
    if not failed:
        return 0
    now = timeutils.utcnow()
    marked = set(session.scalars(sa.select(id_column).where(
        id_column.in_(list(failed)), model.status == DID)))
    if not marked:
        return 0
    session.execute(sa.update(model).where(id_column.in_(marked),
                                           model.status == DID)
                    .values(status=DID_ERROR, updated_at=now))
    rows = []
    for instance_id in marked:
        action_id, detail_id = failed[instance_id]
        project_id, resource_id = message_for[instance_id]
        rows.append(dict(
            id=models._uuid(), project_id=project_id,
            request_id=None, resource_type=resource_type,
            resource_id=resource_id, action_id=action_id,
            detail_id=detail_id, message_level='ERROR',
            created_at=now, expires_at=now + message_db.MESSAGE_TTL))
    session.execute(sa.insert(models.Message), rows)
    return len(marked)
