"""Queries on shares, their instances and export locations."""

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite.db import resource_locks
from manila_lite.db import scheduler_hints
from manila_lite import exception
from manila_lite import states

Share = models.Share
Instance = models.ShareInstance
# Tables for the writes of every create and delete: Core statements on
# them skip the ORM's bulk-update bookkeeping, which costs more than the
# statement (no session here holds these rows to keep up to date).
_INSTANCES = Instance.__table__
_LOCATIONS = models.ExportLocation.__table__
_LOCATION_METADATA = models.ExportLocationMetadata.__table__

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
def create(context, share_values, instance_values, metadata=None,
           hint_shares=None):
    """Insert a share, its instance and metadata, and charge quota, at once.

    Raises OverQuota with nothing written when the project is over quota.
    The rows go in as Core INSERTs: the returned share is the caller's
    to read, not tracked by any session (the ORM's unit of work costs
    more than the statements here). ``hint_shares`` ({metadata key:
    [share ids]}): the shares the affinity hints name, which record the
    new share in the same transaction.
    """
    share = models.Share(**share_values)
    share.instance = models.ShareInstance(**instance_values)
    share.share_metadata = [models.ShareMetadata(key=k, value=v)
                            for k, v in (metadata or {}).items()]
    share.instance.export_locations = []
    with db_api.writer.using(context) as session:
        limits = quotas.check_per_share_size(session, share.project_id,
                                             share.size)
        quotas.consume(session, share.project_id, share.user_id,
                       instance_values.get('share_type_id'),
                       quota_deltas(share.size), limits=limits)
        db_api.insert(session, share)
        share.instance.share_id = share.id
        db_api.insert(session, share.instance)
        for item in share.share_metadata:
            item.share_id = share.id
        db_api.insert_many(session, share.share_metadata)
        if hint_shares:
            scheduler_hints.record(session, share.id, hint_shares)
    return share


def get(context, share_id, project_only=True, with_export_locations=True):
    """One share the caller may see, or 404; with ``project_only`` False,
    any share (the caller then checks a rule against its project).

    Without export locations (views from 2.9 on, deletes) they are not
    read; touching them afterwards raises rather than reading lazily.
    """
    return _get(context, share_id, with_export_locations,
                project_only and not context.is_admin)


def get_with_type_name(context, share_id, with_export_locations=True):
    """(share, {share_type_id: name}) for a view, in one transaction: the
    share as a read-only row, as lists give them (see get_all), its
    metadata joined in (one row per item) rather than read apart."""
    with db_api.reader.using(context) as session:
        conn = session.connection()
        result = conn.execute(_SHOW[not context.is_admin], {
            'share_id': share_id, 'project_id': context.project_id})
        keys = tuple(result.keys())[:-2]
        rows = result.all()
        if not rows:
            raise exception.ShareNotFound(share_id=share_id)
        share = ShareRow(keys, rows[0][:-2])
        share.metadata_dict = {row[-2]: row[-1] for row in rows
                               if row[-2] is not None}
        if with_export_locations:
            _add_export_locations(conn, [share])
    return share, type_names([share])


def type_names(shares):
    """{share_type_id: name} of listed shares, for their views."""
    return {s.share_type_id: s.share_type_name for s in shares
            if s.share_type_name is not None}


def _get_query(with_export_locations, visible_only):
    eager = orm.contains_eager(Share.instance)
    if not with_export_locations:
        eager = eager.lazyload(Instance.export_locations)
    # Metadata joined in: a statement fewer than its selectin load.
    query = sa.select(Share).join(Share.instance) \
        .options(eager, orm.joinedload(Share.share_metadata)) \
        .where(Share.id == sa.bindparam('share_id'))
    if visible_only:
        query = query.where(sa.or_(
            Share.project_id == sa.bindparam('project_id'),
            Share.is_public.is_(True)))
    return query


# (with export locations, visible only) -> the statement, built once.
_GET = {(locations, visible): _get_query(locations, visible)
        for locations in (True, False) for visible in (True, False)}


def _get(context, share_id, with_export_locations, visible_only):
    with db_api.reader.using(context) as session:
        query = _GET[bool(with_export_locations), visible_only]
        share = session.scalars(query, {
            'share_id': share_id, 'project_id': context.project_id}
        ).unique().first()
        if share is None:
            raise exception.ShareNotFound(share_id=share_id)
        return share


# What a list view shows of a share's instance and type, beside every
# column of the share itself.
_LIST_COLUMNS = tuple(Share.__table__.c) + (
    Instance.id.label('instance_id'), Instance.status, Instance.host,
    Instance.availability_zone, Instance.share_type_id,
    Instance.share_network_id, Instance.share_server_id,
    Instance.access_rules_status, Instance.progress,
    models.ShareType.name.label('share_type_name'))
