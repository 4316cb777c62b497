"""Key/value metadata of shares, snapshots (2.73) and export locations
(2.87).

The tables have one shape: one row per key, unique per parent, removed by
the database when the parent goes.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception


class MetadataTable:
    """Queries on one metadata table, rows keyed by ``parent_column``."""

    def __init__(self, model, parent_column,
                 missing='Metadata item %(key)s is not found.'):
        self.model = model
        self.parent = getattr(model, parent_column)
        self.parent_column = parent_column
        self.missing = missing

    def _not_found(self, key):
        return exception.NotFound(self.missing % {'key': key})

    def get(self, context, parent_id):
        with db_api.reader.using(context) as session:
            rows = session.execute(
                sa.select(self.model.key, self.model.value)
                .where(self.parent == parent_id)).all()
        return dict(rows)

    def get_item(self, context, parent_id, key):
        with db_api.reader.using(context) as session:
            value = session.scalar(sa.select(self.model.value).where(
                self.parent == parent_id, self.model.key == key))
        if value is None:
            raise self._not_found(key)
        return value

    def update(self, context, parent_id, metadata, replace=False):
        """Set the items of ``metadata``; with ``replace`` drop all others.

        Returns the metadata afterwards.
        """
        return db_api.retry_on_deadlock(self._update)(
            context, parent_id, metadata, replace)

    def _update(self, context, parent_id, metadata, replace):
        with db_api.writer.using(context) as session:
            existing = {item.key: item for item in session.scalars(
                sa.select(self.model).where(self.parent == parent_id)
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
                    session.add(self.model(
                        key=key, value=value,
                        **{self.parent_column: parent_id}))
            session.flush()
            return dict(session.execute(
                sa.select(self.model.key, self.model.value)
                .where(self.parent == parent_id)).all())

    def delete_item(self, context, parent_id, key):
        """Remove one item; 404 when the parent has no such key."""
        return db_api.retry_on_deadlock(self._delete_item)(
            context, parent_id, key)

    def _delete_item(self, context, parent_id, key):
        with db_api.writer.using(context) as session:
            deleted = session.execute(sa.delete(self.model).where(
                self.parent == parent_id, self.model.key == key)).rowcount
        if not deleted:
            raise self._not_found(key)


# Manila's share metadata 404 does not name the key.
shares = MetadataTable(models.ShareMetadata, 'share_id',
                       missing='Metadata item is not found.')
snapshots = MetadataTable(models.ShareSnapshotMetadata, 'snapshot_id')
export_locations = MetadataTable(models.ExportLocationMetadata,
                                 'export_location_id')
