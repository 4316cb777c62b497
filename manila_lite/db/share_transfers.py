"""Queries on share transfers (2.77): offering a share to another project.

Each change is one transaction: creating a transfer moves the share to
``awaiting_transfer``; deleting or expiring it moves the share back to
``available``; accepting it gives the share and its snapshots to the
accepting project, moves their quota usage from the old project to the
new one (refused with 413, nothing changed, when the new project has no
room) and deletes the transfer.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import shares as share_db
from manila_lite.db import snapshots as snapshot_db
from manila_lite import exception
from manila_lite import states

Transfer = models.ShareTransfer
Share = models.Share
Instance = models.ShareInstance
Snapshot = models.ShareSnapshot
SnapshotInstance = models.ShareSnapshotInstance

RESOURCE_TYPE = 'share'
# API sort keys -> columns.
SORT_KEYS = {
    'id': Transfer.id, 'name': Transfer.display_name,
    'display_name': Transfer.display_name,
    'resource_type': Transfer.resource_type,
    'resource_id': Transfer.resource_id,
    'source_project_id': Transfer.source_project_id,
    'created_at': Transfer.created_at, 'expires_at': Transfer.expires_at,
}
# Exact-match list filters -> columns.
FILTERS = {
    'id': Transfer.id, 'display_name': Transfer.display_name,
    'resource_type': Transfer.resource_type,
    'resource_id': Transfer.resource_id,
    'source_project_id': Transfer.source_project_id,
}


def _snapshots(session, share_id):
    """(id, user_id, size, status) of a share's snapshots."""
    return session.execute(
        sa.select(Snapshot.id, Snapshot.user_id, Snapshot.size,
                  SnapshotInstance.status)
        .join(SnapshotInstance, SnapshotInstance.snapshot_id == Snapshot.id)
        .where(Snapshot.share_id == share_id)).all()


def _check_snapshots(snapshots):
    for snapshot in snapshots:
        if snapshot.status not in states.SNAPSHOT_USABLE:
            raise exception.InvalidShareSnapshot(
                reason='Snapshot %s status must be %s, not %s.'
                       % (snapshot.id, ' or '.join(states.SNAPSHOT_USABLE),
                          snapshot.status))


@db_api.retry_on_deadlock
def create(context, share, values):
    """Record a transfer of ``share`` and move it to awaiting_transfer.

    400 unless the share may still move there and its snapshots are all
    available.
    """
    transfer = Transfer(resource_type=RESOURCE_TYPE, resource_id=share.id,
                        source_project_id=share.project_id, **values)
    sources = states.sources(states.SHARE_INSTANCE, states.AWAITING_TRANSFER)
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.id == share.instance.id,
                   Instance.status.in_(sources))
            .values(status=states.AWAITING_TRANSFER,
                    updated_at=timeutils.utcnow())).rowcount
        if not moved:
            raise exception.InvalidShare(
                reason="Share's status must be %s." % ' or '.join(sources))
        _check_snapshots(_snapshots(session, share.id))
        session.add(transfer)
        session.flush()
    return transfer


def _visible(query, context):
    """Administrators see every transfer; others their project's."""
    if context.is_admin:
        return query
    return query.where(Transfer.source_project_id == context.project_id)


def get(context, transfer_id, visible_only=True):
    """One transfer, or 404; ``visible_only=False`` finds any project's
    (accepting one is done by another project)."""
    query = sa.select(Transfer).where(Transfer.id == transfer_id)
    if visible_only:
        query = _visible(query, context)
    with db_api.reader.using(context) as session:
        transfer = session.scalars(query).first()
    if transfer is None:
        raise exception.TransferNotFound(transfer_id=transfer_id)
    return transfer


def get_all(context, filters, all_projects=False, sort_key='created_at',
            sort_dir='desc', limit=None, offset=None):
    """Transfers of the caller's project (of every project with
    ``all_projects``, for those allowed to ask), filtered by FILTERS
    (exact) and ``display_name~`` (substring)."""
    column = SORT_KEYS[sort_key]
    query = sa.select(Transfer).order_by(
        column.desc() if sort_dir == 'desc' else column.asc(),
        Transfer.id.desc() if sort_dir == 'desc' else Transfer.id.asc())
    if not all_projects:
        query = query.where(Transfer.source_project_id == context.project_id)
    for key, filter_column in FILTERS.items():
        if key in filters:
            query = query.where(filter_column == filters[key])
    if 'display_name~' in filters:
        query = query.where(Transfer.display_name.ilike(
            '%' + filters['display_name~'] + '%'))
    if filters.get('destination_project_id') is not None:
        # Only pending transfers are kept: none has a destination yet.
        query = query.where(sa.false())
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()


