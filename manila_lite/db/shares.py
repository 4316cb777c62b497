"""Queries on shares, their instances and export locations."""

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite import exception
from manila_lite import states
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import quotas

Share = models.Share
Instance = models.ShareInstance

# API sort keys -> columns; keys on the instance sort through the join.
SORT_KEYS = {
    'id': Share.id, 'project_id': Share.project_id,
    'size': Share.size, 'share_proto': Share.share_proto,
    'name': Share.display_name, 'display_name': Share.display_name,
    'created_at': Share.created_at, 'updated_at': Share.updated_at,
    'user_id': Share.user_id, 'is_public': Share.is_public,
    'snapshot_id': Share.snapshot_id,
    'status': Instance.status, 'host': Instance.host,
    'availability_zone': Instance.availability_zone,
    'share_type_id': Instance.share_type_id,
    'share_network_id': Instance.share_network_id,
    'share_server_id': Instance.share_server_id,
}


def quota_deltas(size, sign=1):
    return {'shares': sign, 'gigabytes': sign * size}


@db_api.retry_on_deadlock
def create(context, share_values, instance_values, metadata=None):
    """Insert a share, its instance and metadata, and charge quota, at once.

    Raises OverQuota with nothing written when the project is over quota.
    """
    share = models.Share(**share_values)
    share.instance = models.ShareInstance(**instance_values)
    share.share_metadata = [models.ShareMetadata(key=k, value=v)
                            for k, v in (metadata or {}).items()]
    with db_api.writer.using(context) as session:
        quotas.check_per_share_size(session, share.project_id, share.size)
        quotas.consume(session, share.project_id, share.user_id,
                       instance_values.get('share_type_id'),
                       quota_deltas(share.size))
        session.add(share)
        share.instance.export_locations = []
    return share


def _visible(query, context, project_only=True):
    if context.is_admin and not project_only:
        return query
    return query.where(sa.or_(Share.project_id == context.project_id,
                              Share.is_public.is_(True)))


def get(context, share_id, project_only=True):
    """One share the caller may see, or 404."""
    with db_api.reader.using(context) as session:
        query = sa.select(Share).where(Share.id == share_id)
        if not context.is_admin:
            query = _visible(query, context)
        share = session.scalars(query).unique().first()
        if share is None:
            raise exception.ShareNotFound(share_id=share_id)
        return share


def get_all(context, filters, sort_keys, sort_dirs, limit=None, marker=None,
            offset=None, with_count=False, with_export_locations=True):
    """Shares matching ``filters`` (already validated by the API).

    Views from 2.9 on carry no export locations; they are then not loaded.
    """
    with db_api.reader.using(context) as session:
        eager = orm.contains_eager(Share.instance)
        if not with_export_locations:
            eager = eager.lazyload(Instance.export_locations)
        query = sa.select(Share).join(Share.instance).options(eager)
        if filters.pop('all_tenants', False) and context.is_admin:
            pass
        elif 'project_id' in filters and context.is_admin:
            query = query.where(Share.project_id == filters.pop('project_id'))
        else:
            filters.pop('project_id', None)
            query = query.where(sa.or_(
                Share.project_id == context.project_id,
                Share.is_public.is_(True)) if filters.pop('is_public', False)
                else Share.project_id == context.project_id)
        query = _apply_filters(query, filters)
        count = None
        if with_count:
            count = session.scalar(
                sa.select(sa.func.count()).select_from(query.subquery()))
        query = query.order_by(*[
            (SORT_KEYS[k].desc() if d == 'desc' else SORT_KEYS[k].asc())
            for k, d in zip(sort_keys, sort_dirs)] + [Share.id.asc()])
        if marker is not None:
            query = _after_marker(session, query, marker, sort_keys,
                                  sort_dirs)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        shares = session.scalars(query).unique().all()
    return shares, count


