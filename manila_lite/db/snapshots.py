"""Queries on share snapshots and their instances.

A snapshot and its instance are written together with the quota they use
(``snapshots`` and ``snapshot_gigabytes``), and removed together with its
release, as db.shares does for shares. Status changes go through the
SNAPSHOT table of manila_lite.states as conditional UPDATEs.
"""

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import project_scope
from manila_lite.db import quotas
from manila_lite import exception
from manila_lite import states

Snapshot = models.ShareSnapshot
Instance = models.ShareSnapshotInstance
ShareInstance = models.ShareInstance
ExportLocation = models.ShareSnapshotInstanceExportLocation

# API sort keys -> columns (status and progress live on the instance).
SORT_KEYS = {
    'id': Snapshot.id, 'share_id': Snapshot.share_id,
    'size': Snapshot.size, 'share_size': Snapshot.share_size,
    'share_proto': Snapshot.share_proto,
    'user_id': Snapshot.user_id, 'project_id': Snapshot.project_id,
    'name': Snapshot.display_name, 'display_name': Snapshot.display_name,
    'display_description': Snapshot.display_description,
    'created_at': Snapshot.created_at, 'updated_at': Snapshot.updated_at,
    'status': Instance.status, 'progress': Instance.progress,
}

# The resource type of user messages about snapshots.
MESSAGE_RESOURCE = 'SHARE_SNAPSHOT'


def quota_deltas(size, sign=1):
    return {'snapshots': sign, 'snapshot_gigabytes': sign * size}


def _share_type_id(session, share_instance_id):
    return session.scalar(sa.select(ShareInstance.share_type_id).where(
        ShareInstance.id == share_instance_id))


@db_api.retry_on_deadlock
def create(context, share, values, instance_values, share_statuses=None,
           force_quota=False):
    """Insert a snapshot of ``share`` with its instance, charging quota.

    With ``share_statuses``, the share instance must still be in one of
    them when the row is written (it is locked meanwhile), so a snapshot
    cannot slip in while the share starts deleting. Raises OverQuota or
    InvalidShare with nothing written.
    """
    snapshot = Snapshot(share_id=share.id, **values)
    snapshot.instance = Instance(share_instance_id=share.instance.id,
                                 **instance_values)
    with db_api.writer.using(context) as session:
        status = session.scalar(
            sa.select(ShareInstance.status)
            .where(ShareInstance.id == share.instance.id).with_for_update())
        if share_statuses is not None and status not in share_statuses:
            raise exception.InvalidShare(
                reason='Source share status must be %s, not %s.'
                       % (' or '.join(share_statuses), status))
        quotas.consume(session, snapshot.project_id, snapshot.user_id,
                       share.instance.share_type_id,
                       quota_deltas(snapshot.size), force=force_quota)
        session.add(snapshot)
    return snapshot


def _visible(query, context, project_only):
    if project_only and not context.is_admin:
        query = query.where(Snapshot.project_id == context.project_id)
    return query


def get(context, snapshot_id, project_only=True):
    """One snapshot the caller may see, or 404."""
    with db_api.reader.using(context) as session:
        query = _visible(sa.select(Snapshot).where(Snapshot.id == snapshot_id),
                         context, project_only)
        snapshot = session.scalars(query).unique().first()
        if snapshot is None:
            raise exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)
        return snapshot


def get_all(context, filters, sort_key='created_at', sort_dir='desc',
            limit=None, offset=None, marker=None):
    """Snapshots matching ``filters`` (already validated by the API)."""
    with db_api.reader.using(context) as session:
        query = (sa.select(Snapshot).join(Snapshot.instance)
                 .options(orm.contains_eager(Snapshot.instance)))
        query = _apply_filters(project_scope.scoped(
            query, context, filters, Snapshot.project_id), filters)
        column = SORT_KEYS[sort_key]
        query = query.order_by(
            db_api.sort_term(column, sort_dir,
                             session.get_bind().dialect.name),
            Snapshot.id.asc())
        if marker is not None:
            query = _after_marker(session, query, marker, column, sort_dir)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return session.scalars(query).unique().all()