def _remove(session, transfer_id, share_id):
    """Delete a transfer; its share, if still awaiting it, is available
    again. False when the transfer was gone already."""
    deleted = session.execute(
        sa.delete(Transfer).where(Transfer.id == transfer_id)).rowcount
    if deleted:
        session.execute(
            sa.update(Instance)
            .where(Instance.share_id == share_id,
                   Instance.status == states.AWAITING_TRANSFER)
            .values(status=states.AVAILABLE, updated_at=timeutils.utcnow()))
    return bool(deleted)


@db_api.retry_on_deadlock
def destroy(context, transfer):
    with db_api.writer.using(context) as session:
        if not _remove(session, transfer.id, transfer.resource_id):
            raise exception.TransferNotFound(transfer_id=transfer.id)


@db_api.retry_on_deadlock
def expire(context, now=None):
    """Delete transfers past their expires_at; returns how many."""
    now = now or timeutils.utcnow()
    with db_api.writer.using(context) as session:
        expired = session.execute(
            sa.select(Transfer.id, Transfer.resource_id)
            .where(Transfer.expires_at < now)).all()
        return sum(_remove(session, transfer_id, share_id)
                   for transfer_id, share_id in expired)


@db_api.retry_on_deadlock
def accept(context, transfer_id, crypt_hash, project_id, user_id):
    """Give the transfer's share to ``project_id``/``user_id``; returns
    the share id.

    ``crypt_hash`` is the hash the caller's auth key was checked against:
    a transfer deleted, accepted or replaced meanwhile is not found. 400
    for a share no longer awaiting the transfer or a snapshot not
    available, 413 (OverQuota) when the new project has no room for the
    share and its snapshots.
    """
    with db_api.writer.using(context) as session:
        transfer = session.scalars(
            sa.select(Transfer).where(Transfer.id == transfer_id)
            .with_for_update()).first()
        if transfer is None or transfer.crypt_hash != crypt_hash:
            raise exception.TransferNotFound(transfer_id=transfer_id)
        share = session.execute(
            sa.select(Share.id, Share.size, Share.project_id, Share.user_id,
                      Instance.id.label('instance_id'), Instance.status,
                      Instance.share_type_id)
            .join(Share.instance).where(Share.id == transfer.resource_id)
            .with_for_update()).first()
        if share.status != states.AWAITING_TRANSFER:
            raise exception.InvalidShare(
                reason='Share %s is %s, not awaiting_transfer.'
                       % (share.id, share.status))
        snapshots = _snapshots(session, share.id)
        _check_snapshots(snapshots)
        _move_quota(session, share, snapshots, project_id, user_id)
        now = timeutils.utcnow()
        session.execute(
            sa.update(Share).where(Share.id == share.id)
            .values(project_id=project_id, user_id=user_id, updated_at=now))
        if snapshots:
            session.execute(
                sa.update(Snapshot).where(Snapshot.share_id == share.id)
                .values(project_id=project_id, user_id=user_id,
                        updated_at=now))
        session.execute(
            sa.update(Instance).where(Instance.id == share.instance_id)
            .values(status=states.AVAILABLE, updated_at=now))
        session.execute(sa.delete(Transfer).where(Transfer.id == transfer_id))
        return share.id


def _move_quota(session, share, snapshots, project_id, user_id):
    """Release the old owner's usage and charge the new owner's (checked
    against its limits), at every scope usage is kept at. Released
    first: a project accepting its own transfer ends where it began."""
    type_id = share.share_type_id
    quotas.consume(session, share.project_id, share.user_id, type_id,
                   share_db.quota_deltas(share.size, sign=-1))
    for snapshot in snapshots:
        quotas.consume(session, share.project_id, snapshot.user_id, type_id,
                       snapshot_db.quota_deltas(snapshot.size, sign=-1))
    limits = quotas.check_per_share_size(session, project_id, share.size)
    quotas.consume(session, project_id, user_id, type_id,
                   share_db.quota_deltas(share.size), limits=limits)
    if snapshots:
        quotas.consume(session, project_id, user_id, type_id, {
            'snapshots': len(snapshots),
            'snapshot_gigabytes': sum(s.size for s in snapshots)},
            limits=limits)
