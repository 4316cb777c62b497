"""Quota limits and usage, kept in step with the rows they count.

Usage is tracked at three scopes: the project, each user in it and each
share type in it. A change to usage is always made in the same database
transaction as the change to the resource it counts (inserting a share,
deleting it), so usage cannot drift from what exists: a failed request
rolls both back together.
"""

import datetime
import uuid

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from manila_lite import conf
from manila_lite.conf import quota as quota_conf
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception

CONF = conf.CONF
RESOURCES = tuple(quota_conf.RESOURCES)
UNLIMITED = -1


# The quota class whose limits are every project's defaults.
DEFAULT_CLASS = 'default'


def _configured():
    """The defaults of the [quota] options."""
    return {name: CONF.quota[name] for name in RESOURCES}


def class_limits(context, class_name):
    """Every limit of a quota class: its own rows, else the configured
    defaults."""
    with db_api.reader.using(context) as session:
        rows = session.execute(
            sa.select(models.QuotaClass.resource,
                      models.QuotaClass.hard_limit)
            .where(models.QuotaClass.class_name == class_name)).all()
    limits = _configured()
    limits.update((resource, limit) for resource, limit in rows
                  if resource in limits)
    return limits


def defaults(context):
    """The defaults of every project's quotas (class ``default``)."""
    return class_limits(context, DEFAULT_CLASS)


def set_class_limits(context, class_name, values):
    """Set hard limits of a quota class, {resource: limit}."""
    with db_api.writer.using(context) as session:
        existing = {q.resource: q for q in session.scalars(
            sa.select(models.QuotaClass).where(
                models.QuotaClass.class_name == class_name))}
        for resource, limit in values.items():
            if resource in existing:
                existing[resource].hard_limit = limit
            else:
                session.add(models.QuotaClass(
                    class_name=class_name, resource=resource,
                    hard_limit=limit))


def _scopes(project_id, user_id, share_type_id):
    """(user_id, share_type_id) keys of the usage rows one change touches."""
    scopes = [('', '')]
    if user_id:
        scopes.append((user_id, ''))
    if share_type_id:
        scopes.append(('', share_type_id))
    return scopes


def _limits(session, project_id):
    """All limits of a project: {(user, type): {resource: limit}}.

    The project scope ('', '') holds every resource: the project's own
    limit, else the ``default`` quota class's, else the configured
    default. One statement (on the path of every share create): the
    class rows come in the same result, their user column NULL where a
    project's rows have ''.
    """
    own = (sa.select(models.Quota.user_id, models.Quota.share_type_id,
                     models.Quota.resource, models.Quota.hard_limit)
           .where(models.Quota.project_id == project_id))
    by_class = (sa.select(sa.null(), sa.null(), models.QuotaClass.resource,
                          models.QuotaClass.hard_limit)
                .where(models.QuotaClass.class_name == DEFAULT_CLASS))
    limits = {}
    project = _configured()
    for user_id, type_id, resource, hard_limit in session.execute(
            sa.union_all(own, by_class)).all():
        if user_id is None:
            if resource in project:
                project[resource] = hard_limit
        else:
            limits.setdefault((user_id, type_id), {})[resource] = hard_limit
    project.update(limits.get(('', ''), {}))
    limits[('', '')] = project
    return limits


def effective_limits(session, project_id, user_id='', share_type_id=''):
    """Limits that apply at one scope: its own, else the project's.

    The project scope falls back to the defaults (quota class ``default``,
    then the configuration); a user or share type scope with no quota of
    its own is bounded by the project only.
    """
    limits = _limits(session, project_id)
    project = limits[('', '')]
    if not user_id and not share_type_id:
        return project
    return dict(project, **limits.get((user_id, share_type_id), {}))


def _usage_rows(session, project_id, scopes, resources):
    query = (sa.select(models.QuotaUsage)
             .where(models.QuotaUsage.project_id == project_id,
                    models.QuotaUsage.resource.in_(resources),
                    sa.tuple_(models.QuotaUsage.user_id,
                              models.QuotaUsage.share_type_id).in_(scopes))
             .with_for_update())
    rows = {(u.user_id, u.share_type_id, u.resource): u
            for u in session.scalars(query)}
    if len(rows) < len(scopes) * len(resources):
        _add_missing(session, project_id, [
            key for key in _keys(scopes, resources) if key not in rows])
        rows = {(u.user_id, u.share_type_id, u.resource): u
                for u in session.scalars(
                    query.execution_options(populate_existing=True))}
    return rows


