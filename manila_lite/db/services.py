"""Queries on services (daemon registrations and heartbeats) and zones."""

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception

Service = models.Service


def register(context, host, binary, topic, availability_zone):
    """Create or refresh the row of a starting service; return its id."""
    _ensure_zone(context, availability_zone)
    with db_api.writer.using(context) as session:
        service = session.scalars(sa.select(Service).where(
            Service.host == host, Service.binary == binary)).first()
        if service is None:
            service = Service(host=host, binary=binary, topic=topic,
                              report_count=0)
            session.add(service)
        service.availability_zone = availability_zone
        service.topic = topic
        service.heartbeat_at = timeutils.utcnow()
        session.flush()
        return service.id


def _ensure_zone(context, name):
    """Create the zone unless it exists, in a transaction of its own:
    services starting together (scheduler and share on a new database)
    may both try, and the one that loses must not fail its start-up."""
    try:
        with db_api.writer.using(context) as session:
            if session.scalar(sa.select(models.AvailabilityZone.id).where(
                    models.AvailabilityZone.name == name)) is None:
                session.add(models.AvailabilityZone(name=name))
    except db_exc.DBDuplicateEntry:
        pass


def heartbeat(context, service_id):
    with db_api.writer.using(context) as session:
        session.execute(sa.update(Service).where(Service.id == service_id)
                        .values(heartbeat_at=timeutils.utcnow(),
                                report_count=Service.report_count + 1))


def get_all(context, filters=None):
    filters = filters or {}
    with db_api.reader.using(context) as session:
        query = sa.select(Service).order_by(Service.id)
        for key in ('host', 'binary', 'topic'):
            if key in filters:
                query = query.where(getattr(Service, key) == filters[key])
        if 'zone' in filters:
            query = query.where(
                Service.availability_zone == filters['zone'])
        if 'disabled' in filters:
            query = query.where(Service.disabled.is_(filters['disabled']))
        if filters.get('ensuring'):
            query = query.where(Service.ensuring.is_(True))
        elif 'ensuring' in filters:
            query = query.where(sa.or_(Service.ensuring.is_(None),
                                       Service.ensuring.is_(False)))
        return session.scalars(query).all()


def get_by_host_binary(context, host, binary):
    with db_api.reader.using(context) as session:
        service = session.scalars(sa.select(Service).where(
            Service.host == host, Service.binary == binary)).first()
        if service is None:
            raise exception.ServiceNotFound(service_id='%s/%s'
                                            % (host, binary))
        return service


def set_disabled(context, host, binary, disabled, reason=None):
    with db_api.writer.using(context) as session:
        service = session.scalars(sa.select(Service).where(
            Service.host == host, Service.binary == binary)).first()
        if service is None:
            raise exception.ServiceNotFound(service_id='%s/%s'
                                            % (host, binary))
        service.disabled = disabled
        service.disabled_reason = reason if disabled else None
        session.flush()
        return service


def is_up(service, down_time):
    last = service.heartbeat_at or service.updated_at or service.created_at
    return (timeutils.utcnow() - last).total_seconds() <= down_time


def zones(context):
    with db_api.reader.using(context) as session:
        return session.scalars(sa.select(models.AvailabilityZone)
                               .order_by(models.AvailabilityZone.name)).all()
