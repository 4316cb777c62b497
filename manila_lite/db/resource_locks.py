"""Queries on resource locks (2.81): who vetoes what on which resource.

A lock names its resource by id only (a share or an access rule). The
questions the other APIs ask -- does anything veto deleting this share,
denying this rule, who hides which rule -- are one statement each, so a
delete or a list costs the same whatever the number of locks.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception

Lock = models.ResourceLock
Rule = models.ShareAccessRule

SHARE = 'share'
ACCESS_RULE = 'access_rule'
DELETE = 'delete'
SHOW = 'show'
# resource type -> the actions a lock may veto on it.
ACTIONS = {SHARE: (DELETE,), ACCESS_RULE: (DELETE, SHOW)}

SORT_KEYS = ('id', 'user_id', 'project_id', 'lock_context', 'resource_type',
             'resource_id', 'resource_action', 'lock_reason', 'created_at',
             'updated_at')
# Query parameters that are exact matches on a column of the same name.
EXACT_FILTERS = ('id', 'user_id', 'lock_context', 'resource_type',
                 'resource_id', 'resource_action', 'lock_reason')


def create(context, values):
    lock = Lock(**values)
    with db_api.writer.using(context) as session:
        session.add(lock)
    return lock


def get(context, lock_id):
    """A lock of the caller's project (any project's for admins), or
    404."""
    with db_api.reader.using(context) as session:
        lock = session.get(Lock, lock_id)
    if lock is None or not (context.is_admin or
                            lock.project_id == context.project_id):
        raise exception.ResourceLockNotFound(lock_id=lock_id)
    return lock


def get_all(context, filters, all_projects=False, limit=None, offset=None,
            sort_key='created_at', sort_dir='desc', with_count=False):
    """(locks, total or None) of the caller's project, or of every project
    (one with a ``project_id`` filter) when ``all_projects``.

    ``filters`` hold EXACT_FILTERS, ``lock_reason~`` (a substring) and
    ``created_since``/``created_before`` datetimes.
    """
    query = sa.select(Lock)
    if all_projects:
        if filters.get('project_id'):
            query = query.where(Lock.project_id == filters['project_id'])
    else:
        query = query.where(Lock.project_id == context.project_id)
    for key in EXACT_FILTERS:
        if key in filters:
            query = query.where(getattr(Lock, key) == filters[key])
    if filters.get('lock_reason~'):
        query = query.where(Lock.lock_reason.contains(
            filters['lock_reason~'], autoescape=True))
    if filters.get('created_since') is not None:
        query = query.where(Lock.created_at >= filters['created_since'])
    if filters.get('created_before') is not None:
        query = query.where(Lock.created_at <= filters['created_before'])
    column = getattr(Lock, sort_key)
    with db_api.reader.using(context) as session:
        count = None
        if with_count:
            count = session.scalar(
                sa.select(sa.func.count()).select_from(query.subquery()))
        query = query.order_by(
            column.desc() if sort_dir == 'desc' else column.asc(), Lock.id)
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return session.scalars(query).all(), count


@db_api.retry_on_deadlock
def update(context, lock_id, values):
    with db_api.writer.using(context) as session:
        session.execute(sa.update(Lock).where(Lock.id == lock_id).values(
            updated_at=timeutils.utcnow(), **values))
    return get(context, lock_id)


@db_api.retry_on_deadlock
def destroy(context, lock_id):
    with db_api.writer.using(context) as session:
        if not session.execute(
                sa.delete(Lock).where(Lock.id == lock_id)).rowcount:
            raise exception.ResourceLockNotFound(lock_id=lock_id)


def share_vetoes(context, share_id, action=DELETE):
    """Locks vetoing ``action`` on a share, in one statement: the share's
    own, and for a delete those on deleting any of its access rules (the
    rules would go with the share)."""
    clause = Lock.resource_id == share_id
    if action == DELETE:
        clause = sa.or_(clause, sa.and_(
            Lock.resource_type == ACCESS_RULE,
            Lock.resource_id.in_(
                sa.select(Rule.id).where(Rule.share_id == share_id))))
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Lock).where(Lock.resource_action == action, clause)
            .order_by(Lock.created_at, Lock.id)).all()


def locks_of(context, resource_ids, action):
    """{resource id: [its locks vetoing ``action``]}, in one statement."""
    found = {}
    if not resource_ids:
        return found
    with db_api.reader.using(context) as session:
        for lock in session.scalars(
                sa.select(Lock).where(
                    Lock.resource_id.in_(list(resource_ids)),
                    Lock.resource_action == action)
                .order_by(Lock.created_at, Lock.id)):
            found.setdefault(lock.resource_id, []).append(lock)
    return found


def rule_locks_of_share(context, share_id, action):
    """locks_of() for every rule of a share, without listing the rules
    first: {rule id: [locks]}."""
    found = {}
    with db_api.reader.using(context) as session:
        for lock in session.scalars(
                sa.select(Lock).where(
                    Lock.resource_action == action,
                    Lock.resource_type == ACCESS_RULE,
                    Lock.resource_id.in_(
                        sa.select(Rule.id)
                        .where(Rule.share_id == share_id)))
                .order_by(Lock.created_at, Lock.id)):
            found.setdefault(lock.resource_id, []).append(lock)
    return found


def delete_in(session, lock_ids):
    """Delete these locks inside the caller's transaction."""
    if lock_ids:
        session.execute(sa.delete(Lock).where(Lock.id.in_(list(lock_ids)))
                        .execution_options(synchronize_session=False))


def forget_rules(session, rule_ids):
    """Delete every lock of access rules about to go, inside the caller's
    transaction."""
    if rule_ids:
        session.execute(
            sa.delete(Lock).where(Lock.resource_id.in_(list(rule_ids)))
            .execution_options(synchronize_session=False))


def forget_share(session, share_id):
    """Delete the locks of a share about to go and of its access rules,
    inside the caller's transaction (before the rules are deleted)."""
    session.execute(
        sa.delete(Lock).where(sa.or_(
            Lock.resource_id == share_id,
            Lock.resource_id.in_(
                sa.select(Rule.id).where(Rule.share_id == share_id))))
        .execution_options(synchronize_session=False))