def _keys(scopes, resources):
    return [scope + (resource,) for scope in scopes
            for resource in resources]


def _add_missing(session, project_id, keys):
    """Insert zero usage rows for ``keys`` unless they exist, and lock them.

    Two transactions charging the first share of a project (or user,
    or share type) both find no row; a plain INSERT then makes the one
    that commits second fail on the unique key. Here the second waits
    for the first and inserts nothing. On MariaDB/MySQL, ON DUPLICATE
    KEY UPDATE locks the existing row exclusively as it finds it (INSERT
    IGNORE would take a shared lock, and two such transactions asking
    for FOR UPDATE next would deadlock). Rows go in in one order
    whatever the caller's. Inserts of neighbouring keys at once may
    still deadlock on MariaDB's gap locks: the database then rolls one
    transaction back, which its caller runs again (retry_on_deadlock).
    The caller reads the rows again, FOR UPDATE, for what they hold.
    """
    values = [{'project_id': project_id, 'user_id': user,
               'share_type_id': type_id, 'resource': resource,
               'in_use': 0, 'reserved': 0}
              for user, type_id, resource in sorted(keys)]
    dialect = session.get_bind().dialect.name
    if dialect == 'mysql':
        statement = mysql.insert(_USAGE).values(values)
        statement = statement.on_duplicate_key_update(
            in_use=_USAGE.c.in_use)
    elif dialect == 'postgresql':
        statement = (postgresql.insert(_USAGE).values(values)
                     .on_conflict_do_nothing())
    elif dialect == 'sqlite':
        statement = (sqlite.insert(_USAGE).values(values)
                     .on_conflict_do_nothing())
    else:
        statement = sa.insert(_USAGE).values(values)
    session.execute(statement)


def _check_limits(session, project_id, scopes, rows, deltas, limits=None):
    """Raise 413 naming the first resource a positive delta takes over a
    limit at some scope; what is reserved counts as held. ``limits``: the
    project's, read earlier in the same transaction."""
    if not any(d > 0 for d in deltas.values()):
        return
    if limits is None:
        limits = _limits(session, project_id)
    project_limits = limits[('', '')]
    for scope in scopes:
        scope_limits = (project_limits if scope == ('', '')
                        else limits.get(scope, {}))
        for resource, delta in deltas.items():
            limit = scope_limits.get(resource, UNLIMITED)
            if delta <= 0 or limit == UNLIMITED:
                continue
            usage = rows[scope + (resource,)]
            held = (usage.in_use or 0) + (usage.reserved or 0)
            if held + delta > limit:
                raise exception.OverQuota(
                    resource=resource, requested=delta, in_use=held,
                    limit=limit)


class _Held:
    """A usage row as consume() reads it, without ORM bookkeeping."""

    __slots__ = ('id', 'in_use', 'reserved')

    def __init__(self, usage_id, in_use, reserved):
        self.id = usage_id
        self.in_use = in_use or 0
        self.reserved = reserved or 0


_USAGE = models.QuotaUsage.__table__


def consume(session, project_id, user_id, share_type_id, deltas,
            force=False, limits=None):
    """Add ``deltas`` to usage in the caller's transaction.

    Positive deltas are checked against every scope that has a limit and
    raise 413 naming the first resource over quota; negative deltas (a
    release) are never refused and never take usage below zero. ``force``
    counts what already exists on a backend (a managed resource) whatever
    the limits say. ``limits``: what check_per_share_size returned in
    the same transaction, not to read them twice. On every share create
    and delete, so in Core: one locking read, then at most one UPDATE
    (an executemany); the first charge of a new project, user or
    share type adds its rows first (_add_missing) and reads them again.
    """
    deltas = {r: d for r, d in deltas.items() if d}
    if not deltas:
        return
    scopes = _scopes(project_id, user_id, share_type_id)
    query = (sa.select(_USAGE.c.id, _USAGE.c.user_id,
                       _USAGE.c.share_type_id, _USAGE.c.resource,
                       _USAGE.c.in_use, _USAGE.c.reserved)
             .where(_USAGE.c.project_id == project_id,
                    _USAGE.c.resource.in_(list(deltas)),
                    sa.tuple_(_USAGE.c.user_id,
                              _USAGE.c.share_type_id).in_(scopes))
             .with_for_update())
    rows = {(u, t, r): _Held(i, in_use, reserved)
            for i, u, t, r, in_use, reserved in session.execute(query)}
    if len(rows) < len(scopes) * len(deltas):
        # The first charge of a new project, user or share type.
        _add_missing(session, project_id, [
            key for key in _keys(scopes, deltas) if key not in rows])
        rows = {(u, t, r): _Held(i, in_use, reserved)
                for i, u, t, r, in_use, reserved in session.execute(query)}
    if not force:
        _check_limits(session, project_id, scopes, rows, deltas, limits)
    changed = []
    for (user, type_id, resource), usage in rows.items():
        in_use = max(0, usage.in_use + deltas[resource])
        if in_use != usage.in_use:
            changed.append({'b_id': usage.id, 'b_in_use': in_use})
    if changed:
        session.execute(
            sa.update(_USAGE).where(_USAGE.c.id == sa.bindparam('b_id'))
            .values(in_use=sa.bindparam('b_in_use'),
                    updated_at=timeutils.utcnow()), changed)