def _after_marker(session, query, marker, sort_keys, sort_dirs):
    """Keyset pagination: rows sorting strictly after the marker share."""
    marker_row = session.execute(
        sa.select(*[SORT_KEYS[k] for k in sort_keys], Share.id)
        .join(Share.instance).where(Share.id == marker)).first()
    if marker_row is None:
        raise exception.InvalidInput(reason='marker [%s] not found' % marker)
    columns = [SORT_KEYS[k] for k in sort_keys] + [Share.id]
    dirs = list(sort_dirs) + ['asc']
    clauses = []
    for i, (column, direction) in enumerate(zip(columns, dirs)):
        equal = [columns[j] == marker_row[j] for j in range(i)]
        value = marker_row[i]
        if value is None:
            # NULLs sort first ascending: only non-NULL rows come after.
            after = (column.is_not(None) if direction == 'asc'
                     else sa.false())
        elif direction == 'asc':
            after = column > value
        else:
            after = sa.or_(column < value, column.is_(None))
        clauses.append(sa.and_(*equal, after))
    return query.where(sa.or_(*clauses))


def _apply_filters(query, filters):
    exact = {
        'status': Instance.status, 'host': Instance.host,
        'share_type_id': Instance.share_type_id,
        'share_network_id': Instance.share_network_id,
        'share_server_id': Instance.share_server_id,
        'availability_zone': Instance.availability_zone,
        'snapshot_id': Share.snapshot_id, 'share_proto': Share.share_proto,
        'user_id': Share.user_id, 'size': Share.size,
        'display_name': Share.display_name,
        'display_description': Share.display_description,
        'id': Share.id,
    }
    for key, column in exact.items():
        if key in filters:
            value = filters[key]
            if key == 'host' and '#' not in value:
                query = query.where(sa.or_(column == value,
                                           column.like(value + '#%'),
                                           column.like(value + '@%')))
            elif key == 'share_proto':
                query = query.where(sa.func.upper(column) == value.upper())
            else:
                query = query.where(column == value)
    for key, column in (('display_name~', Share.display_name),
                        ('display_description~', Share.display_description)):
        if key in filters:
            query = query.where(column.ilike('%' + filters[key] + '%'))
    for key, value in (filters.get('metadata') or {}).items():
        query = query.where(Share.share_metadata.any(
            sa.and_(models.ShareMetadata.key == key,
                    models.ShareMetadata.value == value)))
    if 'export_location_id' in filters or 'export_location_path' in filters:
        location = models.ExportLocation
        conds = [location.share_instance_id == Instance.id]
        if 'export_location_id' in filters:
            conds.append(location.uuid == filters['export_location_id'])
        if 'export_location_path' in filters:
            conds.append(location.path == filters['export_location_path'])
        query = query.where(sa.exists().where(*conds))
    if 'share_type_ids' in filters:
        query = query.where(
            Instance.share_type_id.in_(filters['share_type_ids']))
    return query


@db_api.retry_on_deadlock
def update(context, share_id, values):
    with db_api.writer.using(context) as session:
        share = session.get(Share, share_id)
        if share is None:
            raise exception.ShareNotFound(share_id=share_id)
        for key, value in values.items():
            setattr(share, key, value)
        return share


@db_api.retry_on_deadlock
def transition(context, instance_id, target, values=None, sources=None):
    """Move an instance to ``target`` if its status allows it, atomically.

    ``sources`` defaults to every status the state table allows ``target``
    from. Returns False when the instance is gone or in another status.
    """
    if sources is None:
        sources = states.sources(states.SHARE_INSTANCE, target)
    values = dict(values or {}, status=target, updated_at=timeutils.utcnow())
    with db_api.writer.using(context) as session:
        result = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id, Instance.status.in_(sources))
            .values(**values))
        return result.rowcount == 1