# Rows per IN (...) of the follow-up reads, below every database's limit
# of bound parameters.
_CHUNK = 500


def get_all(context, filters, sort_keys, sort_dirs, limit=None, marker=None,
            offset=None, with_count=False, with_export_locations=True):
    """Shares matching ``filters`` (already validated by the API), as
    plain read-only rows with the attributes views read, in one
    transaction: shares with their instance and type name, then their
    metadata, then (before 2.9 only) their export locations.

    Lists skip the ORM: building and tracking mapped objects cost more
    than the rest of a 200-share list request together.
    """
    with db_api.reader.using(context) as session:
        query = _list_query()
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
        # Ties broken by id in the last key's direction: the index on
        # (project_id, created_at) holds the id too, so the default
        # newest-first page is read from it in order, not sorted.
        dialect = session.get_bind().dialect.name
        query = query.order_by(*[
            db_api.sort_term(SORT_KEYS[k], d, dialect)
            for k, d in zip(sort_keys, sort_dirs)] + [
            Share.id.desc() if _tie_direction(sort_dirs) == 'desc'
            else Share.id.asc()])
        if marker is not None:
            query = _after_marker(session, query, marker, sort_keys,
                                  sort_dirs)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        shares = _rows(session, query, with_export_locations)
    return shares, count


def _list_query():
    return _LIST_QUERY


# Built once: statements are immutable, each request adds its clauses to
# a copy.
_LIST_QUERY = sa.select(*_LIST_COLUMNS).select_from(Share) \
    .join(Share.instance).outerjoin(
        models.ShareType, models.ShareType.id == Instance.share_type_id)


def _show_query(visible_only):
    metadata = models.ShareMetadata.__table__
    query = _LIST_QUERY.add_columns(metadata.c.key, metadata.c.value) \
        .outerjoin(metadata, metadata.c.share_id == Share.id) \
        .where(Share.id == sa.bindparam('share_id'))
    if visible_only:
        query = query.where(sa.or_(
            Share.project_id == sa.bindparam('project_id'),
            Share.is_public.is_(True)))
    return query


# visible only (not an admin) -> the statement of a share's show.
_SHOW = {visible: _show_query(visible) for visible in (True, False)}


def _rows(session, query, with_export_locations):
    """ShareRows of ``query``, their metadata and maybe export locations.

    Core rows straight from the connection: no ORM loading on the way.
    """
    conn = session.connection()
    result = conn.execute(query)
    keys = tuple(result.keys())
    shares = [ShareRow(keys, row) for row in result.all()]
    if shares:
        _add_metadata(conn, shares)
        if with_export_locations:
            _add_export_locations(conn, shares)
    return shares


class ShareRow:
    """A listed share: its columns and its instance's as attributes, as
    the mapped Share offers them to views; not tracked by any session."""

    def __init__(self, keys, row):
        self.__dict__ = dict(zip(keys, row))
        self.metadata_dict = {}
        self.export_locations = ()


def _chunks(items):
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _add_metadata(conn, shares):
    by_id = {share.id: share.metadata_dict for share in shares}
    table = models.ShareMetadata.__table__
    for ids in _chunks(list(by_id)):
        for share_id, key, value in conn.execute(
                sa.select(table.c.share_id, table.c.key, table.c.value)
                .where(table.c.share_id.in_(ids))).all():
            by_id[share_id][key] = value


class _Location:
    __slots__ = ('path',)

    def __init__(self, path):
        self.path = path


def _add_export_locations(conn, shares):
    by_instance = {}
    for share in shares:
        share.export_locations = []
        by_instance[share.instance_id] = share.export_locations
    table = models.ExportLocation.__table__
    for ids in _chunks(list(by_instance)):
        for instance_id, path in conn.execute(
                sa.select(table.c.share_instance_id, table.c.path)
                .where(table.c.share_instance_id.in_(ids))
                .order_by(table.c.id)).all():
            by_instance[instance_id].append(_Location(path))


def _tie_direction(sort_dirs):
    return sort_dirs[-1] if sort_dirs else 'asc'


def _after_marker(session, query, marker, sort_keys, sort_dirs):
    """Keyset pagination: rows sorting strictly after the marker share."""
    marker_row = session.execute(
        sa.select(*[SORT_KEYS[k] for k in sort_keys], Share.id)
        .join(Share.instance).where(Share.id == marker)).first()
    if marker_row is None:
        raise exception.InvalidInput(reason='marker [%s] not found' % marker)
    columns = [SORT_KEYS[k] for k in sort_keys] + [Share.id]
    dirs = list(sort_dirs) + [_tie_direction(sort_dirs)]
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