def check_per_share_size(session, project_id, size):
    """Raise 413 when one share of ``size`` is over the project's
    per-share limit; the project's limits otherwise, for consume."""
    limits = _limits(session, project_id)
    limit = limits[('', '')]['per_share_gigabytes']
    if limit != UNLIMITED and size > limit:
        raise exception.OverQuota(resource='per_share_gigabytes',
                                  requested=size, in_use=0, limit=limit)
    return limits


def usages(context, project_id, user_id='', share_type_id=''):
    """{resource: {'in_use': n, 'reserved': n}} at one scope."""
    with db_api.reader.using(context) as session:
        rows = session.scalars(
            sa.select(models.QuotaUsage)
            .where(models.QuotaUsage.project_id == project_id,
                   models.QuotaUsage.user_id == (user_id or ''),
                   models.QuotaUsage.share_type_id == (share_type_id or '')))
        found = {u.resource: {'in_use': u.in_use, 'reserved': u.reserved}
                 for u in rows}
    return {r: found.get(r, {'in_use': 0, 'reserved': 0}) for r in RESOURCES}


def get_limits(context, project_id, user_id='', share_type_id=''):
    with db_api.reader.using(context) as session:
        return effective_limits(session, project_id, user_id or '',
                                share_type_id or '')


def set_limits(context, project_id, values, user_id='', share_type_id='',
               force=False):
    """Set hard limits; without ``force`` refuse limits below usage."""
    with db_api.writer.using(context) as session:
        if not force:
            held = usages(context, project_id, user_id, share_type_id)
            for resource, limit in values.items():
                used = held[resource]['in_use'] + held[resource]['reserved']
                if limit != UNLIMITED and limit < used:
                    raise exception.InvalidInput(
                        reason='Quota value %(limit)s for %(res)s is smaller '
                               'than already used and reserved %(used)s.'
                               % {'limit': limit, 'res': resource,
                                  'used': used})
        existing = {q.resource: q for q in session.scalars(
            sa.select(models.Quota).where(
                models.Quota.project_id == project_id,
                models.Quota.user_id == (user_id or ''),
                models.Quota.share_type_id == (share_type_id or '')))}
        for resource, limit in values.items():
            if resource in existing:
                existing[resource].hard_limit = limit
            else:
                session.add(models.Quota(
                    project_id=project_id, user_id=user_id or '',
                    share_type_id=share_type_id or '', resource=resource,
                    hard_limit=limit))


def delete_limits(context, project_id, user_id='', share_type_id=''):
    """Drop the limits of a scope so it falls back to the defaults."""
    with db_api.writer.using(context) as session:
        session.execute(sa.delete(models.Quota).where(
            models.Quota.project_id == project_id,
            models.Quota.user_id == (user_id or ''),
            models.Quota.share_type_id == (share_type_id or '')))


# -- two-phase changes: reserve now, commit or roll back when done ----------
#
# An operation whose outcome is known only later (extending a share on its
# backend) reserves its deltas with the request: positive deltas count as
# ``reserved`` at once, so two requests cannot both take the last room, and
# are checked against the limits like consume(). commit_in() moves them
# to ``in_use`` -- in the transaction recording the outcome -- and
# rollback_in() (or rollback()) gives them back. Negative deltas are only
# held aside until commit.

