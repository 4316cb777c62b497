"""Quota limits and usage, kept in step with the rows they count.

Usage is tracked at three scopes: the project, each user in it and each
share type in it. A change to usage is always made in the same database
transaction as the change to the resource it counts (inserting a share,
deleting it), so usage cannot drift from what exists: a failed request
rolls both back together.
"""

import sqlalchemy as sa

from manila_lite import conf
from manila_lite import exception
from manila_lite.conf import quota as quota_conf
from manila_lite.db import api as db_api
from manila_lite.db import models

CONF = conf.CONF
RESOURCES = tuple(quota_conf.RESOURCES)
UNLIMITED = -1


def defaults():
    return {name: CONF.quota[name] for name in RESOURCES}


def _scopes(project_id, user_id, share_type_id):
    """(user_id, share_type_id) keys of the usage rows one change touches."""
    scopes = [('', '')]
    if user_id:
        scopes.append((user_id, ''))
    if share_type_id:
        scopes.append(('', share_type_id))
    return scopes


def _limits(session, project_id):
    """All limits of a project: {(user, type): {resource: limit}}."""
    rows = session.execute(
        sa.select(models.Quota.user_id, models.Quota.share_type_id,
                  models.Quota.resource, models.Quota.hard_limit)
        .where(models.Quota.project_id == project_id)).all()
    limits = {}
    for user_id, type_id, resource, hard_limit in rows:
        limits.setdefault((user_id, type_id), {})[resource] = hard_limit
    return limits


def effective_limits(session, project_id, user_id='', share_type_id=''):
    """Limits that apply at one scope: its own, else the project's.

    The project scope falls back to the configured defaults; a user or share
    type scope with no quota of its own is bounded by the project only.
    """
    limits = _limits(session, project_id)
    project = dict(defaults(), **limits.get(('', ''), {}))
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
    for user_id, type_id in scopes:
        for resource in resources:
            if (user_id, type_id, resource) not in rows:
                usage = models.QuotaUsage(
                    project_id=project_id, user_id=user_id,
                    share_type_id=type_id, resource=resource, in_use=0,
                    reserved=0)
                session.add(usage)
                rows[(user_id, type_id, resource)] = usage
    return rows


def consume(session, project_id, user_id, share_type_id, deltas):
    """Add ``deltas`` to usage in the caller's transaction.

    Positive deltas are checked against every scope that has a limit and
    raise 413 naming the first resource over quota; negative deltas (a
    release) are never refused and never take usage below zero.
    """
    deltas = {r: d for r, d in deltas.items() if d}
    if not deltas:
        return
    scopes = _scopes(project_id, user_id, share_type_id)
    rows = _usage_rows(session, project_id, scopes, list(deltas))
    if any(d > 0 for d in deltas.values()):
        limits = _limits(session, project_id)
        project_limits = dict(defaults(), **limits.get(('', ''), {}))
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
    for usage in rows.values():
        delta = deltas[usage.resource]
        usage.in_use = max(0, (usage.in_use or 0) + delta)


def check_per_share_size(session, project_id, size):
    limit = effective_limits(session, project_id)['per_share_gigabytes']
    if limit != UNLIMITED and size > limit:
        raise exception.OverQuota(resource='per_share_gigabytes',
                                  requested=size, in_use=0, limit=limit)


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