@db_api.retry_on_deadlock
def set_status(context, instance_id, status):
    """Set a status unconditionally (admin reset_status)."""
    with db_api.writer.using(context) as session:
        session.execute(sa.update(Instance).where(Instance.id == instance_id)
                        .values(status=status, updated_at=timeutils.utcnow()))


@db_api.retry_on_deadlock
def finish_create(context, instance_id, export_locations, values=None):
    """Record a successful create: status, export locations, launch time."""
    values = dict(values or {}, launched_at=timeutils.utcnow(),
                  progress='100%')
    with db_api.writer.using(context) as session:
        updated = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id,
                   Instance.status == states.CREATING)
            .values(status=states.AVAILABLE, updated_at=timeutils.utcnow(),
                    **values)).rowcount
        if updated:
            _replace_export_locations(session, instance_id, export_locations)
        return bool(updated)


def _replace_export_locations(session, instance_id, export_locations):
    # Delete only what exists: a DELETE matching nothing still takes gap
    # locks on InnoDB, and concurrent first creates then deadlock.
    stale = session.scalars(sa.select(models.ExportLocation.id).where(
        models.ExportLocation.share_instance_id == instance_id)).all()
    if stale:
        session.execute(sa.delete(models.ExportLocation).where(
            models.ExportLocation.id.in_(stale)))
    rows = [dict(share_instance_id=instance_id, path=loc['path'],
                 is_admin_only=bool(loc.get('is_admin_only', False)),
                 preferred=bool(loc.get('preferred', False)),
                 uuid=models._uuid(), created_at=timeutils.utcnow())
            for loc in export_locations]
    if rows:
        session.execute(sa.insert(models.ExportLocation), rows)


@db_api.retry_on_deadlock
def destroy(context, share_id):
    """Delete a share and give its quota back, in one transaction.

    A share of size 0 never held quota: it was being managed and the
    backend never told its size (manage_starting, manage_error).
    """
    with db_api.writer.using(context) as session:
        share = session.get(Share, share_id)
        if share is None:
            return False
        if share.size:
            quotas.consume(session, share.project_id, share.user_id,
                           share.instance.share_type_id,
                           quota_deltas(share.size, sign=-1))
        session.delete(share)
        return True


def instance_get(context, instance_id):
    with db_api.reader.using(context) as session:
        instance = session.scalars(
            sa.select(Instance).where(Instance.id == instance_id)
            .options(orm.joinedload(Instance.share))).first()
        if instance is None:
            raise exception.ShareInstanceNotFound(
                share_instance_id=instance_id)
        return instance


def instances_on_host(context, host, statuses):
    """Instances a share manager owns in the given statuses.

    ``host`` is host@backend; instances carry host@backend#pool.
    """
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Instance)
            .where(sa.or_(Instance.host == host,
                          Instance.host.like(host + '#%')),
                   Instance.status.in_(statuses))
            .options(orm.joinedload(Instance.share))).all()


def export_locations(context, share_id, include_admin_only):
    share = get(context, share_id)
    return [loc for loc in share.instance.export_locations
            if include_admin_only or not loc.is_admin_only]


def share_type_in_use(context, share_type_id):
    with db_api.reader.using(context) as session:
        return session.scalar(sa.select(sa.exists().where(
            Instance.share_type_id == share_type_id)))


@db_api.retry_on_deadlock
def claim_host(context, instance_id, host, availability_zone):
    """Record the scheduler's choice unless the instance already has one.

    Returns False when another scheduling of the same instance got there
    first (a restarted scheduler rescheduling while the original request
    was still queued), so only one backend ever creates it.
    """
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id, Instance.host.is_(None))
            .values(host=host, scheduled_at=timeutils.utcnow(),
                    availability_zone=sa.func.coalesce(
                        Instance.availability_zone, availability_zone))
        ).rowcount == 1


def instances_without_host(context):
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Instance)
            .where(Instance.host.is_(None),
                   Instance.status == states.CREATING)
            .options(orm.joinedload(Instance.share))).all()
