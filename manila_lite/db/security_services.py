"""Queries on security services (LDAP, Kerberos, Active Directory)."""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import project_scope
from manila_lite import exception

Service = models.SecurityService
TYPES = ('ldap', 'kerberos', 'active_directory')
FILTERS = ('name', 'type', 'status', 'dns_ip', 'ou', 'server', 'domain',
           'user', 'default_ad_site', 'description')


@db_api.retry_on_deadlock
def create(context, values):
    service = Service(status='new', **values)
    with db_api.writer.using(context) as session:
        session.add(service)
    return get(context, service.id)


def get(context, service_id):
    with db_api.reader.using(context) as session:
        query = sa.select(Service).where(Service.id == service_id)
        if not context.is_admin:
            query = query.where(Service.project_id == context.project_id)
        service = session.scalars(query).first()
        if service is None:
            raise exception.SecurityServiceNotFound(
                security_service_id=service_id)
        return service


def get_all(context, filters):
    with db_api.reader.using(context) as session:
        query = sa.select(Service)
        query = project_scope.scoped(query, context, filters,
                                     Service.project_id)
        for key in FILTERS:
            if key in filters:
                query = query.where(getattr(Service, key) == filters[key])
        if 'share_network_id' in filters:
            link = models.ShareNetworkSecurityService
            query = query.where(sa.exists().where(
                link.security_service_id == Service.id,
                link.share_network_id == filters['share_network_id']))
        return session.scalars(query.order_by(Service.created_at.desc(),
                                              Service.id)).all()


@db_api.retry_on_deadlock
def update(context, service_id, values):
    with db_api.writer.using(context) as session:
        service = session.get(Service, service_id)
        if service is None:
            raise exception.SecurityServiceNotFound(
                security_service_id=service_id)
        for key, value in values.items():
            setattr(service, key, value)
        service.updated_at = timeutils.utcnow()
    return get(context, service_id)


@db_api.retry_on_deadlock
def destroy(context, service_id):
    """Delete a service no share network uses (403 otherwise, as Manila)."""
    link = models.ShareNetworkSecurityService
    with db_api.writer.using(context) as session:
        used = session.scalar(sa.select(sa.exists().where(
            link.security_service_id == service_id)))
        if used:
            raise exception.ForbiddenAction(
                message='Security service %s is associated with share '
                        'networks and cannot be deleted.' % service_id)
        session.execute(sa.delete(Service).where(Service.id == service_id))
