"""Extend and shrink as the database records them.

Each step is one transaction changing the instance status, the share size
and the quota together. Starting a resize moves the instance to
extending or shrinking, from a status the state table allows, and
reserves the change of gigabytes (more for an extend, less for a shrink,
which is only held aside); the share manager then
commits that reservation in the transaction that records the new size, or
rolls it back in the one that records the failure. The reservation is
owned by the instance, so a restarted share manager finds it again and
knows the size the interrupted resize was heading for.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import quotas
from manila_lite import exception
from manila_lite import states

Share = models.Share
Instance = models.ShareInstance


def owner(instance_id):
    """Name under which a resize of the instance holds its reservation."""
    return 'resize:%s' % instance_id


def check_new_size(target, size, new_size):
    """400 unless ``new_size`` extends (or shrinks) a share of ``size``."""
    if target == states.EXTENDING and new_size <= size:
        raise exception.InvalidInput(
            reason='New size for extend must be greater than current size. '
                   '(current: %s, extended: %s).' % (size, new_size))
    if target == states.SHRINKING and not 0 < new_size < size:
        raise exception.InvalidInput(
            reason='New size for shrink must be less than current size and '
                   'greater than 0 (current: %s, new: %s)'
                   % (size, new_size))


@db_api.retry_on_deadlock
def start(context, share, target, new_size):
    """Move to ``target`` (extending or shrinking) from a status the
    state table allows it from, and reserve the quota.

    Returns the reservation ids, or None when the share is no longer in
    such a status. The size is checked again inside the transaction, so a
    resize that finished meanwhile cannot make this one wrong. Raises
    OverQuota (nothing written) when an extend does not fit the quota.
    """
    instance_id = share.instance.id
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id,
                   Instance.status.in_(
                       states.sources(states.SHARE_INSTANCE, target)))
            .values(status=target, updated_at=timeutils.utcnow())).rowcount
        if not moved:
            return None
        size = session.scalar(sa.select(Share.size)
                              .where(Share.id == share.id))
        check_new_size(target, size, new_size)
        if target == states.EXTENDING:
            quotas.check_per_share_size(session, share.project_id, new_size)
        return quotas.reserve_in(
            session, share.project_id, share.user_id,
            share.instance.share_type_id, {'gigabytes': new_size - size},
            owner=owner(instance_id))


@db_api.retry_on_deadlock
def finish(context, instance_id, source, new_size, reservations):
    """Record a resize the backend made: size, usage, ``available``.

    False (and nothing changed) when the instance left ``source`` while
    the driver worked, e.g. an administrator reset its status.
    """
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id, Instance.status == source)
            .values(status=states.AVAILABLE,
                    updated_at=timeutils.utcnow())).rowcount
        if not moved:
            return False
        share_id = session.scalar(sa.select(Instance.share_id)
                                  .where(Instance.id == instance_id))
        session.execute(sa.update(Share).where(Share.id == share_id)
                        .values(size=new_size, updated_at=timeutils.utcnow()))
        quotas.commit_in(session, reservations)
        return True


@db_api.retry_on_deadlock
def fail(context, instance_id, source, target, reservations,
         message=None):
    """Record a resize that did not happen; its reservation goes back.

    The reservation is given back even when the instance already left
    ``source``: the operation is over either way. ``message``: (project
    id, share id, action id, detail id) of a user message recorded with
    the move, when the instance moved.
    """
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id, Instance.status == source)
            .values(status=target, updated_at=timeutils.utcnow())).rowcount
        quotas.rollback_in(session, reservations)
        if moved and message:
            project_id, share_id, action_id, detail_id = message
            message_db.add_in(session, context, project_id, 'SHARE',
                              share_id, action_id, detail_id)
        return bool(moved)


def pending(context, project_id, instance_id):
    """(reservation ids, gigabytes delta) a resize of the instance holds;
    the delta is None when it holds nothing."""
    ids, deltas = quotas.owned(context, project_id, owner(instance_id))
    return ids, deltas.get('gigabytes')