def holding_location(filters):
    """Clause for instances holding the export location of the filters
    ``export_location_id`` and/or ``export_location_path``."""
    location = models.ExportLocation
    conds = [location.share_instance_id == Instance.id]
    if 'export_location_id' in filters:
        conds.append(location.uuid == filters['export_location_id'])
    if 'export_location_path' in filters:
        conds.append(location.path == filters['export_location_path'])
    return sa.exists().where(*conds)


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
        query = query.where(holding_location(filters))
    if 'share_type_ids' in filters:
        query = query.where(
            Instance.share_type_id.in_(filters['share_type_ids']))
    if filters.get('hidden_statuses'):
        query = query.where(
            Instance.status.not_in(filters['hidden_statuses']))
    # The recycle bin (2.69): its shares are listed only when asked for.
    in_bin = filters.get('is_soft_deleted', False)
    query = query.where(Share.is_soft_deleted.is_(True) if in_bin else
                        sa.func.coalesce(Share.is_soft_deleted,
                                         False).is_(False))
    for key in ('mount_point_name', 'encryption_key_ref'):
        if key in filters:
            query = query.where(getattr(Share, key) == filters[key])
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
def transition(context, instance_id, target, values=None, sources=None,
               message=None, force=False):
    """Move an instance to ``target`` if its status allows it, atomically.

    ``sources`` defaults to every status the state table allows ``target``
    from. Returns False when the instance is gone or in another status.
    ``message``: (project id, share id, action id, detail id) of a user
    message recorded with the move, in its transaction.
    """
    sources = states.narrowed(states.SHARE_INSTANCE, target, sources, force)
    values = dict(values or {}, status=target, updated_at=timeutils.utcnow())
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(_INSTANCES)
            .where(_INSTANCES.c.id == instance_id,
                   _INSTANCES.c.status.in_(sources))
            .values(**values)).rowcount == 1
        if moved and message:
            project_id, share_id, action_id, detail_id = message
            message_db.add_in(session, context, project_id, 'SHARE',
                              share_id, action_id, detail_id)
        return moved


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
            sa.update(_INSTANCES)
            .where(_INSTANCES.c.id == instance_id,
                   _INSTANCES.c.status == states.CREATING)
            .values(status=states.AVAILABLE, updated_at=timeutils.utcnow(),
                    **values)).rowcount
        if updated:
            _replace_export_locations(session, instance_id, export_locations)
        return bool(updated)


def _replace_export_locations(session, instance_id, export_locations):
    # Delete only what exists: a DELETE matching nothing still takes gap
    # locks on InnoDB, and concurrent first creates then deadlock.
    stale = session.scalars(sa.select(_LOCATIONS.c.id).where(
        _LOCATIONS.c.share_instance_id == instance_id)).all()
    if stale:
        session.execute(sa.delete(_LOCATIONS).where(
            _LOCATIONS.c.id.in_(stale)))
    rows = [dict(share_instance_id=instance_id, path=loc['path'],
                 is_admin_only=bool(loc.get('is_admin_only', False)),
                 preferred=bool(loc.get('preferred', False)),
                 uuid=models._uuid(), created_at=timeutils.utcnow())
            for loc in export_locations]
    if rows:
        session.execute(sa.insert(_LOCATIONS), rows)
    # What a driver says of a location (2.87 shows it); 'preferred' is a
    # column of its own. Only then the new rows' ids are read back.
    metadata = {row['uuid']: _location_metadata(loc)
                for row, loc in zip(rows, export_locations)}
    metadata = {uuid: items for uuid, items in metadata.items() if items}
    if metadata:
        ids = dict(session.execute(
            sa.select(_LOCATIONS.c.uuid, _LOCATIONS.c.id).where(
                _LOCATIONS.c.uuid.in_(list(metadata)))).all())
        session.execute(sa.insert(_LOCATION_METADATA), [
            dict(export_location_id=ids[uuid], key=key, value=value,
                 created_at=timeutils.utcnow())
            for uuid, items in metadata.items()
            for key, value in items.items()])


def _location_metadata(location):
    """A driver's metadata of one export location, as stored text."""
    return {str(key): str(value).lower() if isinstance(value, bool)
            else str(value)
            for key, value in (location.get('metadata') or {}).items()
            if key != 'preferred' and value is not None}


@db_api.retry_on_deadlock
def destroy(context, share_id):
    """Delete a share and give its quota back, in one transaction.

    A share of size 0 never held quota: it was being managed and the
    backend never told its size (manage_starting, manage_error).
    """
    with db_api.writer.using(context) as session:
        return _destroy(session, share_id)


