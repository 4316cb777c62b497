"""Reads of share instances for the administrators' instance API (2.3+).

Each share has one instance here (no replicas, no migration); the rows
are those db.shares writes. Instances come with their export locations
and the locations' metadata, which the instance views and the instance
export location views show.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import recycle_bin as bin_db
from manila_lite.db import shares as share_db
from manila_lite import exception

Instance = models.ShareInstance
Share = models.Share

_WITH_LOCATIONS = orm.selectinload(Instance.export_locations)


def get(context, instance_id):
    """One instance, or 404."""
    with db_api.reader.using(context) as session:
        instance = session.scalars(
            sa.select(Instance).where(Instance.id == instance_id)
            .options(_WITH_LOCATIONS)).first()
        if instance is None:
            raise exception.ShareInstanceNotFound(
                share_instance_id=instance_id)
        return instance


def get_all(context, filters):
    """Instances matching ``filters``, oldest first.

    ``export_location_id`` / ``export_location_path``: instances holding
    that location; ``host``: that host@backend#pool, or every pool of a
    host@backend; ``share_server_id``; ``is_soft_deleted``: instances of
    shares in the recycle bin, else (by default) of shares not in it.
    """
    query = (sa.select(Instance).join(Share, Share.id == Instance.share_id)
             .options(_WITH_LOCATIONS)
             .order_by(Instance.created_at, Instance.id))
    if 'export_location_id' in filters or 'export_location_path' in filters:
        query = query.where(share_db.holding_location(filters))
    if filters.get('host'):
        query = query.where(db_api.on_host(Instance.host, filters['host']))
    if filters.get('share_server_id'):
        query = query.where(
            Instance.share_server_id == filters['share_server_id'])
    query = query.where(
        bin_db.soft_deleted(bool(filters.get('is_soft_deleted'))))
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()