def count_all(context, filters):
    """How many snapshots get_all would list without paging (2.79)."""
    filters = dict(filters)
    with db_api.reader.using(context) as session:
        query = sa.select(Snapshot.id).join(Snapshot.instance)
        query = _apply_filters(project_scope.scoped(
            query, context, filters, Snapshot.project_id), filters)
        return session.scalar(
            sa.select(sa.func.count()).select_from(query.subquery()))


def _apply_filters(query, filters):
    exact = {
        'display_name': Snapshot.display_name,
        'display_description': Snapshot.display_description,
        'share_id': Snapshot.share_id, 'size': Snapshot.size,
        'user_id': Snapshot.user_id, 'status': Instance.status,
    }
    for key, column in exact.items():
        if key in filters:
            query = query.where(column == filters[key])
    for key, column in (('display_name~', Snapshot.display_name),
                        ('display_description~',
                         Snapshot.display_description)):
        if key in filters:
            query = query.where(column.ilike('%' + filters[key] + '%'))
    if filters.get('hidden_statuses'):
        query = query.where(
            Instance.status.not_in(filters['hidden_statuses']))
    for key, value in (filters.get('metadata') or {}).items():
        # Snapshot metadata (2.73+): every item given must match.
        query = query.where(Snapshot.snapshot_metadata.any(
            sa.and_(models.ShareSnapshotMetadata.key == key,
                    models.ShareSnapshotMetadata.value == value)))
    usage = filters.get('usage')
    if usage in ('used', 'unused'):
        # "used": some share was created from the snapshot.
        used = sa.exists().where(models.Share.snapshot_id == Snapshot.id)
        query = query.where(used if usage == 'used' else ~used)
    return query


def _after_marker(session, query, marker, column, sort_dir):
    """Keyset paging: rows that sort after the marker snapshot."""
    row = session.execute(
        sa.select(column).select_from(Snapshot).join(Snapshot.instance)
        .where(Snapshot.id == marker)).first()
    if row is None:
        raise exception.InvalidInput(reason='marker [%s] not found' % marker)
    value = row[0]
    tie = sa.and_(column == value, Snapshot.id > marker)
    if value is None:
        # NULLs sort first ascending and last descending.
        after = column.is_not(None) if sort_dir == 'asc' else sa.false()
        tie = sa.and_(column.is_(None), Snapshot.id > marker)
    elif sort_dir == 'asc':
        after = column > value
    else:
        after = sa.or_(column < value, column.is_(None))
    return query.where(sa.or_(after, tie))


def update(context, snapshot_id, values):
    with db_api.writer.using(context) as session:
        snapshot = session.get(Snapshot, snapshot_id)
        if snapshot is None:
            raise exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)
        for key, value in values.items():
            setattr(snapshot, key, value)
        return snapshot


def transition(context, snapshot_id, target, values=None, sources=None,
               message=None, export_locations=None, force=False):
    """Move a snapshot's instance to ``target`` if its status allows it.

    ``sources`` defaults to the statuses the SNAPSHOT table allows
    ``target`` from. Returns False when the snapshot is gone or in another
    status. ``message``: (project id, action id, detail id) of a user
    message about the snapshot, recorded with the move.
    ``export_locations`` (a mountable snapshot's, as its driver gave
    them) replace the instance's with the move.
    """
    sources = states.narrowed(states.SNAPSHOT, target, sources, force)
    values = dict(values or {}, status=target, updated_at=timeutils.utcnow())
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.snapshot_id == snapshot_id,
                   Instance.status.in_(sources))
            .values(**values)).rowcount == 1
        if moved and message:
            project_id, action_id, detail_id = message
            message_db.add_in(session, context, project_id,
                              MESSAGE_RESOURCE, snapshot_id, action_id,
                              detail_id)
        if moved and export_locations is not None:
            _replace_export_locations(session, snapshot_id, export_locations)
        return moved


def _replace_export_locations(session, snapshot_id, locations):
    """The snapshot instance's export locations become ``locations``
    (paths, or dicts with ``path`` and ``is_admin_only``)."""
    instance_id = session.scalar(sa.select(Instance.id).where(
        Instance.snapshot_id == snapshot_id))
    session.execute(sa.delete(ExportLocation).where(
        ExportLocation.share_snapshot_instance_id == instance_id))
    for location in locations:
        if isinstance(location, str):
            location = {'path': location}
        session.add(ExportLocation(
            share_snapshot_instance_id=instance_id, path=location['path'],
            is_admin_only=bool(location.get('is_admin_only', False))))


