"""Queries of the ensure shares run: the service flag and share batches.

The ``ensuring`` flag of a share service is set with a conditional UPDATE,
so two requests (or a request and a start-up run) cannot both start a run.
Shares are read a batch at a time by instance id; a batch moves from
``available`` to ``ensuring`` and back in short transactions of its own,
never across the driver call.
"""

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import states

Service = models.Service
Instance = models.ShareInstance
SHARE_BINARY = 'manila-share'


def _service(host):
    return sa.and_(Service.host == host, Service.binary == SHARE_BINARY)


@db_api.retry_on_deadlock
def start(context, host):
    """Mark the share service ``host`` (host@backend) ensuring.

    Returns False when it is already ensuring (or unknown). The backend
    info hash is forgotten: a run cut short is then done again at the
    next start-up.
    """
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Service)
            .where(_service(host),
                   sa.or_(Service.ensuring.is_(None),
                          Service.ensuring.is_(False)))
            .values(ensuring=True, backend_info_hash=None)
        ).rowcount == 1


@db_api.retry_on_deadlock
def finish(context, host, backend_info_hash=None):
    """The run ended: clear the flag, remember what backend it saw."""
    with db_api.writer.using(context) as session:
        session.execute(
            sa.update(Service).where(_service(host))
            .values(ensuring=False, backend_info_hash=backend_info_hash))


def backend_info_hash(context, host):
    with db_api.reader.using(context) as session:
        return session.scalar(sa.select(Service.backend_info_hash)
                              .where(_service(host)))


@db_api.retry_on_deadlock
def recover(context, host):
    """After a restart: no share of ``host`` left ensuring, and the
    service not ensuring. Returns how many shares were put back."""
    with db_api.writer.using(context) as session:
        moved = session.execute(
            sa.update(Instance)
            .where(db_api.on_host(Instance.host, host),
                   Instance.status == states.ENSURING)
            .values(status=states.AVAILABLE,
                    updated_at=timeutils.utcnow())).rowcount
        session.execute(sa.update(Service).where(_service(host))
                        .values(ensuring=False))
        return moved


def next_batch_ids(context, host, after_id, limit):
    """Ids of the next available share instances of ``host``."""
    with db_api.reader.using(context) as session:
        query = (sa.select(Instance.id)
                 .where(db_api.on_host(Instance.host, host),
                        Instance.status == states.AVAILABLE)
                 .order_by(Instance.id).limit(limit))
        if after_id is not None:
            query = query.where(Instance.id > after_id)
        return session.scalars(query).all()


@db_api.retry_on_deadlock
def mark_ensuring(context, ids):
    """available -> ensuring for those of ``ids`` still available."""
    with db_api.writer.using(context) as session:
        session.execute(
            sa.update(Instance)
            .where(Instance.id.in_(ids), Instance.status == states.AVAILABLE)
            .values(status=states.ENSURING, updated_at=timeutils.utcnow()))


def load(context, ids, status):
    """The instances of ``ids`` in ``status``, with what drivers get."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Instance)
            .where(Instance.id.in_(ids), Instance.status == status)
            .options(orm.joinedload(Instance.share))
            .order_by(Instance.id)).unique().all()


@db_api.retry_on_deadlock
def record_batch(context, locations, statuses, from_status):
    """Apply a batch's results in one transaction.

    ``locations``: {instance id: export locations} for instances whose
    locations changed; ``statuses``: {instance id: new status}. Only
    instances still in ``from_status`` are changed. Returns how many
    instances had their export locations replaced.
    """
    with db_api.writer.using(context) as session:
        by_status = {}
        for instance_id, status in statuses.items():
            by_status.setdefault(status, []).append(instance_id)
        if locations:
            still = set(session.scalars(sa.select(Instance.id).where(
                Instance.id.in_(list(locations)),
                Instance.status == from_status)))
            _replace_locations(session, {i: locations[i] for i in still})
        else:
            still = set()
        now = timeutils.utcnow()
        for status, ids in by_status.items():
            if status == from_status:
                continue
            session.execute(
                sa.update(Instance)
                .where(Instance.id.in_(ids), Instance.status == from_status)
                .values(status=status, updated_at=now))
        return len(still)


def _replace_locations(session, locations):
    """Replace the export locations of many instances: three statements
    whatever their number. Deletes only rows that exist (a DELETE matching
    nothing still takes gap locks on InnoDB)."""
    if not locations:
        return
    location = models.ExportLocation
    stale = session.scalars(sa.select(location.id).where(
        location.share_instance_id.in_(list(locations)))).all()
    if stale:
        session.execute(sa.delete(location).where(location.id.in_(stale)))
    now = timeutils.utcnow()
    rows = [dict(share_instance_id=instance_id, path=loc['path'],
                 is_admin_only=bool(loc.get('is_admin_only', False)),
                 preferred=bool(loc.get('preferred', False)),
                 uuid=models._uuid(), created_at=now)
            for instance_id, locs in locations.items() for loc in locs]
    if rows:
        session.execute(sa.insert(location), rows)
