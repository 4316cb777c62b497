"""Queries on share groups and the share types they hold (API process,
scheduler and share manager alike).

A group is charged to its project's ``share_groups`` quota when its row
is written and gives it back when the row goes, in the same transaction.
Status changes follow states.SHARE_GROUP as conditional UPDATEs.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import project_scope
from manila_lite.db import quotas
from manila_lite import exception
from manila_lite import states

Group = models.ShareGroup
Mapping = models.ShareGroupShareTypeMapping
_GROUPS = Group.__table__

# Columns a list may be sorted by; Manila's names.
SORT_KEYS = {
    'id': Group.id, 'name': Group.name, 'status': Group.status,
    'host': Group.host, 'created_at': Group.created_at,
    'project_id': Group.project_id,
    'availability_zone': Group.availability_zone,
    'share_group_type_id': Group.share_group_type_id,
    'share_network_id': Group.share_network_id,
}
# Exact-match filters of a list.
FILTERS = ('id', 'name', 'description', 'status', 'host',
           'availability_zone', 'share_group_type_id', 'share_network_id',
           'share_server_id', 'source_share_group_snapshot_id')


@db_api.retry_on_deadlock
def create(context, values, share_type_ids):
    """A new group in ``creating``, with its quota charge; 413 when the
    project has no room for another group."""
    group = Group(status=states.CREATING, project_id=context.project_id,
                  user_id=context.user_id, **values)
    group.share_type_mappings = [Mapping(share_type_id=type_id)
                                 for type_id in share_type_ids]
    with db_api.writer.using(context) as session:
        quotas.consume(session, group.project_id, group.user_id, None,
                       {'share_groups': 1})
        session.add(group)
    return get(context, group.id)


def get(context, group_id):
    """One group the caller may see (its project's; any for an
    administrator), or 404."""
    query = sa.select(Group).where(Group.id == group_id)
    if not context.is_admin:
        query = query.where(Group.project_id == context.project_id)
    with db_api.reader.using(context) as session:
        group = session.scalars(query).first()
    if group is None:
        raise exception.ShareGroupNotFound(share_group_id=group_id)
    return group


def get_all(context, filters, sort_key='created_at', sort_dir='desc',
            limit=None, offset=None):
    """Groups the caller may list; ``filters`` as the API parsed them
    (``all_tenants``, ``project_id``, FILTERS, ``name~``,
    ``description~``)."""
    query = project_scope.scoped(sa.select(Group), context, filters,
                                 Group.project_id)
    for key in FILTERS:
        if key in filters:
            query = query.where(getattr(Group, key) == filters[key])
    for key in ('name', 'description'):
        if key + '~' in filters:
            query = query.where(getattr(Group, key).ilike(
                '%' + filters[key + '~'] + '%'))
    column = SORT_KEYS[sort_key]
    query = query.order_by(
        column.desc() if sort_dir == 'desc' else column.asc(),
        Group.id.asc())
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()


@db_api.retry_on_deadlock
def update(context, group_id, values):
    """Change name or description; the group as it is now."""
    with db_api.writer.using(context) as session:
        session.execute(sa.update(Group).where(Group.id == group_id)
                        .values(updated_at=timeutils.utcnow(), **values))
    return get(context, group_id)


def transition(context, group_id, target, values=None, sources=None,
               force=False):
    """Move a group to ``target`` if its status allows it (``sources``,
    by default every status states.SHARE_GROUP allows it from);
    False when the group is gone or in another status."""
    sources = states.narrowed(states.SHARE_GROUP, target, sources, force)
    values = dict(values or {}, status=target, updated_at=timeutils.utcnow())
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(_GROUPS)
            .where(_GROUPS.c.id == group_id, _GROUPS.c.status.in_(sources))
            .values(**values)).rowcount == 1


@db_api.retry_on_deadlock
def set_status(context, group_id, status):
    """Set a status unconditionally (admin reset_status)."""
    with db_api.writer.using(context) as session:
        session.execute(sa.update(Group).where(Group.id == group_id)
                        .values(status=status, updated_at=timeutils.utcnow()))


def claim_host(context, group_id, host, availability_zone):
    """Record the scheduler's choice unless the group has one already
    (a repeated scheduling); False then."""
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(_GROUPS)
            .where(_GROUPS.c.id == group_id, _GROUPS.c.host.is_(None),
                   _GROUPS.c.status == states.CREATING)
            .values(host=host, updated_at=timeutils.utcnow(),
                    availability_zone=sa.func.coalesce(
                        _GROUPS.c.availability_zone, availability_zone))
        ).rowcount == 1


@db_api.retry_on_deadlock
def destroy(context, group_id):
    """Delete the group row, its mappings and its quota charge; False
    when it was gone already."""
    with db_api.writer.using(context) as session:
        group = session.scalars(sa.select(Group).where(
            Group.id == group_id).with_for_update()).first()
        if group is None:
            return False
        quotas.consume(session, group.project_id, group.user_id, None,
                       {'share_groups': -1})
        session.execute(sa.delete(Mapping).where(
            Mapping.share_group_id == group_id))
        session.execute(sa.delete(Group).where(Group.id == group_id))
        return True


def on_host(context, host, statuses):
    """Groups of backend ``host`` (host@backend) in ``statuses``."""
    with db_api.reader.using(context) as session:
        return session.scalars(sa.select(Group).where(
            Group.host == host, Group.status.in_(statuses))).all()