# Ids of reservations made for an ``owner`` are derived from it, so a
# restarted service can find what an interrupted operation still holds.
_OWNER_NAMESPACE = uuid.UUID('5d0b6a8e-6c1f-4a5e-9f0e-3b8f4c1d2e7a')


def _owned_id(owner, usage_id):
    return str(uuid.uuid5(_OWNER_NAMESPACE, '%s/%s' % (owner, usage_id)))


def _expire_at(expire):
    if isinstance(expire, datetime.datetime):
        return expire
    seconds = CONF.quota.reservation_expire if expire is None else expire
    return timeutils.utcnow() + datetime.timedelta(seconds=seconds)


def reserve_in(session, project_id, user_id, share_type_id, deltas,
               expire=None, owner=None):
    """Reserve ``deltas`` in the caller's transaction; return the ids.

    ``expire``: seconds (default [quota] reservation_expire) or a
    datetime, after which expire_reservations() rolls them back.
    ``owner`` names the operation (one at a time per owner); what the
    owner still held from an earlier, interrupted run is rolled back first.
    """
    deltas = {r: d for r, d in deltas.items() if d}
    if not deltas:
        return []
    scopes = _scopes(project_id, user_id, share_type_id)
    rows = _usage_rows(session, project_id, scopes, list(deltas))
    session.flush()  # usage rows created just now need their ids
    if owner:
        _release(session, [_owned_id(owner, u.id) for u in rows.values()],
                 commit=False)
    _check_limits(session, project_id, scopes, rows, deltas)
    expire_at = _expire_at(expire)
    ids = []
    for usage in rows.values():
        delta = deltas[usage.resource]
        reservation_id = (_owned_id(owner, usage.id) if owner
                          else uuidutils.generate_uuid())
        session.add(models.Reservation(id=reservation_id, usage_id=usage.id,
                                       delta=delta, expire=expire_at))
        if delta > 0:
            usage.reserved = (usage.reserved or 0) + delta
        ids.append(reservation_id)
    session.flush()
    return ids


def _release(session, reservation_ids, commit):
    """Drop reservations, applying them to in_use when ``commit``."""
    if not reservation_ids:
        return 0
    found = session.execute(
        sa.select(models.Reservation, models.QuotaUsage)
        .join(models.QuotaUsage,
              models.Reservation.usage_id == models.QuotaUsage.id)
        .where(models.Reservation.id.in_(list(reservation_ids)))
        .order_by(models.QuotaUsage.id)
        .with_for_update()).all()
    for reservation, usage in found:
        if reservation.delta > 0:
            usage.reserved = max(0, (usage.reserved or 0) - reservation.delta)
        if commit:
            usage.in_use = max(0, (usage.in_use or 0) + reservation.delta)
        session.delete(reservation)
    session.flush()
    return len(found)


def commit_in(session, reservation_ids):
    """Apply reservations to in_use in the caller's transaction.

    Ids already committed, rolled back or expired are ignored, so a
    repeated commit changes nothing. Returns how many were applied.
    """
    return _release(session, reservation_ids, commit=True)


def rollback_in(session, reservation_ids):
    """Give reservations back in the caller's transaction."""
    return _release(session, reservation_ids, commit=False)


@db_api.retry_on_deadlock
def rollback(context, reservation_ids):
    with db_api.writer.using(context) as session:
        return rollback_in(session, reservation_ids)


def owned(context, project_id, owner):
    """(ids, {resource: delta}) that ``owner`` still holds in a project.

    The deltas are those of the project scope, i.e. the operation's own.
    """
    with db_api.reader.using(context) as session:
        usages = {u.id: u for u in session.scalars(
            sa.select(models.QuotaUsage)
            .where(models.QuotaUsage.project_id == project_id))}
        candidates = {_owned_id(owner, usage_id): usage_id
                      for usage_id in usages}
        found = session.scalars(sa.select(models.Reservation).where(
            models.Reservation.id.in_(list(candidates)))).all()
    deltas = {}
    for reservation in found:
        usage = usages[reservation.usage_id]
        if (usage.user_id, usage.share_type_id) == ('', ''):
            deltas[usage.resource] = reservation.delta
    return [r.id for r in found], deltas


@db_api.retry_on_deadlock
def expire_reservations(context):
    """Roll back reservations whose operation never finished in time."""
    with db_api.writer.using(context) as session:
        ids = session.scalars(sa.select(models.Reservation.id).where(
            models.Reservation.expire < timeutils.utcnow())).all()
        return _release(session, ids, commit=False)
