"""User messages: what went wrong asynchronously, told to the project."""

import datetime

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception

Message = models.Message
MESSAGE_TTL = datetime.timedelta(days=30)


def create(context, project_id, resource_type, resource_id, action_id,
           detail_id, level='ERROR'):
    with db_api.writer.using(context) as session:
        add_in(session, context, project_id, resource_type, resource_id,
               action_id, detail_id, level)


def add_in(session, context, project_id, resource_type, resource_id,
           action_id, detail_id, level='ERROR'):
    """create() in the caller's transaction: the message appears with the
    status change it explains, never after it."""
    session.add(Message(
        project_id=project_id, request_id=context.request_id,
        resource_type=resource_type, resource_id=resource_id,
        action_id=action_id, detail_id=detail_id, message_level=level,
        expires_at=timeutils.utcnow() + MESSAGE_TTL))


def get(context, message_id):
    with db_api.reader.using(context) as session:
        query = sa.select(Message).where(Message.id == message_id)
        if not context.is_admin:
            query = query.where(Message.project_id == context.project_id)
        message = session.scalars(query).first()
        if message is None:
            raise exception.NotFound('Message %s could not be found.'
                                     % message_id)
        return message


SORT_KEYS = ('id', 'project_id', 'request_id', 'resource_type',
             'resource_id', 'action_id', 'detail_id', 'message_level',
             'created_at', 'expires_at')
FILTERS = ('resource_type', 'resource_id', 'action_id', 'detail_id',
           'message_level', 'request_id')


def get_all(context, filters, limit=None, offset=None, sort_key='created_at',
            sort_dir='desc'):
    """Messages of the caller's project (any project with ``all_tenants``
    for admins); ``created_since``/``created_before`` take datetimes."""
    if sort_key not in SORT_KEYS:
        raise exception.InvalidInput(
            reason="Wrong sorting key provided - '%s'." % sort_key)
    column = getattr(Message, sort_key)
    with db_api.reader.using(context) as session:
        query = sa.select(Message).order_by(
            column.desc() if sort_dir == 'desc' else column.asc(),
            Message.id)
        if not (context.is_admin and filters.get('all_tenants')):
            query = query.where(Message.project_id == context.project_id)
        for key in FILTERS:
            if key in filters:
                query = query.where(getattr(Message, key) == filters[key])
        if filters.get('created_since') is not None:
            query = query.where(Message.created_at >= filters['created_since'])
        if filters.get('created_before') is not None:
            query = query.where(
                Message.created_at <= filters['created_before'])
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return session.scalars(query).all()


def destroy(context, message_id):
    get(context, message_id)
    with db_api.writer.using(context) as session:
        session.execute(sa.delete(Message).where(Message.id == message_id))
