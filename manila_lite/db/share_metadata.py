"""Share metadata: the key/value pairs users attach to their shares."""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite import exception
from manila_lite.db import api as db_api
from manila_lite.db import models

Item = models.ShareMetadata


def get(context, share_id):
    with db_api.reader.using(context) as session:
        rows = session.execute(sa.select(Item.key, Item.value)
                               .where(Item.share_id == share_id)).all()
    return dict(rows)


def get_item(context, share_id, key):
    with db_api.reader.using(context) as session:
        value = session.scalar(sa.select(Item.value).where(
            Item.share_id == share_id, Item.key == key))
    if value is None:
        raise exception.NotFound('Metadata item is not found.')
    return value


@db_api.retry_on_deadlock
def update(context, share_id, metadata, replace=False):
    """Set the items of ``metadata``; with ``replace`` drop all others.

    Returns the share's metadata afterwards.
    """
    with db_api.writer.using(context) as session:
        existing = {item.key: item for item in session.scalars(
            sa.select(Item).where(Item.share_id == share_id)
            .with_for_update())}
        if replace:
            for key in set(existing) - set(metadata):
                session.delete(existing.pop(key))
        for key, value in metadata.items():
            if key in existing:
                if existing[key].value != value:
                    existing[key].value = value
                    existing[key].updated_at = timeutils.utcnow()
            else:
                session.add(Item(share_id=share_id, key=key, value=value))
        session.flush()
        return dict(session.execute(sa.select(Item.key, Item.value)
                                    .where(Item.share_id == share_id)).all())


@db_api.retry_on_deadlock
def delete_item(context, share_id, key):
    """Remove one item; 404 when the share has no such key."""
    with db_api.writer.using(context) as session:
        deleted = session.execute(sa.delete(Item).where(
            Item.share_id == share_id, Item.key == key)).rowcount
    if not deleted:
        raise exception.NotFound('Metadata item is not found.')
