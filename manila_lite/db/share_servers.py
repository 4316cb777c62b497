"""Queries on share servers, their subnet mappings and network allocations."""

import datetime

from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import shares as share_db
from manila_lite import exception
from manila_lite import states

Server = models.ShareServer
Mapping = models.ShareServerSubnetMapping
Allocation = models.NetworkAllocation
Instance = models.ShareInstance


def details(server):
    return jsonutils.loads(server.backend_details or '{}')


@db_api.retry_on_deadlock
def create(context, values, subnet_ids):
    server = Server(status=states.CREATING, **values)
    server.subnet_mappings = [Mapping(share_network_subnet_id=sid)
                              for sid in subnet_ids]
    with db_api.writer.using(context) as session:
        session.add(server)
    return get(context, server.id)


def get(context, server_id):
    with db_api.reader.using(context) as session:
        server = session.get(Server, server_id)
        if server is None:
            raise exception.ShareServerNotFound(share_server_id=server_id)
        return server


def get_all(context, filters=None):
    filters = filters or {}
    with db_api.reader.using(context) as session:
        query = sa.select(Server).order_by(Server.created_at.desc(),
                                           Server.id)
        for key in ('host', 'status', 'share_network_id', 'project_id'):
            if filters.get(key):
                query = query.where(getattr(Server, key) == filters[key])
        if filters.get('share_network_subnet_id'):
            query = query.where(sa.exists().where(
                Mapping.share_server_id == Server.id,
                Mapping.share_network_subnet_id ==
                filters['share_network_subnet_id']))
        return session.scalars(query).all()


def on_host(context, host, statuses, share_network_id=None):
    with db_api.reader.using(context) as session:
        query = sa.select(Server).where(Server.host == host,
                                        Server.status.in_(statuses))
        if share_network_id:
            query = query.where(Server.share_network_id == share_network_id)
        return session.scalars(query.order_by(Server.created_at)).all()


@db_api.retry_on_deadlock
def transition(context, server_id, target, values=None, sources=None,
               force=False):
    sources = states.narrowed(states.SHARE_SERVER, target, sources, force)
    values = dict(values or {}, status=target, updated_at=timeutils.utcnow())
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Server)
            .where(Server.id == server_id, Server.status.in_(sources))
            .values(**values)).rowcount == 1


@db_api.retry_on_deadlock
def start_delete_if_unused(context, server_id, sources=None):
    """Move a server holding no share to ``deleting``, in one statement,
    so no share can be placed on it in between."""
    if sources is None:
        sources = states.sources(states.SHARE_SERVER, states.DELETING)
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Server)
            .where(Server.id == server_id, Server.status.in_(sources),
                   ~sa.exists().where(Instance.share_server_id == server_id))
            .values(status=states.DELETING, updated_at=timeutils.utcnow())
            .execution_options(synchronize_session=False)).rowcount == 1


@db_api.retry_on_deadlock
def set_details(context, server_id, backend_details, identifier=None):
    with db_api.writer.using(context) as session:
        values = {'backend_details': jsonutils.dumps(backend_details or {}),
                  'updated_at': timeutils.utcnow()}
        if identifier:
            values['identifier'] = identifier
        session.execute(sa.update(Server).where(Server.id == server_id)
                        .values(**values))


@db_api.retry_on_deadlock
def destroy(context, server_id):
    with db_api.writer.using(context) as session:
        server = session.get(Server, server_id)
        if server is not None:
            session.delete(server)


@db_api.retry_on_deadlock
def add_mapping(context, server_id, subnet_id):
    with db_api.writer.using(context) as session:
        exists = session.scalar(sa.select(sa.exists().where(
            Mapping.share_server_id == server_id,
            Mapping.share_network_subnet_id == subnet_id)))
        if not exists:
            session.add(Mapping(share_server_id=server_id,
                                share_network_subnet_id=subnet_id))


def instance_count(context, server_id):
    with db_api.reader.using(context) as session:
        return session.scalar(sa.select(sa.func.count()).where(
            Instance.share_server_id == server_id))


def instances(context, server_id):
    from sqlalchemy import orm
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Instance).where(Instance.share_server_id == server_id)
            .options(orm.joinedload(Instance.share))).all()


@db_api.retry_on_deadlock
def replace_export_locations(context, instance_id, locations):
    """New exports of a share whose server changed its addresses."""
    with db_api.writer.using(context) as session:
        share_db._replace_export_locations(session, instance_id, locations)


@db_api.retry_on_deadlock
def set_instance_server(context, instance_id, server_id):
    """Put an instance on a server that is still active; False if the
    server started going away meanwhile."""
    with db_api.writer.using(context) as session:
        return session.execute(
            sa.update(Instance)
            .where(Instance.id == instance_id,
                   sa.exists().where(Server.id == server_id,
                                     Server.status == states.ACTIVE))
            .values(share_server_id=server_id)
            .execution_options(synchronize_session=False)).rowcount == 1


def unused(context, host, older_than):
    """Active auto-deletable servers of ``host`` holding no share since
    ``older_than`` seconds."""
    since = timeutils.utcnow() - datetime.timedelta(seconds=older_than)
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Server).where(
                Server.host == host, Server.status == states.ACTIVE,
                Server.is_auto_deletable.is_(True),
                sa.func.coalesce(Server.updated_at,
                                 Server.created_at) <= since,
                ~sa.exists().where(Instance.share_server_id == Server.id))
        ).all()


# -- network allocations ------------------------------------------------------

def allocations(context, server_id, subnet_id=None):
    with db_api.reader.using(context) as session:
        query = sa.select(Allocation).where(
            Allocation.share_server_id == server_id)
        if subnet_id:
            query = query.where(
                Allocation.share_network_subnet_id == subnet_id)
        return session.scalars(query.order_by(Allocation.created_at,
                                              Allocation.ip_address)).all()


def used_addresses(context, cidr):
    with db_api.reader.using(context) as session:
        return set(session.scalars(sa.select(Allocation.ip_address).where(
            Allocation.cidr == cidr)))


@db_api.retry_on_deadlock
def add_allocations(context, rows):
    """Insert allocations; IntegrityError when an address got taken."""
    with db_api.writer.using(context) as session:
        for row in rows:
            session.add(Allocation(**row))


@db_api.retry_on_deadlock
def delete_allocations(context, allocation_ids):
    if not allocation_ids:
        return
    with db_api.writer.using(context) as session:
        session.execute(sa.delete(Allocation).where(
            Allocation.id.in_(list(allocation_ids))))


def orphaned_allocations(context, host):
    """Allocations of ``host``'s servers whose subnet is gone (a forced
    subnet deletion the share manager had not finished)."""
    subnet = models.ShareNetworkSubnet
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Allocation).join(
                Server, Server.id == Allocation.share_server_id)
            .where(Server.host == host,
                   Allocation.share_network_subnet_id.is_not(None),
                   ~sa.exists().where(
                       subnet.id == Allocation.share_network_subnet_id))
        ).all()