def set_status(context, snapshot_id, status):
    """Set a status unconditionally (admin reset_status)."""
    with db_api.writer.using(context) as session:
        if not session.execute(
                sa.update(Instance).where(Instance.snapshot_id == snapshot_id)
                .values(status=status,
                        updated_at=timeutils.utcnow())).rowcount:
            raise exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)


def destroy(context, snapshot_id):
    """Delete a snapshot and give its quota back, in one transaction."""
    with db_api.writer.using(context) as session:
        snapshot = session.get(Snapshot, snapshot_id)
        if snapshot is None:
            return False
        # Deferred deletion gave the quota back when it started.
        if snapshot.instance.status not in states.DEFERRED_DELETION:
            quotas.consume(session, snapshot.project_id, snapshot.user_id,
                           _share_type_id(
                               session, snapshot.instance.share_instance_id),
                           quota_deltas(snapshot.size, sign=-1))
        session.delete(snapshot)
        return True


@db_api.retry_on_deadlock
def finish_manage(context, snapshot_id, size, values, export_locations=()):
    """A managed snapshot is available: record its size (and, if it is
    mountable, its export locations) and charge it.

    Its count was charged when the row was written; its gigabytes are
    known only now. What exists on the backend is counted even over
    quota, as Manila does.
    """
    with db_api.writer.using(context) as session:
        if not session.execute(
                sa.update(Instance)
                .where(Instance.snapshot_id == snapshot_id,
                       Instance.status == states.MANAGE_STARTING)
                .values(status=states.AVAILABLE, progress='100%',
                        updated_at=timeutils.utcnow(), **values)).rowcount:
            return False
        snapshot = session.get(Snapshot, snapshot_id)
        snapshot.size = size
        quotas.consume(session, snapshot.project_id, snapshot.user_id,
                       _share_type_id(session,
                                      snapshot.instance.share_instance_id),
                       {'snapshot_gigabytes': size}, force=True)
        _replace_export_locations(session, snapshot_id, export_locations)
        return True


# -- revert -----------------------------------------------------------------

def start_revert(context, snapshot, share):
    """Share ``reverting`` and snapshot ``restoring``, or neither.

    A revert gives the share the snapshot's size, so a difference in size
    is charged (or given back) to ``gigabytes`` here, and undone by
    finish_revert if the backend fails. Raises InvalidStatusTransition
    (409) when either moved meanwhile, OverQuota when the growth does not
    fit.
    """
    delta = snapshot.size - share.size
    with db_api.writer.using(context) as session:
        _revert_move(session, ShareInstance,
                     ShareInstance.id == share.instance.id,
                     states.SHARE_INSTANCE, states.REVERTING, 'Share',
                     share.id)
        _revert_move(session, Instance, Instance.snapshot_id == snapshot.id,
                     states.SNAPSHOT, states.RESTORING, 'Snapshot',
                     snapshot.id)
        quotas.consume(session, share.project_id, share.user_id,
                       share.instance.share_type_id, {'gigabytes': delta})


def _revert_move(session, model, where, table, target, resource,
                 resource_id):
    """Move the row ``where`` picks to ``target`` from a status ``table``
    allows it from; 409 when it is in none."""
    sources = states.sources(table, target)
    if not session.execute(
            sa.update(model).where(where, model.status.in_(sources))
            .values(status=target, updated_at=timeutils.utcnow())).rowcount:
        raise exception.InvalidStatusTransition(
            resource=resource, id=resource_id,
            current='not %s' % ' or '.join(sources),
            allowed=', '.join(sources))