def _destroy(session, share_id):
    """One DELETE: the database's ON DELETE CASCADE takes the instance,
    metadata, export locations and access rules with the share, where the
    ORM would first read each collection to delete it row by row."""
    share = session.execute(
        sa.select(Share.size, Share.project_id, Share.user_id,
                  Instance.share_type_id, Instance.status)
        .join(Share.instance).where(Share.id == share_id)).first()
    if share is None:
        return False
    # Deferred deletion gave the quota back when it started.
    if share.size and share.status not in states.DEFERRED_DELETION:
        quotas.consume(session, share.project_id, share.user_id,
                       share.share_type_id,
                       quota_deltas(share.size, sign=-1))
    # Locks name their resource without a foreign key: those of the
    # share and of its access rules go in the same transaction.
    resource_locks.forget_share(session, share_id)
    scheduler_hints.forget(session, share_id)
    session.execute(sa.delete(Share.__table__)
                    .where(Share.__table__.c.id == share_id))
    return True


@db_api.retry_on_deadlock
def start_delete(context, share_id, instance_id, target, sources=None,
                 destroy=False):
    """(snapshot count, done): the API's delete as one transaction.

    With no snapshots left, the instance moves to ``target`` (as
    ``transition``) or, with ``destroy``, the share goes at once (never
    placed on a backend). ``done`` is False when the instance was in a
    status the move does not start from; nothing changes when snapshots
    remain.
    """
    if sources is None:
        sources = states.sources(states.SHARE_INSTANCE, target)
    with db_api.writer.using(context) as session:
        count = session.scalar(sa.select(sa.func.count()).where(
            models.ShareSnapshot.share_id == share_id))
        if count:
            return count, False
        if destroy:
            return 0, _destroy(session, share_id)
        return 0, session.execute(
            sa.update(_INSTANCES)
            .where(_INSTANCES.c.id == instance_id,
                   _INSTANCES.c.status.in_(sources))
            .values(status=target, updated_at=timeutils.utcnow())
        ).rowcount == 1


# Built once, with a bound parameter: building the query and its
# loader options, and their cache key, cost as much as loading the row.
_INSTANCE_GET = (
    sa.select(Instance).where(Instance.id == sa.bindparam('instance_id'))
    .options(orm.joinedload(Instance.share)
             .joinedload(Share.share_metadata),
             orm.joinedload(Instance.export_locations)
             .lazyload(models.ExportLocation.el_metadata)))


def instance_get(context, instance_id):
    """The instance with its share, the share's metadata and its export
    locations, in one statement: the share managers read it once per
    operation, and each selectin load would be a statement more."""
    with db_api.reader.using(context) as session:
        instance = session.scalars(
            _INSTANCE_GET, {'instance_id': instance_id}).unique().first()
        if instance is None:
            raise exception.ShareInstanceNotFound(
                share_instance_id=instance_id)
        return instance


def instances_on_host(context, host, statuses, scheduled_before=None,
                      updated_before=None):
    """Instances a share manager owns in the given statuses (placed, or
    last changed, before the given times; never placed or changed counts
    as at creation).

    ``host`` is host@backend; instances carry host@backend#pool.
    """
    query = (sa.select(Instance)
             .where(db_api.on_host(Instance.host, host),
                    Instance.status.in_(statuses))
             .options(orm.joinedload(Instance.share)))
    if scheduled_before is not None:
        query = query.where(db_api.since_before(
            Instance.scheduled_at, Instance.created_at, scheduled_before))
    if updated_before is not None:
        query = query.where(db_api.since_before(
            Instance.updated_at, Instance.created_at, updated_before))
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()


def export_locations(context, share_id, include_admin_only):
    share = get(context, share_id)
    return [loc for loc in share.instance.export_locations
            if include_admin_only or not loc.is_admin_only]


@db_api.retry_on_deadlock
def claim_host(context, instance_id, host, availability_zone):
    """Record the scheduler's choice unless the instance already has one.

    Returns False when another scheduling of the same instance got there
    first (a restarted scheduler rescheduling while the original request
    was still queued), so only one backend ever creates it.
    """
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(_INSTANCES)
            .where(_INSTANCES.c.id == instance_id,
                   _INSTANCES.c.host.is_(None))
            .values(host=host, scheduled_at=timeutils.utcnow(),
                    availability_zone=sa.func.coalesce(
                        _INSTANCES.c.availability_zone, availability_zone))
        ).rowcount == 1


def instances_without_host(context, created_before=None):
    """Instances creating that no scheduler placed (created before
    ``created_before`` when given)."""
    query = (sa.select(Instance)
             .where(Instance.host.is_(None),
                    Instance.status == states.CREATING)
             .options(orm.joinedload(Instance.share)))
    if created_before is not None:
        query = query.where(Instance.created_at < created_before)
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()
