"""Queries on QoS types (2.94) and their specs.

A QoS type belongs to no project: administrators write them, everyone
reads them. A share type names one by its ``default_qos_type`` extra
spec; a share created from such a type records the QoS type's id on its
instance, and a QoS type shares still record cannot be deleted.
"""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite.db import resource_metadata
from manila_lite import exception

QosType = models.QosType
Spec = models.QosTypeSpec

SORT_KEYS = ('id', 'name', 'description', 'created_at', 'updated_at')


def create(context, name, description=None, specs=None):
    with db_api.writer.using(context) as session:
        qos_type = QosType(name=name, description=description)
        qos_type.qos_specs = [Spec(key=k, value=v)
                              for k, v in (specs or {}).items()]
        session.add(qos_type)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.QosTypeExists(name=name)
        return qos_type


def get(context, qos_type_id):
    with db_api.reader.using(context) as session:
        qos_type = session.get(QosType, qos_type_id)
        if qos_type is None:
            raise exception.QosTypeNotFound(qos_type_id=qos_type_id)
        return qos_type


def get_by_name(context, name):
    """The QoS type called ``name``, or None."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(QosType).where(QosType.name == name)).first()


def get_all(context, filters=None, sort_key='created_at', sort_dir='desc',
            limit=None, offset=None):
    """QoS types; ``filters`` may hold name, description (exact) and
    name~, description~ (substrings, any case)."""
    filters = filters or {}
    if sort_key not in SORT_KEYS:
        raise exception.InvalidInput(
            reason="Wrong sorting key provided - '%s'." % sort_key)
    column = getattr(QosType, sort_key)
    query = sa.select(QosType).order_by(
        column.desc() if sort_dir == 'desc' else column.asc(), QosType.id)
    for key in ('name', 'description'):
        if key in filters:
            query = query.where(getattr(QosType, key) == filters[key])
        if key + '~' in filters:
            query = query.where(getattr(QosType, key).ilike(
                '%' + filters[key + '~'] + '%'))
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()


def update(context, qos_type_id, values):
    with db_api.writer.using(context) as session:
        qos_type = session.get(QosType, qos_type_id)
        if qos_type is None:
            raise exception.QosTypeNotFound(qos_type_id=qos_type_id)
        for key, value in values.items():
            setattr(qos_type, key, value)
        session.flush()
        return qos_type


@db_api.retry_on_deadlock
def destroy(context, qos_type_id):
    """Delete a QoS type and its specs; 400 while shares use it.

    The row is locked first, so a share created meanwhile (which reads
    the type by name) either sees it gone or is counted here.
    """
    with db_api.writer.using(context) as session:
        found = session.scalar(
            sa.select(QosType.id).where(QosType.id == qos_type_id)
            .with_for_update())
        if found is None:
            raise exception.QosTypeNotFound(qos_type_id=qos_type_id)
        in_use = session.scalar(sa.select(sa.exists().where(
            models.ShareInstance.qos_type_id == qos_type_id)))
        if in_use:
            raise exception.QosTypeInUse(qos_type_id=qos_type_id)
        # Children first: no database is asked to null a NOT NULL key.
        session.execute(sa.delete(Spec).where(Spec.qos_type_id ==
                                              qos_type_id))
        session.execute(sa.delete(QosType).where(QosType.id == qos_type_id))


# The specs: rows of one key each, as metadata tables have them.
spec_items = resource_metadata.MetadataTable(
    Spec, 'qos_type_id', missing='QoS type spec %(key)s could not be found.')


def set_specs(context, qos_type_id, values):
    """Add or change specs of an existing QoS type (404 for none)."""
    get(context, qos_type_id)
    spec_items.update(context, qos_type_id, values)