def finish_revert(context, snapshot_id, succeeded):
    """Record the end of a revert: share and snapshot settle together."""
    now = timeutils.utcnow()
    with db_api.writer.using(context) as session:
        snapshot = session.get(Snapshot, snapshot_id)
        if snapshot is None:
            return False
        share = session.get(models.Share, snapshot.share_id)
        target = states.AVAILABLE if succeeded else states.REVERTING_ERROR
        moved = session.execute(
            sa.update(ShareInstance)
            .where(ShareInstance.share_id == share.id,
                   ShareInstance.status == states.REVERTING)
            .values(status=target, updated_at=now)).rowcount
        if moved and succeeded:
            share.size = snapshot.size
        elif moved:
            # The share keeps its size: what start_revert released or
            # charged goes back, whatever the limits say by now.
            quotas.consume(session, share.project_id, share.user_id,
                           share.instance.share_type_id,
                           {'gigabytes': share.size - snapshot.size},
                           force=True)
        session.execute(
            sa.update(Instance)
            .where(Instance.snapshot_id == snapshot_id,
                   Instance.status == states.RESTORING)
            .values(status=states.AVAILABLE, updated_at=now))
        return bool(moved)


# -- questions the API and the share manager ask ------------------------------

def count_for_share(context, share_id):
    with db_api.reader.using(context) as session:
        return session.scalar(sa.select(sa.func.count()).where(
            Snapshot.share_id == share_id))


def latest_for_share(context, share_id):
    """The newest snapshot of a share (what a revert may go back to)."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Snapshot).where(Snapshot.share_id == share_id)
            .order_by(Snapshot.created_at.desc(), Snapshot.id.desc())
            .limit(1)).unique().first()


def find_by_provider_location(context, share_id, provider_location):
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Snapshot).join(Snapshot.instance)
            .where(Snapshot.share_id == share_id,
                   Instance.provider_location == provider_location)
        ).unique().first()


def share_instance_host(context, share_instance_id):
    """host@backend#pool of the backend holding a snapshot."""
    with db_api.reader.using(context) as session:
        return session.scalar(sa.select(ShareInstance.host).where(
            ShareInstance.id == share_instance_id))


def snapshot_host(context, snapshot_id):
    """host@backend#pool of a snapshot, or None if it has none."""
    with db_api.reader.using(context) as session:
        return session.scalar(
            sa.select(ShareInstance.host)
            .join(Instance, Instance.share_instance_id == ShareInstance.id)
            .where(Instance.snapshot_id == snapshot_id))


# -- snapshot instances -------------------------------------------------------

def instance_get(context, instance_id):
    with db_api.reader.using(context) as session:
        instance = session.scalars(
            sa.select(Instance).where(Instance.id == instance_id)
            .options(orm.joinedload(Instance.snapshot))).first()
        if instance is None:
            raise exception.ShareSnapshotInstanceNotFound(
                instance_id=instance_id)
        return instance


def instance_get_all(context, snapshot_id=None):
    with db_api.reader.using(context) as session:
        query = (sa.select(Instance)
                 .options(orm.joinedload(Instance.snapshot))
                 .order_by(Instance.created_at.desc(), Instance.id))
        if snapshot_id:
            query = query.where(Instance.snapshot_id == snapshot_id)
        return session.scalars(query).all()


def export_locations(context, snapshot_id=None, instance_id=None):
    """Export locations of a snapshot's instances, or of one instance
    (2.32+), the ones for everybody first."""
    query = sa.select(ExportLocation).order_by(
        ExportLocation.is_admin_only, ExportLocation.path)
    if instance_id is not None:
        query = query.where(
            ExportLocation.share_snapshot_instance_id == instance_id)
    else:
        query = query.join(
            Instance, Instance.id == ExportLocation.share_snapshot_instance_id
        ).where(Instance.snapshot_id == snapshot_id)
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()


def instance_set_status(context, instance_id, status):
    with db_api.writer.using(context) as session:
        if not session.execute(
                sa.update(Instance).where(Instance.id == instance_id)
                .values(status=status,
                        updated_at=timeutils.utcnow())).rowcount:
            raise exception.ShareSnapshotInstanceNotFound(
                instance_id=instance_id)


def instances_on_host(context, host, statuses, updated_before=None):
    """Snapshot instances a share manager (``host@backend``) owns in the
    given statuses (last changed, or else created, before
    ``updated_before`` when given)."""
    query = (sa.select(Instance)
             .join(ShareInstance,
                   Instance.share_instance_id == ShareInstance.id)
             .where(db_api.on_host(ShareInstance.host, host),
                    Instance.status.in_(statuses))
             .options(orm.joinedload(Instance.snapshot)))
    if updated_before is not None:
        query = query.where(db_api.since_before(
            Instance.updated_at, Instance.created_at, updated_before))
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()
